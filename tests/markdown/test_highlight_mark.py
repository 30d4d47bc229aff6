from __future__ import annotations

from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from markdown_it.utils import read_fixture_file

from garden.markdown.highlight_mark import highlight_mark_plugin

FIXTURES = read_fixture_file(Path(__file__).parent / "fixtures" / "highlight_mark.md")


def make_parser() -> MarkdownIt:
    return MarkdownIt("commonmark").enable("strikethrough").use(highlight_mark_plugin)


@pytest.mark.parametrize("line,title,text,expected", FIXTURES, ids=[f"{f[0]}-{f[1]}" for f in FIXTURES])
def test_fixture(line: int, title: str, text: str, expected: str, env: dict) -> None:
    assert make_parser().render(text, env) == expected


def test_mark_tokens(env: dict) -> None:
    children = make_parser().parse("==a==", env)[1].children
    assert [(t.type, t.tag, t.markup) for t in children] == [
        ("mark_open", "mark", "=="), ("text", "", ""), ("mark_close", "mark", "==")
    ]
