"""The cache's tables read row by row: a dict in every way a build can tell, and they know what changed."""

from __future__ import annotations

import pickle

from hypothesis import given, strategies as st

from garden.rows import Rows

KEYS = st.sampled_from([f"k{i}" for i in range(8)])
OPS = st.lists(st.one_of(st.tuples(st.just("set"), KEYS, st.integers()), st.tuples(st.just("del"), KEYS),
                         st.tuples(st.just("copy"))), max_size=30)


@given(start=st.dictionaries(KEYS, st.integers()), ops=OPS)
def test_a_table_read_row_by_row_behaves_as_the_dict_it_was_made_from(start, ops):
    table, rows = dict(start), pickle.loads(pickle.dumps(Rows.pack(start)))  # as a build reads it from the cache
    earlier: list[tuple[dict, Rows, dict]] = []
    for op in ops:
        if op[0] == "set":
            table[op[1]], rows[op[1]] = op[2], op[2]
        elif op[0] == "del" and op[1] in table:
            del table[op[1]]
            del rows[op[1]]
        elif op[0] == "copy":  # a copy changes on its own; the table it was made from stays as it was
            earlier.append((table, rows, dict(table)))
            table, rows = dict(table), rows.copy()
    assert dict(rows.items()) == table and len(rows) == len(table) and rows == table
    assert all((key in rows) == (key in table) for key in ("k0", "k1", "k7", "other"))
    assert rows.get("other", "none") == "none"
    assert pickle.loads(pickle.dumps(rows)) == table
    # what changed since the cache was read: exactly the rows set, and the rows removed
    assert {k for k in start if k not in table} == rows.removed
    assert all(rows.changed[k] == v for k, v in table.items() if k in rows.changed)
    assert {k for k, v in table.items() if start.get(k, object()) != v} <= rows.changed.keys()
    for _, old_rows, as_it_was in earlier:
        assert dict(old_rows.items()) == as_it_was


def test_rows_are_read_when_asked_for_and_once():
    rows = pickle.loads(pickle.dumps(Rows.pack({"a": ["A"], "b": ["B"], "c": ["C"]})))
    assert rows._unpacked == {}
    first = rows["b"]
    assert rows._unpacked == {"b": ["B"]} and rows.copy()["b"] is first  # a copy shares what was read
    assert list(rows) == ["a", "b", "c"] and rows._unpacked.keys() == {"b"}  # listing keys reads no row


def test_packed_again_a_row_kept_as_read_keeps_its_pickle():
    """A build that remakes a table (a note added) keeps most rows as read: they are not pickled again."""
    rows = pickle.loads(pickle.dumps(Rows.pack({"a": ["A"], "b": ["B"]})))
    table = {"a": rows["a"], "b": ["B"], "c": ["C"]}  # a as read; b made anew, though equal; c new
    again = Rows.pack(table, rows)
    assert again.packed["a"] is rows.packed["a"] and again.packed["b"] is not rows.packed["b"]
    assert pickle.loads(pickle.dumps(again)) == table and list(again) == ["a", "b", "c"]
