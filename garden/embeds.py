"""Transclusion: fill each `![[Note]]` slot with the other note's rendered body.

Embeds nest (a note embeds a note that embeds another); a cycle is cut at the
first repeat, and both depth and the embeds shown on one page are bounded, so
expansion always terminates, and soon, however the notes embed each other. What an
embed shows is decided from the bodies' embeds alone (for diagnostics
and page digests); the HTML is read from the body store only when a page is
actually rendered.
"""

from __future__ import annotations

from html import escape

from .bodystore import BodyStore
from .errors import Diagnostic
from .markdown.wikilinks import anchor_id
from .models import BodyHtml, LinkRef
from .notebodies import NoteBodies
from .paths import MARK, site_ref
from .state import digest

MAX_DEPTH = 12
MAX_EMBEDS = 500  # embeds shown on one page: nesting can multiply them without bound
WALK_STEPS = 20_000  # embeds followed from one note while looking for cycles and chains too deep


def embed_problems(bodies: NoteBodies) -> list[Diagnostic]:
    """Embed cycles (each reported once, from its first note) and embeds nested too deep.

    Too deep is reported from the top of each chain only (a note no other note
    embeds): a chain of 50 is one warning, not one for every note down it.
    """
    problems: list[Diagnostic] = []
    embeds = bodies.embeds
    embedded = {link.resolved.key for links in embeds.values() for link in links}

    budget = [WALK_STEPS]

    def walk(key: str, stack: tuple[str, ...]) -> None:
        for link in embeds.get(key, ()):
            budget[0] -= 1
            if budget[0] < 0:  # notes that embed each other many ways: enough has been seen from here
                return
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
                if stack[0] not in embedded:
                    problems.append(Diagnostic(key, link.line, "warning",
                                               f"embeds nested more than {MAX_DEPTH} deep (from {stack[0]}); "
                                               f"![[{link.target}]] shown as a link"))
            else:
                walk(target, (*stack, target))

    for key in embeds:
        budget[0] = WALK_STEPS
        walk(key, (key,))
    return sorted(set(problems))


def expanded_digest(key: str, bodies: NoteBodies) -> str:
    """Changes whenever the expanded HTML would: the note's own HTML, and that of every note it embeds
    however deep, with what each embed names.

    Each note reachable through embeds counts once, so this is linear in them: walking every path
    instead would take exponential time in a garden whose notes embed each other many ways.
    """
    embeds = bodies.embeds
    if key not in embeds:
        return bodies.digests[key]
    order, seen = [key], {key}
    for current in order:  # breadth-first; `order` grows as it is read
        for link in embeds.get(current, ()):
            target = link.resolved.key
            if target in bodies and target not in seen:
                seen.add(target)
                order.append(target)
    return digest(*((k, bodies.digests[k],
                     [(e.resolved.key, e.anchor, e.resolved.url, e.resolved.title) for e in embeds.get(k, ())])
                    for k in order))


class Expander:
    """Expands bodies for the pages being rendered, reading HTML from the store."""

    def __init__(self, bodies: NoteBodies, store: BodyStore):
        self.bodies = bodies
        self.store = store
        self._left = MAX_EMBEDS  # embeds still to show on the page being expanded

    def html(self, key: str) -> str:
        html = self.store.html(self.bodies.digests[key]).html
        if key not in self.bodies.embeds:
            return html
        self._left = MAX_EMBEDS
        return self._fill(html, key, (key,))

    def _fill(self, html: str, owner: str, stack: tuple[str, ...]) -> str:
        parts = html.split(MARK)
        embeds = self.bodies.embeds.get(owner, ())
        for i in range(1, len(parts), 2):
            if parts[i].startswith("e:"):
                parts[i] = self._embed(embeds[int(parts[i][2:])], stack)
            else:
                parts[i] = MARK + parts[i] + MARK  # a site reference: left for the page to bind
        return "".join(parts)

    def _embed(self, link: LinkRef, stack: tuple[str, ...]) -> str:
        target_key = link.resolved.key
        target = self.bodies.digests.get(target_key)
        if target is None:
            return _notice(f"![[{link.target}]]", "missing")
        if target_key in stack:
            return _notice(f"![[{link.target}]] (embed cycle)", "embed-cycle")
        if len(stack) >= MAX_DEPTH:
            return _notice(f"![[{link.target}]]", "embed-too-deep")
        if self._left <= 0:
            return _notice(f"![[{link.target}]] (more than {MAX_EMBEDS} embeds on one page)", "embed-too-many")
        self._left -= 1
        fragment = _fragment(self.store.html(target), link.anchor)
        if fragment is None:
            return _notice(f"![[{link.target}]]", "missing")
        inner = self._fill(fragment, target_key, (*stack, target_key))
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
