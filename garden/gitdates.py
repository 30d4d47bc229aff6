"""Dates from git history: when each file was first and last committed.

One `git log` over the whole content folder, not one per note, so it stays
cheap at thousands of notes. Outside a repository it returns nothing.
"""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path


def git_dates(content_dir: Path) -> dict[str, tuple[dt.date, dt.date]]:
    """Map a path relative to `content_dir` to (first commit date, last commit date).

    Asked again with no new commit since (the preview rebuilds on every save), the last answer is reused."""
    head = head_stamp(content_dir)
    remembered = _last.get(content_dir)
    if head is not None and remembered is not None and remembered[0] == head:
        return remembered[1]
    dates = _read_dates(content_dir)
    if head is not None:
        _last[content_dir] = (head, dates)
    return dates


_last: dict[Path, tuple[tuple, dict]] = {}  # content folder -> (its repository's head, the dates then)


def head_stamp(content_dir: Path) -> tuple | None:
    """What changes with every commit, checkout or reset: the stamps of HEAD and of the refs it may name.
    None when the repository cannot be found this way (a worktree's `.git` file, no repository)."""
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
    return None


def _read_dates(content_dir: Path) -> dict[str, tuple[dt.date, dt.date]]:
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
