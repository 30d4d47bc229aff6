from __future__ import annotations

from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from markdown_it.utils import read_fixture_file

from garden.markdown.tags import tags_plugin
from garden.paths import MARK

FIXTURES = read_fixture_file(Path(__file__).parent / "fixtures" / "tags.md")


def make_parser() -> MarkdownIt:
    return MarkdownIt("commonmark").use(tags_plugin)


@pytest.mark.parametrize("line,title,text,expected", FIXTURES, ids=[f"{f[0]}-{f[1]}" for f in FIXTURES])
def test_fixture(line: int, title: str, text: str, expected: str, env: dict) -> None:
    # Site references hold NUL, which a fixture file cannot show; `␀` stands for it.
    assert make_parser().render(text, env).replace(MARK, "␀") == expected


def test_tag_tokens_carry_the_tag_as_written(env: dict) -> None:
    tokens = make_parser().parse("#Garden and #ml/NLP/ but not #42", env)
    tags = [child for child in tokens[1].children if child.type == "tag"]
    assert [tag.meta["tag"] for tag in tags] == ["Garden", "ml/NLP"]
    assert [tag.content for tag in tags] == ["#Garden", "#ml/NLP"]
