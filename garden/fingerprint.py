"""A build's fingerprint: everything it reads, known by stamps alone.

When the fingerprint is the last build's, the build would write the same site
byte for byte, so `garden build` answers with what the last build found and
does nothing else: no cache to load, no note to look at. This is the warm
build's shortcut; any doubt (a file saved just now, a site folder that is not
whole) means a real build. A build that began on files saved just now takes
the fingerprint again as it ends, once their stamps can be trusted.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import pickle
import time
from contextlib import AbstractContextManager
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import Callable

from .config import Config
from .discover import RACY_NS, Walk, file_digest, ignore_matcher, walk
from .forked import in_child
from .gitdates import head_stamp
from .models import SourceFile
from .resources import default_dir
from .result import BuildResult
from .state import STAMP, digest
from .write import MARKER

FILE = "last-build.pickle"


@dataclass
class LastBuild:
    fingerprint: str
    result: BuildResult


@dataclass
class Inputs:
    """What a build reads, as found when it began."""

    walked: Walk  # the content folder's files with their stamps (discover reuses the walk)
    stamps: list[tuple[str, int, int]]  # (name, size, mtime in ns): notes and files by path in the garden;
    # templates and static files by full path
    taken_ns: int  # when they were looked at
    context: str  # digest of the rest a build depends on: garden's version, the configuration, the date, git
    fingerprint: str | None  # their digest, or None when a stamp cannot be trusted yet


def look(config: Config) -> Inputs:
    """Every input's stamp, and their fingerprint: None when a stamp cannot be trusted (a file modified
    within the file system's clock tick of now could change again without its stamp changing)."""
    walked = walk_content(config)
    now = time.time_ns()
    stamps = [(rel, size, mtime_ns) for rel, _, size, mtime_ns in walked[0]]
    for root in (config.root / "templates", default_dir("templates"), config.root / "static", default_dir("static")):
        for folder, _, names in os.walk(root):
            for path in (os.path.join(folder, name) for name in names):
                stat = os.stat(path)
                stamps.append((path, stat.st_size, stat.st_mtime_ns))
    stamps.sort(key=lambda item: item[0])
    context = _context(config)
    if any(now - mtime_ns < RACY_NS for _, _, mtime_ns in stamps):
        return Inputs(walked, stamps, now, context, None)
    return Inputs(walked, stamps, now, context, _fingerprint(context, stamps))


def _context(config: Config) -> str:
    return digest(STAMP, config, dt.date.today(), head_stamp(config.content_dir) if config.git_dates else None)


def _fingerprint(context: str, stamps: list[tuple[str, int, int]]) -> str:
    seen = hashlib.blake2b(context.encode(), digest_size=16)
    for name, size, mtime_ns in stamps:
        seen.update(f"{name}\0{size}\0{mtime_ns}\n".encode("utf-8", "surrogateescape"))
    return seen.hexdigest()


def looking_ahead(config: Config) -> AbstractContextManager[Callable[[], Inputs] | None]:
    """`look(config)` begun in a child process (see forked.py), so that this one goes on meanwhile: loading
    the build's stages takes longer than walking 10,000 files, and the machine has a core to spare."""
    return in_child(partial(look, config))


def shortcut(config: Config, started: float, looked: Callable[[], Inputs] | None = None) \
        -> tuple[Inputs, BuildResult | None]:
    """What a build would read (`looked()`, when a look began ahead); and, when the last build read just
    that and its site is still there, what that build found (with the time since `started`): a build now
    would do nothing else."""
    inputs = looked() if looked is not None else look(config)
    last = unchanged(config, inputs.fingerprint)
    if last is None:
        return inputs, None
    seconds = time.perf_counter() - started
    return inputs, replace(last, written=0, rendered_notes=0, rendered_pages=0, notices=[], seconds=seconds,
                           timings={"nothing changed": seconds})


def settle(config: Config, before: Inputs, used: dict[str, SourceFile]) -> str | None:
    """The fingerprint of a build that began with inputs too fresh to trust (`before.fingerprint` is None),
    taken as it ends, when their stamps have aged: a build run just after saving (or cloning, or
    generating) the garden is then remembered too. Only the files that were fresh are looked at again:
    each must still have its stamp, and hold what the build read (a fresh template means None). A file
    changed while the build ran needs no look: its stamp is new, so the next build's fingerprint differs.
    `used`: the files as the build read them, by path in the garden."""
    fresh = [stamp for stamp in before.stamps if before.taken_ns - stamp[2] < RACY_NS]
    if time.time_ns() - max((mtime_ns for _, _, mtime_ns in fresh), default=0) < RACY_NS:
        return None  # still fresh (a short build: an edit's, say)
    if _context(config) != before.context:
        return None
    for name, size, mtime_ns in fresh:
        source = used.get(name)  # (templates and static files are not among them)
        if source is None:
            return None
        try:
            now = os.stat(source.path)
            if (now.st_size, now.st_mtime_ns) != (size, mtime_ns) \
                    or file_digest(Path(source.path).read_bytes()) != source.digest:
                return None
        except OSError:
            return None
    return _fingerprint(before.context, before.stamps)


def walk_content(config: Config) -> Walk:
    """The content folder's files with their stamps; `discover` takes the same walk, so that a build
    that is not skipped does not walk the folder twice."""
    return walk(config.content_dir.resolve(), ignore_matcher(config.ignore))


def unchanged(config: Config, fingerprint: str | None) -> BuildResult | None:
    """The last build's result, if its fingerprint is this one and the site it wrote is still there."""
    if fingerprint is None or not (config.output_dir / MARKER).exists():
        return None
    try:
        last = pickle.loads((config.cache_dir / FILE).read_bytes())
    except Exception:  # none, or unreadable: a real build will tell
        return None
    return last.result if isinstance(last, LastBuild) and last.fingerprint == fingerprint else None


def forget(config: Config) -> None:
    """Said before a real build: until it ends well, no earlier result stands for the site."""
    (config.cache_dir / FILE).unlink(missing_ok=True)


def remember(config: Config, fingerprint: str | None, result: BuildResult) -> None:
    if fingerprint is None:
        return
    temporary = config.cache_dir / f".{FILE}.{os.getpid()}"
    try:
        temporary.write_bytes(pickle.dumps(LastBuild(fingerprint, result), protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(temporary, config.cache_dir / FILE)
    except OSError:  # only the next build's shortcut is lost
        temporary.unlink(missing_ok=True)
