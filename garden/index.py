"""The index: every note's front-matter, title and URL, and the link resolver.

Built from file names and front-matter alone (no Markdown parsed), so bodies
can then be rendered in parallel with every link already resolvable.
"""

from __future__ import annotations

import datetime as dt
import functools
import pickle
import posixpath
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from . import frontmatter as fm
from .errors import Diagnostic
from .models import LinkTarget, NoteMeta, SourceFile
from .paths import folder_url, slugify, slugify_path, tag_url
from .state import digest

_KNOWN_KEYS = {"title", "description", "tags", "tag", "aliases", "alias", "date", "created", "updated", "modified",
               "lastmod", "draft", "publish", "permalink", "stage"}
_H1 = re.compile(r"^#\s+(.+?)\s*#*\s*$")
_FENCE_OPEN = re.compile(r"^\s{0,3}(`{3,}|~{3,})")


def read_note(source: SourceFile, raw: bytes, dates: dict[str, tuple[dt.date, dt.date]],
              problems: list[Diagnostic]) -> NoteMeta:
    """One note's metadata from its bytes. Never raises on bad input: it reports."""
    rel = source.rel
    text, decode_problems = fm.decode(raw, rel)
    problems.extend(decode_problems)
    front = fm.split(text, rel)
    problems.extend(front.problems)
    data = front.data

    def line(key: str) -> int:
        return front.line_of(key)

    title = data.get("title")
    if title is not None and not isinstance(title, (str, int, float)):
        problems.append(Diagnostic(rel, line("title"), "warning", f"'title' should be text, found {title!r}"))
        title = None
    title = str(title).strip() if title is not None else ""
    title = title or _first_h1(front.body) or _name_title(rel)

    description = data.get("description")
    description = str(description).strip() if isinstance(description, (str, int, float)) else ""

    tags = fm.string_list(data.get("tags", data.get("tag")), "tags", rel, line("tags"), problems)
    aliases = fm.string_list(data.get("aliases", data.get("alias")), "aliases", rel, line("aliases"), problems)

    stage = data.get("stage")
    if stage is not None:
        stage = str(stage).strip().lower()
        if stage not in fm.STAGES:
            problems.append(Diagnostic(rel, line("stage"), "warning", f"unknown stage {stage!r}",
                                       "use one of: " + ", ".join(fm.STAGES)))
            stage = None

    created_key = "created" if "created" in data else "date"
    updated_key = next((k for k in ("updated", "modified", "lastmod") if k in data), "updated")
    created = fm.date_value(data.get(created_key), created_key, rel, line(created_key), problems)
    updated = fm.date_value(data.get(updated_key), updated_key, rel, line(updated_key), problems)
    history = dates.get(rel)
    file_date = dt.datetime.fromtimestamp(source.mtime, dt.timezone.utc).date()
    created = created or (history[0] if history else file_date)
    updated = updated or (history[1] if history else max(file_date, created))

    draft = fm.bool_value(data.get("draft"), "draft", rel, line("draft"), problems, default=False)
    publish = fm.bool_value(data.get("publish"), "publish", rel, line("publish"), problems, default=True)

    url = note_url(rel)
    permalink = data.get("permalink")
    if permalink is not None:
        url = _permalink_url(str(permalink), rel, line("permalink"), problems) or url

    extra = {k: v for k, v in data.items() if k not in _KNOWN_KEYS}
    return NoteMeta(key=rel, url=url, title=title, description=description, tags=tags, aliases=aliases,
                    stage=stage, created=created, updated=updated, published=publish and not draft,
                    line_offset=front.line_offset, extra=extra)


def note_markdown(raw: bytes, meta: NoteMeta) -> str:
    """A note's Markdown, below its front-matter. Read from the file when a body is rendered rather than
    kept with the note: thousands of notes' text would otherwise sit in memory and in the cache."""
    text, _ = fm.decode(raw, meta.key)  # its problems were reported when the note was indexed
    return "\n".join(text.split("\n")[meta.line_offset:]) if meta.line_offset else text


def _first_h1(body: str) -> str:
    """The first `# Heading` outside code fences: a cheap line scan, not a parse."""
    fence = None
    for line in body.split("\n"):
        opening = _FENCE_OPEN.match(line)
        if fence:
            if opening and opening.group(1)[0] == fence[0] and len(opening.group(1)) >= len(fence):
                fence = None
            continue
        if opening:
            fence = opening.group(1)
            continue
        match = _H1.match(line)
        if match:
            return match.group(1).strip()
    return ""


def _name_title(rel: str) -> str:
    stem = posixpath.splitext(posixpath.basename(rel))[0]
    if stem.lower() == "index":
        folder = posixpath.dirname(rel)
        return posixpath.basename(folder) if folder else "Home"
    return stem


def note_url(rel: str) -> str:
    path = rel[: -len(".md")] if rel.lower().endswith(".md") else rel
    folder, _, stem = path.rpartition("/")
    if stem.lower() == "index":  # folder/index.md is the folder's own page
        return folder_url(folder)
    return slugify_path(path) + "/"


def _permalink_url(permalink: str, rel: str, line: int, problems: list[Diagnostic]) -> str | None:
    parts = [p for p in permalink.strip().split("/") if p not in ("", ".")]
    if any(p == ".." for p in parts) or "\\" in permalink:
        problems.append(Diagnostic(rel, line, "error", f"permalink {permalink!r} leaves the site",
                                   "use a path inside the site, such as notes/my-note"))
        return None
    if parts and parts[-1].endswith(".html"):
        parts[-1] = parts[-1][: -len(".html")]
    return "/".join(slugify(p) for p in parts) + "/" if parts else ""


# --- resolution -------------------------------------------------------------------------------

_SEPARATORS = re.compile(r"[\s_\-]+")


@functools.lru_cache(maxsize=1 << 16)
def name_key(name: str) -> str:
    """How names compare: case-insensitive, and spaces, dashes and underscores are alike.

    Cached: a pure function of the string, asked again and again for the same link targets.
    """
    name = unicodedata.normalize("NFC", name).strip().lower()
    if name.endswith(".md"):
        name = name[:-3]
    return _SEPARATORS.sub(" ", name).strip()


@functools.lru_cache(maxsize=1 << 14)
def _dirname(path: str) -> str:
    """posixpath.dirname, cached: source notes and candidate keys come back over and over."""
    return posixpath.dirname(path)


_MISSING = LinkTarget("missing")  # frozen: one answer shared by every broken link


@dataclass(frozen=True)
class NamedNote:
    """All resolution needs of a note: not its body, so the resolver stays small to ship to workers."""

    key: str
    url: str
    title: str
    published: bool


def names_signature(notes: list[NoteMeta], assets: dict[str, str], folders: set[str]) -> str:
    """Changes whenever any link could resolve differently; equal means the old resolver still holds."""
    return digest([(n.key, n.title, n.aliases, n.url, n.published, n.tags if n.published else ()) for n in notes],
                  sorted(assets.items()), sorted(folders))


@dataclass
class Resolver:
    """Obsidian's rules for finding the note (or file) a link names. Plain data: picklable.

    Pickled with its tables packed into one string of bytes, unpacked when first asked (see __getattr__):
    a build that loads it from the cache and makes no new link (most edits) never pays for unpickling
    tens of thousands of names. `by_url` stays unpacked: every build asks it which URLs notes have.
    """

    notes: dict[str, NamedNote]  # key -> names (published or not)
    assets: dict[str, str]  # asset rel path -> site URL
    tags: frozenset[str]  # lowercased tag names, for [[tags/x]]
    folders: frozenset[str]  # lowercased folder paths, for [[folder/]]
    by_path: dict[str, list[str]] = field(default_factory=dict)  # name_key of any path suffix -> keys
    by_name: dict[str, list[str]] = field(default_factory=dict)  # name_key of a title or alias -> keys
    asset_paths: dict[str, list[str]] = field(default_factory=dict)  # lowercased path suffix -> asset rels
    by_url: dict[str, str] = field(default_factory=dict)  # page URL -> the published note there
    by_full: dict[str, list[str]] = field(default_factory=dict)  # name_key of a whole key -> keys

    @classmethod
    def build(cls, notes: list[NoteMeta], assets: dict[str, str], folders: set[str]) -> Resolver:
        resolver = cls({n.key: NamedNote(n.key, n.url, n.title, n.published) for n in notes}, assets,
                       frozenset(t.lower() for n in notes if n.published for t in _with_parents(n.tags)),
                       frozenset(f.lower() for f in folders))
        for note in notes:
            if note.published:
                resolver.by_url.setdefault(note.url, note.key)
            resolver.by_full.setdefault(name_key(note.key), []).append(note.key)
            for suffix in _suffixes(note.key):
                resolver.by_path.setdefault(name_key(suffix), []).append(note.key)
            for name in (note.title, *note.aliases):
                resolver.by_name.setdefault(name_key(name), []).append(note.key)
        for rel in assets:
            for suffix in _suffixes(rel):
                resolver.asset_paths.setdefault(suffix.lower(), []).append(rel)
        return resolver

    def __getstate__(self) -> dict:
        packed = self.__dict__.get("_packed")
        if packed is None:
            packed = pickle.dumps({k: v for k, v in self.__dict__.items() if k != "by_url"},
                                  protocol=pickle.HIGHEST_PROTOCOL)
        return {"by_url": self.by_url, "_packed": packed}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)

    def __getattr__(self, name: str) -> Any:
        """Called only for what the instance lacks: the tables of a resolver still packed."""
        packed = None if name.startswith("__") else self.__dict__.pop("_packed", None)
        if packed is None:
            raise AttributeError(name)
        self.__dict__.update(pickle.loads(packed))  # (dropped once unpacked: a change must not pickle stale)
        return getattr(self, name)

    def add_tags(self, tags: set[str]) -> None:
        """Inline #tags are found while rendering; links to their pages still resolve."""
        self.tags = self.tags | {t.lower() for t in _with_parents(tags)}

    def resolve(self, target: str, source_key: str) -> LinkTarget:
        """The note, asset, tag page or folder page `target` names, seen from note `source_key`."""
        target = target.strip()
        if not target:
            return _MISSING
        folder = _dirname(source_key)
        asset = self._resolve_asset(target, folder)
        if asset:
            return asset
        keys = self._note_candidates(target, folder)
        if keys:
            chosen, candidates = _closest(keys, folder)
            note = self.notes[chosen]
            if not candidates:
                return _link_to(note.key, note.url, note.title, note.published)
            if not note.published:
                return LinkTarget("unpublished", note.key, "", note.title, candidates)
            return LinkTarget("note", note.key, note.url, note.title, candidates)
        lowered = target.lower()
        if lowered.startswith(("./", "../")):
            lowered = posixpath.normpath(posixpath.join(folder, lowered))
        lowered = lowered.strip("/")
        if lowered.startswith("tags/") and lowered[5:] in self.tags:
            return LinkTarget("tag", lowered[5:], tag_url(lowered[5:]), "#" + lowered[5:])
        if target.endswith("/") and lowered in self.folders:
            key = self.by_url.get(folder_url(lowered))  # a folder whose page is a note
            if key:
                page = self.notes[key]
                return LinkTarget("note", page.key, page.url, page.title)
            return LinkTarget("folder", lowered, folder_url(lowered), lowered)
        return _MISSING

    def _note_candidates(self, target: str, folder: str) -> list[str]:
        path = target.lstrip("/")
        if path.startswith("./") or path.startswith("../"):
            path = posixpath.normpath(posixpath.join(folder, path))
        wanted = name_key(path)
        # A whole path beats a shorter suffix of another path: keep exact full-path matches first.
        # (Every key is a suffix of itself, so the keys whose whole path matches are all in by_path too.)
        full = self.by_full.get(wanted)
        if full:
            return full
        exact = self.by_path.get(wanted)
        if exact:
            if len(exact) == 1:  # beside the linking note or not, it is the one
                return exact
            beside = self.by_full.get(name_key(_join(folder, path)))
            if beside:
                beside = [k for k in exact if k in beside]
                if beside:
                    return beside
            return exact
        return self.by_name.get(wanted if path == target else name_key(target), [])

    def _resolve_asset(self, target: str, folder: str) -> LinkTarget | None:
        """`folder`: the linking note's."""
        path = target.lstrip("/")
        if "." not in path[path.rfind("/") + 1:] or path.lower().endswith(".md"):  # no file extension, or a note
            return None
        for candidate in (posixpath.normpath(_join(folder, path)), posixpath.normpath(path)):
            if candidate in self.assets:
                return LinkTarget("asset", candidate, self.assets[candidate], posixpath.basename(candidate))
        matches = self.asset_paths.get(path.lower(), [])
        if matches:
            chosen, candidates = _closest(matches, folder)
            return LinkTarget("asset", chosen, self.assets[chosen], posixpath.basename(chosen), candidates)
        return None


@functools.lru_cache(maxsize=1 << 14)
def _link_to(key: str, url: str, title: str, published: bool) -> LinkTarget:
    """An unambiguous link to a note, made once and shared (LinkTarget is frozen): making one costs
    more than the rest of resolving it."""
    return LinkTarget("note", key, url, title) if published else LinkTarget("unpublished", key, "", title)


def _join(folder: str, path: str) -> str:
    """posixpath.join of two strings, without its generality: it is called for most links."""
    if path.startswith("/"):
        return path
    if not folder or folder.endswith("/"):
        return folder + path
    return folder + "/" + path


def _suffixes(path: str) -> list[str]:
    parts = path.split("/")
    return ["/".join(parts[i:]) for i in range(len(parts))]


def _with_parents(tags: Any) -> set[str]:
    out = set()
    for tag in tags:
        parts = tag.split("/")
        out.update("/".join(parts[: i + 1]) for i in range(len(parts)))
    return out


def _closest(keys: list[str], folder: str) -> tuple[str, tuple[str, ...]]:
    """Obsidian's tie-break: the linking note's folder, then the shortest path.

    Returns the choice and, when those rules could not tell candidates apart
    (the pick fell to alphabetical order), all of them, so the link is warned about.
    """
    if len(keys) == 1:
        return keys[0], ()
    ranks = {k: (_dirname(k) != folder, k.count("/")) for k in keys}
    best = min(ranks.values())
    tied = sorted(k for k, r in ranks.items() if r == best)
    return tied[0], tuple(tied) if len(tied) > 1 else ()
