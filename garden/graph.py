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
from .paths import slugify_path


@dataclass(frozen=True)
class Backlink:
    source: str  # key of the linking note
    context: str


@dataclass
class LinkGraph:
    backlinks: dict[str, list[Backlink]] = field(default_factory=dict)
    outgoing: dict[str, list[str]] = field(default_factory=dict)
    note_tags: dict[str, tuple[str, ...]] = field(default_factory=dict)  # key -> its tags (lowercased)
    tag_notes: dict[str, list[str]] = field(default_factory=dict)  # tag -> notes with it or a child tag
    tag_names: dict[str, str] = field(default_factory=dict)  # lowercased -> as first written
    cooccurrence: Counter[tuple[str, str]] = field(default_factory=Counter)
    orphans: list[str] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)


def build_graph(notes: dict[str, NoteMeta], bodies: dict[str, NoteBody]) -> LinkGraph:
    """`notes` are the published notes; `bodies` their rendered bodies."""
    graph = LinkGraph()
    backlinks: dict[str, dict[str, Backlink]] = defaultdict(dict)
    for key, body in bodies.items():
        targets: dict[str, None] = {}
        for link in body.links:
            target = link.resolved
            if target.kind != "note" or target.key not in bodies:
                continue
            if link.anchor and not _has_anchor(bodies[target.key], link.anchor):
                what = "block" if link.anchor.startswith("^") else "heading"
                graph.diagnostics.append(Diagnostic(key, link.line, "warning",
                                                    f"no {what} '{link.anchor}' in {target.key}",
                                                    _anchor_hint(bodies[target.key], link.anchor)))
            if target.key != key:
                targets[target.key] = None
                backlinks[target.key].setdefault(key, Backlink(key, link.context))
        graph.outgoing[key] = list(targets)
    graph.backlinks = {k: sorted(v.values(), key=lambda b: notes[b.source].title.lower())
                       for k, v in backlinks.items()}
    graph.orphans = sorted(k for k in bodies if not graph.outgoing.get(k) and k not in graph.backlinks)
    _index_tags(graph, notes, bodies)
    return graph


def _index_tags(graph: LinkGraph, notes: dict[str, NoteMeta], bodies: dict[str, NoteBody]) -> None:
    tag_notes: dict[str, dict[str, None]] = defaultdict(dict)
    spellings: dict[str, str] = {}  # tag key -> the first lowercased spelling seen for it
    for key, body in bodies.items():
        tags = []
        for tag in (*notes[key].tags, *body.tags):
            # A tag is known by its page's path, so spellings that make one page are one tag.
            canonical = slugify_path(tag.lower())
            first = spellings.setdefault(canonical, tag.lower())
            if first != tag.lower():
                graph.diagnostics.append(Diagnostic(
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
