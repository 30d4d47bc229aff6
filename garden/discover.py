"""Find the garden's files. Knows nothing of Markdown."""

from __future__ import annotations

import fnmatch
import hashlib
import os
import re
import time
from pathlib import Path

from .errors import Diagnostic
from .models import SourceFile

RACY_NS = 2_000_000_000  # a file modified this recently is read again next time, whatever its stamp says


def discover(content_dir: Path, ignore: tuple[str, ...],
             known: dict[str, SourceFile] | None = None) -> tuple[list[SourceFile], list[Diagnostic]]:
    """Every file under `content_dir` not matched by an ignore glob, sorted by path.

    A file in `known` (the last build's) whose size and modification time are
    unchanged keeps its digest without being read again, as make and git do.
    Symlinks are followed only while they stay inside the garden; one that
    points out of it is skipped with a warning, so a link can never publish
    a file from elsewhere on the machine.
    """
    root = content_dir.resolve()
    known = known or {}
    files: list[SourceFile] = []
    problems: list[Diagnostic] = []
    ignored = _ignore_matcher(ignore)
    seen_dirs: set[str] = set()
    pending = [(str(root), "")]
    while pending:
        folder, rel_dir = pending.pop()
        real = os.path.realpath(folder)
        if real in seen_dirs:  # a symlink back up the tree
            continue
        seen_dirs.add(real)
        try:
            entries = list(os.scandir(folder))
        except OSError as exc:
            problems.append(Diagnostic(rel_dir or ".", 0, "error", f"cannot read folder: {exc.strerror}"))
            continue
        for entry in entries:  # (strings, not Paths: this loop runs for every file on every build)
            name = entry.name
            rel = f"{rel_dir}/{name}" if rel_dir else name
            if ignored(rel.lower()) or ignored(name.lower()):
                continue
            if entry.is_symlink() and not _inside(Path(entry.path), root):
                problems.append(Diagnostic(rel, 0, "warning", "symlink points outside the garden; skipped"))
                continue
            try:
                if entry.is_dir():
                    pending.append((entry.path, rel))
                    continue
                stat = entry.stat()
            except OSError as exc:
                problems.append(Diagnostic(rel, 0, "error", f"cannot read file: {exc.strerror}"))
                continue
            if name.split(".")[0].upper() in _WINDOWS_RESERVED:
                problems.append(Diagnostic(rel, 0, "warning", f"'{name}' is a reserved name on Windows: "
                                                              "the garden cannot be checked out there",
                                           "rename the file"))
            stamp = (stat.st_size, stat.st_mtime_ns)
            previous = known.get(rel)
            if previous is not None and previous.stamp == stamp and str(previous.path) == entry.path:
                files.append(previous)
                continue
            path = Path(entry.path)
            try:
                data = path.read_bytes()
            except OSError as exc:
                problems.append(Diagnostic(rel, 0, "error", f"cannot read file: {exc.strerror}"))
                continue
            if time.time_ns() - stat.st_mtime_ns < RACY_NS:
                # Modified just now: a second save within the clock's tick (same size, same time) would look
                # unchanged next time. As git does with "racily clean" entries, trust such a stamp never.
                stamp = (-1, -1)
            files.append(SourceFile(rel, path, hashlib.blake2b(data, digest_size=16).hexdigest(), stat.st_mtime,
                                    stamp))
    files.sort(key=lambda f: f.rel)
    return files, problems


def _ignore_matcher(patterns: tuple[str, ...]):
    """One compiled regex for all the ignore globs (matched against lowercased names and paths)."""
    if not patterns:
        return lambda text: False
    return re.compile("|".join(fnmatch.translate(p.lower()) for p in patterns)).match


def _inside(path: Path, root: Path) -> bool:
    try:
        return path.resolve().is_relative_to(root)
    except (OSError, RuntimeError):  # a symlink loop
        return False


_WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}
