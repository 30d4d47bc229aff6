"""The site's machine-readable files: Atom feed, sitemap, robots.txt, graph data."""

from __future__ import annotations

import datetime as dt
import heapq
import html
import json
from typing import Callable, Iterable

from .config import Config
from .graph import LinkGraph
from .layout import layout
from .models import NoteMeta
from .paths import quote_url, tag_url

FEED_ENTRIES = 30


def _text(value: str) -> str:
    return html.escape(value, quote=False)


def _attribute(value: str) -> str:
    return f'"{html.escape(value)}"'


def _absolute(config: Config, url: str) -> str:
    """An absolute URL when the site's base URL is known, else one from the site root."""
    return (config.base_url or config.site_path) + quote_url(url)


def feed_notes(notes: Iterable[NoteMeta]) -> list[NoteMeta]:
    """The notes the feed shows: the most recently updated."""
    return heapq.nlargest(FEED_ENTRIES, notes, key=lambda n: (n.updated or dt.date.min, n.title))


def atom_feed(config: Config, recent: list[NoteMeta], summary: Callable[[str], str]) -> bytes:
    """The feed of the `recent` notes; `summary(note key)` is shown for a note with no description."""
    updated = max((n.updated for n in recent if n.updated), default=dt.date.today())
    home = _absolute(config, "")
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom">',
        f"  <title>{_text(config.title)}</title>",
        f"  <subtitle>{_text(config.tagline)}</subtitle>" if config.tagline else "",
        f"  <link href={_attribute(home)}/>",
        f"  <link rel=\"self\" href={_attribute(_absolute(config, 'feed.xml'))}/>",
        f"  <id>{_text(home)}</id>",
        f"  <updated>{_stamp(updated)}</updated>",
        f"  <author><name>{_text(config.author or config.title)}</name></author>",
    ]
    for note in recent:
        url = _absolute(config, note.url)
        lines += [
            "  <entry>",
            f"    <title>{_text(note.title)}</title>",
            f"    <link href={_attribute(url)}/>",
            f"    <id>{_text(url)}</id>",
            f"    <published>{_stamp(note.created)}</published>" if note.created else "",
            f"    <updated>{_stamp(note.updated or note.created or updated)}</updated>",
            f"    <summary>{_text(note.description or summary(note.key))}</summary>",
            *(f"    <category term={_attribute(tag)}/>" for tag in note.tags),
            "  </entry>",
        ]
    lines.append("</feed>")
    return ("\n".join(line for line in lines if line) + "\n").encode("utf-8")


def sitemap(config: Config, pages: list[tuple[str, dt.date | None]]) -> bytes:
    lines = ['<?xml version="1.0" encoding="utf-8"?>',
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for url, modified in pages:
        lastmod = f"<lastmod>{modified.isoformat()}</lastmod>" if modified else ""
        lines.append(f"  <url><loc>{_text(_absolute(config, url))}</loc>{lastmod}</url>")
    lines.append("</urlset>")
    return ("\n".join(lines) + "\n").encode("utf-8")


def robots(config: Config) -> bytes:
    text = "User-agent: *\nAllow: /\n"
    if config.base_url:
        text += f"Sitemap: {_absolute(config, 'sitemap.xml')}\n"
    return text.encode("utf-8")


Layout = tuple[int, list[tuple[int, int]], list[str]]  # what layout() lays out: nodes, edges, groups


def graph_json(notes: dict[str, NoteMeta], graph: LinkGraph,
               places: tuple[list[tuple[float, float]], list[tuple[float, float]]] | None = None) -> bytes:
    """Nodes and edges of the whole garden, laid out, loaded on demand by the graph pages.

    Notes carry x, y from a layout of the link graph (notes of a folder start
    together); tags carry x, y from a layout of the tag graph (tags that occur
    together, nested tags with their parents). The browser only draws.
    `places`: the two layouts of `graph_layouts(notes, graph)`, when computed already.
    """
    notes_layout, tags_layout = graph_layouts(notes, graph)
    note_places, tag_places = places or (layout(*notes_layout), layout(*tags_layout))
    keys = sorted(notes)
    nodes = [{"id": notes[k].url, "title": notes[k].title, "tags": list(graph.note_tags.get(k, ())),
              "links": len(graph.outgoing.get(k, ())) + len(graph.backlinks.get(k, ())), "x": x, "y": y}
             for k, (x, y) in zip(keys, note_places)]
    tags = [{"id": tag_url(t), "key": t, "name": graph.tag_names[t], "count": len(graph.tag_notes[t]), "x": x, "y": y}
            for t, (x, y) in zip(graph.tag_notes, tag_places)]
    cooccurrence = [[a, b, c] for (a, b), c in sorted(graph.cooccurrence.items())]
    data = {"nodes": nodes, "edges": notes_layout[1], "tags": tags, "tag_pairs": cooccurrence}
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def graph_layouts(notes: dict[str, NoteMeta], graph: LinkGraph) -> tuple[Layout, Layout]:
    """What the two layouts of graph.json are computed from: the notes (by key) with their links and
    folders, and the tags with the pairs that occur together and their parents. Plain numbers and strings,
    made anew: a child process laying them out touches nothing else of the build's memory."""
    keys = sorted(notes)
    index = {key: i for i, key in enumerate(keys)}
    edges = [(index[src], index[dst]) for src in keys for dst in graph.outgoing.get(src, ()) if dst in index]
    tag_keys = list(graph.tag_notes)
    tag_index = {t: i for i, t in enumerate(tag_keys)}
    tag_edges = [(tag_index[a], tag_index[b]) for a, b in graph.cooccurrence if a in tag_index and b in tag_index]
    tag_edges += [(tag_index[t], tag_index[t.rpartition("/")[0]]) for t in tag_keys if "/" in t]
    return ((len(keys), edges, [notes[k].folder for k in keys]),
            (len(tag_keys), tag_edges, [t.split("/")[0] for t in tag_keys]))


def _stamp(day: dt.date) -> str:
    return f"{day.isoformat()}T00:00:00Z"
