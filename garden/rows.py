"""A table of the build cache whose rows are unpickled one by one, when first read.

Loading every note's record of a garden of 10,000 notes takes longer than
the rest of a build after an edit, which reads a few of them. So the cache
keeps such a table as its rows' pickles (`packed`), and a build reads the
rows it asks for. A build changes a copy (`copy()`: its own rows set and
removed, over the same packed rows), so what changed since the cache was
written is known without comparing rows: the journal (statefile.py) keeps
just that.

A pass over every row is correct but slower than unpickling the table whole:
the passes a build after an edit makes are kept to the rows it touches.
"""

from __future__ import annotations

import pickle
from typing import Any, Iterator, Mapping, MutableMapping

_ABSENT = object()


class Rows(MutableMapping[str, Any]):
    def __init__(self, packed: dict[str, bytes]):
        self.packed = packed  # key -> pickled row, as the cache holds them; never changed, shared by copies
        self._unpacked: dict[str, Any] = {}  # rows of `packed` read so far, shared by copies (the same rows)
        self.changed: dict[str, Any] = {}  # key -> row set since the table was read: this copy's own
        self.removed: set[str] = set()  # keys of `packed` deleted since: this copy's own

    @classmethod
    def pack(cls, table: Mapping[str, Any], earlier: Rows | None = None) -> Rows:
        """The table as the cache keeps it: each row pickled, except a row still packed, or the very row
        `earlier` (the table as read from the cache) read: they keep their pickles.
        The rows it was made from stay at hand, as read."""
        if isinstance(table, Rows):
            packed = {key: blob for key, blob in table.packed.items()
                      if key not in table.removed and key not in table.changed}
            packed.update(_packed_rows(table.changed))
            rows = cls({key: packed[key] for key in table})  # in the table's order
            rows._unpacked = {**{k: v for k, v in table._unpacked.items() if k in rows.packed}, **table.changed}
            return rows
        read = earlier._unpacked if earlier is not None else {}
        rows = cls({key: earlier.packed[key] if read.get(key, _ABSENT) is row else _pickled(row)  # type: ignore
                    for key, row in table.items()})
        rows._unpacked = dict(table)
        return rows

    def __reduce__(self) -> tuple:
        packed = self if not self.changed and not self.removed else Rows.pack(self)
        return Rows, (packed.packed,)

    def __getitem__(self, key: str) -> Any:
        row = self.changed.get(key, _ABSENT)
        if row is not _ABSENT:
            return row
        if key in self.removed:
            raise KeyError(key)
        row = self._unpacked.get(key, _ABSENT)
        if row is _ABSENT:
            row = self._unpacked[key] = pickle.loads(self.packed[key])
        return row

    def __contains__(self, key: object) -> bool:
        return key in self.changed or (key in self.packed and key not in self.removed)

    def __iter__(self) -> Iterator[str]:
        """The packed rows in their order (one set anew keeps its place), then the new ones."""
        for key in self.packed:
            if key not in self.removed:
                yield key
        for key in self.changed:
            if key not in self.packed:
                yield key

    def __len__(self) -> int:
        return len(self.packed) - len(self.removed) + sum(1 for key in self.changed if key not in self.packed)

    def __setitem__(self, key: str, row: Any) -> None:
        self.changed[key] = row
        self.removed.discard(key)

    def __delitem__(self, key: str) -> None:
        if key not in self:
            raise KeyError(key)
        self.changed.pop(key, None)
        if key in self.packed:
            self.removed.add(key)

    def copy(self) -> Rows:
        """To change without changing this one; a row either reads is read once."""
        copy = Rows(self.packed)
        copy._unpacked = self._unpacked
        copy.changed, copy.removed = dict(self.changed), set(self.removed)
        return copy

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Mapping) and dict(self.items()) == dict(other.items())

    def __repr__(self) -> str:
        return f"Rows({len(self)} rows, {len(self.changed)} changed, {len(self.removed)} removed)"


def _packed_rows(table: Mapping[str, Any]) -> dict[str, bytes]:
    return {key: _pickled(row) for key, row in table.items()}


def _pickled(row: Any) -> bytes:
    return pickle.dumps(row, protocol=pickle.HIGHEST_PROTOCOL)
