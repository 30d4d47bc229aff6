"""Find the garden's files. Knows nothing of Markdown."""

from __future__ import annotations

import fnmatch
import hashlib
import os
from pathlib import Path

from .errors import Diagnostic
from .models import SourceFile


def discover(content_dir: Path, ignore: tuple[str, ...]) -> tuple[list[SourceFile], list[Diagnostic]]:
    """Every file under `content_dir` not matched by an ignore glob, sorted by path.

    Symlinks are followed only while they stay inside the garden; one that
    points out of it is skipped with a warning, so a link can never publish
    a file from elsewhere on the machine.
    """
    root = content_dir.resolve()
    files: list[SourceFile] = []
    problems: list[Diagnostic] = []
    patterns = tuple(p.lower() for p in ignore)
    seen_dirs: set[Path] = set()
    for dirpath, dirnames, filenames in os.walk(root, followlinks=True):
        here = Path(dirpath)
        if here.resolve() in seen_dirs:  # a symlink back up the tree
            dirnames[:] = []
            continue
        seen_dirs.add(here.resolve())
        rel_dir = here.relative_to(root).as_posix() if here != root else ""
        kept = []
        for name in sorted(dirnames):
            rel = f"{rel_dir}/{name}" if rel_dir else name
            if _ignored(rel, name, patterns):
                continue
            if not _inside(here / name, root):
                problems.append(Diagnostic(rel, 0, "warning", "symlink points outside the garden; skipped"))
                continue
            kept.append(name)
        dirnames[:] = kept
        for name in sorted(filenames):
            rel = f"{rel_dir}/{name}" if rel_dir else name
            if _ignored(rel, name, patterns):
                continue
            path = here / name
            if not _inside(path, root):
                problems.append(Diagnostic(rel, 0, "warning", "symlink points outside the garden; skipped"))
                continue
            try:
                data = path.read_bytes()
                mtime = path.stat().st_mtime
            except OSError as exc:
                problems.append(Diagnostic(rel, 0, "error", f"cannot read file: {exc.strerror}"))
                continue
            files.append(SourceFile(rel, path, hashlib.blake2b(data, digest_size=16).hexdigest(), mtime))
    files.sort(key=lambda f: f.rel)
    return files, problems


def _ignored(rel: str, name: str, patterns: tuple[str, ...]) -> bool:
    rel, name = rel.lower(), name.lower()
    return any(fnmatch.fnmatchcase(name, p) or fnmatch.fnmatchcase(rel, p) for p in patterns)


def _inside(path: Path, root: Path) -> bool:
    try:
        return path.resolve().is_relative_to(root)
    except (OSError, RuntimeError):  # a symlink loop
        return False
