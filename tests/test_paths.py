"""Every slug and URL rule, table-driven."""

import pytest

from garden.paths import heading_slug, relative_url, slugify, slugify_path, tag_url


@pytest.mark.parametrize("text, slug", [
    ("KV Cache", "kv-cache"),
    ("Law of Large Numbers", "law-of-large-numbers"),
    ("  spaces   everywhere ", "spaces-everywhere"),
    ("snake_case_name", "snake-case-name"),
    ("HTTP 1.1", "http-1.1"),
    ("netsh.exe", "netsh.exe"),
    ("C++ & Rust", "c-rust"),
    ("Café Crème", "café-crème"),
    ("日本語のノート", "日本語のノート"),
    ("한국어 노트", "한국어-노트"),
    ("What? Why! #hash %percent", "what-why-hash-percent"),
    ("emoji 🌱 note", "emoji-note"),
    ("non\u2011breaking hyphen", "non-breaking-hyphen"),
    ("...", "untitled"),
    ("", "untitled"),
    ("Q1 2026: review", "q1-2026-review"),
])
def test_slugify(text, slug):
    assert slugify(text) == slug


def test_slugify_is_stable_under_unicode_normalisation():
    assert slugify("Cafe\u0301") == slugify("Café")


def test_slugify_path_slugs_each_segment():
    assert slugify_path("AI Systems/KV Cache") == "ai-systems/kv-cache"


@pytest.mark.parametrize("heading, slug", [
    ("Ridge point", "ridge-point"),
    ("What's new?", "whats-new"),
    ("What’s New", "whats-new"),
    ("C++: the good parts", "c-the-good-parts"),
    ("🪴 Get Started", "get-started"),
    ("Step 1 — install", "step-1-install"),
    ("Über Größe", "über-größe"),
    ("(Parentheses) and [brackets]", "parentheses-and-brackets"),
])
def test_heading_slug_ignores_case_and_punctuation(heading, slug):
    assert heading_slug(heading) == slug


def test_tag_url_nests():
    assert tag_url("AI/Inference") == "tags/ai/inference/"


@pytest.mark.parametrize("target, page, href", [
    ("", "", "./"),
    ("a/", "", "a/"),
    ("a/b/", "", "a/b/"),
    ("", "a/b/", "../../"),
    ("a/c/", "a/b/", "../c/"),
    ("a/b/", "a/b/", "./"),
    ("a/b/#top", "a/b/", "#top"),
    ("x/#h", "a/b/", "../../x/#h"),
    ("static/style.css", "a/", "../static/style.css"),
    ("static/style.css", "", "static/style.css"),
    ("static/style.css", "404.html", "static/style.css"),
    ("tags/ml/", "tags/ml/inference/", "../"),
])
def test_relative_url(target, page, href):
    assert relative_url(target, page) == href
