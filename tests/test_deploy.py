"""`garden deploy`: the site as one commit on gh-pages, pushed to a bare repository; refusals."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from garden.cli import main
from garden.write import MARKER

from .conftest import isolate_git, write_garden

NOTES = {"a.md": "# A\n\nSee [[b]].\n", "b.md": "# B\n\nBee.\n", "folder/c.md": "# C\n\nSea.\n"}


def git(cwd: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


@pytest.fixture(autouse=True)
def git_identity(monkeypatch, tmp_path):
    isolate_git(monkeypatch, tmp_path)


@pytest.fixture
def repo(tmp_path, monkeypatch) -> Path:
    """A garden in a git repository (branch main, one commit) whose origin is a bare repository."""
    root = tmp_path / "garden"
    write_garden(root, NOTES)
    (root / ".gitignore").write_text("/public/\n/.public-cache/\n")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "notes")
    git(tmp_path, "init", "-q", "--bare", "remote.git")
    git(root, "remote", "add", "origin", "../remote.git")  # relative, as the user would type it
    monkeypatch.chdir(root)
    return root


def remote(tmp_path: Path) -> Path:
    return tmp_path / "remote.git"


def tree_files(git_dir: Path, ref: str) -> dict[str, bytes]:
    names = git(git_dir, "ls-tree", "-r", "-z", "--name-only", ref).split("\0")
    return {name: subprocess.run(["git", "cat-file", "blob", f"{ref}:{name}"], cwd=git_dir, capture_output=True,
                                 check=True).stdout for name in names if name}


def site_files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()}


def user_state(root: Path) -> tuple[str, ...]:
    """Everything of the user's that a deploy must not change."""
    return (git(root, "rev-parse", "HEAD"), git(root, "symbolic-ref", "HEAD"), git(root, "status", "--porcelain"),
            git(root, "diff"), git(root, "diff", "--cached"), git(root, "stash", "list"))


def test_deploy_help_has_an_example(capsys):
    with pytest.raises(SystemExit) as done:
        main(["deploy", "--help"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    assert "example: garden deploy --remote origin" in out
    for flag in ("--remote", "--branch", "--dry-run", "--message", "--strict", "--base-url", "--output"):
        assert flag in out


def test_gh_pages_holds_exactly_the_built_site(repo, tmp_path, capsys):
    assert main(["deploy"]) == 0
    out = capsys.readouterr().out
    published = tree_files(remote(tmp_path), "gh-pages")
    built = site_files(repo / "public")
    assert MARKER in built and MARKER not in published  # the writer's marker is not part of the site
    del built[MARKER]
    assert published == built
    assert ".nojekyll" in published and "404.html" in published and "a/index.html" in published
    assert not any(name.startswith(("content/", "garden.yaml", ".gitignore")) for name in published)
    commit = git(remote(tmp_path), "rev-parse", "gh-pages")
    assert git(remote(tmp_path), "rev-list", "--count", "gh-pages") == "1"
    assert git(repo, "rev-parse", "gh-pages") == commit  # the local branch follows what was pushed
    head = git(repo, "rev-parse", "HEAD")
    assert git(remote(tmp_path), "log", "-1", "--format=%s", "gh-pages") == \
        f"garden deploy: site built from {head[:12]} (main)"
    assert f"committed {len(built)} files" in out and "pushed 'gh-pages' to 'origin'" in out


def test_users_branch_index_and_work_tree_are_untouched(repo, tmp_path):
    (repo / "content" / "a.md").write_text("# A\n\nEdited, not committed.\n")
    (repo / "content" / "staged.md").write_text("staged\n")
    git(repo, "add", "content/staged.md")
    (repo / "scratch.txt").write_text("an untracked file of the user's\n")
    before = user_state(repo)
    assert main(["deploy"]) == 0
    assert user_state(repo) == before
    assert (repo / "scratch.txt").read_text() == "an untracked file of the user's\n"
    published = tree_files(remote(tmp_path), "gh-pages")
    assert "scratch.txt" not in published and "content/staged.md" not in published
    assert b"Edited, not committed." in published["a/index.html"]  # the site is built from the work tree
    assert "staged/index.html" in published


def test_a_second_deploy_without_changes_makes_no_commit(repo, tmp_path, capsys):
    assert main(["deploy"]) == 0
    first = git(remote(tmp_path), "rev-parse", "gh-pages")
    capsys.readouterr()
    assert main(["deploy"]) == 0
    out = capsys.readouterr().out
    assert f"nothing changed since the last deploy ({first[:12]}): no new commit" in out
    assert "'origin' is up to date" in out
    assert git(remote(tmp_path), "rev-parse", "gh-pages") == first
    assert git(repo, "rev-parse", "gh-pages") == first


def test_a_change_is_one_new_commit_on_top(repo, tmp_path):
    assert main(["deploy"]) == 0
    first = git(remote(tmp_path), "rev-parse", "gh-pages")
    (repo / "content" / "b.md").unlink()
    (repo / "content" / "d.md").write_text("# D\n\nNew.\n")
    assert main(["deploy", "--message", "Publish D"]) == 0
    second = git(remote(tmp_path), "rev-parse", "gh-pages")
    assert second != first
    assert git(remote(tmp_path), "rev-parse", "gh-pages^") == first
    assert git(remote(tmp_path), "log", "-1", "--format=%s", "gh-pages") == "Publish D"
    published = tree_files(remote(tmp_path), "gh-pages")
    assert "d/index.html" in published and "b/index.html" not in published  # old pages do not linger


def test_builds_on_the_remote_branch_when_only_the_remote_has_it(repo, tmp_path, monkeypatch):
    assert main(["deploy"]) == 0
    first = git(remote(tmp_path), "rev-parse", "gh-pages")
    other = tmp_path / "other"  # another machine: same remote, never fetched, no local gh-pages
    write_garden(other, {**NOTES, "e.md": "# E\n"})
    git(other, "init", "-q", "-b", "main")
    git(other, "remote", "add", "origin", str(remote(tmp_path)))
    monkeypatch.chdir(other)
    assert main(["deploy"]) == 0
    assert git(remote(tmp_path), "rev-parse", "gh-pages^") == first  # a fast-forward, not a new root
    assert "e/index.html" in tree_files(remote(tmp_path), "gh-pages")


def test_dry_run_shows_what_would_be_pushed_and_changes_nothing(repo, tmp_path, capsys):
    before = user_state(repo)
    assert main(["deploy", "--dry-run"]) == 0
    out = capsys.readouterr().out
    files = len(site_files(repo / "public")) - 1  # without the marker
    assert f"would commit {files} files (" in out and "to 'gh-pages' as its first commit" in out
    assert "would push 'gh-pages' to 'origin'" in out
    assert "dry run: nothing committed, nothing pushed" in out
    assert git(remote(tmp_path), "branch", "--list") == ""
    assert git(repo, "branch", "--list", "gh-pages") == ""
    assert user_state(repo) == before

    assert main(["deploy"]) == 0
    (repo / "content" / "d.md").write_text("# D\n")
    capsys.readouterr()
    assert main(["deploy", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "  A d/index.html" in out and "  M index.html" in out
    assert "  A pagefind/0/fragment/" in out  # the search index, remade by the build, finds the new note


def test_other_remote_and_branch_cname_and_base_url(repo, tmp_path, capsys):
    git(tmp_path, "init", "-q", "--bare", "mirror.git")
    git(repo, "remote", "add", "mirror", "../mirror.git")
    (repo / "garden.yaml").write_text("title: Test Garden\ngit_dates: false\ncname: notes.example.org\n")
    assert main(["deploy", "--remote", "mirror", "--branch", "site", "--base-url", "https://notes.example.org"]) == 0
    published = tree_files(tmp_path / "mirror.git", "site")
    assert published["CNAME"] == b"notes.example.org\n"
    assert b"<loc>https://notes.example.org/a/</loc>" in published["sitemap.xml"]
    assert git(remote(tmp_path), "branch", "--list") == ""  # origin untouched
    assert "pushed 'site' to 'mirror'" in capsys.readouterr().out


def test_the_users_ignore_rules_do_not_drop_site_files(repo, tmp_path):
    (tmp_path / "ignore-everything").write_text("*.html\n*.xml\n.nojekyll\n")
    git(repo, "config", "core.excludesFile", str(tmp_path / "ignore-everything"))
    assert main(["deploy"]) == 0
    published = tree_files(remote(tmp_path), "gh-pages")
    assert {"index.html", "sitemap.xml", ".nojekyll"} <= set(published)


def test_refuses_outside_a_git_repository(tmp_path, monkeypatch, capsys):
    write_garden(tmp_path / "plain", NOTES)
    monkeypatch.chdir(tmp_path / "plain")
    assert main(["deploy"]) == 2
    err = capsys.readouterr().err
    assert f"garden: not a git repository: {tmp_path / 'plain'}\n" in err
    assert not (tmp_path / "plain" / "public").exists()  # refused before building


def test_refuses_a_remote_that_does_not_exist(repo, capsys):
    assert main(["deploy", "--remote", "upstream"]) == 2
    assert "garden: remote 'upstream' does not exist (remotes: 'origin')\n" in capsys.readouterr().err
    git(repo, "remote", "remove", "origin")
    assert main(["deploy"]) == 2
    assert "garden: remote 'origin' does not exist (remotes: none)\n" in capsys.readouterr().err


def test_refuses_when_the_build_has_errors(repo, tmp_path, capsys):
    (repo / "content" / "bad.md").write_text("---\ntags: [unclosed\n---\ntext\n")
    assert main(["deploy"]) == 1
    err = capsys.readouterr().err
    assert "content/bad.md:2: error: front-matter is not valid YAML" in err  # printed as the build prints it
    assert "garden: not deploying: the build has 1 error\n" in err
    assert git(remote(tmp_path), "branch", "--list") == ""
    assert git(repo, "branch", "--list", "gh-pages") == ""


def test_strict_makes_warnings_refuse_the_deploy(repo, tmp_path, capsys):
    (repo / "content" / "a.md").write_text("[[nowhere]]\n")
    assert main(["deploy", "--strict"]) == 1
    err = capsys.readouterr().err
    assert "content/a.md:1: error: broken link: [[nowhere]] matches no note" in err
    assert "garden: not deploying: the build has 1 error\n" in err
    assert git(remote(tmp_path), "branch", "--list") == ""
    assert main(["deploy"]) == 0  # without --strict a warning does not stop it


def test_refuses_a_branch_that_is_checked_out(repo, capsys):
    git(repo, "checkout", "-q", "-b", "gh-pages")
    assert main(["deploy"]) == 2
    assert "garden: branch 'gh-pages' is checked out in " in capsys.readouterr().err


def test_the_site_stays_locked_until_the_push_is_done(repo, monkeypatch):
    """A build started while a deploy commits and pushes would change the site under it: it is refused."""
    from garden import deploy
    from garden.config import load_config
    from garden.lock import SiteLocked, site_lock

    config = load_config(None)
    publish = deploy.publish
    refused = []

    def publish_while_another_build_starts(plan, message):
        with pytest.raises(SiteLocked):
            with site_lock(config.output_dir, config.cache_dir):
                pass
        refused.append(True)
        return publish(plan, message)

    monkeypatch.setattr(deploy, "publish", publish_while_another_build_starts)
    assert main(["deploy"]) == 0
    assert refused == [True]
    with site_lock(config.output_dir, config.cache_dir):  # released once the deploy is over
        pass
