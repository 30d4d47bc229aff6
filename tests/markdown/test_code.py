from __future__ import annotations

from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from markdown_it.utils import read_fixture_file

from garden.markdown.code import code_plugin
from garden.markdown.math import math_plugin
from garden.markdown.tags import tags_plugin

FIXTURES = read_fixture_file(Path(__file__).parent / "fixtures" / "code.md")


def make_parser() -> MarkdownIt:
    return MarkdownIt("commonmark").use(code_plugin).use(tags_plugin).use(math_plugin)


@pytest.mark.parametrize("line,title,text,expected", FIXTURES, ids=[f"{f[0]}-{f[1]}" for f in FIXTURES])
def test_fixture(line: int, title: str, text: str, expected: str, env: dict) -> None:
    assert make_parser().render(text, env) == expected
