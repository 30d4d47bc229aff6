"""Find the garden's files. Knows nothing of Markdown."""

from __future__ import annotations

import fnmatch
import hashlib
import os
import re
import time
from pathlib import Path
from typing import Callable

from .errors import Diagnostic
from .models import SourceFile

RACY_NS = 2_000_000_000  # a file modified this recently is read again next time, whatever its stamp says


def discover(content_dir: Path, ignore: tuple[str, ...], known: dict[str, SourceFile] | None = None,
             only: set[str] | None = None, walked: Walk | None = None) -> tuple[list[SourceFile], list[Diagnostic]]:
    """Every file under `content_dir` not matched by an ignore glob, sorted by path.

    A file in `known` (the last build's) whose size and modification time are
    unchanged keeps its digest without being read again, as make and git do.
    Symlinks are followed only while they stay inside the garden; one that
    points out of it is skipped with a warning, so a link can never publish
    a file from elsewhere on the machine.

    `only`: the paths that changed since `known` was found (with no problem), when
    the caller knows them: just those are looked at, unless only a walk can tell.
    `walked`: what `walk` just found there, when the caller has walked the folder already.
    """
    root = content_dir.resolve()
    known = known or {}
    ignored = ignore_matcher(ignore)
    if only is not None and known:
        rechecked = _recheck(root, ignored, known, only)
        if rechecked is not None:
            return rechecked, []
    found, problems = walked if walked is not None else walk(root, ignored)
    problems = list(problems)
    files: list[SourceFile] = []
    for rel, path, size, mtime_ns in found:
        try:
            files.append(_source(rel, path, size, mtime_ns, known.get(rel)))
        except OSError as exc:
            problems.append(Diagnostic(rel, 0, "error", f"cannot read file: {exc.strerror}"))
    files.sort(key=lambda f: f.rel)
    return files, problems


# (path in the garden, path, size, modification time in ns) of each file, and the problems met on the way.
# Plain numbers, not stat results: a walk is handed from process to process (see fingerprint.look_ahead).
Walk = tuple[list[tuple[str, str, int, int]], list[Diagnostic]]


def walk(root: Path, ignored: Callable[[str], object]) -> Walk:
    """Every file below the (resolved) `root` that `ignored` lets through, in no set order."""
    found = []
    problems: list[Diagnostic] = []
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
            found.append((rel, entry.path, stat.st_size, stat.st_mtime_ns))
    return found, problems


def _source(rel: str, path: str, size: int, mtime_ns: int, previous: SourceFile | None) -> SourceFile:
    """The file as found: the last build's record if its stamp is unchanged, else read and digested."""
    stamp = (size, mtime_ns)
    if previous is not None and previous.stamp == stamp and previous.path == path:
        return previous
    data = Path(path).read_bytes()
    if time.time_ns() - mtime_ns < RACY_NS:
        # Modified just now: a second save within the clock's tick (same size, same time) would look
        # unchanged next time. As git does with "racily clean" entries, trust such a stamp never.
        stamp = (-1, -1)
    return SourceFile(rel, path, file_digest(data), mtime_ns / 1e9, stamp)


def file_digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def _recheck(root: Path, ignored, known: dict[str, SourceFile], paths: set[str]) -> list[SourceFile] | None:
    """The last build's files with just `paths` looked at again (the preview's watcher names them),
    or None when only a walk can tell: a folder or a symlink among them, or a file that cannot be read."""
    files = dict(known)  # in order of their paths, as a walk leaves them
    added = False
    for path in paths:
        rel = os.path.relpath(path, root)
        if rel == "." or rel.startswith(".."):
            if rel == ".":
                return None
            continue  # not in the content folder (a template, the configuration)
        rel = rel.replace(os.sep, "/")
        parts = rel.split("/")
        if any(ignored(part.lower()) or ignored("/".join(parts[: i + 1]).lower()) for i, part in enumerate(parts)):
            continue
        if any(os.path.islink(os.path.join(root, *parts[: i + 1])) for i in range(len(parts))):
            return None
        try:
            stat = os.stat(path)
        except FileNotFoundError:
            if rel not in files and any(k.startswith(rel + "/") for k in files):
                return None  # a folder gone
            files.pop(rel, None)
            continue
        except OSError:
            return None
        if not os.path.isfile(path) or parts[-1].split(".")[0].upper() in _WINDOWS_RESERVED:
            return None
        added = added or rel not in files
        try:
            files[rel] = _source(rel, path, stat.st_size, stat.st_mtime_ns, files.get(rel))
        except OSError:
            return None
    return sorted(files.values(), key=lambda f: f.rel) if added else list(files.values())


def ignore_matcher(patterns: tuple[str, ...]) -> Callable[[str], object]:
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
