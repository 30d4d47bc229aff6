"""```chart blocks: a figure drawn from a script's stored result.

    ```chart
    script: lln.py
    args: {seed: 7, n: 10000}
    caption: Running mean of die rolls for five seeds.
    ```

The block's body is YAML with three keys: `script` (required), `args` and
`caption`. A core rule before "inline" turns each block into figure tokens,
with the caption as an inline token so it is ordinary Markdown (links, math).
The chart itself comes from an injected `lookup(script, args, note)`; this
module never reads a file or runs a script. Problems are reported on the
block's own lines, and the note still renders, with a visible placeholder.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from typing import Any, Callable, Mapping

import yaml
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.renderer import RendererProtocol
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

from ..charts.library import ChartOutcome
from .report import report

Scalar = str | int | float | bool
ChartLookup = Callable[[str, Mapping[str, Scalar], str], ChartOutcome]

KEYS = ("script", "args", "caption")
_ARG_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")
_SCRIPT_LINE = re.compile(r"^\s*script\s*:", re.MULTILINE)
_EXAMPLE = "```chart\nscript: lln.py\nargs: {seed: 7}\ncaption: …\n```"


def no_charts(script: str, args: Mapping[str, Scalar], source_key: str) -> ChartOutcome:
    """The lookup of a parser made without charts: every chart block is reported."""
    return ChartOutcome(script, level="error", message=f"chart {script}: charts are not available here")


def charts_plugin(md: MarkdownIt, *, lookup: ChartLookup = no_charts) -> None:
    def chart_blocks(state: StateCore) -> None:
        tokens: list[Token] = []
        for token in state.tokens:
            if token.type != "fence":
                tokens.append(token)
                continue
            info = token.info.strip()
            word = info.split(maxsplit=1)[0].lower() if info else ""
            if word == "chart":
                tokens.extend(_figure_tokens(token, info, state.env, lookup))
                continue
            _check_misspelt_fence(token, word, state.env)
            tokens.append(token)
        state.tokens = tokens

    md.core.ruler.before("inline", "chart_blocks", chart_blocks)
    md.add_render_rule("chart_open", _render_open)
    md.add_render_rule("chart_close", _render_close)


def _figure_tokens(fence: Token, info: str, env: EnvType, lookup: ChartLookup) -> list[Token]:
    body_line = (fence.map[0] if fence.map else 0) + 1  # the line after ```chart
    block = _read_block(fence.content, body_line, info, env)
    if block is None:
        outcome = ChartOutcome(message="this chart block has an error; see the build's report")
        caption, caption_line = "", body_line
    else:
        script, args, caption, lines = block
        outcome = lookup(script, args, env.get("source_key", ""))
        if outcome.level:
            report(env, lines.get("script", body_line), outcome.level, outcome.message, outcome.hint)
        caption = caption or outcome.caption
        caption_line = lines.get("caption", body_line)
    level = fence.level
    opening = Token("chart_open", "figure", 1, block=True, level=level, map=fence.map, meta={"outcome": outcome},
                    attrs=dict(fence.attrs))
    tokens = [opening]
    if caption:
        inline = Token("inline", "", 0, level=level + 2, map=[caption_line, caption_line + 1], children=[],
                       content=caption)
        tokens += [Token("chart_caption_open", "figcaption", 1, block=True, level=level + 1), inline,
                   Token("chart_caption_close", "figcaption", -1, block=True, level=level + 1)]
    tokens.append(Token("chart_close", "figure", -1, block=True, level=level, meta={"outcome": outcome}))
    return tokens


def _read_block(text: str, body_line: int, info: str, env: EnvType
                ) -> tuple[str, dict[str, Scalar], str, dict[str, int]] | None:
    """The block's script, args and caption, and the line of each key; None after reporting a problem."""
    start = body_line - 1
    if info.lower() != "chart":
        report(env, start, "error", f"chart block: nothing may follow ```chart on its line, found {info[5:].strip()!r}",
               f"put the script on a `script:` line inside the block:\n{_EXAMPLE}")
        return None
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = body_line + (mark.line if mark else 0)
        report(env, line, "error", f"chart block is not valid YAML: {getattr(exc, 'problem', None) or exc}",
               "write one `key: value` per line, and quote a caption that holds ': ' or ' #' "
               f"(in single quotes, backslashes stay as written), e.g.\n{_EXAMPLE}")
        return None
    if not isinstance(data, dict):
        report(env, start, "error", "chart block: expected `key: value` lines (script, args, caption)",
               f"for example:\n{_EXAMPLE}")
        return None
    lines = {str(k.value): body_line + k.start_mark.line for k, _ in node.value} if node is not None else {}
    ok = True
    for key in data:
        if key not in KEYS:
            close = difflib.get_close_matches(str(key), KEYS, n=1)
            hint = f"did you mean '{close[0]}'?" if close else "a chart block takes script, args and caption"
            report(env, lines.get(str(key), start), "error", f"chart block: unknown key '{key}'", hint)
            ok = False
    script = data.get("script")
    if script is None:
        if ok:  # else a misspelt key was just reported: one error for one typo
            report(env, start, "error", "chart block has no `script:`",
                   "name the script that prints the chart, e.g. `script: lln.py`")
        return None
    if not isinstance(script, str) or not script.strip().endswith(".py"):
        report(env, lines.get("script", start), "error",
               f"chart block: `script` should name a Python file such as lln.py, found {script!r}")
        return None
    args = _read_args(data.get("args", {}), lines.get("args", start), env)
    caption = data.get("caption", "")
    if isinstance(caption, (int, float)) and not isinstance(caption, bool):
        caption = str(caption)
    if not isinstance(caption, str):
        report(env, lines.get("caption", start), "error", f"chart block: `caption` should be text, found {caption!r}")
        ok = False
    if args is None or not ok:
        return None
    return script.strip(), args, caption.strip(), lines


def _read_args(raw: Any, line: int, env: EnvType) -> dict[str, Scalar] | None:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        report(env, line, "error", f"chart block: `args` should be a mapping such as {{seed: 7, n: 10000}}, "
                                   f"found {raw!r}")
        return None
    args: dict[str, Scalar] = {}
    for key, value in raw.items():
        if not isinstance(key, str) or not _ARG_NAME.fullmatch(key):
            report(env, line, "error", f"chart block: args: {key!r} is not an option name",
                   "use letters, digits, - and _, starting with a letter; it is passed as --name")
            return None
        if not isinstance(value, (str, int, float, bool)):
            report(env, line, "error", f"chart block: args.{key} should be a string, number or true/false, "
                                       f"found {value!r}")
            return None
        args[key] = value
    return args


def _check_misspelt_fence(fence: Token, word: str, env: EnvType) -> None:
    """```chrat with a `script:` line was meant as a chart; say so rather than show YAML as code."""
    if word and difflib.get_close_matches(word, ["chart"], n=1, cutoff=0.7) \
            and _SCRIPT_LINE.search(fence.content):
        report(env, fence.map[0] if fence.map else 0, "warning", f"```{word} block looks like a chart block",
               "a chart block opens with ```chart")


def _render_open(self: RendererProtocol, tokens: Sequence[Token], idx: int, options: OptionsDict,
                 env: EnvType) -> str:
    token = tokens[idx]
    outcome: ChartOutcome = token.meta["outcome"]
    classes = "chart" + (" chart-stale" if outcome.stale else "") + ("" if outcome.svg else " chart-unavailable")
    attrs = "".join(f' {name}="{escapeHtml(str(value))}"' for name, value in token.attrs.items() if name != "class")
    html = f'<figure class="{classes}"{attrs}>'
    if not outcome.svg:
        return html + (f'<p class="chart-placeholder" role="img" aria-label="Chart unavailable">Chart unavailable: '
                       f"{escapeHtml(outcome.message)}</p>")
    html += outcome.svg
    if outcome.stale:
        html += ('<p class="chart-stale-note">Out of date: this chart was computed from an earlier version of '
                 f"{escapeHtml(outcome.script.rpartition('/')[2])}.</p>")
    if outcome.table:  # before the caption: HTML allows a figcaption only first or last in a figure
        html += f'<details class="chart-data"><summary>Data</summary>{outcome.table}</details>'
    return html


def _render_close(self: RendererProtocol, tokens: Sequence[Token], idx: int, options: OptionsDict,
                  env: EnvType) -> str:
    return "</figure>\n"
