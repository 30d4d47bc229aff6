"""Render one note's body: HTML plus what it links to, its headings, tags and block ids.

One note in, one `NoteBody` out; never reads another note. The token stream
is walked once for the by-products and then dropped, so only compact HTML
and small records outlive this function.
"""

from __future__ import annotations

import hashlib
import re
from typing import Callable, Iterator

from markdown_it import MarkdownIt
from markdown_it.token import Token

from .errors import Diagnostic
from .models import BodyHtml, Chunk, Heading, LinkRef, LinkTarget, NoteBody, NoteMeta
from .state import digest as state_digest

CONTEXT_CHARS = 240
_WORD = re.compile(r"\w+", re.UNICODE)
_ASCII_NON_WORD = bytes(b for b in range(128) if not (chr(b).isalnum() or chr(b) == "_"))
_ASCII_NON_WORD_TO_SPACE = bytes.maketrans(_ASCII_NON_WORD, b" " * len(_ASCII_NON_WORD))


Resolutions = tuple[tuple[str, LinkTarget], ...]


class RecordingResolver:
    """Resolves links and remembers each answer, so a cached body can later check it still holds."""

    def __init__(self, resolve: Callable[[str, str], LinkTarget]):
        self.resolve = resolve
        self.calls: dict[str, LinkTarget] = {}
        self.earlier: Callable[[], Resolutions] | dict[str, LinkTarget] | None = None

    def begin(self, earlier: Callable[[], Resolutions] | None = None) -> None:
        """A new note. `earlier`: reads what its last render resolved, when every name is as it was then: those
        answers still hold, and taking them spares loading the resolver from the cache (see Resolver)."""
        self.calls, self.earlier = {}, earlier

    def __call__(self, target: str, source_key: str) -> LinkTarget:
        # One note at a time (`calls` is reset per note), so a name linked a thousand times is resolved once.
        result = self.calls.get(target)
        if result is None:
            if callable(self.earlier):
                self.earlier = dict(self.earlier())
            result = self.earlier.get(target) if self.earlier else None
            self.calls[target] = result = result or self.resolve(target, source_key)
        return result


def render_body(meta: NoteMeta, markdown: str, md: MarkdownIt, recorder: RecordingResolver,
                earlier_conversions: Callable[[], dict[tuple[str, ...], str]] | None = None,
                earlier_resolutions: Callable[[], Resolutions] | None = None) -> tuple[NoteBody, BodyHtml]:
    """The note's `markdown` (below its front-matter) rendered; `md` is a parser made with `recorder`
    as its link resolver. `earlier_conversions` reads what its last render converted (see markdown/memo.py),
    `earlier_resolutions` what it resolved, when those answers still hold (see RecordingResolver.begin)."""
    recorder.begin(earlier_resolutions)
    env = {
        "source_key": meta.key,
        "source_path": meta.key,
        "line_offset": meta.line_offset,
        "self_target": LinkTarget("note", meta.key, meta.url, meta.title),
        "earlier_conversions": earlier_conversions,
    }
    tokens = md.parse(markdown, env)
    _hide_title_heading(tokens, meta.title)
    collected = _collect(tokens, meta.line_offset)
    chunks = tuple(_render_chunks(tokens, md, env))
    blocks = {block_id: md.renderer.render(tokens[a:b], md.options, env) for block_id, (a, b) in
              collected.block_ranges.items()}
    diagnostics = list(env.get("diagnostics", ())) + collected.problems(meta.key)
    return stored_body(
        BodyHtml(chunks, blocks, env.get("conversions", {})),
        key=meta.key,
        block_ids=tuple(blocks),
        headings=tuple(collected.headings),
        links=tuple(collected.links),
        embeds=tuple(collected.embeds),
        tags=tuple(dict.fromkeys(collected.tags)),
        words=collected.words,
        summary=collected.summary,
        diagnostics=tuple(diagnostics),
        resolutions=tuple(recorder.calls.items()),
    )


def stored_body(html: BodyHtml, **record) -> tuple[NoteBody, BodyHtml]:
    """The record of a body (every NoteBody field but its digest) and its HTML, with the digest of both:
    the same render gives the same digest in any process, and any change to either changes it."""
    digest = hashlib.blake2b(state_digest(*record.values()).encode(), digest_size=16)
    for chunk in html.chunks:
        digest.update(chunk.html.encode("utf-8", "surrogatepass"))
    for block_id, block in html.blocks.items():
        digest.update(f"\0{block_id}\0{block}".encode("utf-8", "surrogatepass"))
    return NoteBody(digest=digest.hexdigest(), **record), html


def _hide_title_heading(tokens: list[Token], title: str) -> None:
    """A body that opens with `# Title` would repeat the page's own title."""
    if len(tokens) >= 3 and tokens[0].type == "heading_open" and tokens[0].tag == "h1":
        if tokens[1].content.strip().lower() == title.strip().lower():
            for token in tokens[:3]:
                token.hidden = True
                token.meta = {**(token.meta or {}), "title_heading": True}


def _render_chunks(tokens: list[Token], md: MarkdownIt, env: dict) -> Iterator[Chunk]:
    """Render top-level blocks one at a time, so a heading's section can be embedded alone."""
    start, depth = 0, 0
    for i, token in enumerate(tokens):
        depth += token.nesting
        if depth != 0:
            continue
        if (token.meta or {}).get("title_heading"):
            start = i + 1
            continue
        first = tokens[start]
        heading = None
        if first.type == "heading_open":
            heading = Heading(int(first.tag[1]), first.attrGet("id") or "", plain_text(tokens[start + 1]))
        yield Chunk(md.renderer.render(tokens[start : i + 1], md.options, env), heading)
        start = i + 1


class _Collected:
    def __init__(self) -> None:
        self.headings: list[Heading] = []
        self.links: list[LinkRef] = []
        self.embeds: list[LinkRef] = []  # note embeds in slot order
        self.tags: list[str] = []
        self.block_ranges: dict[str, tuple[int, int]] = {}
        self.words = 0
        self.summary = ""

    def problems(self, key: str) -> list[Diagnostic]:
        out = []
        for link in self.links:
            target = link.resolved
            shown = link.written
            if target.kind == "missing":
                what = "embed" if link.embed else "link"
                thing = "file" if "." in link.target.rpartition("/")[2].removesuffix(".md") else "note"
                message = f"broken {what}: {shown} matches no {thing}" if link.target else f"empty {what}: {shown}"
                out.append(Diagnostic(key, link.line, "warning", message))
            elif target.candidates:
                out.append(Diagnostic(key, link.line, "warning",
                                      f"ambiguous link {shown}: {len(target.candidates)} notes match; "
                                      f"using {target.key}", "candidates: " + ", ".join(target.candidates)))
        return list(dict.fromkeys(out))  # one link written ten times on one line is one problem


def _collect(tokens: list[Token], line_offset: int) -> _Collected:
    found = _Collected()
    for i, token in enumerate(tokens):
        if token.type == "inline":
            if token.children and not token.hidden:
                _collect_inline(token, found, line_offset)
            continue
        if token.nesting != 1:  # closing tags and leaf blocks hold nothing collected
            continue
        meta = token.meta or {}
        if token.type == "heading_open" and not meta.get("title_heading"):
            found.headings.append(Heading(int(token.tag[1]), token.attrGet("id") or "", plain_text(tokens[i + 1])))
        if meta.get("block_id"):
            found.block_ranges[meta["block_id"]] = (i, _closing(tokens, i) + 1)
    return found


def _collect_inline(block: Token, found: _Collected, line_offset: int) -> None:
    text_parts: list[str] = []
    pending: list[tuple[int, dict, str]] = []  # (offset in text, meta, written) of links met
    line = 0  # lines into the block, so a link in a paragraph's third line is reported there
    for child in block.children or ():
        kind = child.type
        if kind in ("text", "code_inline"):  # most children: tested first
            text_parts.append(child.content)
        elif kind in ("softbreak", "hardbreak"):
            text_parts.append(" ")
            line += 1
        elif kind == "wikilink":
            link = child.meta["link"]
            pending.append((len("".join(text_parts)), child.meta, link.written))
            text_parts.append(link.label or link.page)
        elif kind in ("link_open", "image") and "target" in (child.meta or {}):
            meta = child.meta
            pending.append((len("".join(text_parts)), {**meta, "line": line, "embed": kind == "image"},
                            meta["written"]))
            if kind == "image":
                text_parts.append(child.content)
        elif kind == "tag":
            found.tags.append(child.meta["tag"])
            text_parts.append("#" + child.meta["tag"])
        line += child.content.count("\n")
    text = "".join(text_parts)
    found.words += _count_words(text)
    if not found.summary and block.map and text.strip():
        found.summary = text.strip()
    base_line = (block.map[0] if block.map else 0) + 1 + line_offset
    for offset, meta, written in pending:
        link = meta.get("link")
        ref = LinkRef(
            target=link.written if link else written,
            resolved=meta["target"],
            anchor=link.anchor if link else "",
            line=base_line + meta.get("line", 0),
            embed=link.embed if link else meta.get("embed", False),
            context=_context(text, offset),
            wikilink=link is not None,
            empty_label=(link.label or "") if link and not link.written else "",
        )
        found.links.append(ref)
        if "slot" in meta:
            found.embeds.append(ref)


def _count_words(text: str) -> int:
    """How many `\\w+` runs `text` holds.

    Most prose is ASCII, and there mapping every non-word byte to a space and
    splitting counts the same runs several times faster than the regex, which
    makes a string of every word.
    """
    if text.isascii():
        return len(text.encode("ascii").translate(_ASCII_NON_WORD_TO_SPACE).split())
    return len(_WORD.findall(text))


def _context(text: str, offset: int) -> str:
    """The sentence or paragraph around a link, cut to a readable length."""
    text = " ".join(text.split()) if len(text) <= CONTEXT_CHARS else text
    if len(text) <= CONTEXT_CHARS:
        return text.strip()
    start = max(0, offset - CONTEXT_CHARS // 2)
    end = min(len(text), start + CONTEXT_CHARS)
    snippet = " ".join(text[start:end].split())
    return ("…" if start > 0 else "") + snippet + ("…" if end < len(text) else "")


def plain_text(inline: Token) -> str:
    """What a reader sees of an inline token: its text without markup."""
    return "".join(c.content for c in inline.children or () if c.type in ("text", "code_inline")) \
        or inline.content


def _closing(tokens: list[Token], opener: int) -> int:
    depth = 0
    for i in range(opener, len(tokens)):
        depth += tokens[i].nesting
        if depth == 0:
            return i
    return len(tokens) - 1
