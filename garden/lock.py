"""One writer at a time: a lock file in the build cache, held while a build writes the site and the cache.

Two `garden build` (or `deploy`) runs in one garden would otherwise write one
site and one cache at once. The second is refused at once, naming the first,
rather than made to wait: a build can take minutes, and a command that hangs
without saying why is worse than one that says "try again". The lock is an
advisory `flock`, so it is released by the system when its process ends, however
it ends; a lock file left behind by a killed build blocks nothing. It lives in
the cache folder (beside the output, ignored by git), never in the site.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from .errors import GardenError

try:
    import fcntl
except ImportError:  # Windows: no flock; builds are not serialised there
    fcntl = None  # type: ignore[assignment]


class SiteLocked(GardenError):
    """Another build is writing this output folder."""


LOCK_FILE = "build.lock"


@contextmanager
def site_lock(output: Path, cache_dir: Path) -> Iterator[None]:
    """Hold the lock of the site at `output` (kept in `cache_dir`) for the duration,
    or raise SiteLocked naming the process that holds it."""
    if fcntl is None:
        yield
        return
    cache_dir.mkdir(parents=True, exist_ok=True)
    handle = os.open(cache_dir / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(handle, 32, 0).decode("ascii", "replace").strip() or "unknown"
            raise SiteLocked(f"another garden build is writing {output.name}/ (pid {holder}); "
                             "try again when it has finished") from None
        os.ftruncate(handle, 0)
        os.pwrite(handle, f"{os.getpid()}\n".encode(), 0)
        yield
    finally:
        os.close(handle)  # releases the lock; the file stays, meaning nothing until the next build locks it
