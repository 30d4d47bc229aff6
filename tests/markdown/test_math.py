from __future__ import annotations

from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from markdown_it.utils import read_fixture_file

from garden.errors import Diagnostic
from garden.markdown.math import math_plugin
from garden.markdown.tags import tags_plugin
from garden.paths import MARK

FIXTURES = read_fixture_file(Path(__file__).parent / "fixtures" / "math.md")


def make_parser() -> MarkdownIt:
    return MarkdownIt("commonmark").use(math_plugin).use(tags_plugin)


@pytest.mark.parametrize("line,title,text,expected", FIXTURES, ids=[f"{f[0]}-{f[1]}" for f in FIXTURES])
def test_fixture(line: int, title: str, text: str, expected: str, env: dict) -> None:
    # Tag links hold NUL markers, shown as `␀` in the fixture file.
    assert make_parser().render(text, env).replace(MARK, "␀") == expected


def test_invalid_formulas_are_reported_on_their_lines(env: dict) -> None:
    text = "Intro.\n\nfirst line\nsecond $x^$ line\n\n$$\n\\frac{1}{\n$$\n"
    make_parser().render(text, env)
    # Body lines 3 and 5 (0-based) after 3 lines of front-matter.
    assert [(d.path, d.line, d.level, d.message) for d in env["diagnostics"]] == [
        ("notes/a.md", 7, "warning", "could not render math: x^"),
        ("notes/a.md", 9, "warning", "could not render math: \\frac{1}{"),
    ]
    assert all(isinstance(d, Diagnostic) and d.hint for d in env["diagnostics"])


def test_valid_formulas_report_nothing(env: dict) -> None:
    make_parser().render("$x$ and\n\n$$\ny\n$$\n", env)
    assert "diagnostics" not in env


def test_formulas_converted_before_are_taken_as_they_were(env: dict, monkeypatch) -> None:
    """A note's last conversions (`earlier_conversions`) stand in for the converter; the rest are converted,
    and every formula of this render is handed on in `conversions`."""
    from garden.markdown import math

    converted: list[tuple[str, str]] = []
    monkeypatch.setattr(math, "_mathml", lambda latex, display: converted.append((latex, display)) or f"<m>{latex}</m>")
    env["earlier_conversions"] = lambda: {("math", "x", "inline"): "<kept/>"}
    html = make_parser().render("$x$ and $y$\n\n$$\nx\n$$\n", env)
    assert converted == [("y", "inline"), ("x", "block")]  # `x` shown as a block is another formula
    assert '<span class="math math-inline"><kept/></span>' in html
    assert env["conversions"] == {("math", "x", "inline"): "<kept/>", ("math", "y", "inline"): "<m>y</m>",
                                  ("math", "x", "block"): "<m>x</m>"}


def test_a_note_without_math_never_asks_for_its_earlier_conversions(env: dict) -> None:
    env["earlier_conversions"] = lambda: pytest.fail("read for a note without math")
    make_parser().render("No formula, only $5 and $6.\n", env)
    assert not env.get("conversions")
