"""The build-time graph layout: deterministic, bounded, linked notes closer than strangers, and fast."""

from __future__ import annotations

import math
import random
import time

from garden.layout import SIZE, layout


def distance(a, b):
    return math.hypot(a[0] - b[0], a[1] - b[1])


def test_empty_and_single():
    assert layout(0, []) == []
    assert layout(1, []) == [(0.0, 0.0)]


def test_the_same_graph_gets_the_same_picture():
    edges = [(0, 1), (1, 2), (2, 0), (3, 4)]
    assert layout(5, edges, ["a", "a", "a", "b", "b"]) == layout(5, edges, ["a", "a", "a", "b", "b"])


def test_positions_fill_the_box_and_are_finite():
    rng = random.Random(3)
    edges = [(rng.randrange(200), rng.randrange(200)) for _ in range(500)]
    places = layout(200, edges, [str(i % 7) for i in range(200)])
    assert len(places) == 200
    assert all(math.isfinite(x) and math.isfinite(y) for x, y in places)
    assert max(max(abs(x), abs(y)) for x, y in places) == SIZE
    assert len(set(places)) == 200  # no two notes on one spot


def test_linked_notes_sit_closer_than_unlinked_ones():
    # Two rings of 12 notes, in one folder: each ring should come out as its own cluster.
    edges = [(i, (i + 1) % 12) for i in range(12)] + [(12 + i, 12 + (i + 1) % 12) for i in range(12)]
    places = layout(24, edges)
    linked = sum(distance(places[a], places[b]) for a, b in edges) / len(edges)
    strangers = sum(distance(places[a], places[12 + b]) for a in range(12) for b in range(12)) / 144
    assert linked < strangers / 2


def test_bad_edges_are_ignored():
    assert len(layout(3, [(0, 0), (0, 7), (-1, 2), (1, 2)])) == 3


def test_a_large_garden_lays_out_in_seconds():
    # A Zipf-like link graph: a few hubs collect most links, the crowded case for a grid.
    n = 3000
    rng = random.Random(1)
    edges = [(i, min(n - 1, int(rng.paretovariate(1.0)) - 1)) for i in range(n) for _ in range(4)]
    started = time.perf_counter()
    layout(n, edges, [f"f{i % 30}" for i in range(n)])
    assert time.perf_counter() - started < 20  # generous: a guard against O(N²), not a benchmark
