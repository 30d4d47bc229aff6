"""`$inline$` and `$$display$$` math, rendered to MathML at build time.

Parsing is mdit-py-plugins' dollarmath with Obsidian's rules: no space just
inside the dollars and no digit just outside them, so `$5 and $6` is text.
A core rule converts each formula once, while the line it came from is still
known, so a formula that cannot be converted is reported with its line. A
formula the note's last render converted is taken as it was (see memo.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.renderer import RendererProtocol
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict
from mdit_py_plugins.dollarmath import dollarmath_plugin

from .memo import converted
from .report import report

# token type -> displayed as a block?  (`$$…$$` inside a paragraph is display math too)
_DISPLAY = {"math_inline": False, "math_inline_double": True, "math_block": True}


def math_plugin(md: MarkdownIt) -> None:
    dollarmath_plugin(
        md, allow_labels=False, allow_space=False, allow_digits=False,
        allow_blank_lines=False, double_inline=True,
    )
    md.core.ruler.after("inline", "math_to_mathml", _convert_all)
    md.add_render_rule("math_inline", _render_math)
    md.add_render_rule("math_inline_double", _render_math)
    md.add_render_rule("math_block", _render_math)


def _convert_all(state: StateCore) -> None:
    for token in state.tokens:
        if token.type == "math_block":
            _convert(token, token.map[0] if token.map else 0, state.env)
        elif token.type == "inline" and token.children and "$" in token.content:  # no `$`, no formula
            line = token.map[0] if token.map else 0
            for child in token.children:
                if child.type in _DISPLAY:
                    _convert(child, line, state.env)
                # Count line breaks, so a formula is reported on its own line.
                line += (child.type in ("softbreak", "hardbreak")) + child.content.count("\n")


def _convert(token: Token, line: int, env: EnvType) -> None:
    latex, display = token.content.strip(), "block" if _DISPLAY[token.type] else "inline"
    try:
        token.meta["mathml"] = converted(env, ("math", latex, display), lambda: _mathml(latex, display))
    except Exception as error:  # latex2mathml raises many unrelated types
        message = str(error) or type(error).__name__
        report(env, line, "warning", f"could not render math: {latex}", hint=message)


# latex2mathml takes a third of a millisecond per formula, and notes repeat the
# same short formulas ($n$, $x_i$); its output depends only on these two arguments.
# A formula that fails raises every time (nothing is cached), so each is reported.
@lru_cache(maxsize=4096)
def _mathml(latex: str, display: str) -> str:
    from latex2mathml.converter import convert  # here: importing it costs a `garden build` 50 ms

    return convert(latex, display=display)


def _render_math(
    self: RendererProtocol, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    token = tokens[idx]
    mathml = token.meta.get("mathml")
    if mathml is None:
        mathml = (
            '<code class="math-error" title="could not render this formula">'
            f"{escapeHtml(token.content.strip())}</code>"
        )
    if token.type == "math_block":
        return f'<div class="math math-display"{self.renderAttrs(token)}>{mathml}</div>\n'
    kind = "math-display" if _DISPLAY[token.type] else "math-inline"
    return f'<span class="math {kind}">{mathml}</span>'
