"""Turn the garden into pages, as data: which page at which URL, with which template and values.

Knows nothing of Jinja or files. Bodies still hold site references; the
renderer binds them once it knows each page's URL. A new page type is one
function here.
"""

from __future__ import annotations

import datetime as dt
import heapq
from dataclasses import dataclass, field
from functools import cached_property, partial
from typing import Any, Callable, Mapping

from .config import Config
from .folders import FolderTree, folder_tree
from .embeds import expanded_digest
from .graph import LinkGraph
from .models import NoteMeta
from .notebodies import NoteBodies
from .paths import folder_url, tag_url

STAGE_ORDER = ("evergreen", "budding", "seedling")
GRAPH_URL = "graph/"  # left out when a note, folder or tag page has the URL (see graph_pages)
TAG_GRAPH_URL = "tags/graph/"
LOCAL_GRAPH_LIMIT = 40
HOME_STAGE_NOTES = 60  # notes the home page lists per growth stage; folders, tags and the graph reach the rest
BACKLINK_CONTEXTS = 100  # backlinks shown with the words around the link; the rest by title (a hub has thousands)
LIST_SUMMARIES = 100  # notes a tag or folder page shows in full; the rest are listed by title (there may be thousands)
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
    count: int  # notes in the folder itself
    notes: tuple[NoteSummary, ...]  # the first LIST_SUMMARIES, in the folder's order
    more: tuple[Link, ...]  # the rest
    subfolders: tuple[Link, ...]


@dataclass(frozen=True)
class NoteView(NoteSummary):
    body: BodyRef  # bound by the renderer
    toc: tuple[Any, ...]
    reading_minutes: int
    word_count: int
    backlinks: tuple[BacklinkView, ...]  # the first BACKLINK_CONTEXTS, with their context
    more_backlinks: tuple[Link, ...]  # the rest
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
    bodies: NoteBodies
    graph: LinkGraph
    summaries: dict[str, NoteSummary] = field(default_factory=dict)  # made as pages ask for them
    note_urls: Mapping[str, str] = field(default_factory=dict)  # page URL -> note key (the resolver has them)
    tree: FolderTree | None = None  # the last build's, when no note was added, removed or relisted

    @cached_property
    def folders(self) -> FolderTree:
        return self.tree or folder_tree(list(self.notes.values()))

    @cached_property
    def tags(self) -> TagIndex:
        return tag_index(self.graph)

    @cached_property
    def tag_intros(self) -> dict[str, str]:
        """Notes at tags/<tag>.md introduce that tag's page (as in Quartz): tag -> note key.
        Found by URL, without reading every note (see rows.py)."""
        return {url[5:].strip("/"): key for url, key in self.note_urls.items()
                if url.startswith("tags/") and url[5:].strip("/") in self.graph.tag_notes}

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
    """Every page of the site."""
    return [planned for key in page_keys(garden) if (planned := plan_page(garden, key))]


def page_keys(garden: Garden) -> list[PageKey]:
    tree = garden.folders
    keys: list[PageKey] = [("note", key) for key, note in garden.notes.items() if page_of(garden, note) == ("note", key)]
    keys.append(("home",))
    keys += [("folder", f) for f in tree.members if f and f not in tree.folder_notes and folder_url(f) != "tags/"]
    keys.append(("tags",))
    keys += [("tag", tag) for tag in garden.tags.ordered]
    keys += [(kind,) for kind, url in (("graph", GRAPH_URL), ("tag-graph", TAG_GRAPH_URL)) if _graph_page_wanted(garden, kind)]
    keys.append(("404",))
    return keys


def page_of(garden: Garden, note: NoteMeta) -> PageKey:
    """The page that shows a note's body: its own, the home's (the root folder's note) or a tag's."""
    if garden.folders.speaks_for(note) == "":
        return ("home",)
    if note.url.startswith("tags/") and note.url[5:].strip("/") in garden.graph.tag_notes:
        return ("tag", note.url[5:].strip("/"))
    return ("note", note.key)


def intro_pages(garden: Garden) -> dict[str, PageKey]:
    """The notes shown on a page not their own: the home's and the tag pages' introductions."""
    intros: dict[str, PageKey] = {key: ("tag", tag) for tag, key in garden.tag_intros.items()}
    home = garden.folders.folder_notes.get("")
    if home is not None:
        intros[home.key] = ("home",)
    return intros


def plan_page(garden: Garden, key: PageKey) -> PlannedPage | None:
    """The page with this key, made only when asked; None if the garden has no such page (any more)."""
    kind, name = key[0], key[1] if len(key) > 1 else ""
    tree = garden.folders
    if kind == "note":
        note = garden.notes.get(name)
        if note is None or page_of(garden, note) != key:
            return None
        return PlannedPage(key, _output_path(note.url), partial(note_page, garden, note, tree.speaks_for(note)))
    if kind == "folder":
        if name not in tree.members or not name or name in tree.folder_notes or folder_url(name) == "tags/":
            return None
        return PlannedPage(key, _output_path(folder_url(name)), partial(folder_page, garden, name))
    if kind == "tag":
        if name not in garden.graph.tag_notes:
            return None
        return PlannedPage(key, _output_path(tag_url(name)), partial(tag_page, garden, name))
    if kind == "home":
        return PlannedPage(key, "index.html", partial(home_page, garden, tree.folder_notes.get("")))
    if kind == "tags":
        return PlannedPage(key, "tags/index.html", partial(tags_index_page, garden))
    if kind in ("graph", "tag-graph"):
        if not _graph_page_wanted(garden, kind):
            return None
        url = GRAPH_URL if kind == "graph" else TAG_GRAPH_URL
        return PlannedPage(key, _output_path(url), partial(graph_page, garden, kind))
    if kind == "404":
        return PlannedPage(key, "404.html", lambda: Page("404.html", "404.html", "404", "Page not found",
                                                         "There is no page at this address."))
    return None


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
    incoming = graph.backlinks.get(note.key, ())
    backlinks = tuple(BacklinkView(garden.notes[s].title, garden.notes[s].url, garden.bodies[s].context_of(note.key))
                      for s in incoming[:BACKLINK_CONTEXTS])
    more_backlinks = tuple(Link(garden.notes[s].title, garden.notes[s].url) for s in incoming[BACKLINK_CONTEXTS:])
    words = garden.bodies[note.key].words
    folder = note.folder
    view = NoteView(
        **summary(garden, note).__dict__,
        body=garden.body_ref(note.key),
        toc=tuple(h for h in garden.bodies[note.key].headings if 2 <= h.level <= 4),
        reading_minutes=max(1, round(words / WORDS_PER_MINUTE)),
        word_count=words,
        backlinks=backlinks,
        more_backlinks=more_backlinks,
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
    incoming = set(graph.backlinks.get(note.key, ()))
    found = [(k, "both" if k in incoming else "out") for k in outgoing if k in garden.notes]
    seen = set(outgoing)
    found += [(source, "in") for source in graph.backlinks.get(note.key, ()) if source not in seen]
    kept = tuple(Connection(garden.notes[k].title, garden.notes[k].url, d) for k, d in found[:LOCAL_GRAPH_LIMIT])
    return {"connections": kept, "more_connections": len(found) - len(kept)}


def _graph_page_wanted(garden: Garden, kind: str) -> bool:
    """The whole garden's graph and the tag graph each have a page, unless a note, folder or tag
    page already has its URL (or, for the tag graph, the garden has no tags)."""
    if kind == "tag-graph":
        return bool(garden.graph.tag_notes) and "graph" not in garden.graph.tag_notes \
            and TAG_GRAPH_URL not in garden.note_urls and TAG_GRAPH_URL not in garden.folders.by_url
    return GRAPH_URL not in garden.note_urls and GRAPH_URL not in garden.folders.by_url


def graph_page(garden: Garden, kind: str) -> Page:
    graph = garden.graph
    if kind == "graph":
        links = sum(len(v) for v in graph.outgoing.values())
        return Page(GRAPH_URL, "graph.html", "graph", "Graph",
                    f"All {len(garden.notes)} notes of the garden and the {links} links between them, as a map.",
                    {"graph": GraphView("notes", len(garden.notes), links)})
    return Page(TAG_GRAPH_URL, "graph.html", "tag-graph", "Tag graph",
                f"The garden's {len(graph.tag_notes)} tags, linked when notes carry them together.",
                {"graph": GraphView("tags", len(graph.tag_notes), len(graph.cooccurrence))})


def graph_links(garden: Garden) -> dict[str, str]:
    """The graph pages' URLs for the navigation ("" for one that a note's page displaced)."""
    return {"graph": GRAPH_URL if _graph_page_wanted(garden, "graph") else "",
            "tag_graph": TAG_GRAPH_URL if _graph_page_wanted(garden, "tag-graph") else ""}


def _title_order(note: NoteMeta) -> str:
    return note.title.lower()


def home_page(garden: Garden, intro: NoteMeta | None) -> Page:
    config = garden.config
    notes = sorted(garden.notes.values(), key=lambda n: (n.updated or dt.date.min, n.title), reverse=True)
    notes = [n for n in notes if garden.folders.speaks_for(n) is None]  # folder pages are not notes to list
    recent = tuple(summary(garden, n) for n in notes[: config.recent_notes])
    by_stage: dict[str, list[NoteMeta]] = {stage: [] for stage in STAGE_ORDER}
    for note in notes:
        if note.stage:
            by_stage[note.stage].append(note)
    # The first few of each stage, by title: the home page of 10,000 notes must not list them all.
    stages = tuple(StageGroup(name, tuple(summary(garden, n) for n in heapq.nsmallest(HOME_STAGE_NOTES, items,
                                                                                     key=_title_order)), len(items))
                   for name, items in by_stage.items() if items)
    top = sorted(garden.graph.tag_notes.items(), key=lambda kv: (-len(kv[1]), kv[0]))[:30]
    top_tags = tuple(sorted((_tag_ref(garden, t) for t, _ in top), key=lambda t: t.name.lower()))
    values = {"recent": recent, "stages": stages, "top_tags": top_tags,
              "intro": garden.body_ref(intro.key) if intro else None}
    return Page("", "home.html", "home", config.title, config.tagline, values, source=intro.key if intro else "")


@dataclass(frozen=True)
class StageGroup:
    name: str
    notes: tuple[NoteSummary, ...]  # the first HOME_STAGE_NOTES, by title
    total: int  # notes at this stage


@dataclass
class TagIndex:
    """The tags in the order the tag index lists them, with what each tag page shows of the others."""

    ordered: list[str]  # parents before their children
    children: dict[str, list[str]]
    related: dict[str, dict[str, int]]  # tag -> tags that share notes with it -> how many


def tag_index(graph: LinkGraph) -> TagIndex:
    ordered = sorted(graph.tag_notes, key=lambda t: t.split("/"))
    children: dict[str, list[str]] = {}
    for tag in ordered:
        children.setdefault(tag.rpartition("/")[0], []).append(tag)
    related: dict[str, dict[str, int]] = {}
    for (a, b), count in graph.cooccurrence.items():
        related.setdefault(a, {})[b] = count
        related.setdefault(b, {})[a] = count
    return TagIndex(ordered, children, related)


def tags_index_page(garden: Garden) -> Page:
    graph, tags = garden.graph, garden.graph.tag_notes
    refs = tuple(TagRef(graph.tag_names[t], tag_url(t), len(tags[t]), t.count("/")) for t in garden.tags.ordered)
    return Page("tags/", "tags.html", "tags", "Tags", f"All {len(tags)} tags in this garden", {"tags": refs})


def tag_page(garden: Garden, tag: str) -> Page:
    graph, index = garden.graph, garden.tags
    parent = tag.rpartition("/")[0]
    notes = sorted((garden.notes[k] for k in graph.tag_notes[tag]), key=lambda n: n.title.lower())
    pairs = sorted(index.related.get(tag, {}).items(), key=lambda kv: (-kv[1], kv[0]))[:12]
    intro = garden.notes.get(garden.tag_intros.get(tag, ""))
    view = TagView(graph.tag_names[tag], tag_url(tag), len(notes), *_long_list(garden, notes),
                   tuple(_tag_ref(garden, t) for t in index.children.get(tag, ())),
                   _tag_ref(garden, parent) if parent else None,
                   tuple(TagRef(graph.tag_names[t], tag_url(t), c) for t, c in pairs),
                   garden.body_ref(intro.key) if intro else None)
    count = f"{len(notes)} note{'s' if len(notes) != 1 else ''} tagged #{view.name}"
    return Page(tag_url(tag), "tag.html", "tag", intro.title if intro else f"#{view.name}",
                intro.description if intro and intro.description else count, {"tag": view},
                source=intro.key if intro else "")


@dataclass(frozen=True)
class TagView:
    name: str
    url: str
    count: int  # notes with the tag
    notes: tuple[NoteSummary, ...]  # the first LIST_SUMMARIES, by title
    more: tuple[Link, ...]  # the rest, by title
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
    members = [garden.notes[key] for key in tree.members.get(folder, ())]
    return FolderView(folder, tree.title(folder), folder_url(folder), len(members), *_long_list(garden, members),
                      tuple(Link(tree.title(f), folder_url(f), tree.totals.get(f, 0))
                            for f in tree.children.get(folder, ())))


def _long_list(garden: Garden, notes: list[NoteMeta]) -> tuple[tuple[NoteSummary, ...], tuple[Link, ...]]:
    """A list that may hold thousands of notes: the first LIST_SUMMARIES summed up, the rest by title."""
    return (tuple(summary(garden, n) for n in notes[:LIST_SUMMARIES]),
            tuple(Link(n.title, n.url) for n in notes[LIST_SUMMARIES:]))


def _tag_ref(garden: Garden, tag: str, counted: bool = True) -> TagRef:
    count = len(garden.graph.tag_notes.get(tag, ())) if counted else 0
    return TagRef(garden.graph.tag_names.get(tag, tag), tag_url(tag), count)


def _shorten(text: str, limit: int = 160) -> str:
    if len(text) <= limit:
        return text
    return text[: limit].rsplit(" ", 1)[0] + "…"
