"""Turn the garden into pages, as data: which page at which URL, with which template and values.

Knows nothing of Jinja or files. Bodies still hold site references; the
renderer binds them once it knows each page's URL. A new page type is one
function here.
"""

from __future__ import annotations

import datetime as dt
import posixpath
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Iterator

from .config import Config
from .folders import FolderTree, folder_tree
from .embeds import expanded_digest
from .graph import LinkGraph
from .models import NoteBody, NoteMeta
from .paths import folder_url, tag_url

STAGE_ORDER = ("evergreen", "budding", "seedling")
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
        return self.url + "index.html" if self.url == "" or self.url.endswith("/") else self.url


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


def plan_pages(garden: Garden) -> Iterator[Page]:
    tree = garden.folders
    tag_intros = _tag_intros(garden)
    for note in garden.notes.values():
        folder = tree.speaks_for(note)
        if folder == "" or note.url in tag_intros:
            continue  # shown as the home's or a tag page's introduction
        yield note_page(garden, note, folder_view(garden, folder) if folder else None)
    yield home_page(garden, tree.folder_notes.get(""))
    for folder in tree.members:
        if folder and folder not in tree.folder_notes and folder_url(folder) != "tags/":
            view = folder_view(garden, folder)
            yield Page(view.url, "folder.html", "folder", view.title, f"Notes in {view.title}", {"folder": view},
                       source=folder)
    yield from tag_pages(garden, tag_intros)
    yield Page("404.html", "404.html", "404", "Page not found", "There is no page at this address.")


def summary(garden: Garden, note: NoteMeta) -> NoteSummary:
    """How a note appears in lists; made once per note, since busy tags list thousands."""
    made = garden.summaries.get(note.key)
    if made is None:
        made = garden.summaries[note.key] = NoteSummary(
            note.title, note.url, note.description, note.stage, note.created, note.updated,
            tuple(_tag_ref(garden, t) for t in garden.graph.note_tags.get(note.key, ())))
    return made


def note_page(garden: Garden, note: NoteMeta, listing: FolderView | None) -> Page:
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
    )
    description = note.description or _shorten(garden.bodies[note.key].summary)
    return Page(note.url, "note.html", "note", note.title, description, {"note": view}, source=note.key)


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


def tag_pages(garden: Garden, intros: dict[str, NoteMeta]) -> Iterator[Page]:
    graph = garden.graph
    tags = graph.tag_notes
    ordered = sorted(tags, key=lambda t: t.split("/"))
    index = tuple(TagRef(graph.tag_names[t], tag_url(t), len(tags[t]), t.count("/")) for t in ordered)
    yield Page("tags/", "tags.html", "tags", "Tags", f"All {len(tags)} tags in this garden", {"tags": index})
    related: dict[str, dict[str, int]] = {}
    for (a, b), count in graph.cooccurrence.items():
        related.setdefault(a, {})[b] = count
        related.setdefault(b, {})[a] = count
    for tag in ordered:
        parent = tag.rpartition("/")[0]
        notes = sorted((garden.notes[k] for k in tags[tag]), key=lambda n: n.title.lower())
        children = tuple(_tag_ref(garden, t) for t in ordered if t.rpartition("/")[0] == tag)
        pairs = sorted(related.get(tag, {}).items(), key=lambda kv: (-kv[1], kv[0]))[:12]
        intro = intros.get(tag_url(tag))
        view = TagView(graph.tag_names[tag], tag_url(tag), tuple(summary(garden, n) for n in notes), children,
                       _tag_ref(garden, parent) if parent else None,
                       tuple(TagRef(graph.tag_names[t], tag_url(t), c) for t, c in pairs),
                       garden.body_ref(intro.key) if intro else None)
        count = f"{len(notes)} note{'s' if len(notes) != 1 else ''} tagged #{view.name}"
        yield Page(tag_url(tag), "tag.html", "tag", intro.title if intro else f"#{view.name}",
                   intro.description if intro and intro.description else count, {"tag": view},
                   source=intro.key if intro else "")


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


def _tag_ref(garden: Garden, tag: str) -> TagRef:
    return TagRef(garden.graph.tag_names.get(tag, tag), tag_url(tag), len(garden.graph.tag_notes.get(tag, ())))


def _shorten(text: str, limit: int = 160) -> str:
    if len(text) <= limit:
        return text
    return text[: limit].rsplit(" ", 1)[0] + "…"
