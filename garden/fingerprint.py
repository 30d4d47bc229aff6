"""A build's fingerprint: everything it reads, known by stamps alone.

When the fingerprint is the last build's, the build would write the same site
byte for byte, so `garden build` answers with what the last build found and
does nothing else: no cache to load, no note to look at. This is the warm
build's shortcut; any doubt (a file saved just now, a site folder that is not
whole) means a real build.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import pickle
import time
from dataclasses import dataclass
from typing import Any

from .config import Config
from .discover import RACY_NS, Walk, ignore_matcher, walk
from .gitdates import head_stamp
from .resources import default_dir
from .state import STAMP, digest
from .write import MARKER

FILE = "last-build.pickle"


@dataclass
class LastBuild:
    fingerprint: str
    result: Any  # the BuildResult it returned


def take(config: Config, walked: Walk) -> str | None:
    """The digest of every input's stamp, or None when a stamp cannot be trusted (a file modified
    within the file system's clock tick of now could change again without its stamp changing).
    `walked`: what `walk_content` found just now."""
    now = time.time_ns()
    found, _ = walked
    stamps = []
    for root in (config.root / "templates", default_dir("templates"), config.root / "static", default_dir("static")):
        for folder, _, names in os.walk(root):
            stamps += [os.path.join(folder, name) for name in names]
    files = [(rel, stat) for rel, _, stat in found] + [(path, os.stat(path)) for path in stamps]
    if any(now - stat.st_mtime_ns < RACY_NS for _, stat in files):
        return None
    seen = hashlib.blake2b(digest_size=16)
    seen.update(digest(STAMP, config, dt.date.today(), head_stamp(config.content_dir) if config.git_dates else None)
                .encode())
    for name, stat in sorted(files, key=lambda f: f[0]):
        seen.update(f"{name}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode("utf-8", "surrogateescape"))
    return seen.hexdigest()


def walk_content(config: Config) -> Walk:
    """The content folder's files with their stamps; `discover` takes the same walk, so that a build
    that is not skipped does not walk the folder twice."""
    return walk(config.content_dir.resolve(), ignore_matcher(config.ignore))


def unchanged(config: Config, fingerprint: str | None) -> Any | None:
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


def remember(config: Config, fingerprint: str | None, result: Any) -> None:
    if fingerprint is None:
        return
    temporary = config.cache_dir / f".{FILE}.{os.getpid()}"
    try:
        temporary.write_bytes(pickle.dumps(LastBuild(fingerprint, result), protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(temporary, config.cache_dir / FILE)
    except OSError:  # only the next build's shortcut is lost
        temporary.unlink(missing_ok=True)
