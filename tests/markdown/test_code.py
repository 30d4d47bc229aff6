from __future__ import annotations

from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from markdown_it.utils import read_fixture_file

from garden.markdown.code import code_plugin, pygments_css
from garden.markdown.math import math_plugin
from garden.markdown.tags import tags_plugin

FIXTURES = read_fixture_file(Path(__file__).parent / "fixtures" / "code.md")


def make_parser() -> MarkdownIt:
    return MarkdownIt("commonmark").use(code_plugin).use(tags_plugin).use(math_plugin)


@pytest.mark.parametrize("line,title,text,expected", FIXTURES, ids=[f"{f[0]}-{f[1]}" for f in FIXTURES])
def test_fixture(line: int, title: str, text: str, expected: str, env: dict) -> None:
    assert make_parser().render(text, env) == expected


def test_css_has_a_light_and_a_dark_theme() -> None:
    css = pygments_css()
    light, _, rest = css.partition("/* Pygments 'github-dark' */")
    dark, _, media = rest.partition("@media (prefers-color-scheme: dark) {")
    assert ".highlight .k {" in light and "data-theme" not in light
    assert '[data-theme="dark"] .highlight .k {' in dark
    assert ':root:not([data-theme="light"]) .highlight .k {' in media
    assert media.rstrip().endswith("}")
    # The dark theme resets spans, so no light colour leaks into it.
    assert '[data-theme="dark"] .highlight span { color: inherit' in dark
    assert ':root:not([data-theme="light"]) .highlight span { color: inherit' in media
    # Every rule is scoped: nothing styles `pre` or `td` on the whole page.
    rules = [line for line in css.splitlines() if "{" in line and not line.startswith("@media")]
    assert all(".highlight" in line for line in rules)
