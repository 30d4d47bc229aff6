"""Fenced code, highlighted at build time by Pygments with CSS classes.

The language is taken only from the fence's info string; nothing is guessed,
and an unknown or missing language is shown as plain escaped text.
`mermaid` fences are left for the browser to draw.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.renderer import RendererProtocol
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict
from .memo import converted


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
    body = converted(env, ("code", language, token.content), lambda: _highlight(token.content, language)) \
        if language else escapeHtml(token.content)
    code_class = f' class="language-{escapeHtml(language)}"' if language else ""
    return f'<pre class="highlight"{attrs}><code{code_class}>{body}</code></pre>\n'


def _highlight(code: str, language: str) -> str:
    """The code as Pygments highlights it (imported only now: see memo.py), or escaped if it knows no such
    language."""
    from pygments import highlight

    found = _lexer(language)
    return highlight(code, *found) if found else escapeHtml(code)


@lru_cache(maxsize=None)  # finding a lexer by name is slow; a lexer is reusable
def _lexer(language: str) -> tuple | None:
    """Pygments' lexer for the language, with the formatter, or None."""
    from pygments.formatters import HtmlFormatter
    from pygments.lexers import get_lexer_by_name
    from pygments.util import ClassNotFound

    try:
        # Keep the fence's blank lines exactly as written.
        lexer = get_lexer_by_name(language, stripnl=False, ensurenl=False)
    except ClassNotFound:
        return None
    # Token colours come from static/style.css (CSS variables tuned for contrast in
    # both themes), so the formatter only emits Pygments' short class names.
    return lexer, HtmlFormatter(nowrap=True)
