"""Hints for broken links: the closest note names, as links that would work."""

from __future__ import annotations


import pytest

from garden.errors import Diagnostic
from garden.hints import link_names, suggest_links
from garden.models import NoteMeta

from .conftest import messages


def note(key: str, title: str, aliases: tuple[str, ...] = ()) -> NoteMeta:
    return NoteMeta(key, key.removesuffix(".md") + "/", title, "", (), aliases, None, None, None, True, 0)


NOTES = [note("ai/roofline-model.md", "Roofline Model"), note("ai/kv-cache.md", "KV Cache", ("key-value cache",)),
         note("a/same.md", "Same"), note("b/same.md", "Same"), note("entropy.md", "Entropy")]


def hint(message: str) -> str:
    [diagnostic] = suggest_links([Diagnostic("x.md", 1, "warning", message)], lambda: link_names(NOTES))
    return diagnostic.hint


@pytest.mark.parametrize("written, suggested", [
    ("[[Rooflin Model]]", "did you mean [[Roofline Model]]?"),
    ("[[roofline_modle]]", "did you mean [[Roofline Model]]?"),  # the file name, misspelt
    ("[[ai/roofline-mode]]", "did you mean [[Roofline Model]]?"),  # a path
    ("[[hardware/Roofline Model]]", "did you mean [[Roofline Model]]?"),  # a wrong folder, the right name
    ("[[Rooflin Model#Peak]]", "did you mean [[Roofline Model#Peak]]?"),  # the heading is kept
    ("[[key value cach]]", "did you mean [[KV Cache]]?"),  # an alias leads to the title
    ("[[Sane]]", "did you mean [[a/same]] or [[b/same]]?"),  # a title two notes share: their paths
    ("[[Quantum Chromodynamics]]", ""),  # nothing close: no guess
])
def test_broken_links_get_the_closest_names(written, suggested):
    assert hint(f"broken link: {written} matches no note") == suggested


def test_embeds_keep_their_bang_and_other_problems_are_left_alone():
    assert hint("broken embed: ![[Entropi]] matches no note") == "did you mean ![[Entropy]]?"
    assert hint("broken embed: ![[entropi.png]] matches no file") == ""
    assert hint("broken link: […](entropi.md) matches no note") == ""
    kept = Diagnostic("x.md", 1, "warning", "broken link: [[Entropi]] matches no note", "already said")
    assert suggest_links([kept], lambda: link_names(NOTES)) == [kept]


def test_names_are_only_gathered_when_a_link_is_broken():
    def never():
        raise AssertionError("names were gathered for nothing")

    fine = [Diagnostic("x.md", 1, "warning", "no heading 'X' in y.md")]
    assert suggest_links(fine, never) == fine


def test_names_are_gathered_again_only_when_they_change():
    calls = []

    def names():
        calls.append(1)
        return link_names(NOTES)

    broken = [Diagnostic("x.md", 1, "warning", "broken link: [[Entropi]] matches no note")]
    for key in ("garden-1", "garden-1", "garden-2"):
        assert suggest_links(broken, names, key=key)[0].hint == "did you mean [[Entropy]]?"
    assert len(calls) == 2


def test_a_build_reports_the_hint(garden):
    result, _ = garden({"a.md": "See [[Rooflin Model]].\n", "roofline-model.md": "# Roofline Model\n"}, write=False)
    assert messages(result) == ["a.md:1: warning: broken link: [[Rooflin Model]] matches no note\n"
                                "    hint: did you mean [[Roofline Model]]?"]


def test_a_hint_counts_a_bounded_number_of_names_however_big_the_garden(monkeypatch):
    """Trigrams like "ing" are in a share of every name: counting them all for each broken link would make
    the hints of a garden with broken links in proportion to its size cost quadratically more."""
    from garden import hints

    words = ["ring", "string", "thing", "king", "wing", "sing", "bring", "sting", "cling", "swing"]
    notes = [note(f"n{i}.md", f"{words[i % 10]} {words[i // 10 % 10]} model {i}") for i in range(30_000)] + NOTES
    counted = []

    class Counted(list):
        def __iter__(self):
            counted.append(len(self))
            return super().__iter__()

    index = hints._NameIndex(link_names(notes))
    index.grams = {gram: Counted(names) for gram, names in index.grams.items()}
    assert index.closest("rooflin model") == ["Roofline Model"]
    assert max(len(index.grams.get(gram, ())) for gram in hints._trigrams("rooflin model")) > hints.BUDGET
    assert sum(counted) <= hints.BUDGET  # not every name with "mod" in it
