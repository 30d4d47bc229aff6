"""`==text==` → `<mark>text</mark>`, Obsidian's highlight.

mdit-py-plugins has no `mark` plugin, so this ports markdown-it-mark: the same
delimiter-pair approach as `~~strikethrough~~`, so highlights nest with
emphasis and can hold any inline content.
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline
from markdown_it.rules_inline.state_inline import Delimiter

_EQUALS = 0x3D


def highlight_mark_plugin(md: MarkdownIt) -> None:
    md.inline.ruler.before("emphasis", "mark", _tokenize)
    md.inline.ruler2.before("emphasis", "mark", _post_process)


def _tokenize(state: StateInline, silent: bool) -> bool:
    """Push each `==` as a text token and record it as a delimiter."""
    if silent or state.src[state.pos] != "=":
        return False
    scanned = state.scanDelims(state.pos, True)
    length = scanned.length
    if length < 2:
        return False
    if length % 2:  # `===`: the odd `=` is plain text
        state.push("text", "", 0).content = "="
        length -= 1
    for _ in range(length // 2):
        state.push("text", "", 0).content = "=="
        if scanned.can_open or scanned.can_close:
            state.delimiters.append(
                Delimiter(_EQUALS, 0, len(state.tokens) - 1, -1, scanned.can_open, scanned.can_close)
            )
    state.pos += scanned.length
    return True


def _post_process(state: StateInline) -> None:
    _pair_delimiters(state, state.delimiters)
    for meta in state.tokens_meta:
        if meta and "delimiters" in meta:
            _pair_delimiters(state, meta["delimiters"])


def _pair_delimiters(state: StateInline, delimiters: list[Delimiter]) -> None:
    """Turn balanced `==` pairs (matched by balance_pairs) into mark tokens."""
    lone_markers = []
    for start in delimiters:
        if start.marker != _EQUALS or start.end == -1:
            continue
        end = delimiters[start.end]
        for index, kind, nesting in ((start.token, "mark_open", 1), (end.token, "mark_close", -1)):
            token = state.tokens[index]
            token.type, token.tag, token.nesting = kind, "mark", nesting
            token.markup, token.content = "==", ""
        before_end = state.tokens[end.token - 1]
        if before_end.type == "text" and before_end.content == "=":
            lone_markers.append(end.token - 1)

    # An odd run is split `=` + `==`: move the lone `=` after the closing tags,
    # so `==a===` reads as <mark>a</mark>= rather than <mark>a=</mark>.
    while lone_markers:
        i = lone_markers.pop()
        j = i + 1
        while j < len(state.tokens) and state.tokens[j].type == "mark_close":
            j += 1
        j -= 1
        if i != j:
            state.tokens[i], state.tokens[j] = state.tokens[j], state.tokens[i]
