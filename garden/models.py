"""The values that flow between stages. Frozen and small: no token streams."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal

from .errors import Diagnostic


@dataclass(frozen=True)
class SourceFile:
    """A file under the content folder, as found by `discover`."""

    rel: str  # posix path relative to the content folder, e.g. "ml/KV Cache.md"
    path: str  # absolute path on disk (a str: a cache of thousands unpickles far faster than Paths)
    digest: str  # of the bytes; the key for every cache
    mtime: float
    stamp: tuple[int, int] = (0, 0)  # (size, mtime in ns): unchanged means unread next time

    @property
    def is_note(self) -> bool:
        return self.rel.lower().endswith(".md")


@dataclass(frozen=True)
class NoteMeta:
    """One note as the index knows it: front-matter and names, no Markdown parsed."""

    key: str  # the source's rel path: unique, stable
    url: str  # site URL of its page, e.g. "ml/kv-cache/"
    title: str
    description: str
    tags: tuple[str, ...]  # from front-matter
    aliases: tuple[str, ...]
    stage: str | None
    created: dt.date | None
    updated: dt.date | None
    published: bool  # False for `draft: true` / `publish: false`
    line_offset: int  # lines of front-matter before the Markdown (which is not kept: see index.note_markdown)
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def folder(self) -> str:
        return self.key.rpartition("/")[0]


LinkKind = Literal["note", "asset", "tag", "folder", "unpublished", "missing"]


@dataclass(frozen=True)
class LinkTarget:
    """What a link's target resolved to."""

    kind: LinkKind
    key: str = ""  # note key or asset rel path; tag name; folder path
    url: str = ""  # site URL ("" when missing or unpublished)
    title: str = ""
    candidates: tuple[str, ...] = ()  # more than one: the link was ambiguous


@dataclass(frozen=True)
class LinkRef:
    """A link one note makes, collected while its body renders."""

    target: str  # as written, e.g. "KV Cache#Memory"
    resolved: LinkTarget
    anchor: str  # heading id or "^block-id" the link points into, or ""
    line: int  # in the source file
    embed: bool
    context: str  # plain text around the link, for backlinks
    wikilink: bool = True  # False: a Markdown link or image
    empty_label: str = ""  # the label of a wikilink with no target, `[[|label]]`, to show it as written

    @property
    def written(self) -> str:
        """The link as the author wrote it, for messages."""
        if self.wikilink:
            label = f"|{self.empty_label}" if self.empty_label else ""
            return f"{'!' if self.embed else ''}[[{self.target}{label}]]"
        return f"{'!' if self.embed else ''}[…]({self.target})"


@dataclass(frozen=True)
class Heading:
    level: int
    id: str
    text: str


@dataclass(frozen=True)
class Chunk:
    """One top-level block of a rendered body; a heading's section is a run of them."""

    html: str
    heading: Heading | None = None


@dataclass(frozen=True)
class BodyHtml:
    """A rendered body's HTML, kept in the body store rather than in memory: it is large."""

    chunks: tuple[Chunk, ...]
    blocks: dict[str, str]  # block id -> html of the block, for `![[Note#^id]]`
    # what rendering converted with a costly library (math, highlighted code) -> its HTML: the note's next
    # render takes the unchanged ones as they were (see markdown/memo.py)
    conversions: dict[tuple[str, ...], str] = field(default_factory=dict)

    @property
    def html(self) -> str:
        return "".join(chunk.html for chunk in self.chunks)


@dataclass(frozen=True)
class NoteBody:
    """What rendering one note found besides its HTML. Kept in the body store with the HTML; the cache
    keeps only the little of it that passes over the whole garden need (see notebodies.py)."""

    key: str
    digest: str  # of this record and its HTML: names the body in the body store (see body.stored_body)
    block_ids: tuple[str, ...]
    headings: tuple[Heading, ...]  # every heading, nested ones too
    links: tuple[LinkRef, ...]
    embeds: tuple[LinkRef, ...]  # in order: the html's embed markers index this
    tags: tuple[str, ...]  # inline #tags
    words: int
    summary: str  # plain text of the first paragraph
    diagnostics: tuple[Diagnostic, ...] = ()
    resolutions: tuple[tuple[str, LinkTarget], ...] = ()  # every lookup rendering made, to revalidate a cache

    def context_of(self, target: str) -> str:
        """The words around this note's first link to the note `target`, as its backlink shows them."""
        return next((link.context for link in self.links
                     if link.resolved.kind == "note" and link.resolved.key == target), "")
