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


def test_code_highlighted_before_is_taken_as_it_was(env: dict, monkeypatch) -> None:
    """A fence the note's last render highlighted (`earlier_conversions`) is not highlighted again."""
    from garden.markdown import code

    highlighted: list[str] = []
    monkeypatch.setattr(code, "_highlight", lambda source, language: highlighted.append(language) or "<hl/>")
    env["earlier_conversions"] = lambda: {("code", "python", "x = 1\n"): "<kept/>"}
    html = make_parser().render("```python\nx = 1\n```\n\n```rust\nlet x = 1;\n```\n\n```\nplain\n```\n", env)
    assert highlighted == ["rust"]  # and a fence without a language is only escaped
    assert '<code class="language-python"><kept/></code>' in html
    assert env["conversions"] == {("code", "python", "x = 1\n"): "<kept/>", ("code", "rust", "let x = 1;\n"): "<hl/>"}
