"""Link resolution, table-driven: Obsidian's rules and what a garden site adds to them."""

import datetime as dt

import pytest

from garden.index import Resolver, name_key, note_url
from garden.models import NoteMeta


def note(key, title=None, aliases=(), published=True, url=None):
    stem = key.rsplit("/", 1)[-1][:-3]
    return NoteMeta(key=key, url=url or note_url(key), title=title or stem,
                    description="", tags=(), aliases=tuple(aliases), stage=None, created=dt.date(2026, 1, 1),
                    updated=dt.date(2026, 1, 1), published=published, line_offset=0)


NOTES = [
    note("index.md", "Home"),
    note("KV Cache.md", aliases=["key-value cache"]),
    note("ml/Batching.md"),
    note("ml/index.md", "Machine Learning"),
    note("ops/index.md", "Operations"),
    note("ops/Batching.md", title="Batch jobs"),
    note("deep/a/b/Batching.md", title="Deep batching"),
    note("features/Latex.md"),
    note("plugins/Latex.md"),
    note("日本語のノート.md"),
    note("Café Crème.md"),
    note("HTTP 1.1.md"),
    note("netsh.exe.md"),
    note("C++ tips.md"),
    note("your-first-note.md", title="Your first note"),
    note("drafts/Secret.md", published=False),
    note("Alias String.md", aliases=["just one alias"]),
    note("left/q/Topic.md"),
    note("right/q/Topic.md"),
    note("hidden/a/Twin.md", published=False),
    note("hidden/b/Twin.md", published=False),
]
ASSETS = {"images/chart.png": "images/chart.png", "docs/paper.pdf": "docs/paper.pdf",
          "ml/images/chart.png": "ml/images/chart.png"}
RESOLVER = Resolver.build(NOTES, ASSETS, {"ml", "ops", "deep", "deep/a", "deep/a/b", "features", "plugins"})
RESOLVER.add_tags({"ai/inference"})


@pytest.mark.parametrize("target, source, kind, key", [
    # exact path, any case, with or without .md
    ("KV Cache", "index.md", "note", "KV Cache.md"),
    ("kv cache", "index.md", "note", "KV Cache.md"),
    ("KV CACHE.md", "index.md", "note", "KV Cache.md"),
    ("kv-cache", "index.md", "note", "KV Cache.md"),
    ("kv_cache", "index.md", "note", "KV Cache.md"),
    # aliases and titles
    ("Key-Value Cache", "index.md", "note", "KV Cache.md"),
    ("just one alias", "index.md", "note", "Alias String.md"),
    ("Batch jobs", "index.md", "note", "ops/Batching.md"),
    ("yOuR-FiRsT Note", "index.md", "note", "your-first-note.md"),
    # duplicate file names: the linking note's folder wins, then the shortest path
    ("Batching", "ml/index.md", "note", "ml/Batching.md"),
    ("Batching", "ops/index.md", "note", "ops/Batching.md"),
    ("Batching", "deep/a/b/Other.md", "note", "deep/a/b/Batching.md"),
    ("ops/Batching", "ml/index.md", "note", "ops/Batching.md"),
    ("a/b/Batching", "index.md", "note", "deep/a/b/Batching.md"),
    ("features/Latex", "plugins/Latex.md", "note", "features/Latex.md"),
    ("Latex", "plugins/x.md", "note", "plugins/Latex.md"),
    ("index", "ml/Batching.md", "note", "index.md"),  # an exact path from the root comes first
    ("index", "KV Cache.md", "note", "index.md"),
    # a partial path matching several notes: the one beside the linking note, then the tie-break
    ("q/Topic", "left/x.md", "note", "left/q/Topic.md"),
    ("q/Topic", "right/x.md", "note", "right/q/Topic.md"),
    ("q/topic", "right/q/x.md", "note", "right/q/Topic.md"),  # in the linking note's own folder
    # relative paths
    ("../KV Cache", "ml/Batching.md", "note", "KV Cache.md"),
    ("./Batching", "ml/index.md", "note", "ml/Batching.md"),
    # Unicode, dots, plus signs
    ("日本語のノート", "index.md", "note", "日本語のノート.md"),
    ("café crème", "index.md", "note", "Café Crème.md"),
    ("Cafe\u0301 Cre\u0300me", "index.md", "note", "Café Crème.md"),
    ("HTTP 1.1", "index.md", "note", "HTTP 1.1.md"),
    ("netsh.exe", "index.md", "note", "netsh.exe.md"),
    ("C++ tips", "index.md", "note", "C++ tips.md"),
    # assets
    ("chart.png", "index.md", "asset", "images/chart.png"),
    ("chart.png", "ml/Batching.md", "asset", "images/chart.png"),  # the shortest path
    ("images/chart.png", "ml/Batching.md", "asset", "ml/images/chart.png"),  # beside the note
    ("images/chart.png", "index.md", "asset", "images/chart.png"),
    ("paper.pdf", "index.md", "asset", "docs/paper.pdf"),
    # tag and folder pages
    ("tags/ai/inference", "index.md", "tag", "ai/inference"),
    ("tags/ai", "index.md", "tag", "ai"),
    ("ml/", "index.md", "note", "ml/index.md"),
    ("deep/", "index.md", "folder", "deep"),
    # unpublished and missing
    ("Secret", "index.md", "unpublished", "drafts/Secret.md"),
    ("No Such Note", "index.md", "missing", ""),
    ("missing.png", "index.md", "missing", ""),
    ("tags/nope", "index.md", "missing", ""),
    ("", "index.md", "missing", ""),
])
def test_resolve(target, source, kind, key):
    resolved = RESOLVER.resolve(target, source)
    assert (resolved.kind, resolved.key) == (kind, key)


def test_ambiguous_link_names_every_candidate():
    resolved = RESOLVER.resolve("Latex", "index.md")
    assert resolved.key == "features/Latex.md"  # deterministic: alphabetical among equals
    assert resolved.candidates == ("features/Latex.md", "plugins/Latex.md")


def test_ambiguous_unpublished_names_every_candidate():
    resolved = RESOLVER.resolve("Twin", "index.md")
    assert (resolved.kind, resolved.key, resolved.url) == ("unpublished", "hidden/a/Twin.md", "")
    assert resolved.candidates == ("hidden/a/Twin.md", "hidden/b/Twin.md")
    assert RESOLVER.resolve("q/Topic", "index.md").candidates == ("left/q/Topic.md", "right/q/Topic.md")


def test_repeated_resolution_gives_equal_answers():
    """Names and answers are cached between calls: asking again, or afresh, changes nothing."""
    import garden.index

    targets = ["KV Cache", "kv-cache", "Batching", "q/Topic", "Latex", "Secret", "Twin", "No Such Note", "chart.png",
               "ml/", "tags/ai", ""]
    sources = ["index.md", "ml/index.md", "left/x.md", "plugins/x.md"]
    first = [RESOLVER.resolve(t, s) for t in targets for s in sources]
    assert [RESOLVER.resolve(t, s) for t in targets for s in sources] == first
    garden.index.name_key.cache_clear()
    assert [RESOLVER.resolve(t, s) for t in targets for s in sources] == first


def test_unambiguous_by_folder_is_not_reported():
    assert RESOLVER.resolve("Batching", "ml/index.md").candidates == ()


def test_resolver_is_picklable():
    import pickle

    clone = pickle.loads(pickle.dumps(RESOLVER))
    assert clone.resolve("kv cache", "index.md").key == "KV Cache.md"


def test_a_pickled_resolver_unpacks_its_tables_only_when_asked_and_answers_the_same():
    """The cache holds the resolver packed: loading it costs nothing until a link is resolved."""
    import pickle

    clone = pickle.loads(pickle.dumps(RESOLVER))
    assert "by_path" not in vars(clone) and clone.by_url["ml/"] == "ml/index.md"  # the pages' URLs, at hand
    again = pickle.loads(pickle.dumps(clone))  # handed on still packed (to a worker, to the next cache)
    assert "by_path" not in vars(clone) and "by_path" not in vars(again)
    targets = ["KV Cache", "Batching", "q/Topic", "Latex", "Secret", "Twin", "No Such Note", "chart.png", "ml/",
               "tags/ai/inference", "deep/a/b/"]
    for source in ("index.md", "ml/index.md", "left/x.md"):
        assert [again.resolve(t, source) for t in targets] == [RESOLVER.resolve(t, source) for t in targets]
    assert again == RESOLVER
    again.add_tags({"brand/new"})  # a change after unpacking is what the next pickle holds
    assert pickle.loads(pickle.dumps(again)).resolve("tags/brand/new", "index.md").kind == "tag"


@pytest.mark.parametrize("a, b", [("KV Cache", "kv-cache"), ("a_b c", "A-B-C"), ("Note.md", "note")])
def test_name_key_equates_spelling_variants(a, b):
    assert name_key(a) == name_key(b)
