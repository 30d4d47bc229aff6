"""A unique, stable id on every heading, for `[[Note#Heading]]` links and the table of contents.

The id is `heading_slug` of the heading's plain text; a repeated slug gets
`-1`, `-2`… in document order, so the first heading keeps the bare slug.
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from ..paths import heading_slug

# Children whose content is the heading's visible text; markup (emphasis,
# link) tokens carry none, so `## *a* [b](c)` reads "a b".
_TEXT_TYPES = frozenset({"text", "text_special", "code_inline", "tag"})


def heading_ids_plugin(md: MarkdownIt) -> None:
    md.core.ruler.after("inline", "heading_ids", _heading_ids)


def heading_text(inline: Token) -> str:
    """The plain text of a heading's inline token."""
    parts = []
    for child in inline.children or []:
        if child.type in _TEXT_TYPES:
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):  # a setext heading's lines
            parts.append(" ")
    return "".join(parts)


def _heading_ids(state: StateCore) -> None:
    used: set[str] = set()
    tokens = state.tokens
    for i, token in enumerate(tokens[:-1]):
        if token.type != "heading_open":
            continue
        base = slug = heading_slug(heading_text(tokens[i + 1]))
        count = 0
        while slug in used:
            count += 1
            slug = f"{base}-{count}"
        used.add(slug)
        token.meta["heading_id"] = slug
        token.attrSet("id", slug)
