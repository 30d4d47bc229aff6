"""The ```chart block: its syntax, its mistakes reported on their lines, and the figure it becomes."""

from __future__ import annotations

from typing import Any

import pytest
from markdown_it import MarkdownIt

from garden.charts.library import ChartOutcome
from garden.markdown.charts import charts_plugin
from garden.markdown.math import math_plugin

SVG = "<svg>drawing</svg>"
TABLE = "<table><tr><td>1</td></tr></table>"


class FakeLookup:
    """Answers every chart with a drawing, and remembers what was asked."""

    def __init__(self, outcome: ChartOutcome | None = None) -> None:
        self.calls: list[tuple[str, dict, str]] = []
        self.outcome = outcome

    def __call__(self, script: str, args: dict, source_key: str) -> ChartOutcome:
        self.calls.append((script, dict(args), source_key))
        return self.outcome or ChartOutcome(f"notes/{script}", SVG, TABLE, caption="The script's own caption.")


@pytest.fixture
def env() -> dict[str, Any]:
    """As the body renderer sets it: the note, and 3 lines of front-matter before its body."""
    return {"source_key": "notes/a.md", "source_path": "notes/a.md", "line_offset": 3}


def render(text: str, env: dict[str, Any], lookup: FakeLookup | None = None) -> str:
    md = MarkdownIt("commonmark").use(math_plugin).use(charts_plugin, lookup=lookup or FakeLookup())
    return md.render(text, env)


def problems(env: dict[str, Any]) -> list[tuple[int, str, str]]:
    return [(d.line, d.level, d.message) for d in env.get("diagnostics", [])]


def test_a_chart_block_becomes_a_figure(env) -> None:
    lookup = FakeLookup()
    html = render("```chart\nscript: lln.py\nargs: {seed: 7, n: 10000}\ncaption: Five *seeds*.\n```\n", env, lookup)
    assert lookup.calls == [("lln.py", {"seed": 7, "n": 10000}, "notes/a.md")]
    assert html == (f'<figure class="chart">{SVG}<details class="chart-data"><summary>Data</summary>{TABLE}</details>'
                    f'<figcaption>Five <em>seeds</em>.</figcaption>\n</figure>\n')
    assert problems(env) == []


def test_without_a_caption_the_charts_own_is_used(env) -> None:
    html = render("```chart\nscript: lln.py\n```\n", env)
    assert "<figcaption>The script's own caption.</figcaption>" in html


def test_the_caption_is_markdown_with_math(env) -> None:
    html = render("```chart\nscript: lln.py\ncaption: Band of $2\\sigma$.\n```\n", env)
    assert '<figcaption>Band of <span class="math math-inline"><math' in html


def test_a_stale_chart_is_shown_and_marked(env) -> None:
    stale = ChartOutcome("notes/lln.py", SVG, TABLE, stale=True, level="warning", message="chart lln.py is stale")
    html = render("intro\n\n```chart\nscript: lln.py\n```\n", env, FakeLookup(stale))
    assert '<figure class="chart chart-stale">' in html and SVG in html
    assert '<p class="chart-stale-note">Out of date: this chart was computed from an earlier version of lln.py.</p>' \
        in html
    assert problems(env) == [(7, "warning", "chart lln.py is stale")]  # the `script:` line, after 3 of front-matter


def test_a_chart_that_cannot_be_shown_leaves_a_placeholder(env) -> None:
    failed = ChartOutcome("notes/lln.py", level="error", message="chart notes/lln.py failed: exited with status 1")
    html = render("```chart\nscript: lln.py\n```\n", env, FakeLookup(failed))
    assert html == ('<figure class="chart chart-unavailable"><p class="chart-placeholder" role="img" '
                    'aria-label="Chart unavailable">Chart unavailable: chart notes/lln.py failed: exited with '
                    "status 1</p></figure>\n")
    assert problems(env) == [(5, "error", "chart notes/lln.py failed: exited with status 1")]


# (block body, the problems reported: body line numbers are file lines, after 3 lines of front-matter)
MISTAKES = [
    ("scrpt: lln.py\n", [(5, "error", "chart block: unknown key 'scrpt'")]),
    ("caption: no script\n", [(4, "error", "chart block has no `script:`")]),
    ("script: lln.py\nargs: [7]\n",
     [(6, "error", "chart block: `args` should be a mapping such as {seed: 7, n: 10000}, found [7]")]),
    ("script: lln.py\nargs: {seed: [1, 2]}\n",
     [(6, "error", "chart block: args.seed should be a string, number or true/false, found [1, 2]")]),
    ("script: lln.py\nargs: {'a b': 1}\n", [(6, "error", "chart block: args: 'a b' is not an option name")]),
    ("script: lln\n", [(5, "error", "chart block: `script` should name a Python file such as lln.py, found 'lln'")]),
    ("script: lln.py\ncaption: [a]\n", [(6, "error", "chart block: `caption` should be text, found ['a']")]),
    ("script: lln.py\nargs: {seed: 7\n",
     [(7, "error", "chart block is not valid YAML: expected ',' or '}', but got '<stream end>'")]),
    ("just words\n", [(4, "error", "chart block: expected `key: value` lines (script, args, caption)")]),
]


@pytest.mark.parametrize("body,expected", MISTAKES, ids=[m[0].split("\n")[0] for m in MISTAKES])
def test_mistakes_are_errors_on_their_lines(body: str, expected, env) -> None:
    lookup = FakeLookup()
    html = render(f"```chart\n{body}```\n", env, lookup)
    assert problems(env) == expected
    assert lookup.calls == []
    assert '<figure class="chart chart-unavailable"><p class="chart-placeholder"' in html


def test_a_misspelt_key_has_a_suggestion(env) -> None:
    render("```chart\nscript: lln.py\ncaptoin: x\n```\n", env)
    assert [d.hint for d in env["diagnostics"]] == ["did you mean 'caption'?"]


def test_text_after_the_fence_word_is_an_error(env) -> None:
    render("```chart lln.py\nscript: lln.py\n```\n", env)
    assert problems(env) == [(4, "error", "chart block: nothing may follow ```chart on its line, found 'lln.py'")]


def test_a_misspelt_fence_is_a_warning_and_stays_code(env) -> None:
    html = render("```chrat\nscript: lln.py\n```\n", env)
    assert problems(env) == [(4, "warning", "```chrat block looks like a chart block")]
    assert html.startswith("<pre><code")


def test_the_fence_word_may_be_capitalised(env) -> None:
    assert '<figure class="chart">' in render("```Chart\nscript: lln.py\n```\n", env)


def test_other_fences_are_untouched(env) -> None:
    lookup = FakeLookup()
    html = render("```python\nscript: x.py\n```\n\n```\nchart\n```\n", env, lookup)
    assert lookup.calls == [] and "<figure" not in html and problems(env) == []


def test_a_chart_in_a_list_keeps_its_place(env) -> None:
    html = render("- item\n\n  ```chart\n  script: lln.py\n  ```\n", env)
    assert html.startswith('<ul>\n<li>\n<p>item</p>\n<figure class="chart">')
