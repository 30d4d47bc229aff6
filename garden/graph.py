"""The link graph, assembled from every note's by-products: backlinks, tags, orphans.

Linear in notes plus links: each link is visited once, never a page-by-page scan.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from itertools import combinations

from .errors import Diagnostic
from .markdown.wikilinks import anchor_id
from .models import NoteBody, NoteMeta
from .notebodies import NoteBodies
from .paths import slugify_path


@dataclass
class LinkGraph:
    """Who links to whom. What a link says (the words around it, shown with a backlink) stays in the
    linking note's body: see NoteBody.context_of."""

    backlinks: dict[str, list[str]] = field(default_factory=dict)  # note -> the notes linking to it, by title
    outgoing: dict[str, list[str]] = field(default_factory=dict)
    note_tags: dict[str, tuple[str, ...]] = field(default_factory=dict)  # key -> its tags (lowercased)
    tag_notes: dict[str, list[str]] = field(default_factory=dict)  # tag -> notes with it or a child tag
    tag_names: dict[str, str] = field(default_factory=dict)  # lowercased -> as first written
    cooccurrence: Counter[tuple[str, str]] = field(default_factory=Counter)
    orphans: list[str] = field(default_factory=list)
    anchor_problems: dict[str, list[Diagnostic]] = field(default_factory=dict)  # note -> its links' missing anchors
    tag_problems: list[Diagnostic] = field(default_factory=list)

    @property
    def diagnostics(self) -> list[Diagnostic]:
        return [d for problems in self.anchor_problems.values() for d in problems] + self.tag_problems


def build_graph(notes: dict[str, NoteMeta], bodies: NoteBodies) -> LinkGraph:
    """`notes` are the published notes; `bodies` their rendered bodies."""
    graph = LinkGraph()
    backlinks: dict[str, list[str]] = defaultdict(list)
    for key in bodies:
        for target in _link_note(graph, key, bodies):
            backlinks[target].append(key)
    graph.backlinks = {target: _ordered(found, notes) for target, found in backlinks.items()}
    graph.orphans = _orphans(graph, bodies)
    _index_tags(graph, notes, bodies)
    return graph


def update_graph(previous: LinkGraph, notes: dict[str, NoteMeta], bodies: NoteBodies,
                 previous_bodies: NoteBodies, changed: set[str]) -> LinkGraph:
    """The graph after the bodies of `changed` notes changed, given the last build's graph, in time
    proportional to what they touch. Only for an edit that added, removed or relisted no note
    (so every title is as it was); one that changes a note's tags rebuilds the tags from scratch.
    Equal to `build_graph(notes, bodies)`: tests/test_incremental.py checks it after random edits."""
    graph = LinkGraph(dict(previous.backlinks), dict(previous.outgoing), previous.note_tags, previous.tag_notes,
                      previous.tag_names, previous.cooccurrence, [], dict(previous.anchor_problems),
                      previous.tag_problems)
    for key in changed:
        linked = set(_link_note(graph, key, bodies))
        for target in linked.symmetric_difference(previous.outgoing.get(key, ())):  # (most edits: none)
            entries = [source for source in graph.backlinks.get(target, []) if source != key]
            if target in linked:
                entries.append(key)
            if entries:
                graph.backlinks[target] = _ordered(entries, notes)
            else:
                graph.backlinks.pop(target, None)
    # A changed note's headings and block ids decide whether links into it find their anchors.
    reanchored = [k for k in changed if (bodies[k].headings, bodies[k].block_ids)
                  != (previous_bodies[k].headings, previous_bodies[k].block_ids)]
    for key in {source for k in reanchored for source in graph.backlinks.get(k, ())} - changed:
        _link_note(graph, key, bodies)
    graph.orphans = _orphans(graph, bodies)
    if any(bodies.tags.get(k) != previous_bodies.tags.get(k) for k in changed):
        graph.note_tags, graph.tag_notes, graph.tag_names, graph.cooccurrence = {}, {}, {}, Counter()
        graph.tag_problems = []
        _index_tags(graph, notes, bodies)
    return graph


def _link_note(graph: LinkGraph, key: str, bodies: NoteBodies) -> list[str]:
    """Record note `key`'s outgoing links and missing anchors in `graph`; returns the notes it links to."""
    targets: dict[str, None] = {}
    problems = []
    for link in bodies[key].links:
        target = link.resolved
        if target.kind != "note" or target.key not in bodies:
            continue
        if link.anchor and not _has_anchor(bodies[target.key], link.anchor):
            what = "block" if link.anchor.startswith("^") else "heading"
            problems.append(Diagnostic(key, link.line, "warning", f"no {what} '{link.anchor}' in {target.key}",
                                       _anchor_hint(bodies[target.key], link.anchor)))
        if target.key != key:
            targets[target.key] = None
    graph.outgoing[key] = list(targets)
    if problems:
        graph.anchor_problems[key] = problems
    else:
        graph.anchor_problems.pop(key, None)
    return list(targets)


def _ordered(sources: list[str], notes: dict[str, NoteMeta]) -> list[str]:
    return sorted(sources, key=lambda source: (notes[source].title.lower(), source))


def _orphans(graph: LinkGraph, bodies: NoteBodies) -> list[str]:
    return sorted(k for k in bodies if not graph.outgoing.get(k) and k not in graph.backlinks)


def _index_tags(graph: LinkGraph, notes: dict[str, NoteMeta], bodies: NoteBodies) -> None:
    tag_notes: dict[str, dict[str, None]] = defaultdict(dict)
    spellings: dict[str, str] = {}  # tag key -> the first lowercased spelling seen for it
    for key in bodies:
        tags = []
        for tag in (*notes[key].tags, *bodies.tags.get(key, ())):
            # A tag is known by its page's path, so spellings that make one page are one tag.
            canonical = slugify_path(tag.lower())
            first = spellings.setdefault(canonical, tag.lower())
            if first != tag.lower():
                graph.tag_problems.append(Diagnostic(
                    key, 1, "warning", f"tags '{graph.tag_names[canonical]}' and '{tag}' share the page "
                                       f"tags/{canonical}/, so they are shown as one tag",
                    "rename one of them if they mean different things"))
            graph.tag_names.setdefault(canonical, tag)
            if canonical not in tags:
                tags.append(canonical)
        graph.note_tags[key] = tuple(tags)
        for tag in tags:
            parts = tag.split("/")
            for depth in range(1, len(parts) + 1):  # nested tags roll up to their parents
                parent = "/".join(parts[:depth])
                graph.tag_names.setdefault(parent, "/".join(graph.tag_names[tag].split("/")[:depth]))
                tag_notes[parent][key] = None
        graph.cooccurrence.update(combinations(sorted(set(tags)), 2))
    graph.tag_notes = {tag: list(keys) for tag, keys in sorted(tag_notes.items())}


def _has_anchor(body: NoteBody, anchor: str) -> bool:
    if anchor.startswith("^"):
        return anchor[1:] in body.block_ids
    wanted = anchor_id(anchor)
    return any(h.id == wanted for h in body.headings)


def _anchor_hint(body: NoteBody, anchor: str) -> str:
    if anchor.startswith("^"):
        ids = ", ".join("^" + b for b in body.block_ids) or "none"
        return f"block ids there: {ids}"
    names = ", ".join(h.text for h in body.headings[:8]) or "none"
    return f"headings there: {names}"
