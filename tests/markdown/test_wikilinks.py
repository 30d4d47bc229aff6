"""Wikilinks, embeds and local Markdown links, through the garden's whole dialect."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from markdown_it.utils import read_fixture_file

from garden.index import Resolver, note_url
from garden.markdown.parser import make_parser
from garden.models import LinkTarget, NoteMeta
from garden.paths import MARK


def _note(key: str, title: str | None = None, aliases=(), published: bool = True) -> NoteMeta:
    return NoteMeta(key=key, url=note_url(key), title=title or key.rsplit("/", 1)[-1][:-3], description="",
                    tags=(), aliases=tuple(aliases), stage=None, created=dt.date(2026, 1, 1),
                    updated=dt.date(2026, 1, 1), published=published, line_offset=0)


NOTES = [_note("notes/a.md", "Note A"), _note("KV Cache.md", aliases=["kv"]), _note("ml/Batching.md"),
         _note("Draft.md", published=False), _note("日本語.md")]
RESOLVER = Resolver.build(NOTES, {"img/photo.png": "img/photo.png", "docs/paper.pdf": "docs/paper.pdf",
                                  "media/talk.mp3": "media/talk.mp3", "media/demo.mp4": "media/demo.mp4"},
                          {"ml", "notes"})
FIXTURES = read_fixture_file(Path(__file__).parent / "fixtures" / "wikilinks.md")


def render(text: str) -> tuple[str, dict]:
    env = {"source_key": "notes/a.md", "source_path": "notes/a.md", "line_offset": 0,
           "self_target": LinkTarget("note", "notes/a.md", "notes/a/", "Note A")}
    md = make_parser(RESOLVER.resolve)
    return md.render(text, env).replace(MARK, "␀"), env


@pytest.mark.parametrize("line,title,text,expected", FIXTURES, ids=[f"{f[0]}-{f[1]}" for f in FIXTURES])
def test_fixture(line: int, title: str, text: str, expected: str) -> None:
    assert render(text)[0] == expected
