"""Obsidian block ids: `text ^block-id` names the block it ends.

A core rule after "inline" (and before "text_join", so an escaped `\\^id`
is still a separate token and never read as an id). The marker is removed
from the text; the block's opening token gets `id="^block-id"` and
`meta["block_id"]`, which other code collects.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

_MARKER = re.compile(r"(?:^|[ \t]+)\^([A-Za-z0-9-]+)[ \t]*$")


def block_ids_plugin(md: MarkdownIt) -> None:
    md.core.ruler.after("inline", "block_ids", _block_ids)


def _block_ids(state: StateCore) -> None:
    tokens = state.tokens
    i = 1
    while i < len(tokens):
        inline = tokens[i]
        if inline.type != "inline" or tokens[i - 1].type != "paragraph_open":
            i += 1
            continue
        block_id = _take_marker(inline)
        if block_id is None:
            i += 1
        elif inline.children:
            _assign(_paragraph_target(tokens, i - 1), block_id)
            i += 1
        else:
            # `^id` alone in a paragraph names the block before it (a table,
            # list or quote, which cannot end with an id of their own).
            previous = _previous_block(tokens, i - 1)
            if previous is None:
                inline.children = [_text(f"^{block_id}")]  # nothing to name: keep the text
                i += 1
            else:
                _assign(previous, block_id)
                del tokens[i - 1 : i + 2]


def _take_marker(inline: Token) -> str | None:
    """Remove a trailing ` ^id` from the paragraph's children and return the id."""
    children = inline.children or []
    if not children or children[-1].type != "text":
        return None
    last = children[-1]
    if "^" not in last.content:
        return None  # most paragraphs: no need to run the regex along the whole line
    match = _MARKER.search(last.content)
    if not match:
        return None
    last.content = last.content[: match.start()]
    if not last.content:
        children.pop()
        if children and children[-1].type in ("softbreak", "hardbreak"):
            children.pop()  # `text\n^id`: the id's own line goes too
    return match.group(1)


def _paragraph_target(tokens: list[Token], open_index: int) -> Token:
    """A paragraph in a list item is named through its `<li>`, else through its `<p>`."""
    parent = _parent(tokens, open_index)
    return parent if parent is not None and parent.type == "list_item_open" else tokens[open_index]


def _parent(tokens: list[Token], index: int) -> Token | None:
    level = tokens[index].level
    for token in reversed(tokens[:index]):
        if token.nesting == 1 and token.level < level:
            return token
    return None


def _previous_block(tokens: list[Token], open_index: int) -> Token | None:
    """The opening token of the sibling block just before `tokens[open_index]`."""
    if open_index == 0:
        return None
    before = tokens[open_index - 1]
    level = tokens[open_index].level
    if before.level != level or before.nesting == 1:
        return None  # first child of its container
    if before.nesting == 0:
        return before if before.block else None  # fence, math block, rule
    for j in range(open_index - 2, -1, -1):
        if tokens[j].level == level and tokens[j].nesting == 1:
            if tokens[j].type == "heading_open":
                return None  # headings are named by their text, not by an id
            return _paragraph_target(tokens, j) if tokens[j].type == "paragraph_open" else tokens[j]
    return None


def _assign(token: Token, block_id: str) -> None:
    token.attrSet("id", f"^{block_id}")
    token.meta["block_id"] = block_id


def _text(content: str) -> Token:
    token = Token("text", "", 0)
    token.content = content
    return token
