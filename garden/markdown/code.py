"""Fenced code, highlighted at build time by Pygments with CSS classes.

The language is taken only from the fence's info string; nothing is guessed,
and an unknown or missing language is shown as plain escaped text.
`mermaid` fences are left for the browser to draw.
"""

from __future__ import annotations

from collections.abc import Sequence

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.renderer import RendererProtocol
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexer import Lexer
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

LIGHT_STYLE = "friendly"
DARK_STYLE = "github-dark"

_FORMATTER = HtmlFormatter(nowrap=True)


def code_plugin(md: MarkdownIt) -> None:
    md.add_render_rule("fence", _render_fence)


def _render_fence(
    self: RendererProtocol, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    token = tokens[idx]
    language = token.info.split(maxsplit=1)[0] if token.info.strip() else ""
    attrs = self.renderAttrs(token)  # e.g. a block id
    if language.lower() == "mermaid":
        return f'<pre class="mermaid"{attrs}>{escapeHtml(token.content)}</pre>\n'
    lexer = _lexer(language)
    body = highlight(token.content, lexer, _FORMATTER) if lexer else escapeHtml(token.content)
    code_class = f' class="language-{escapeHtml(language)}"' if language else ""
    return f'<pre class="highlight"{attrs}><code{code_class}>{body}</code></pre>\n'


def _lexer(language: str) -> Lexer | None:
    if not language:
        return None
    try:
        # Keep the fence's blank lines exactly as written.
        return get_lexer_by_name(language, stripnl=False, ensurenl=False)
    except ClassNotFound:
        return None


def pygments_css() -> str:
    """Stylesheet for highlighted code: a light theme, and a dark one that
    applies under `data-theme="dark"` or, unless the light theme was chosen,
    when the system prefers dark."""
    dark = ['[data-theme="dark"] .highlight', ':root:not([data-theme="light"]) .highlight']
    return "\n".join([
        f"/* Pygments '{LIGHT_STYLE}' */",
        *_style_rules(LIGHT_STYLE, [".highlight"]),
        f"/* Pygments '{DARK_STYLE}' */",
        *_style_rules(DARK_STYLE, dark[:1]),
        "@media (prefers-color-scheme: dark) {",
        *_style_rules(DARK_STYLE, dark[1:]),
        "}",
        "",
    ])


def _style_rules(style: str, scopes: list[str]) -> list[str]:
    formatter = HtmlFormatter(style=style)
    # A token class the dark style leaves plain must not keep its light colour:
    # reset every span first (more specific than `.highlight .k`), then restyle.
    reset = [
        f"{', '.join(f'{scope} span' for scope in scopes)} "
        "{ color: inherit; background-color: transparent; font-weight: inherit; "
        "font-style: inherit; text-decoration: inherit; border: none }"
    ] if style == DARK_STYLE else []
    return [
        *formatter.get_background_style_defs(scopes),
        *reset,
        *formatter.get_token_style_defs(scopes),
    ]
