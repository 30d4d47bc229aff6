"""Which pages an edit can have changed, worked out from what changed rather than by re-planning all.

A page is re-planned (and then re-rendered only if its digest differs) when
it may show something that changed; every other page is carried over as it
was. When a change could reach every page (templates, configuration, the
navigation, a folder's title, a tag's spelling) the answer is "all".
The property test in tests/test_incremental.py checks the result against a
clean build after random edits.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from .folders import FolderTree
from .graph import LinkGraph
from .models import LinkRef
from .notebodies import NoteBodies

PageKey = tuple


@dataclass(frozen=True)
class Edit:
    """What changed since the last build, as pages see it."""

    changed: set[str]  # notes added, removed, or changed in any way
    relisted: set[str]  # those whose entry in lists (title, tags, dates...) changed
    relinked: bool  # whether any note's outgoing links changed


def describe_edit(changed: set[str], relisted: set[str], previous: LinkGraph, graph: LinkGraph) -> Edit:
    """`relisted`: notes whose front-matter changed how lists show them. An inline #tag is in
    the body, yet lists show it: a body edit can relist a note too."""
    relisted = relisted | {k for k in changed if graph.note_tags.get(k) != previous.note_tags.get(k)}
    relinked = any(graph.outgoing.get(k) != previous.outgoing.get(k) for k in changed)
    return Edit(changed, relisted, relinked)


def dirty_pages(edit: Edit, previous: LinkGraph, graph: LinkGraph, previous_bodies: NoteBodies, bodies: NoteBodies,
                tree: FolderTree, previous_folders: dict[str, str], page_of: Callable[[str], PageKey]) \
        -> set[PageKey] | None:
    """Keys of the pages to re-plan, or None for all of them.

    `previous_folders`: each note's folder in the last build; `page_of(note key)`:
    the page that shows the note's body (its own, or the home's or a tag page's
    when it introduces them).
    """
    if graph.tag_names != previous.tag_names:
        return None
    changed, relisted = edit.changed, edit.relisted
    folder_note_keys = {note.key for note in tree.folder_notes.values()}
    old_folders = set(previous_folders.values())
    if any(key in folder_note_keys or _was_folder_note(key, old_folders) for key in relisted):
        return None  # a folder's title shows in breadcrumbs and lists everywhere below it
    pages: set = set()
    embedders = _reverse_embeds(bodies.embeds)
    for key in changed:
        pages.add(page_of(key))
        now, before = graph.outgoing.get(key, ()), previous.outgoing.get(key, ())
        for target in {*now, *before}:
            # its backlinks (title, context) and local graph show this note
            if key in relisted or (target in now) != (target in before) \
                    or bodies[key].context_of(target) != previous_bodies[key].context_of(target):
                pages.add(page_of(target))
        pages.update(page_of(e) for e in _embedding(key, embedders))
    if relisted:
        pages.update({("home",), ("tags",)})  # recent notes, stages, tag counts
    if relisted or edit.relinked:
        pages.update({("graph",), ("tag-graph",)})  # counts of notes, links and tags
    for key in relisted:
        for tag in (*graph.note_tags.get(key, ()), *previous.note_tags.get(key, ())):
            parts = tag.split("/")
            pages.update(("tag", "/".join(parts[: i + 1])) for i in range(len(parts)))
        for folder in {previous_folders.get(key), key.rpartition("/")[0]} - {None}:
            while True:
                pages.add(("folder", folder))
                note = tree.folder_notes.get(folder)
                if note is not None:
                    pages.add(page_of(note.key))
                if not folder:
                    break
                folder = folder.rpartition("/")[0]
    return pages


def stale_extras(edit: Edit | None, in_feed: set[str]) -> set[str]:
    """The site-wide files (besides pages) an edit can change; None: a build from scratch.
    `in_feed`: the notes the feed shows."""
    if edit is None:
        return {"feed.xml", "sitemap.xml", "graph.json"}
    stale = set()
    if edit.relisted:  # which notes the feed shows, and how
        stale |= {"feed.xml", "sitemap.xml"}
    if edit.changed & in_feed:  # its entries show summaries of bodies
        stale.add("feed.xml")
    if edit.relisted or edit.relinked:
        stale.add("graph.json")
    return stale
def _was_folder_note(key: str, old_folders: set[str]) -> bool:
    return key.rpartition("/")[2].lower() == "index.md" or key[:-3] in old_folders


def _reverse_embeds(embeds: dict[str, tuple[LinkRef, ...]]) -> dict[str, list[str]]:
    reverse: dict[str, list[str]] = {}
    for key, links in embeds.items():
        for link in links:
            reverse.setdefault(link.resolved.key, []).append(key)
    return reverse


def _embedding(key: str, reverse: dict[str, list[str]]) -> set[str]:
    """Every note that shows `key` through embeds, however deep."""
    found: set[str] = set()
    pending = [key]
    while pending:
        for embedder in reverse.get(pending.pop(), ()):
            if embedder not in found:
                found.add(embedder)
                pending.append(embedder)
    return found
