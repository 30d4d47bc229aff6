from __future__ import annotations

from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from markdown_it.utils import read_fixture_file

from garden.markdown.comments import comments_plugin

FIXTURES = read_fixture_file(Path(__file__).parent / "fixtures" / "comments.md")


def make_parser() -> MarkdownIt:
    return MarkdownIt("commonmark").use(comments_plugin)


@pytest.mark.parametrize("line,title,text,expected", FIXTURES, ids=[f"{f[0]}-{f[1]}" for f in FIXTURES])
def test_fixture(line: int, title: str, text: str, expected: str, env: dict) -> None:
    assert make_parser().render(text, env) == expected


def test_inline_comment_contents_make_no_tokens(env: dict) -> None:
    tokens = make_parser().parse("a %%[x](https://x.com) **b**%% c", env)
    assert [(t.type, t.content) for t in tokens[1].children] == [("text", "a  c")]


def test_block_comment_makes_no_tokens(env: dict) -> None:
    assert make_parser().parse("%%\n[x](https://x.com)\n\n[y](https://y.com)\n%%\n", env) == []
