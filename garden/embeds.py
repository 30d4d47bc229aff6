"""Transclusion: fill each `![[Note]]` slot with the other note's rendered body.

Embeds nest (a note embeds a note that embeds another); a cycle is cut at the
first repeat and reported, and depth is bounded, so this always terminates.
"""

from __future__ import annotations

from html import escape

from .errors import Diagnostic
from .markdown.wikilinks import anchor_id
from .models import LinkRef, NoteBody
from .paths import MARK, site_ref

MAX_DEPTH = 12


def expand_embeds(key: str, bodies: dict[str, NoteBody], problems: list[Diagnostic]) -> str:
    """The note's HTML with every embed slot filled (site references left in place)."""
    body = bodies[key]
    if not body.embeds:
        return body.html
    return _fill(body.html, body, bodies, (key,), problems)


def _fill(html: str, owner: NoteBody, bodies: dict[str, NoteBody], stack: tuple[str, ...],
          problems: list[Diagnostic]) -> str:
    parts = html.split(MARK)
    for i in range(1, len(parts), 2):
        if parts[i].startswith("e:"):
            embed = owner.embeds[int(parts[i][2:])]
            parts[i] = _embed(embed, owner, bodies, stack, problems)
        else:
            parts[i] = MARK + parts[i] + MARK  # a site reference: left for the page to bind
    return "".join(parts)


def _embed(link: LinkRef, owner: NoteBody, bodies: dict[str, NoteBody], stack: tuple[str, ...],
           problems: list[Diagnostic]) -> str:
    target_key = link.resolved.key
    target = bodies.get(target_key)
    if target is None:
        return _notice(f"![[{link.target}]]", "missing")
    if target_key in stack:
        members = stack[stack.index(target_key):]
        if target_key == stack[0] == min(members):  # report each cycle once, from its first note
            cycle = " → ".join((*members, target_key))
            problems.append(Diagnostic(owner.key, link.line, "error", f"embed cycle: {cycle}",
                                       "an embedded note cannot embed the note it is shown in"))
        return _notice(f"![[{link.target}]] (embed cycle)", "embed-cycle")
    if len(stack) >= MAX_DEPTH:
        problems.append(Diagnostic(owner.key, link.line, "warning",
                                   f"embeds nested more than {MAX_DEPTH} deep; ![[{link.target}]] shown as a link"))
        return _notice(f"![[{link.target}]]", "embed-too-deep")
    fragment = _fragment(target, link.anchor)
    if fragment is None:
        return _notice(f"![[{link.target}]]", "missing")
    inner = _fill(fragment, target, bodies, (*stack, target_key), problems)
    href = link.resolved.url + (f"#{anchor_id(link.anchor)}" if link.anchor else "")
    title = link.resolved.title + (f" › {link.anchor.lstrip('^')}" if link.anchor else "")
    return (f'<div class="embed" data-embed="{escape(link.resolved.url)}">'
            f'<div class="embed-title"><a class="internal" href="{site_ref(href)}">{escape(title)}</a></div>'
            f'<div class="embed-content">{inner}</div></div>')


def _fragment(body: NoteBody, anchor: str) -> str | None:
    """The part of a body an embed shows: all of it, a heading's section, or one block."""
    if not anchor:
        return body.html
    if anchor.startswith("^"):
        return body.blocks.get(anchor[1:])
    wanted = anchor_id(anchor)
    chunks = body.chunks
    for start, chunk in enumerate(chunks):
        if chunk.heading and chunk.heading.id == wanted:
            end = next((j for j in range(start + 1, len(chunks))
                        if chunks[j].heading and chunks[j].heading.level <= chunk.heading.level), len(chunks))
            return "".join(c.html for c in chunks[start:end])
    return None


def _notice(text: str, kind: str) -> str:
    return f'<p class="embed-notice {kind}"><span class="missing">{escape(text)}</span></p>'
