"""Hints for broken links: "did you mean [[Roofline Model]]?", from the closest note names.

A post-pass over the build's diagnostics, so rendering a note never needs to
know every other note's name; the resolver's "no such note" is all it reports.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter, defaultdict
from dataclasses import replace
from typing import Callable, Iterable, Mapping

from .errors import Diagnostic
from .models import NoteMeta

CUTOFF = 0.72  # difflib's similarity ratio; below this, "did you mean" guesses more than it helps
SHORTLIST = 40  # names with the most trigrams in common, compared in full (difflib over 10,000 names is slow)
BUDGET = 20_000  # names counted per broken link, at most: common trigrams ("ing") are in a share of every name,
# so counting them all would make each hint cost more as the garden grows, and all of them, quadratically more
_SEPARATORS = re.compile(r"[\s_-]+")
_BROKEN = re.compile(r"^broken (?:link|embed): (?P<bang>!?)\[\[(?P<target>[^\]|#]*)(?P<fragment>#[^\]|]*)?"
                     r"[^\]]*\]\] matches no note$")


def link_names(notes: Iterable[NoteMeta]) -> dict[str, list[str]]:
    """Every name a link may use for a note (file name, title, aliases) → the names to suggest.

    The suggestion is the note's title, which links resolve, unless two notes share it.
    """
    notes = list(notes)
    titles = Counter(_normal(n.title) for n in notes)
    names: dict[str, list[str]] = defaultdict(list)
    for note in notes:
        path = note.key.removesuffix(".md")
        shown = note.title if titles[_normal(note.title)] == 1 else path
        for name in {_normal(note.title), _normal(path.rpartition("/")[2]), *map(_normal, note.aliases)}:
            names[name].append(shown)
    return dict(names)


def suggest_links(diagnostics: list[Diagnostic], names: Callable[[], Mapping[str, list[str]]], *,
                  key: str = "", known: dict[str, list[str]] | None = None) -> list[Diagnostic]:
    """The diagnostics, with a hint added to each broken wikilink that is close to a note's name.

    `names` (e.g. `lambda: link_names(notes)`) is called only if some link is broken, and not
    again while `key` (a digest of every note's names) stays the same. `known`: the suggestions
    found earlier for these same names (a build cache keeps them), filled in with new ones, so a
    build whose broken links were all seen before needs no index of names at all.
    """
    known = {} if known is None else known
    out = []
    for diagnostic in diagnostics:
        found = _BROKEN.match(diagnostic.message) if not diagnostic.hint else None
        if found and found["target"].strip():
            # The name without its folder: a wrong folder in front of a right name still finds the note.
            query = _normal(found["target"].rpartition("/")[2])
            if query not in known:
                known[query] = _index_for(names, key).closest(query)  # built only when a link is broken
            close = known[query]
            if close:
                links = [f"{found['bang']}[[{name}{found['fragment'] or ''}]]" for name in close]
                diagnostic = replace(diagnostic, hint=f"did you mean {' or '.join(links)}?")
        out.append(diagnostic)
    return out


_last: tuple[str, _NameIndex] | None = None  # the preview server rebuilds, mostly with the same names


def _index_for(names: Callable[[], Mapping[str, list[str]]], key: str) -> _NameIndex:
    global _last
    if not key or _last is None or _last[0] != key:
        _last = (key, _NameIndex(names()))
    return _last[1]


class _NameIndex:
    def __init__(self, names: Mapping[str, list[str]]):
        self.names = names
        self.grams: dict[str, list[str]] = defaultdict(list)
        for name in names:
            for gram in _trigrams(name):
                self.grams[gram].append(name)

    def closest(self, query: str, limit: int = 2) -> list[str]:
        counts: Counter[str] = Counter()
        counted = 0
        # Rarest first: the names that share a rare trigram are the likely ones; the common ones add little.
        for names in sorted((self.grams.get(gram, ()) for gram in _trigrams(query)), key=len):
            if counted and counted + len(names) > BUDGET:
                break
            counts.update(names)
            counted += len(names)
        shortlist = [name for name, _ in counts.most_common(SHORTLIST)]
        matches = difflib.get_close_matches(query, shortlist, n=limit * 3, cutoff=CUTOFF)
        return list(dict.fromkeys(shown for m in matches for shown in self.names[m]))[:limit]


def _normal(name: str) -> str:
    """As the resolver compares names: letter case, and spaces, dashes and underscores, do not count."""
    return _SEPARATORS.sub(" ", name.lower()).strip().removesuffix(".md")


def _trigrams(text: str) -> set[str]:
    padded = f"  {text} "
    return {padded[i:i + 3] for i in range(len(padded) - 2)}
