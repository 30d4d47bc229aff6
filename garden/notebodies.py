"""Every published note's rendered body, by note key, without holding every body in memory.

A body's full record (links, headings, summary...) and its HTML live in the
body store, under the body's digest. What passes over the whole garden need
of every body stays at hand: its digest, its problems, its embeds and its
inline tags. So a build after an edit loads and saves those few small tables,
and reads from the store only the bodies of the notes it touches.
"""

from __future__ import annotations

from typing import Iterator, Mapping

from .bodystore import BodyStore
from .errors import Diagnostic
from .models import LinkRef, NoteBody


class NoteBodies(Mapping[str, NoteBody]):
    def __init__(self) -> None:
        self.digests: dict[str, str] = {}  # note key -> its body's digest, in the index's order
        self.problems: dict[str, tuple[Diagnostic, ...]] = {}  # only the bodies with some
        self.embeds: dict[str, tuple[LinkRef, ...]] = {}  # only the bodies with some
        self.tags: dict[str, tuple[str, ...]] = {}  # inline #tags, only the bodies with some
        self._records: dict[str, NoteBody] = {}  # digest -> record, of bodies read or rendered (shared by copies)
        self._store: BodyStore | None = None

    def read_from(self, store: BodyStore) -> None:
        """Where records not in memory are read from: this build's body store."""
        self._store = store

    def __getitem__(self, key: str) -> NoteBody:
        digest = self.digests[key]
        record = self._records.get(digest)
        if record is None:
            if self._store is None:
                raise KeyError(key)
            record = self._records[digest] = self._store.record(digest)
        return record

    def __iter__(self) -> Iterator[str]:
        return iter(self.digests)

    def __len__(self) -> int:
        return len(self.digests)

    def __contains__(self, key: object) -> bool:
        return key in self.digests

    def __setitem__(self, key: str, body: NoteBody) -> None:
        self._records[body.digest] = body
        self._set(key, body.digest, body.diagnostics, body.embeds, body.tags)

    def carry(self, key: str, other: NoteBodies) -> None:
        """Take the note's body from `other` (the last build's) as it is, without reading it."""
        self._set(key, other.digests[key], other.problems.get(key, ()), other.embeds.get(key, ()),
                  other.tags.get(key, ()))

    def _set(self, key: str, digest: str, problems: tuple, embeds: tuple, tags: tuple) -> None:
        self.digests[key] = digest
        for table, value in ((self.problems, problems), (self.embeds, embeds), (self.tags, tags)):
            if value:
                table[key] = value
            else:
                table.pop(key, None)

    def emptied(self) -> NoteBodies:
        """A mapping with no notes yet that reads records as this one does: a record either has read
        (say, to check a body is still valid) is not read again for the other."""
        empty = NoteBodies()
        empty._records, empty._store = self._records, self._store
        return empty

    def copy(self) -> NoteBodies:
        """To change without changing this one; records read by either are read once."""
        copy = self.emptied()
        copy.digests, copy.problems, copy.embeds, copy.tags = (dict(self.digests), dict(self.problems),
                                                               dict(self.embeds), dict(self.tags))
        return copy

    def in_order(self, keys: Iterator[str] | list[str]) -> NoteBodies:
        """The bodies of `keys` (all present here), in that order."""
        ordered = self.emptied()
        for key in keys:
            ordered.carry(key, self)
        return ordered

    def forget_others(self) -> None:
        """Drop the records in memory that no note of this mapping has any more (the preview keeps it)."""
        live = set(self.digests.values())
        if len(self._records) > len(live):
            self._records = {d: r for d, r in self._records.items() if d in live}

    def __getstate__(self) -> dict:
        """Pickled without the records: those are in the store."""
        return {"digests": self.digests, "problems": self.problems, "embeds": self.embeds, "tags": self.tags}

    def __setstate__(self, saved: dict) -> None:
        self.__init__()  # type: ignore[misc]
        self.__dict__.update(saved)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, NoteBodies) and self.__getstate__() == other.__getstate__()

    __hash__ = None  # type: ignore[assignment]
