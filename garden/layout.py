"""Positions for the graph views, computed once at build time so the browser only draws.

A force-directed layout (Fruchterman–Reingold) made to scale: nodes start in
clusters by folder on sunflower spirals, so the long-range structure is there
from the start, and repulsion then acts only between nodes in neighbouring
cells of a grid (O(N·k) per step, not O(N²)). Links pull, a weak gravity keeps
separate islands near the middle, and the number of steps shrinks as the
garden grows, so 10,000 notes still lay out in a few seconds. Deterministic:
the same graph always gets the same picture.
"""

from __future__ import annotations

import hashlib
import math
from collections import defaultdict
from collections.abc import Sequence

GOLDEN_ANGLE = math.pi * (3 - math.sqrt(5))
SIZE = 1000.0  # positions are scaled into [-SIZE, SIZE]
WORK = 100_000  # node-steps per layout: steps = WORK / nodes, within STEPS (100 steps settle 1,000 notes)
STEPS = (15, 300)
CUTOFF = 2.0  # repulsion reaches this far (the ideal link length is 1)
MAX_NEIGHBOURS = 24  # repulsion partners looked at per node and step, at most
GRAVITY = 0.02  # keeps separate islands near the middle


def layout(count: int, edges: Sequence[tuple[int, int]], groups: Sequence[str] = (),
           *, steps: int | None = None) -> list[tuple[float, float]]:
    """(x, y) for nodes 0..count-1, linked by `edges`; nodes of one group (folder) start together."""
    if count == 0:
        return []
    pairs = sorted({(min(a, b), max(a, b)) for a, b in edges if a != b and 0 <= a < count and 0 <= b < count})
    degree = [0] * count
    for a, b in pairs:
        degree[a] += 1
        degree[b] += 1
    groups = tuple(groups or [""] * count)
    steps = steps if steps is not None else max(STEPS[0], min(STEPS[1], WORK // count))
    # By digest: the inputs of 10,000 notes' layout would be 60,000 pairs kept and pickled with it.
    key = hashlib.blake2b(repr((count, pairs, groups, steps)).encode(), digest_size=16).hexdigest()
    if key in _last:  # the preview server rebuilds often, mostly with the same links
        return list(_last[key])
    xs, ys = _start(count, groups, degree)
    _relax(xs, ys, pairs, steps)
    places = _scaled(xs, ys)
    if len(_last) >= 4:  # the notes' and the tags' layouts, and the ones before them
        del _last[next(iter(_last))]
    _last[key] = tuple(places)
    return places


_last: dict[str, tuple[tuple[float, float], ...]] = {}  # the latest layouts, by digest of their inputs


def remember(layouts: dict) -> None:
    """Take the latest layouts: kept from an earlier build (garden build keeps them in its cache), or computed
    in another process."""
    _last.clear()
    _last.update(layouts)


def remembered() -> dict:
    return dict(_last)


def _start(count: int, groups: Sequence[str], degree: list[int]) -> tuple[list[float], list[float]]:
    """Each group on its own sunflower spiral (best-linked nodes in the middle); groups on a bigger one."""
    members: dict[str, list[int]] = defaultdict(list)
    for node, group in enumerate(groups):
        members[group].append(node)
    ordered = sorted(members.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    xs, ys = [0.0] * count, [0.0] * count
    # Group centres on a spiral whose spacing leaves room for the biggest groups.
    spacing = 2.2 * math.sqrt(len(ordered[0][1]))
    for rank, (_, nodes) in enumerate(ordered):
        radius = spacing * math.sqrt(rank) * (1.0 if rank else 0.0)
        cx, cy = radius * math.cos(rank * GOLDEN_ANGLE), radius * math.sin(rank * GOLDEN_ANGLE)
        for i, node in enumerate(sorted(nodes, key=lambda n: (-degree[n], n))):
            r = math.sqrt(i + 0.5)
            xs[node] = cx + r * math.cos(i * GOLDEN_ANGLE)
            ys[node] = cy + r * math.sin(i * GOLDEN_ANGLE)
    return xs, ys


def _relax(xs: list[float], ys: list[float], pairs: list[tuple[int, int]], steps: int) -> None:
    """Fruchterman–Reingold with ideal distance 1, repulsion cut off at CUTOFF, cooling linearly.

    Positions are complex numbers: the vector arithmetic then runs in C, about
    twice as fast as pairs of floats in CPython.
    """
    count = len(xs)
    pos = [complex(x, y) for x, y in zip(xs, ys)]
    for step in range(steps):
        heat = 0.5 * (1 - step / steps) + 0.02
        force = [-GRAVITY * p for p in pos]
        grid: dict[tuple[int, int], list[int]] = defaultdict(list)
        for node, p in enumerate(pos):
            grid[(math.floor(p.real / CUTOFF), math.floor(p.imag / CUTOFF))].append(node)
        for (gx, gy), cell in grid.items():
            near = [other for ox in (-1, 0, 1) for oy in (-1, 0, 1) for other in grid.get((gx + ox, gy + oy), ())]
            # In a crowded spot, feel every stride-th neighbour, `stride` times as strongly: bounded work.
            stride = max(1, len(near) // MAX_NEIGHBOURS)
            for a in cell:
                here, push = pos[a], 0j
                for b in near[a % stride::stride]:
                    if a == b:
                        continue
                    e = here - pos[b]
                    d = abs(e)
                    if d >= CUTOFF:
                        continue
                    if d < 1e-6:  # two nodes on one spot: part them in a fixed direction
                        e, d = complex(1e-3, (a - b) * 1e-3), 1e-3
                    push += e / (d * d)  # k² / d along e / d
                force[a] += push * stride
        for a, b in pairs:
            e = pos[a] - pos[b]
            pull = e * abs(e)  # d² / k along e / d
            force[a] -= pull
            force[b] += pull
        for node in range(count):
            f = force[node]
            length = abs(f)
            pos[node] += f * (heat / length) if length > heat else f
    xs[:] = [p.real for p in pos]
    ys[:] = [p.imag for p in pos]


def _scaled(xs: list[float], ys: list[float]) -> list[tuple[float, float]]:
    """Centred and scaled into [-SIZE, SIZE], rounded: a smaller graph.json, the same picture."""
    cx, cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    extent = max(max(xs) - min(xs), max(ys) - min(ys), 1e-9) / 2
    scale = SIZE / extent if len(xs) > 1 else 0.0
    return [(round((x - cx) * scale, 1), round((y - cy) * scale, 1)) for x, y in zip(xs, ys)]
