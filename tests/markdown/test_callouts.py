from __future__ import annotations

from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from markdown_it.utils import read_fixture_file

from garden.markdown.callouts import callouts_plugin, canonical_callout_type

FIXTURES = read_fixture_file(Path(__file__).parent / "fixtures" / "callouts.md")


def make_parser() -> MarkdownIt:
    return MarkdownIt("commonmark").use(callouts_plugin)


@pytest.mark.parametrize("line,title,text,expected", FIXTURES, ids=[f"{f[0]}-{f[1]}" for f in FIXTURES])
def test_fixture(line: int, title: str, text: str, expected: str, env: dict) -> None:
    assert make_parser().render(text, env) == expected


@pytest.mark.parametrize(
    "name,kind",
    [("note", "note"), ("TLDR", "abstract"), ("Hint", "tip"), ("cite", "quote"), ("whatever", "note")],
)
def test_canonical_callout_type(name: str, kind: str) -> None:
    assert canonical_callout_type(name) == kind


def test_callout_tokens_keep_levels_and_lines(env: dict) -> None:
    tokens = make_parser().parse("> [!tip]- Title\n> Body\n", env)
    summary = [(t.type, t.level, t.map) for t in tokens if t.type != "inline"]
    assert summary == [
        ("callout_open", 0, [0, 2]),
        ("callout_title_open", 1, [0, 1]),
        ("callout_title_close", 1, None),
        ("callout_content_open", 1, [0, 2]),
        ("paragraph_open", 2, [1, 2]),
        ("paragraph_close", 2, None),
        ("callout_content_close", 1, None),
        ("callout_close", 0, None),
    ]
    assert tokens[0].meta == {"callout": "tip", "fold": "-"}
