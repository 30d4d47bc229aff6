"""`garden init`: a new garden that builds cleanly, refuses a non-empty folder, never overwrites, and serves."""

from __future__ import annotations

import http.client
import os
import re
import socket
import subprocess
import sys
import time
from dataclasses import fields
from pathlib import Path

import pytest
import yaml

from garden.cli import main
from garden.config import DEFAULT_IGNORE, Config, load_config
from garden.init import PLACEHOLDER_SOURCE, STARTER, init_garden, starter_files

from .conftest import REPO

STARTER_FILES = {
    "garden.yaml", ".gitignore", ".github/workflows/pages.yml",
    "content/index.md", "content/welcome.md", "content/ideas/evergreen-notes.md",
    "content/coin_flips.py", "content/coin_flips.c7fc1049.chart.json",
}


def files_under(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


def test_init_then_strict_build_succeeds(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["init", "my-garden"]) == 0
    out = capsys.readouterr().out
    assert "next: cd my-garden && garden serve" in out
    garden = tmp_path / "my-garden"
    assert files_under(garden) == STARTER_FILES
    assert load_config(garden / "garden.yaml").title == "My Garden"  # from the folder's name

    monkeypatch.chdir(garden)
    assert main(["build", "--strict"]) == 0
    err = capsys.readouterr().err
    assert "0 warnings, 0 errors" in err and "→ public" in err
    site = garden / "public"
    welcome = (site / "welcome" / "index.html").read_text(encoding="utf-8")
    # every syntax the welcome note shows came out as such
    for made in ('class="internal"', 'class="embed"', "callout-tip", 'class="tag"', "<math", '<figure class="chart"'):
        assert made in welcome, made
    assert 'class="missing' not in welcome  # no broken link or embed
    assert (site / "ideas" / "evergreen-notes" / "index.html").exists()


def test_the_build_leaves_nothing_git_would_commit(tmp_path, monkeypatch):
    """The starter's .gitignore covers what a build makes: the site and its cache."""
    init_garden(tmp_path / "g")
    monkeypatch.chdir(tmp_path / "g")
    assert main(["build", "--quiet"]) == 0
    subprocess.run(["git", "init", "-q"], check=True)
    status = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], capture_output=True,
                            text=True, check=True).stdout
    assert {line[3:] for line in status.splitlines()} == STARTER_FILES


def test_a_non_empty_folder_is_refused_and_nothing_is_written(tmp_path, monkeypatch, capsys):
    target = tmp_path / "notes"
    target.mkdir()
    (target / "todo.md").write_text("mine")
    monkeypatch.chdir(tmp_path)
    assert main(["init", "notes"]) == 2
    err = capsys.readouterr().err
    assert "garden: notes is not empty, so garden init wrote nothing" in err and "--force" in err
    assert files_under(target) == {"todo.md"}


def test_a_file_is_refused(tmp_path, monkeypatch, capsys):
    (tmp_path / "x").write_text("")
    monkeypatch.chdir(tmp_path)
    assert main(["init", "x"]) == 2
    assert "is a file" in capsys.readouterr().err


def test_force_adds_what_is_missing_and_overwrites_nothing(tmp_path, monkeypatch, capsys):
    (tmp_path / "content").mkdir()
    (tmp_path / "garden.yaml").write_text("title: Mine\n")
    (tmp_path / "content" / "welcome.md").write_text("my own welcome\n")
    monkeypatch.chdir(tmp_path)
    assert main(["init", "--force"]) == 0
    out = capsys.readouterr().out
    assert "kept    garden.yaml (already there)" in out and "created content/index.md" in out
    assert (tmp_path / "garden.yaml").read_text() == "title: Mine\n"
    assert (tmp_path / "content" / "welcome.md").read_text() == "my own welcome\n"
    assert files_under(tmp_path) == STARTER_FILES


def test_a_folder_with_only_git_counts_as_empty(tmp_path):
    subprocess.run(["git", "init", "-q", str(tmp_path / "g")], check=True)
    made = init_garden(tmp_path / "g", title="Notes: on things")
    assert set(made.written) == STARTER_FILES and not made.kept
    assert load_config(tmp_path / "g" / "garden.yaml").title == "Notes: on things"  # quoted as YAML needs


def test_starter_config_lists_every_option_with_its_default():
    text = (STARTER / "garden.yaml").read_text(encoding="utf-8")
    listed = {}
    for line in text.splitlines():
        found = re.match(r"^#? ?(\w+): (.*?)\s+# ", line)
        if found:
            listed[found[1]] = yaml.safe_load(found[2])
    defaults = Config()
    options = [f.name for f in fields(Config) if f.name not in ("root", "warnings")]
    assert sorted(listed) == sorted(options)
    for name in options:
        default = getattr(defaults, name)
        if name == "ignore":
            assert listed[name] == [] and default == DEFAULT_IGNORE  # the always-skipped patterns are not repeated
        else:
            assert listed[name] == default, name


def test_starter_workflow_is_the_repositorys_but_installs_garden_from_git():
    ours = (REPO / ".github" / "workflows" / "pages.yml").read_text(encoding="utf-8").splitlines()
    theirs = (STARTER / "dot-github" / "workflows" / "pages.yml").read_text(encoding="utf-8").splitlines()
    differ = [(a, b) for a, b in zip(ours, theirs) if a != b]
    assert len(ours) == len(theirs)
    assert [b.strip() for _, b in differ if not b.strip().startswith("#")] == [
        "cache-dependency-path: .github/workflows/pages.yml  # where garden's version is chosen",
        f'run: pip install "{PLACEHOLDER_SOURCE}"',
    ]
    workflow = yaml.safe_load("\n".join(theirs))
    assert any("garden build --strict" in step.get("run", "") for step in workflow["jobs"]["build"]["steps"])


def test_the_workflow_installs_garden_from_where_it_came(tmp_path):
    files = starter_files("T", "garden @ git+https://github.com/someone/garden@v1")
    workflow = files[".github/workflows/pages.yml"].decode()
    assert 'run: pip install "garden @ git+https://github.com/someone/garden@v1"' in workflow
    assert b"title: T " in files["garden.yaml"]


def test_init_help_has_an_example(capsys):
    with pytest.raises(SystemExit) as done:
        main(["init", "--help"])
    assert done.value.code == 0 and "example: garden init my-garden" in capsys.readouterr().out


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_init_then_serve_works_with_no_other_step(tmp_path):
    """The README's `garden init my-garden && cd my-garden && garden serve`, as separate processes."""
    garden = Path(sys.executable).parent / "garden"
    done = subprocess.run([str(garden), "init", "my-garden"], cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    port = free_port()
    server = subprocess.Popen([str(garden), "serve", "--port", str(port)], cwd=tmp_path / "my-garden",
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        status, page = 0, ""
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and server.poll() is None:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                conn.request("GET", "/welcome/")
                response = conn.getresponse()
                status, page = response.status, response.read().decode("utf-8")
                break
            except OSError:
                time.sleep(0.2)
        assert status == 200, server.stdout.read() if server.poll() is not None else "no answer"
        assert "<h1" in page and "Welcome" in page
    finally:
        server.terminate()
        try:
            server.wait(20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    assert os.path.exists(tmp_path / "my-garden" / "garden.yaml")


def test_the_checkouts_origin_becomes_an_https_url(tmp_path):
    from garden.init import _git_remote

    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    assert _git_remote(tmp_path) is None  # no origin: the placeholder stays
    subprocess.run(["git", "-C", str(tmp_path), "remote", "add", "origin", "git@github.com:me/garden.git"], check=True)
    assert _git_remote(tmp_path) == "https://github.com/me/garden.git"
