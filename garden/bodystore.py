"""Rendered bodies, each stored whole under its digest: its record, then its HTML.

On disk (in the build cache) a body is one file named by its digest: worker
processes write their own results, a warm build reads none, and a build
reads just the bodies it needs. The file holds the record's length (8 bytes),
the pickled record, then the pickled HTML: either is read without the other.
Without a folder (`garden check`), the store is a plain dict. The preview,
whose site and cache live apart from `garden build`'s, reads the bodies that
build stored (`shared`) and keeps its own in its own folder: it never writes
or removes another's.
"""

from __future__ import annotations

import os
import pickle
from collections import OrderedDict
from pathlib import Path

from .errors import CacheMismatch
from .models import BodyHtml, NoteBody


class DamagedStore(CacheMismatch):
    """A stored body could not be read back (a truncated or overwritten cache file)."""

MEMORY_ITEMS = 256  # recently read bodies kept, for notes embedded in many others


class BodyStore:
    def __init__(self, folder: Path | None, shared: Path | None = None):
        """`shared`: another store's folder, read for a body this one lacks."""
        self.folder = folder
        self.shared = shared
        self.memory: dict[str, tuple[NoteBody, BodyHtml]] = {}
        self.recent: OrderedDict[str, BodyHtml] = OrderedDict()
        if folder:
            folder.mkdir(parents=True, exist_ok=True)

    def put(self, body: NoteBody, html: BodyHtml) -> None:
        if self.folder is None:
            self.memory[body.digest] = (body, html)
            return
        path = self._path(body.digest)
        if path.exists():  # content-addressed: the same digest is the same body
            return
        path.parent.mkdir(exist_ok=True)
        temporary = path.with_name(f".{path.name}.{os.getpid()}")
        record = pickle.dumps(body, protocol=pickle.HIGHEST_PROTOCOL)
        with temporary.open("wb") as handle:
            handle.write(len(record).to_bytes(8, "little"))
            handle.write(record)
            pickle.dump(html, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, path)

    def record(self, digest: str) -> NoteBody:
        """The body's record, without its HTML."""
        if self.folder is None:
            return self.memory[digest][0]
        return self._read(digest, html=False)

    def html(self, digest: str) -> BodyHtml:
        if self.folder is None:
            return self.memory[digest][1]
        html = self.recent.get(digest)
        if html is None:
            html = self.recent[digest] = self._read(digest, html=True)
            if len(self.recent) > MEMORY_ITEMS:
                self.recent.popitem(last=False)
        return html

    def _read(self, digest: str, html: bool):
        """The record, or (`html`) the HTML, of the stored body."""
        read = None
        try:
            with self._open(digest) as handle:
                length = int.from_bytes(handle.read(8), "little")
                if html:
                    handle.seek(length, os.SEEK_CUR)
                    read = pickle.load(handle)
                else:
                    read = pickle.loads(handle.read(length))
        except Exception:  # truncated, garbage, gone: the whole cache is suspect
            pass
        if not isinstance(read, BodyHtml if html else NoteBody):
            raise DamagedStore(f"the build cache in {self.folder.parent} was damaged; "  # type: ignore[union-attr]
                               "rebuilding everything")
        return read

    def has(self, digest: str) -> bool:
        if self.folder is None:
            return digest in self.memory
        return any(os.path.exists(path) for path in self._places(digest))

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

    def _places(self, digest: str) -> list[str]:
        """Where the body may be: this store's folder, then the shared one. (Strings: `has` runs for every note.)"""
        return [os.path.join(folder, digest[:2], digest) for folder in (self.folder, self.shared) if folder]

    def _open(self, digest: str):
        *first, last = self._places(digest)
        for path in first:
            try:
                return open(path, "rb")
            except FileNotFoundError:
                continue
        return open(last, "rb")
