"""Dates from git history: a note without dates in its front-matter takes its first and last commit's."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from pathlib import Path

import pytest

from garden import gitdates
from garden.pipeline import build_site
from garden.statefile import load_state

from .conftest import write_garden

pytestmark = pytest.mark.skipif(subprocess.run(["git", "--version"], capture_output=True).returncode != 0,
                                reason="git is not installed")


def _commit(folder: Path, message: str, day: str) -> None:
    stamp = f"{day}T12:00:00+00:00"
    env = {**os.environ, "GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp}
    for command in (["add", "-A"], ["-c", "user.name=T", "-c", "user.email=t@example.org", "commit", "-qm", message]):
        subprocess.run(["git", *command], cwd=folder, env=env, check=True, capture_output=True)


@pytest.fixture
def git_runs(monkeypatch) -> list[Path]:
    """The folders git was asked about, build by build."""
    asked: list[Path] = []
    original = gitdates._read_dates
    monkeypatch.setattr(gitdates, "_read_dates", lambda folder: asked.append(folder) or original(folder))
    return asked


def test_dates_come_from_the_first_and_last_commit_and_git_runs_again_only_after_a_commit(tmp_path, git_runs):
    config = write_garden(tmp_path, {"a.md": "First words.\n", "b.md": "---\ncreated: 2020-05-05\n---\nDated.\n"},
                          "title: T\nsearch: false\n")
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    _commit(tmp_path, "one", "2024-01-02")
    (config.content_dir / "a.md").write_text("First words, and more.\n")
    _commit(tmp_path, "two", "2024-03-04")
    build_site(config, jobs=1)
    assert len(git_runs) == 1
    a, b = (load_state(config.cache_dir).indexed.notes[k] for k in ("a.md", "b.md"))
    assert (a.created, a.updated) == (dt.date(2024, 1, 2), dt.date(2024, 3, 4))
    assert b.created == dt.date(2020, 5, 5)  # the front-matter's own date wins
    # An edit, with no new commit: the dates the cache holds still hold, and git is not asked again.
    (config.content_dir / "a.md").write_text("First words, and more, and an edit.\n")
    assert build_site(config, jobs=1).rendered_notes == 1
    assert len(git_runs) == 1
    # A commit changes the dates: git is asked again.
    _commit(tmp_path, "three", "2024-05-06")
    (config.content_dir / "a.md").write_text("Edited after the commit.\n")
    build_site(config, jobs=1)
    assert len(git_runs) == 2
    assert load_state(config.cache_dir).indexed.notes["a.md"].updated == dt.date(2024, 5, 6)


def test_outside_a_repository_git_is_never_run(tmp_path, git_runs, monkeypatch):
    monkeypatch.delenv("GIT_DIR", raising=False)
    monkeypatch.setattr(gitdates, "head_stamp", lambda folder: ())  # (tmp_path may sit inside some repository)
    config = write_garden(tmp_path, {"a.md": "Words.\n"}, "title: T\nsearch: false\n")
    build_site(config, jobs=1)
    assert git_runs == []
