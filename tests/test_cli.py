"""The command line: verbs, help, exit codes, and `python build.py` as a synonym."""

from __future__ import annotations

import subprocess
import sys

import pytest

from garden.cli import main

from .conftest import REPO, write_garden


@pytest.mark.parametrize("verb", ["build", "check", "new"])
def test_every_verb_has_help_with_an_example(verb, capsys):
    with pytest.raises(SystemExit) as done:
        main([verb, "--help"])
    assert done.value.code == 0
    assert "example: garden" in capsys.readouterr().out


def test_build_then_strict_exit_codes(tmp_path, monkeypatch, capsys):
    write_garden(tmp_path, {"a.md": "[[missing]]\n"})
    monkeypatch.chdir(tmp_path)
    assert main(["build"]) == 0
    assert main(["build", "--strict"]) == 1
    err = capsys.readouterr().err
    assert "content/a.md:1: error: broken link: [[missing]] matches no note" in err
    assert "1 notes, " in err and "→ public" in err


def test_bad_config_exits_2(tmp_path, monkeypatch, capsys):
    (tmp_path / "garden.yaml").write_text("output: [1]\n")
    monkeypatch.chdir(tmp_path)
    assert main(["build"]) == 2
    assert "'output': expected a string" in capsys.readouterr().err


def test_check_writes_nothing(tmp_path, monkeypatch):
    write_garden(tmp_path, {"a.md": "hello\n"})
    monkeypatch.chdir(tmp_path)
    assert main(["check"]) == 0
    assert not (tmp_path / "public").exists()


def test_flags_override_config(tmp_path, monkeypatch):
    write_garden(tmp_path, {"a.md": "hello\n"})
    notes = tmp_path / "content"
    monkeypatch.chdir(tmp_path)
    assert main(["build", "--content", str(notes), "--output", "site", "--base-url", "https://x.org/g"]) == 0
    assert "https://x.org/g/a/" in (tmp_path / "site" / "sitemap.xml").read_text()


def test_new_creates_a_note_and_never_overwrites(tmp_path, monkeypatch, capsys):
    write_garden(tmp_path, {})
    monkeypatch.chdir(tmp_path)
    assert main(["new", "Roofline Model", "--folder", "ai"]) == 0
    note = tmp_path / "content" / "ai" / "roofline-model.md"
    assert note.read_text().startswith("---\ntitle: Roofline Model\n")
    note.write_text("my words")
    assert main(["new", "Roofline Model", "--folder", "ai"]) == 2
    assert note.read_text() == "my words"
    assert "never overwrites" in capsys.readouterr().err


def test_build_py_is_garden(tmp_path):
    write_garden(tmp_path, {"a.md": "hello\n"})
    done = subprocess.run([sys.executable, str(REPO / "build.py"), "--output", "out"], cwd=tmp_path,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "out" / "a" / "index.html").exists()
    helped = subprocess.run([sys.executable, str(REPO / "build.py"), "build", "--help"], capture_output=True, text=True)
    assert "--base-url" in helped.stdout


def test_file_urls_make_links_work_from_disk(tmp_path, monkeypatch):
    write_garden(tmp_path, {"a.md": "[[b]]\n", "b.md": "b\n"})
    monkeypatch.chdir(tmp_path)
    assert main(["build", "--file-urls"]) == 0
    html = (tmp_path / "public" / "a" / "index.html").read_text()
    assert 'href="../b/index.html"' in html and 'href="../index.html"' in html
