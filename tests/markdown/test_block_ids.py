from __future__ import annotations

from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from markdown_it.utils import read_fixture_file

from garden.markdown.block_ids import block_ids_plugin
from garden.markdown.callouts import callouts_plugin
from garden.markdown.code import code_plugin
from garden.markdown.math import math_plugin

FIXTURES = read_fixture_file(Path(__file__).parent / "fixtures" / "block_ids.md")


def make_parser() -> MarkdownIt:
    md = MarkdownIt("commonmark").enable("table")
    return md.use(callouts_plugin).use(code_plugin).use(math_plugin).use(block_ids_plugin)


@pytest.mark.parametrize("line,title,text,expected", FIXTURES, ids=[f"{f[0]}-{f[1]}" for f in FIXTURES])
def test_fixture(line: int, title: str, text: str, expected: str, env: dict) -> None:
    assert make_parser().render(text, env) == expected


def test_block_ids_are_in_token_meta(env: dict) -> None:
    tokens = make_parser().parse("Text ^p1\n\n- item ^li1\n\n> quote\n\n^q1\n", env)
    found = [(t.type, t.meta["block_id"]) for t in tokens if "block_id" in t.meta]
    assert found == [("paragraph_open", "p1"), ("list_item_open", "li1"), ("blockquote_open", "q1")]
