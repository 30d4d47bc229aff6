"""Turn the garden into pages, as data: which page at which URL, with which template and values.

Knows nothing of Jinja or files. Bodies still hold site references; the
renderer binds them once it knows each page's URL. A new page type is one
function here.
"""

from __future__ import annotations

import datetime as dt
import posixpath
from dataclasses import dataclass, field
from functools import cached_property, partial
from typing import Any, Callable

from .config import Config
from .folders import FolderTree, folder_tree
from .embeds import expanded_digest
from .graph import LinkGraph
from .models import NoteBody, NoteMeta
from .paths import folder_url, tag_url

STAGE_ORDER = ("evergreen", "budding", "seedling")
GRAPH_URL = "graph/"  # left out when a note, folder or tag page has the URL (see graph_pages)
TAG_GRAPH_URL = "tags/graph/"
LOCAL_GRAPH_LIMIT = 40
WORDS_PER_MINUTE = 220


@dataclass(frozen=True)
class BodyRef:
    """A note's expanded body, named rather than held: the renderer reads its HTML from
    the body store, and a page's digest changes exactly when `digest` does."""

    key: str
    digest: str


@dataclass(frozen=True)
class Link:
    title: str
    url: str
    count: int = 0


@dataclass(frozen=True)
class TagRef:
    name: str
    url: str
    count: int = 0
    depth: int = 0


@dataclass(frozen=True)
class NoteSummary:
    title: str
    url: str
    description: str
    stage: str | None
    created: dt.date | None
    updated: dt.date | None
    tags: tuple[TagRef, ...]


@dataclass(frozen=True)
class BacklinkView:
    title: str
    url: str
    context: str


@dataclass(frozen=True)
class FolderView:
    path: str  # the folder as in the content tree, "" for the root
    title: str
    url: str
    notes: tuple[NoteSummary, ...]
    subfolders: tuple[Link, ...]


@dataclass(frozen=True)
class NoteView(NoteSummary):
    body: BodyRef  # bound by the renderer
    toc: tuple[Any, ...]
    reading_minutes: int
    word_count: int
    backlinks: tuple[BacklinkView, ...]
    folder: Link | None
    listing: FolderView | None  # a folder's index note lists the folder too
    meta: dict[str, Any]
    connections: tuple[Connection, ...] = ()  # the local graph: notes it links to or is linked from
    more_connections: int = 0  # left out of `connections` beyond LOCAL_GRAPH_LIMIT


@dataclass(frozen=True)
class Connection:
    """A note linked with the page's note: drawn in its local graph, listed for readers without JavaScript.

    Only what the page's own links and backlinks decide, so the incremental
    build's rule (a note's edit re-plans the notes it links to) keeps it fresh.
    """

    title: str
    url: str
    direction: str  # "out": the page links to it; "in": it links to the page; "both"


@dataclass(frozen=True)
class GraphView:
    mode: str  # "notes" or "tags"
    nodes: int
    edges: int


@dataclass(frozen=True)
class Page:
    url: str  # site URL; "x/" is written to x/index.html
    template: str
    kind: str
    title: str
    description: str = ""
    values: dict[str, Any] = field(default_factory=dict)
    source: str = ""  # the note key the page comes from, for error messages

    @property
    def output_path(self) -> str:
        return _output_path(self.url)


@dataclass
class Garden:
    """Everything the planner needs: published notes, what rendering their bodies found, the graph."""

    config: Config
    notes: dict[str, NoteMeta]
    bodies: dict[str, NoteBody]
    graph: LinkGraph
    summaries: dict[str, NoteSummary] = field(default_factory=dict)  # made as pages ask for them

    @cached_property
    def folders(self) -> FolderTree:
        return folder_tree(list(self.notes.values()))

    def body_ref(self, key: str) -> BodyRef:
        return BodyRef(key, expanded_digest(key, self.bodies))


PageKey = tuple  # ("note", key) | ("folder", path) | ("tag", tag) | ("home",) | ("tags",) | ("404",)


@dataclass(frozen=True)
class PlannedPage:
    """A page the site will have: known cheaply by key and path, made only when it must be rendered."""

    key: PageKey
    output_path: str
    make: Callable[[], Page]


def plan_pages(garden: Garden) -> list[PlannedPage]:
    tree = garden.folders
    tag_intros = _tag_intros(garden)
    planned = []
    for note in garden.notes.values():
        folder = tree.speaks_for(note)
        if folder == "" or note.url in tag_intros:
            continue  # shown as the home's or a tag page's introduction
        planned.append(PlannedPage(("note", note.key), _output_path(note.url),
                                   partial(note_page, garden, note, folder)))
    planned.append(PlannedPage(("home",), "index.html", partial(home_page, garden, tree.folder_notes.get(""))))
    for folder in tree.members:
        if folder and folder not in tree.folder_notes and folder_url(folder) != "tags/":
            planned.append(PlannedPage(("folder", folder), _output_path(folder_url(folder)),
                                       partial(folder_page, garden, folder)))
    planned += tag_pages(garden, tag_intros)
    planned += graph_pages(garden)
    planned.append(PlannedPage(("404",), "404.html", lambda: Page("404.html", "404.html", "404", "Page not found",
                                                                  "There is no page at this address.")))
    return planned


def _output_path(url: str) -> str:
    return url + "index.html" if url == "" or url.endswith("/") else url


def folder_page(garden: Garden, folder: str) -> Page:
    view = folder_view(garden, folder)
    return Page(view.url, "folder.html", "folder", view.title, f"Notes in {view.title}", {"folder": view},
                source=folder)


def summary(garden: Garden, note: NoteMeta) -> NoteSummary:
    """How a note appears in lists; made once per note, since busy tags list thousands."""
    made = garden.summaries.get(note.key)
    if made is None:
        made = garden.summaries[note.key] = NoteSummary(
            note.title, note.url, note.description, note.stage, note.created, note.updated,
            # Without counts: a note's tag pills do not show them, and its page need not
            # change whenever another note takes the same tag.
            tuple(_tag_ref(garden, t, counted=False) for t in garden.graph.note_tags.get(note.key, ())))
    return made


def note_page(garden: Garden, note: NoteMeta, folder: str | None = None) -> Page:
    """A note's page; a note that is its folder's page (`folder`) lists the folder too."""
    listing = folder_view(garden, folder) if folder else None
    graph = garden.graph
    backlinks = tuple(BacklinkView(garden.notes[b.source].title, garden.notes[b.source].url, b.context)
                      for b in graph.backlinks.get(note.key, ()))
    words = garden.bodies[note.key].words
    folder = note.folder
    view = NoteView(
        **summary(garden, note).__dict__,
        body=garden.body_ref(note.key),
        toc=tuple(h for h in garden.bodies[note.key].headings if 2 <= h.level <= 4),
        reading_minutes=max(1, round(words / WORDS_PER_MINUTE)),
        word_count=words,
        backlinks=backlinks,
        folder=Link(garden.folders.title(folder), folder_url(folder)) if folder else None,
        listing=listing,
        meta=note.extra,
        **local_graph(garden, note),
    )
    description = note.description or _shorten(garden.bodies[note.key].summary)
    return Page(note.url, "note.html", "note", note.title, description, {"note": view}, source=note.key)


def local_graph(garden: Garden, note: NoteMeta) -> dict[str, Any]:
    """The note's neighbours, outgoing links first, at most LOCAL_GRAPH_LIMIT: a page's
    weight must not grow with the garden, even for a note that hundreds link to."""
    graph = garden.graph
    outgoing = graph.outgoing.get(note.key, ())
    incoming = {b.source for b in graph.backlinks.get(note.key, ())}
    found = [(k, "both" if k in incoming else "out") for k in outgoing if k in garden.notes]
    seen = set(outgoing)
    found += [(b.source, "in") for b in graph.backlinks.get(note.key, ()) if b.source not in seen]
    kept = tuple(Connection(garden.notes[k].title, garden.notes[k].url, d) for k, d in found[:LOCAL_GRAPH_LIMIT])
    return {"connections": kept, "more_connections": len(found) - len(kept)}


def graph_pages(garden: Garden) -> list[PlannedPage]:
    """The whole garden's graph and the tag graph, each where no note, folder or tag page is already."""
    graph = garden.graph
    pages = []
    taken = {n.url for n in garden.notes.values()} | {folder_url(f) for f in garden.folders.members} \
        | {tag_url(t) for t in graph.tag_notes}
    if GRAPH_URL not in taken:
        links = sum(len(v) for v in graph.outgoing.values())
        view = GraphView("notes", len(garden.notes), links)
        pages.append(PlannedPage(("graph",), _output_path(GRAPH_URL), partial(
            Page, GRAPH_URL, "graph.html", "graph", "Graph",
            f"All {len(garden.notes)} notes of the garden and the {links} links between them, as a map.",
            {"graph": view})))
    if TAG_GRAPH_URL not in taken and graph.tag_notes:
        view = GraphView("tags", len(graph.tag_notes), len(graph.cooccurrence))
        pages.append(PlannedPage(("tag-graph",), _output_path(TAG_GRAPH_URL), partial(
            Page, TAG_GRAPH_URL, "graph.html", "tag-graph", "Tag graph",
            f"The garden's {len(graph.tag_notes)} tags, linked when notes carry them together.",
            {"graph": view})))
    return pages


def graph_links(garden: Garden) -> dict[str, str]:
    """The graph pages' URLs for the navigation ("" for one that a note's page displaced)."""
    planned = {page.key[0] for page in graph_pages(garden)}
    return {"graph": GRAPH_URL if "graph" in planned else "",
            "tag_graph": TAG_GRAPH_URL if "tag-graph" in planned else ""}


def home_page(garden: Garden, intro: NoteMeta | None) -> Page:
    config = garden.config
    notes = sorted(garden.notes.values(), key=lambda n: (n.updated or dt.date.min, n.title), reverse=True)
    notes = [n for n in notes if garden.folders.speaks_for(n) is None]  # folder pages are not notes to list
    recent = tuple(summary(garden, n) for n in notes[: config.recent_notes])
    by_stage = {stage: [] for stage in STAGE_ORDER}
    for note in sorted(notes, key=lambda n: n.title.lower()):
        if note.stage:
            by_stage[note.stage].append(summary(garden, note))
    stages = tuple(StageGroup(name, tuple(items)) for name, items in by_stage.items() if items)
    top = sorted(garden.graph.tag_notes.items(), key=lambda kv: (-len(kv[1]), kv[0]))[:30]
    top_tags = tuple(sorted((_tag_ref(garden, t) for t, _ in top), key=lambda t: t.name.lower()))
    values = {"recent": recent, "stages": stages, "top_tags": top_tags,
              "intro": garden.body_ref(intro.key) if intro else None}
    return Page("", "home.html", "home", config.title, config.tagline, values, source=intro.key if intro else "")


@dataclass(frozen=True)
class StageGroup:
    name: str
    notes: tuple[NoteSummary, ...]


def tag_pages(garden: Garden, intros: dict[str, NoteMeta]) -> list[PlannedPage]:
    graph = garden.graph
    tags = graph.tag_notes
    ordered = sorted(tags, key=lambda t: t.split("/"))
    children: dict[str, list[str]] = {}
    for tag in ordered:
        children.setdefault(tag.rpartition("/")[0], []).append(tag)
    related: dict[str, dict[str, int]] = {}
    for (a, b), count in graph.cooccurrence.items():
        related.setdefault(a, {})[b] = count
        related.setdefault(b, {})[a] = count

    def index() -> Page:
        refs = tuple(TagRef(graph.tag_names[t], tag_url(t), len(tags[t]), t.count("/")) for t in ordered)
        return Page("tags/", "tags.html", "tags", "Tags", f"All {len(tags)} tags in this garden", {"tags": refs})

    def tag_page(tag: str) -> Page:
        parent = tag.rpartition("/")[0]
        notes = sorted((garden.notes[k] for k in tags[tag]), key=lambda n: n.title.lower())
        pairs = sorted(related.get(tag, {}).items(), key=lambda kv: (-kv[1], kv[0]))[:12]
        intro = intros.get(tag_url(tag))
        view = TagView(graph.tag_names[tag], tag_url(tag), tuple(summary(garden, n) for n in notes),
                       tuple(_tag_ref(garden, t) for t in children.get(tag, ())),
                       _tag_ref(garden, parent) if parent else None,
                       tuple(TagRef(graph.tag_names[t], tag_url(t), c) for t, c in pairs),
                       garden.body_ref(intro.key) if intro else None)
        count = f"{len(notes)} note{'s' if len(notes) != 1 else ''} tagged #{view.name}"
        return Page(tag_url(tag), "tag.html", "tag", intro.title if intro else f"#{view.name}",
                    intro.description if intro and intro.description else count, {"tag": view},
                    source=intro.key if intro else "")

    return [PlannedPage(("tags",), "tags/index.html", index),
            *(PlannedPage(("tag", tag), _output_path(tag_url(tag)), partial(tag_page, tag)) for tag in ordered)]


@dataclass(frozen=True)
class TagView:
    name: str
    url: str
    notes: tuple[NoteSummary, ...]
    children: tuple[TagRef, ...]
    parent: TagRef | None
    related: tuple[TagRef, ...]
    intro: BodyRef | None  # the body of tags/<tag>.md, if the garden has one


def nav_sections(garden: Garden) -> tuple[Link, ...]:
    tree = garden.folders
    return tuple(Link(tree.title(f), folder_url(f)) for f in tree.children.get("", ()) if folder_url(f) != "tags/")


def breadcrumbs(garden: Garden, page: Page) -> tuple[Link, ...]:
    trail = [Link("Home", "")]
    if page.kind in ("home", "404"):
        return ()
    if page.kind == "tag":
        trail.append(Link("Tags", "tags/"))
        parts = page.url[len("tags/"):].strip("/").split("/")[:-1]
        trail += [Link("#" + "/".join(parts[: i + 1]), tag_url("/".join(parts[: i + 1]))) for i in range(len(parts))]
        return tuple(trail)
    source = garden.notes.get(page.source)
    if source is None:  # a folder page: its source is the folder's path
        folder = page.source.rpartition("/")[0]
    else:  # a note, or a note that is its folder's page
        speaks_for = garden.folders.speaks_for(source)
        folder = speaks_for.rpartition("/")[0] if speaks_for else source.folder
    parts = folder.split("/") if folder else []
    tree = garden.folders
    trail += [Link(tree.title("/".join(parts[: i + 1])), folder_url("/".join(parts[: i + 1])))
              for i in range(len(parts))]
    return tuple(trail)


def folder_view(garden: Garden, folder: str) -> FolderView:
    tree = garden.folders
    return FolderView(folder, tree.title(folder), folder_url(folder),
                      tuple(summary(garden, n) for n in tree.members.get(folder, ())),
                      tuple(Link(tree.title(f), folder_url(f), tree.totals.get(f, 0))
                            for f in tree.children.get(folder, ())))


def _tag_intros(garden: Garden) -> dict[str, NoteMeta]:
    """Notes at tags/<tag>.md introduce that tag's page (as in Quartz)."""
    return {n.url: n for n in garden.notes.values()
            if n.url.startswith("tags/") and n.url[5:].strip("/") in garden.graph.tag_notes}


def _tag_ref(garden: Garden, tag: str, counted: bool = True) -> TagRef:
    count = len(garden.graph.tag_notes.get(tag, ())) if counted else 0
    return TagRef(garden.graph.tag_names.get(tag, tag), tag_url(tag), count)


def _shorten(text: str, limit: int = 160) -> str:
    if len(text) <= limit:
        return text
    return text[: limit].rsplit(" ", 1)[0] + "…"
