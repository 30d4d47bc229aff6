"""Obsidian callouts: a blockquote whose first line is `[!type]`.

    > [!tip]- Optional title, *with inline markup*
    > Body

A core rule after "block" rewrites such blockquotes into callout tokens
before inline parsing, so the title is parsed as inline Markdown like any
paragraph, and a callout nested in a callout is just a nested blockquote.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererProtocol
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

# Obsidian's built-in types, each with its aliases.
_TYPES = {
    "note": (),
    "abstract": ("summary", "tldr"),
    "info": (),
    "todo": (),
    "tip": ("hint", "important"),
    "success": ("check", "done"),
    "question": ("help", "faq"),
    "warning": ("caution", "attention"),
    "failure": ("fail", "missing"),
    "danger": ("error",),
    "bug": (),
    "example": (),
    "quote": ("cite",),
}
_CANONICAL = {name: kind for kind, aliases in _TYPES.items() for name in (kind, *aliases)}

_HEADER = re.compile(r"\[!([\w-]+)\]([+-]?)[ \t]*(.*)")


def callouts_plugin(md: MarkdownIt) -> None:
    md.core.ruler.after("block", "callouts", _callouts)
    md.add_render_rule("callout_open", _render_open)
    md.add_render_rule("callout_title_open", _render_title_open)
    md.add_render_rule("callout_title_close", _render_title_close)


def canonical_callout_type(name: str) -> str:
    """The type a callout is shown as: aliases folded, unknown types shown as notes."""
    return _CANONICAL.get(name.lower(), "note")


def _callouts(state: StateCore) -> None:
    source = state.tokens
    if not any(token.type == "blockquote_open" for token in source):
        return  # no quote, so no callout: nothing to rewrite
    tokens: list[Token] = []
    enclosing: list[Token | None] = []  # per open blockquote: its callout_open, or None
    callouts = 0  # how many of `enclosing` are callouts
    i = 0
    while i < len(source):
        token = source[i]
        if token.type == "blockquote_close":
            callout = enclosing.pop()
            if callout is not None:
                callouts -= 1
                tokens.extend(_close_tokens(callout))
                i += 1
                continue
        # Each enclosing callout wraps its body in one more element (the content div).
        token.level += callouts
        if token.type == "blockquote_open":
            converted = _convert(source[i : i + 4])
            enclosing.append(converted[0] if converted else None)
            if converted:
                callouts += 1
                tokens.extend(converted)
                i += 4
                continue
        tokens.append(token)
        i += 1
    state.tokens = tokens


def _convert(head: list[Token]) -> list[Token] | None:
    """The callout tokens for a blockquote_open and its first paragraph, if
    that paragraph starts with a `[!type]` line; the callout_open comes first."""
    if len(head) < 4 or head[1].type != "paragraph_open":
        return None
    quote, paragraph_open, inline, paragraph_close = head
    first_line, _, body = inline.content.partition("\n")
    match = _HEADER.fullmatch(first_line)
    if not match:
        return None
    name, fold, title_text = match.groups()
    kind = canonical_callout_type(name)
    foldable = bool(fold)
    level = quote.level
    line = quote.map[0] if quote.map else 0

    callout = Token(
        "callout_open", "details" if foldable else "div", 1, block=True, level=level, map=quote.map,
        attrs={"class": f"callout callout-{kind}", "data-callout": kind},
        meta={"callout": kind, "fold": fold}, markup="[!",
    )
    title_tag = "summary" if foldable else "div"
    title = Token(
        "inline", "", 0, level=level + 2, map=[line, line + 1], children=[],
        content=title_text.strip() or kind.capitalize(),
    )
    tokens = [
        callout,
        Token("callout_title_open", title_tag, 1, block=True, level=level + 1, map=title.map),
        title,
        Token("callout_title_close", title_tag, -1, block=True, level=level + 1),
        Token("callout_content_open", "div", 1, block=True, level=level + 1, map=quote.map,
              attrs={"class": "callout-content"}),
    ]
    if body:  # the rest of the first paragraph opens the content
        inline.content = body
        for token in (paragraph_open, inline):
            token.map = [token.map[0] + 1, token.map[1]] if token.map else None
        for token in (paragraph_open, inline, paragraph_close):
            token.level = level + 2 + (token is inline)
        tokens += [paragraph_open, inline, paragraph_close]
    return tokens


def _close_tokens(callout: Token) -> list[Token]:
    return [
        Token("callout_content_close", "div", -1, block=True, level=callout.level + 1),
        Token("callout_close", callout.tag, -1, block=True, level=callout.level),
    ]


def _render_open(
    self: RendererProtocol, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    token = tokens[idx]
    is_open = " open" if token.meta.get("fold") == "+" else ""
    # As markdown-it does after a tight list's hidden paragraph.
    newline = "\n" if idx and tokens[idx - 1].hidden else ""
    return f"{newline}<{token.tag}{self.renderAttrs(token)}{is_open}>\n"


def _render_title_open(
    self: RendererProtocol, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    return (
        f'<{tokens[idx].tag} class="callout-title">'
        '<span class="callout-icon" aria-hidden="true"></span><span class="callout-title-text">'
    )


def _render_title_close(
    self: RendererProtocol, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    return f"</span></{tokens[idx].tag}>\n"
