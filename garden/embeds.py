"""Transclusion: fill each `![[Note]]` slot with the other note's rendered body.

Embeds nest (a note embeds a note that embeds another); a cycle is cut at the
first repeat, and depth is bounded, so expansion always terminates. What an
embed shows is decided from the small body records alone (for diagnostics
and page digests); the HTML is read from the body store only when a page is
actually rendered.
"""

from __future__ import annotations

from html import escape

from .bodystore import BodyStore
from .errors import Diagnostic
from .markdown.wikilinks import anchor_id
from .models import BodyHtml, LinkRef, NoteBody
from .paths import MARK, site_ref
from .state import digest

MAX_DEPTH = 12


def embed_problems(bodies: dict[str, NoteBody]) -> list[Diagnostic]:
    """Embed cycles (each reported once, from its first note) and embeds nested too deep."""
    problems: list[Diagnostic] = []

    def walk(key: str, stack: tuple[str, ...]) -> None:
        for link in bodies[key].embeds:
            target = link.resolved.key
            if target not in bodies:
                continue
            if target in stack:
                members = stack[stack.index(target):]
                if target == stack[0] == min(members):
                    problems.append(Diagnostic(key, link.line, "error",
                                               "embed cycle: " + " → ".join((*members, target)),
                                               "an embedded note cannot embed the note it is shown in"))
            elif len(stack) >= MAX_DEPTH:
                problems.append(Diagnostic(key, link.line, "warning",
                                           f"embeds nested more than {MAX_DEPTH} deep; "
                                           f"![[{link.target}]] shown as a link"))
            else:
                walk(target, (*stack, target))

    for key, body in bodies.items():
        if body.embeds:
            walk(key, (key,))
    return sorted(set(problems))


def expanded_digest(key: str, bodies: dict[str, NoteBody], stack: tuple[str, ...] = ()) -> str:
    """Changes whenever the expanded HTML would: the note's own HTML or anything it embeds."""
    body = bodies[key]
    if not body.embeds:
        return body.html_digest
    stack = (*stack, key)
    parts = [body.html_digest]
    for link in body.embeds:
        target = link.resolved.key
        inside = target in bodies and target not in stack and len(stack) < MAX_DEPTH
        parts.append((target, link.anchor, expanded_digest(target, bodies, stack) if inside else "cut"))
    return digest(*parts)


class Expander:
    """Expands bodies for the pages being rendered, reading HTML from the store."""

    def __init__(self, bodies: dict[str, NoteBody], store: BodyStore):
        self.bodies = bodies
        self.store = store

    def html(self, key: str) -> str:
        body = self.bodies[key]
        html = self.store.get(body.html_digest).html
        if not body.embeds:
            return html
        return self._fill(html, body, (key,))

    def _fill(self, html: str, owner: NoteBody, stack: tuple[str, ...]) -> str:
        parts = html.split(MARK)
        for i in range(1, len(parts), 2):
            if parts[i].startswith("e:"):
                parts[i] = self._embed(owner.embeds[int(parts[i][2:])], stack)
            else:
                parts[i] = MARK + parts[i] + MARK  # a site reference: left for the page to bind
        return "".join(parts)

    def _embed(self, link: LinkRef, stack: tuple[str, ...]) -> str:
        target_key = link.resolved.key
        target = self.bodies.get(target_key)
        if target is None:
            return _notice(f"![[{link.target}]]", "missing")
        if target_key in stack:
            return _notice(f"![[{link.target}]] (embed cycle)", "embed-cycle")
        if len(stack) >= MAX_DEPTH:
            return _notice(f"![[{link.target}]]", "embed-too-deep")
        fragment = _fragment(self.store.get(target.html_digest), link.anchor)
        if fragment is None:
            return _notice(f"![[{link.target}]]", "missing")
        inner = self._fill(fragment, target, (*stack, target_key))
        href = link.resolved.url + (f"#{anchor_id(link.anchor)}" if link.anchor else "")
        title = link.resolved.title + (f" › {link.anchor.lstrip('^')}" if link.anchor else "")
        return (f'<div class="embed" data-embed="{escape(link.resolved.url)}">'
                f'<div class="embed-title"><a class="internal" href="{site_ref(href)}">{escape(title)}</a></div>'
                f'<div class="embed-content">{inner}</div></div>')


def _fragment(body: BodyHtml, anchor: str) -> str | None:
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
