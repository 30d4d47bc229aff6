"""The folder tree: which folders exist, which notes sit in each, and which note speaks for a folder.

A folder's own page is its `index.md`, or a note with the folder's name beside
it (`tools/cli.md` for `tools/cli/`): both publish at the folder's URL, and
that page shows the note with the folder's listing under it.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field

from .models import NoteMeta
from .paths import folder_url


@dataclass
class FolderTree:
    members: dict[str, list[str]] = field(default_factory=dict)  # folder -> keys of the notes listed in it, by title
    children: dict[str, list[str]] = field(default_factory=dict)  # folder -> its subfolders
    totals: dict[str, int] = field(default_factory=dict)  # folder -> notes in it and below
    folder_notes: dict[str, NoteMeta] = field(default_factory=dict)  # folder -> the note that is its page
    by_url: dict[str, str] = field(default_factory=dict)  # folder URL -> folder

    def title(self, folder: str) -> str:
        note = self.folder_notes.get(folder)
        if note:
            return note.title
        name = posixpath.basename(folder)
        # "ai-systems" reads better as "Ai systems"; a name with capitals was chosen with care: keep it.
        return name.replace("-", " ").replace("_", " ").strip().capitalize() if name == name.lower() else name

    def speaks_for(self, note: NoteMeta) -> str | None:
        """The folder this note is the page of, if any."""
        folder = self.by_url.get(note.url)
        if folder is None:
            return None
        owner = self.folder_notes.get(folder)  # (by key: a tree is reused while notes are only re-read)
        return folder if owner is not None and owner.key == note.key else None


def folder_tree(notes: list[NoteMeta]) -> FolderTree:
    tree = FolderTree()
    for note in notes:
        folder = note.folder
        while True:  # a folder and all its ancestors exist
            if folder in tree.members:
                break
            tree.members[folder] = []
            tree.by_url[folder_url(folder)] = folder
            if not folder:
                break
            parent = folder.rpartition("/")[0]
            tree.children.setdefault(parent, []).append(folder)
            folder = parent
    for note in notes:
        folder = tree.by_url.get(note.url)
        if folder is not None and folder not in tree.folder_notes:
            tree.folder_notes[folder] = note
    listed: dict[str, list[NoteMeta]] = {folder: [] for folder in tree.members}
    for note in notes:
        if tree.speaks_for(note) is None:
            listed[note.folder].append(note)
            folder = note.folder
            while True:
                tree.totals[folder] = tree.totals.get(folder, 0) + 1
                if not folder:
                    break
                folder = folder.rpartition("/")[0]
    for subfolders in tree.children.values():
        subfolders.sort(key=str.lower)
    for folder, members in listed.items():
        # Keys, not the notes: the tree is cached whole, and a build reads only the notes it shows (rows.py).
        tree.members[folder] = [note.key for note in sorted(members, key=lambda n: n.title.lower())]
    return tree
