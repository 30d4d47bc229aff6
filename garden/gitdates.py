"""Dates from git history: when each file was first and last committed.

One `git log` over the whole content folder, not one per note, so it stays
cheap at thousands of notes. Outside a repository it returns nothing.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Mapping

Dates = Mapping[str, tuple[dt.date, dt.date]]  # path relative to the content folder -> (first, last commit date)


def git_dates(content_dir: Path, last: tuple[tuple | None, Dates] | None = None) -> tuple[tuple | None, Dates]:
    """(the repository's head stamp, each file's first and last commit dates).

    `last`: what an earlier call returned. With no commit, checkout or reset since (the head stamp is
    the same), it still holds and is returned as it is: git is not run (`git log` over a long history
    would cost every build, and the preview rebuilds on every save)."""
    head = head_stamp(content_dir)
    if head is not None and last is not None and last[0] == head:
        return last
    return head, ({} if head == () else _read_dates(content_dir))


def head_stamp(content_dir: Path) -> tuple | None:
    """What changes with every commit, checkout or reset: the stamps of HEAD and of the refs it may name.
    () when there is no repository; None when it cannot be found this way (a worktree's `.git` file,
    GIT_DIR set)."""
    if "GIT_DIR" in os.environ:
        return None
    for folder in (content_dir.resolve(), *content_dir.resolve().parents):
        git = folder / ".git"
        if git.is_dir():
            stamps = []
            for name in ("HEAD", "packed-refs", "logs/HEAD"):
                try:
                    stat = (git / name).stat()
                    stamps.append((name, stat.st_mtime_ns, stat.st_size))
                except OSError:
                    pass
            try:
                ref = (git / "HEAD").read_text().strip()
                if ref.startswith("ref: "):
                    stamps.append((ref, (git / ref[5:]).read_bytes()))
            except OSError:
                pass
            return tuple(stamps)
        if git.exists():
            return None
    return ()


def _read_dates(content_dir: Path) -> dict[str, tuple[dt.date, dt.date]]:
    import subprocess  # (only now: most builds ask git nothing)

    try:
        top = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=content_dir, capture_output=True,
                             text=True, timeout=30)
        if top.returncode != 0:
            return {}
        log = subprocess.run(
            ["git", "-c", "core.quotepath=off", "log", "--format=%x00%ct", "--name-only", "--no-renames",
             "--relative", "--", "."],
            cwd=content_dir, capture_output=True, text=True, timeout=120,
        )
    except (OSError, subprocess.SubprocessError):
        return {}
    if log.returncode != 0:
        return {}
    dates: dict[str, tuple[dt.date, dt.date]] = {}
    stamp = None
    for line in log.stdout.splitlines():  # newest commit first
        if line.startswith("\x00"):
            stamp = dt.datetime.fromtimestamp(int(line[1:]), dt.timezone.utc).date()
        elif line and stamp:
            first, last = dates.get(line, (stamp, stamp))
            dates[line] = (min(first, stamp), max(last, stamp))
    return dates
