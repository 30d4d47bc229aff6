"""Rendered bodies' HTML, stored by digest so that only small records stay in memory.

On disk (in the build cache) a body is one file named by its digest: worker
processes write their own results, a warm build reads none, and a page
render reads just the bodies it shows. Without a folder (`garden check`),
the store is a plain dict.
"""

from __future__ import annotations

import os
import pickle
from collections import OrderedDict
from pathlib import Path

from .errors import CacheMismatch
from .models import BodyHtml


class DamagedStore(CacheMismatch):
    """A stored body could not be read back (a truncated or overwritten cache file)."""

MEMORY_ITEMS = 256  # recently read bodies kept, for notes embedded in many others


class BodyStore:
    def __init__(self, folder: Path | None):
        self.folder = folder
        self.memory: dict[str, BodyHtml] = {}
        self.recent: OrderedDict[str, BodyHtml] = OrderedDict()
        if folder:
            folder.mkdir(parents=True, exist_ok=True)

    def put(self, digest: str, html: BodyHtml) -> None:
        if self.folder is None:
            self.memory[digest] = html
            return
        path = self._path(digest)
        if path.exists():  # content-addressed: the same digest is the same HTML
            return
        path.parent.mkdir(exist_ok=True)
        temporary = path.with_name(f".{path.name}.{os.getpid()}")
        temporary.write_bytes(pickle.dumps(html, protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(temporary, path)

    def get(self, digest: str) -> BodyHtml:
        if self.folder is None:
            return self.memory[digest]
        html = self.recent.get(digest)
        if html is None:
            try:
                html = pickle.loads(self._path(digest).read_bytes())
            except Exception:  # truncated, garbage, gone: the whole cache is suspect
                raise DamagedStore(f"the build cache in {self.folder.parent} was damaged; "  # type: ignore[union-attr]
                                   "rebuilding everything") from None
            if not isinstance(html, BodyHtml):
                raise DamagedStore(f"the build cache in {self.folder.parent} was damaged; "  # type: ignore[union-attr]
                                   "rebuilding everything")
            self.recent[digest] = html
            if len(self.recent) > MEMORY_ITEMS:
                self.recent.popitem(last=False)
        return html

    def has(self, digest: str) -> bool:
        if self.folder is None:
            return digest in self.memory
        return os.path.exists(os.path.join(self.folder, digest[:2], digest))  # (os.path: runs for every note)

    def prune(self, keep: set[str]) -> None:
        """Remove bodies no note refers to any more."""
        if self.folder is None:
            self.memory = {d: h for d, h in self.memory.items() if d in keep}
            return
        for shard in self.folder.iterdir():
            if shard.is_dir():
                for path in shard.iterdir():
                    if path.name not in keep:
                        path.unlink(missing_ok=True)

    def discard(self, digests: set[str]) -> None:
        """Remove these bodies (no note refers to them any more)."""
        for digest in digests:
            if self.folder is None:
                self.memory.pop(digest, None)
            else:
                self._path(digest).unlink(missing_ok=True)

    def _path(self, digest: str) -> Path:
        return self.folder / digest[:2] / digest  # type: ignore[operator]
