from __future__ import annotations

from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from markdown_it.utils import read_fixture_file

from garden.markdown.heading_ids import heading_ids_plugin, heading_text
from garden.markdown.tags import tags_plugin
from garden.paths import MARK

FIXTURES = read_fixture_file(Path(__file__).parent / "fixtures" / "heading_ids.md")


def make_parser() -> MarkdownIt:
    return MarkdownIt("commonmark").use(tags_plugin).use(heading_ids_plugin)


@pytest.mark.parametrize("line,title,text,expected", FIXTURES, ids=[f"{f[0]}-{f[1]}" for f in FIXTURES])
def test_fixture(line: int, title: str, text: str, expected: str, env: dict) -> None:
    # Tag links hold NUL markers, shown as `␀` in the fixture file.
    assert make_parser().render(text, env).replace(MARK, "␀") == expected


def test_heading_ids_are_in_token_meta(env: dict) -> None:
    tokens = make_parser().parse("# Intro\n\ntext\n\n## Intro\n", env)
    headings = [t for t in tokens if t.type == "heading_open"]
    assert [t.meta["heading_id"] for t in headings] == ["intro", "intro-1"]


def test_heading_text(env: dict) -> None:
    tokens = make_parser().parse("## *Fast* `code` [link](x) #tag\n", env)
    assert heading_text(tokens[1]) == "Fast code link #tag"


def test_ids_restart_for_each_document(env: dict) -> None:
    md = make_parser()
    md.render("# A\n", env)
    assert md.render("# A\n", env) == '<h1 id="a">A</h1>\n'
