"""`[[wikilinks]]` and `![[embeds]]`.

An inline rule turns each into one `wikilink` token whose meta holds the
parsed parts and the resolved target (the resolver is injected, so this
module knows nothing of how notes are found). Rendering is plain HTML for
links and media; a note embed becomes a slot marker that the graph stage
fills with the other note's rendered body.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from typing import Callable, Sequence

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.renderer import RendererProtocol
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

from ..models import LinkTarget
from ..paths import MARK, heading_slug, site_ref

Resolve = Callable[[str, str], LinkTarget]

IMAGE = {".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".avif", ".bmp", ".ico"}
AUDIO = {".mp3", ".wav", ".ogg", ".m4a", ".flac", ".oga", ".opus"}
VIDEO = {".mp4", ".webm", ".mov", ".ogv", ".mkv"}
_SIZE = re.compile(r"^\s*(\d+)\s*(?:x\s*(\d+)\s*)?$")
_PIPE = re.compile(r"\\?\|")
_STOP = re.compile(r"\]\]|[\[\n]")


@dataclass(frozen=True)
class Wikilink:
    """The parts of `[[page#anchor|label]]` as written."""

    page: str
    anchor: str  # "Heading", "^block-id" or ""
    label: str | None
    embed: bool

    @property
    def written(self) -> str:
        return self.page + (f"#{self.anchor}" if self.anchor else "")


def parse_wikilink(inner: str, embed: bool) -> Wikilink:
    # `\|` is how a pipe is written inside a table cell; it is a pipe here too.
    target, *rest = _PIPE.split(inner, maxsplit=1)
    label = rest[0].strip() if rest else None
    page, _, anchor = target.partition("#")
    # `[[a#b#c]]` is a heading path; Obsidian links to the last heading named.
    anchor = anchor.split("#")[-1].strip() if anchor else ""
    return Wikilink(page.strip(), anchor, label, embed)


def anchor_id(anchor: str) -> str:
    """The HTML id a link's anchor points at: a block id as written, a heading by its slug."""
    if not anchor:
        return ""
    if anchor.startswith("^"):
        return anchor
    return heading_slug(anchor)


def wikilinks_plugin(md: MarkdownIt, *, resolve: Resolve) -> None:
    def wikilink_rule(state: StateInline, silent: bool) -> bool:
        src, pos = state.src, state.pos
        if _unclosable(state, pos, silent):
            return True
        embed = src.startswith("![[", pos)
        if not embed and not src.startswith("[[", pos):
            return False
        start = pos + (3 if embed else 2)
        stop = _STOP.search(src, start)  # the first `]]`, or what cannot be inside one: `[` or a line end
        if stop is None or stop.group() != "]]":
            return False
        end = stop.start()
        inner = src[start:end]
        if not silent:
            link = parse_wikilink(inner, embed)
            token = state.push("wikilink", "", 0)
            source_key = state.env.get("source_key", "")
            if link.page:
                target = resolve(link.page, source_key)
            else:  # `[[#Heading]]` points into this note; `[[]]` and `[[|x]]` point nowhere
                target = state.env["self_target"] if link.anchor else LinkTarget("missing")
            token.meta = {"link": link, "target": target, "line": src.count("\n", 0, pos)}
            token.content = src[pos : end + 2]
        state.pos = end + 2
        return True

    md.inline.ruler.before("link", "wikilink", wikilink_rule)
    md.core.ruler.after("inline", "wikilink_embeds", _number_embeds)
    md.add_render_rule("wikilink", _render_wikilink)


def _unclosable(state: StateInline, pos: int, silent: bool) -> bool:
    """Take `[` or `![` with no `]` anywhere after it as the plain text it is, at once.

    Otherwise each such bracket sends markdown-it's link rule to the end of the
    paragraph looking for one, and a line of many `[[` takes minutes, not milliseconds.
    """
    src = state.src
    if not (src.startswith("[", pos) or src.startswith("![", pos)):
        return False
    last = getattr(state, "_garden_last_close", None)
    if last is None:
        last = state._garden_last_close = src.rfind("]")  # type: ignore[attr-defined]
    if last > pos:
        return False
    end = pos + 1
    while end < state.posMax and src[end] in "[!":
        end += 1
    if not silent:
        state.pending += src[pos:end]
    state.pos = end
    return True


def _number_embeds(state: StateCore) -> None:
    """Lift paragraphs that hold only note embeds, and number those embeds' slots.

    A note embed is block content (the other note's body); inside a sentence it
    would break the paragraph, so there it stays a plain link instead.
    """
    slot = 0
    tokens = state.tokens
    for i, token in enumerate(tokens):
        if token.type != "inline" or not token.children or i == 0 or tokens[i - 1].type != "paragraph_open":
            continue
        embeds = [c for c in token.children if c.type == "wikilink" and _is_note_embed(c)]
        if not embeds:
            continue
        others = [c for c in token.children
                  if c not in embeds and not (c.type in ("text", "softbreak") and not c.content.strip())]
        if others:
            continue
        close = i + 1  # a footnote's back-reference may sit between the text and the paragraph's end
        while tokens[close].type != "paragraph_close":
            close += 1
        tokens[i - 1].hidden = tokens[close].hidden = True
        for child in embeds:
            child.meta["slot"] = slot
            slot += 1


def _is_note_embed(token: Token) -> bool:
    link: Wikilink = token.meta["link"]
    return link.embed and token.meta["target"].kind == "note"


def _render_wikilink(self: RendererProtocol, tokens: Sequence[Token], idx: int, options: OptionsDict,
                     env: EnvType) -> str:
    token = tokens[idx]
    link: Wikilink = token.meta["link"]
    target: LinkTarget = token.meta["target"]
    if link.embed and (target.kind != "note" or "slot" in token.meta):
        return render_embed(token)
    label = escapeHtml(link.label if link.label is not None else _default_label(link))
    if target.kind == "missing":
        return f'<span class="missing" title="{escapeHtml(_missing_title(link))}">{label}</span>'
    if target.kind == "unpublished":
        return label
    href = target.url + (f"#{anchor_id(link.anchor)}" if link.anchor else "")
    return f'<a class="internal" href="{site_ref(href)}" data-slug="{escapeHtml(target.url)}">{label}</a>'


def _default_label(link: Wikilink) -> str:
    page = link.page
    if page.lower().endswith(".md"):  # Obsidian shows a note's name without the extension
        page = page[:-3]
    if not link.anchor:
        return page
    anchor = link.anchor.lstrip("^") if link.anchor.startswith("^") else link.anchor
    return f"{page} › {anchor}" if page else anchor


def _missing_title(link: Wikilink) -> str:
    return f"“{link.page}” has not been written yet" if link.page else "this link has no target"


def render_embed(token: Token) -> str:
    link: Wikilink = token.meta["link"]
    target: LinkTarget = token.meta["target"]
    if target.kind == "note":
        return f"{MARK}e:{token.meta['slot']}{MARK}\n"
    if target.kind != "asset":
        return f'<span class="missing embed-missing" title="{escapeHtml(_missing_title(link))}">' \
               f"{escapeHtml(token.content)}</span>"
    src = site_ref(target.url)
    ext = posixpath.splitext(target.key)[1].lower()
    label = link.label or ""
    size = _SIZE.match(label)
    alt = escapeHtml(posixpath.splitext(posixpath.basename(target.key))[0] if size or not label else label)
    if ext in IMAGE:
        dims = ""
        if size:
            dims = f' width="{size.group(1)}"' + (f' height="{size.group(2)}"' if size.group(2) else "")
        return f'<img src="{src}" alt="{alt}"{dims} loading="lazy">'
    if ext in AUDIO:
        return f'<audio controls preload="metadata" src="{src}" title="{alt}"></audio>'
    if ext in VIDEO:
        return f'<video controls preload="metadata" src="{src}" title="{alt}"></video>'
    if ext == ".pdf":
        return f'<iframe class="embed-pdf" src="{src}" title="{alt}" loading="lazy"></iframe>'
    return f'<a class="internal" href="{src}">{escapeHtml(label or target.title)}</a>'
