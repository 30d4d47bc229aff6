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


def _all_tokens(tokens):
    for token in tokens:
        yield token
        yield from _all_tokens(token.children or [])


@pytest.mark.parametrize(
    "text",
    ["a %%[x](https://x.com)%% b", "%%\n[x](https://x.com)\n\n[y](https://y.com)\n%%"],
    ids=["inline", "block"],
)
def test_comment_contents_make_no_tokens(text: str, env: dict) -> None:
    tokens = list(_all_tokens(make_parser().parse(text, env)))
    assert not [t for t in tokens if t.type == "link_open" or "x.com" in t.content]
