"""Inline `#tag` and `#nested/tag`, as Obsidian writes them.

An inline rule, so code spans, math, HTML, autolinks and link destinations,
which other inline rules consume whole, never produce a tag.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.renderer import RendererProtocol
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

from ..paths import site_ref, tag_url

# Segments of letters (any script), digits, `_` and `-`, joined by `/`;
# a trailing `/` is left out of the tag (it stays text after the link).
_TAG = re.compile(r"[\w-]+(?:/[\w-]+)*")
# What may stand right before the `#`: `a#b` and `https://x/#frag` are not tags.
_OPENERS = frozenset("([{\"'*“‘")


def tags_plugin(md: MarkdownIt) -> None:
    md.inline.ruler.before("emphasis", "tag", _tag_rule)
    md.add_render_rule("tag", _render_tag)


def _tag_rule(state: StateInline, silent: bool) -> bool:
    pos = state.pos
    if state.src[pos] != "#" or state.linkLevel > 0:  # no <a> inside an <a>
        return False
    if pos > 0 and not (state.src[pos - 1].isspace() or state.src[pos - 1] in _OPENERS):
        return False
    match = _TAG.match(state.src, pos + 1)
    if not match:
        return False
    tag = match.group()
    if not _is_tag(tag):
        return False
    if not silent:
        token = state.push("tag", "a", 0)
        token.markup = "#"
        token.content = "#" + tag  # the text as written
        token.meta = {"tag": tag}
    state.pos = match.end()
    return True


def _is_tag(tag: str) -> bool:
    # Obsidian: some non-digit (`#1984` is a year, not a tag); and some letter
    # or digit, so `#-` or `#_` is not a tag whose page would have no name.
    return any(not (ch.isdigit() or ch == "/") for ch in tag) and any(ch.isalnum() for ch in tag)


def _render_tag(
    self: RendererProtocol, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    tag = tokens[idx].meta["tag"]
    return f'<a class="tag" href="{site_ref(tag_url(tag))}">#{escapeHtml(tag)}</a>'
