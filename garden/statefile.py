"""The build state on disk, between `garden build` runs: a base, and a journal of what changed since.

Pickling the whole state costs about 0.15 s at 10,000 notes, and most of it is
tables with a row per note, file or page (the index's records, the link graph,
the pages' digests) and what is made from them (the resolver, the folder
tree). An edit replaces a few rows and keeps the rest. So the state is kept in
two files:

- the base: those tables (TABLES) and objects (ANCHORS), as some build left
  them, rewritten only when a build makes such an object anew (a note added,
  removed, renamed, or changed in how lists show it) or changes many rows;
- the journal, rewritten by every build: the rest of the state, and the rows
  of the tables that differ from the base's.

Rows are compared by identity: a table's values are never changed in place,
only replaced (a record that is reused is the very object loaded). The
tables of the notes' records (PACKED) are kept as their rows' pickles and
read row by row (rows.py): a build changes a copy, which knows its changed
rows. The journal names the base it applies to; a missing or mismatched
journal means the files are not a pair, and the cache is not used.
"""

from __future__ import annotations

import copy
import gc
import os
import pickle
import secrets
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .rows import Rows
from .state import STAMP, BuildState

BASE_FILE = "build-cache.pickle"
JOURNAL_FILE = "build-journal.pickle"
FILES = (BASE_FILE, JOURNAL_FILE)

AttrPath = tuple[str, ...]  # attribute names from the state down to a value
# Dicts by note, file or page, journaled row by row:
TABLES: tuple[AttrPath, ...] = (("metas",), ("files",), ("indexed", "notes"), ("graph", "backlinks"),
                                ("graph", "outgoing"), ("pages",), ("page_paths",))
PACKED: tuple[AttrPath, ...] = (("metas",), ("indexed", "notes"))  # read row by row (see rows.py)
# Kept in the base only: a build reuses them as they are, or makes them anew (and then a new base is written):
ANCHORS: tuple[AttrPath, ...] = (("resolver",), ("folders",), ("indexed", "resolver"), ("folders_of",),
                                 ("graph", "note_tags"), ("graph", "tag_notes"), ("dates",))
JOURNAL_SHARE = 20  # a journal of more than 1/20 of a table's rows is folded into a new base
_MISSING = object()


@dataclass
class Basis:
    """What the base on disk holds, for the next save to compare with."""

    token: str  # names the base; the journal written against it carries the same
    anchors: tuple  # the objects at ANCHORS
    tables: tuple[dict | Rows, ...]  # the tables at TABLES as in the base (copies: the state's own change;
    # a PACKED table as read, whose packed rows the state's table and its copies share)


def load_state(cache_dir: Path) -> BuildState:
    """The state the last build saved; an empty one (with a notice, when there was one) if it cannot be used."""
    if not any((cache_dir / name).exists() for name in FILES):  # never built, or the cache was deleted
        return BuildState()
    try:
        with _collector_paused():
            journal_token, rows, state = _read(cache_dir / JOURNAL_FILE)
            if not isinstance(state, BuildState) or state.stamp != STAMP:
                return BuildState(notice="garden or its libraries changed since the last build; rebuilding everything")
            token, anchors, tables = _read(cache_dir / BASE_FILE)
            if journal_token != token:
                raise ValueError("the journal belongs to another base")
            basis = Basis(token, anchors, tuple(_as_in_base(table) for table in tables))
            for path, anchor in zip(ANCHORS, anchors):
                _set(state, path, anchor)
            for path, table, (changed, removed) in zip(TABLES, tables, rows):
                for key in removed:
                    del table[key]
                table.update(changed)
                _set(state, path, table)
            # The cache's objects live as long as the build: leave them out of every later collection,
            # which would otherwise walk all of them (a quarter of a second at 10,000 notes). Frozen before
            # the collector is on again, or its first young collection would walk them all at once.
            gc.freeze()
    except Exception:  # truncated, garbage, mismatched, or from an incompatible version: start afresh
        return BuildState(notice=f"the build cache in {cache_dir} was unreadable; rebuilding everything")
    state.notice = ""
    state.basis = basis
    return state


def save_state(state: BuildState, cache_dir: Path) -> None:
    """The journal alone when the base still holds most of the state; else a new base, then the journal."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    (cache_dir / "CACHEDIR.TAG").write_text("Signature: 8a477f597d28d172789f06886806bc55\n"
                                            "# garden's build cache: safe to delete.\n")
    basis: Basis | None = state.basis
    rows = _journal_rows(state, basis) if basis is not None else None
    with _collector_paused():
        if basis is None or rows is None:
            anchors = tuple(_get(state, p) for p in ANCHORS)
            earlier = state.basis.tables if state.basis is not None else (None,) * len(TABLES)
            tables = tuple(Rows.pack(_get(state, p) or {}, was if isinstance(was, Rows) else None) if p in PACKED
                           else _get(state, p) or {} for p, was in zip(TABLES, earlier))
            for path, table in zip(TABLES, tables):
                if path in PACKED:  # from now on, changed on copies that know what they changed
                    _set(state, path, table)
            basis = Basis(secrets.token_hex(8), anchors, tuple(_as_in_base(table) for table in tables))
            rows = [({}, []) for _ in TABLES]
            # Until the journal below is written, the pair does not match: a crash here leaves no usable cache.
            _write(cache_dir / BASE_FILE, (basis.token, anchors, tables))
        _write(cache_dir / JOURNAL_FILE, (basis.token, rows, _without_base(state)))
    state.basis = basis


def invalidate(cache_dir: Path) -> None:
    """Said just before a build changes the site: from then until its save, the cache on disk does not
    describe the site, and a build stopped in between (Ctrl+C, a full disk) must leave none to trust.
    The journal alone goes; the base stays for the save to write a journal against."""
    (cache_dir / JOURNAL_FILE).unlink(missing_ok=True)


def forget(cache_dir: Path) -> None:
    for name in FILES:
        (cache_dir / name).unlink(missing_ok=True)


def _journal_rows(state: BuildState, basis: Basis) -> list | None:
    """Each table's (changed rows, removed keys) against the base; None when a new base is due:
    an anchor was replaced, or the journal would hold too many rows."""
    if any(_get(state, p) is not anchor for p, anchor in zip(ANCHORS, basis.anchors)):
        return None
    rows = []
    for path, was in zip(TABLES, basis.tables):
        now = _get(state, path)
        if now is None:
            return None
        if path in PACKED:
            if not isinstance(now, Rows) or now.packed is not was.packed:  # a table made anew
                return None
            changed, removed = now.changed, list(now.removed)
        else:
            changed = {key: value for key, value in now.items() if was.get(key, _MISSING) is not value}
            removed = [key for key in was if key not in now]
        if len(changed) + len(removed) > max(100, len(was) // JOURNAL_SHARE):
            return None
        rows.append((changed, removed))
    return rows


def _as_in_base(table: dict | Rows) -> dict | Rows:
    """What the base holds of a table, for a save to compare with: a copy, or a PACKED table as it is."""
    return table if isinstance(table, Rows) else dict(table)


def _without_base(state: BuildState) -> BuildState:
    """A shallow copy of `state` without what the base holds: its tables and anchors."""
    rest = copy.copy(state)
    for name in {path[0] for path in (*TABLES, *ANCHORS) if len(path) == 2}:  # the objects that hold some
        setattr(rest, name, copy.copy(getattr(state, name)))
    for path in (*TABLES, *ANCHORS):
        _set(rest, path, None)
    return rest


def _get(obj: Any, path: AttrPath) -> Any:
    for name in path:
        obj = getattr(obj, name) if obj is not None else None
    return obj


def _set(obj: Any, path: AttrPath, value: Any) -> None:
    obj = _get(obj, path[:-1])
    if obj is not None:  # (a state that has no index yet)
        setattr(obj, path[-1], value)


def _read(path: Path) -> Any:
    with path.open("rb") as handle:
        return pickle.load(handle)


def _write(path: Path, value: Any) -> None:
    """Written beside and renamed into place, so an interrupted save leaves the old file or none."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    try:
        with temporary.open("wb") as handle:
            pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


@contextmanager
def _collector_paused():
    """Unpickling a cache makes hundreds of thousands of objects, none of them garbage; the cyclic
    garbage collector would scan them all again and again (it doubles the load time)."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()
