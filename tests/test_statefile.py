"""The build state on disk: an edit rewrites the journal only, and a load gives back what was saved."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

from garden.pipeline import build_site
from garden.state import BuildState
from garden.statefile import BASE_FILE, JOURNAL_SHARE, load_state

from .conftest import write_garden

NOTES = {f"n{i:03}.md": f"---\ntitle: Note {i}\ntags: [t{i % 3}]\n---\nNote {i} links to [[Note {(i + 1) % 150}]].\n"
         for i in range(150)}


PAST = time.time() - 3600


def _aged(folder: Path) -> None:
    """Files saved an hour ago: a build trusts their stamps (a file saved just now is read again)."""
    for path in folder.rglob("*.md"):
        os.utime(path, (PAST, PAST))


def _fields(state: BuildState) -> dict:
    """What a build reads from the state, comparable between two loads."""
    return {"metas": state.metas, "files": state.files, "notes": state.indexed.notes, "resolver": state.resolver,
            "folders": state.folders, "graph": state.graph, "pages": state.pages, "bodies": state.bodies,
            "body_keys": state.body_keys, "outputs": state.outputs}


def test_an_edit_rewrites_only_the_journal_and_loads_as_saved(tmp_path):
    config = write_garden(tmp_path, NOTES)
    _aged(config.content_dir)
    build_site(config, jobs=1)
    base = (config.cache_dir / BASE_FILE).read_bytes()
    (config.content_dir / "n007.md").write_text("---\ntitle: Note 7\ntags: [t1]\n---\nEdited: [[Note 9]].\n")
    _aged(config.content_dir)
    build_site(config, jobs=1)
    assert (config.cache_dir / BASE_FILE).read_bytes() == base
    loaded = load_state(config.cache_dir)
    assert loaded.notice == ""
    assert loaded.metas["n007.md"].meta.line_offset == 4 and "n007.md" in loaded.files
    assert loaded.graph.outgoing["n007.md"] == ["n009.md"]
    # The same state, saved whole by a build from scratch, loads the same.
    shutil.rmtree(config.cache_dir)
    build_site(config, jobs=1)
    assert _fields(load_state(config.cache_dir)) == _fields(loaded)


def test_a_new_note_or_many_edits_make_a_new_base(tmp_path):
    config = write_garden(tmp_path, NOTES)
    _aged(config.content_dir)
    build_site(config, jobs=1)
    base = (config.cache_dir / BASE_FILE).read_bytes()
    (config.content_dir / "new.md").write_text("# New\n\nLinks to [[Note 1]].\n")  # names change: a new resolver
    _aged(config.content_dir)
    build_site(config, jobs=1)
    assert (config.cache_dir / BASE_FILE).read_bytes() != base
    base = (config.cache_dir / BASE_FILE).read_bytes()
    edited = max(100, len(NOTES) // JOURNAL_SHARE) + 1
    for i in range(edited):  # more rows than a journal holds
        path = config.content_dir / f"n{i:03}.md"
        path.write_text(path.read_text() + "\nMore.\n")
    _aged(config.content_dir)
    result = build_site(config, jobs=1)
    assert result.rendered_notes == edited
    assert (config.cache_dir / BASE_FILE).read_bytes() != base
    assert load_state(config.cache_dir).metas.keys() == {*NOTES, "new.md"}


def test_a_resolver_made_anew_is_what_the_next_build_loads(tmp_path):
    """A retitled note changes a few rows, fewer than a journal holds, but the resolver is new:
    a journal would pair the old one from the base with them."""
    notes = {f"n{i}.md": f"---\ntitle: Note {i}\n---\nSee [[Note {(i + 1) % 5}]].\n" for i in range(5)}
    config = write_garden(tmp_path, notes)
    _aged(config.content_dir)
    build_site(config, jobs=1)
    (config.content_dir / "n3.md").write_text("---\ntitle: Renamed\n---\nSee [[Note 4]].\n")
    _aged(config.content_dir)
    build_site(config, jobs=1)
    assert load_state(config.cache_dir).resolver.notes["n3.md"].title == "Renamed"


def test_an_edit_reads_the_records_of_the_notes_it_shows_not_of_every_note(tmp_path, monkeypatch):
    """Unpickling every note's record costs an edit at 10,000 notes more than the rest of its work: the cache
    keeps them row by row, and a build after an edit reads the rows it touches."""
    from garden.rows import Rows

    notes = {**NOTES, "tags/t1.md": "---\ntitle: About t1\n---\nThe tag's introduction.\n"}
    config = write_garden(tmp_path, notes)
    _aged(config.content_dir)
    build_site(config, jobs=1)
    read: list[str] = []
    original = Rows.__getitem__
    monkeypatch.setattr(Rows, "__getitem__", lambda self, key: (
        read.append(key) if key in self.packed and key not in self._unpacked and key not in self.changed
        else None) or original(self, key))
    (config.content_dir / "n007.md").write_text("---\ntitle: Note 7\ntags: [t1]\n---\nNow [[Note 8]] only.\n")
    _aged(config.content_dir)
    build_site(config, jobs=1)
    # its own record; the notes its page and the page of the note it stopped linking to show
    assert 0 < len(read) <= 12, read
    assert "Now" in (config.output_dir / "n007" / "index.html").read_text()
    assert "The tag's introduction" in (config.output_dir / "tags" / "t1" / "index.html").read_text()
    assert load_state(config.cache_dir).metas["n007.md"].meta.title == "Note 7"
