"""Obsidian comments, `%%…%%`: removed from the output, leaving no tokens.

Nothing inside a comment is parsed, so a link in a comment makes no edge and a
tag in a comment is not collected. An unclosed `%%` stays literal text.
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.rules_inline import StateInline

_MARK = "%%"


def comments_plugin(md: MarkdownIt) -> None:
    md.inline.ruler.before("escape", "comment", _inline_comment)
    # A comment may interrupt a paragraph, so a block comment holding blank
    # lines is never half-parsed as paragraph text.
    md.block.ruler.before("fence", "comment", _block_comment, {"alt": ["paragraph"]})


def _inline_comment(state: StateInline, silent: bool) -> bool:
    """`%%…%%` within a paragraph; code spans and math are consumed by their own rules first."""
    if not state.src.startswith(_MARK, state.pos):
        return False
    end = state.src.find(_MARK, state.pos + 2, state.posMax)
    if end == -1:
        return False
    state.pos = end + 2
    return True


def _block_comment(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    """A line opening with `%%`, up to the line that ends with the closing `%%`.

    A closing `%%` followed by more text on its line is left to the inline rule,
    which then shows that text.
    """
    if state.is_code_block(start_line):
        return False
    begin = state.bMarks[start_line] + state.tShift[start_line]
    if not state.src.startswith(_MARK, begin):
        return False
    line, search_from = start_line, begin + 2
    while line < end_line:
        line_end = state.eMarks[line]
        if line > start_line and state.sCount[line] < state.blkIndent and not state.isEmpty(line):
            return False  # the container (list item, quote) ended first
        close = state.src.find(_MARK, search_from, line_end)
        if close != -1:
            if state.src[close + 2 : line_end].strip():
                return False
            if not silent:
                state.line = line + 1
            return True
        line += 1
        if line < end_line:
            search_from = state.bMarks[line] + state.tShift[line]
    return False
