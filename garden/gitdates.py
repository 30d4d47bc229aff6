"""Dates from git history: when each file was first and last committed.

One `git log` over the whole content folder, not one per note, so it stays
cheap at thousands of notes. Outside a repository it returns nothing.
"""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path


def git_dates(content_dir: Path) -> dict[str, tuple[dt.date, dt.date]]:
    """Map a path relative to `content_dir` to (first commit date, last commit date)."""
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
