"""At scale: a generated 2,000-note garden builds whole and right, in parallel as in serial."""

from __future__ import annotations

import json
from urllib.parse import urljoin
from pathlib import Path

import pytest

from garden import pages, plan
from garden.config import load_config
from garden.pipeline import build_site
from garden.paths import folder_url, tag_url
from garden.plan import BACKLINK_CONTEXTS, LIST_SUMMARIES
from garden.state import BuildState

from .conftest import load_bench_generator
from .test_incremental import site_files

def _garden(root: Path, notes: int) -> tuple[Path, dict]:
    load_bench_generator().generate(notes, root / "content", seed=7)
    (root / "garden.yaml").write_text("title: Scale\ngit_dates: false\nsearch: false\n")
    return root / "garden.yaml", json.loads((root / "content" / "manifest.json").read_text())


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    config_file, manifest = _garden(tmp_path_factory.mktemp("scale"), 2000)
    config = load_config(config_file)
    state = BuildState()
    result = build_site(config, jobs=2, state=state)
    return config, manifest, result, state


def test_every_note_folder_and_tag_has_its_page(built):
    config, manifest, result, state = built
    tags = {t for tag in manifest["tags"] for t in ("/".join(tag.split("/")[: i + 1]) for i in range(tag.count("/") + 1))}
    # the notes, the home, a page per folder, the tag index and a page per tag, two graphs, the 404 page
    assert result.notes == manifest["notes"] == 2000
    assert result.pages == 2000 + 1 + manifest["folders"] + 1 + len(tags) + 2 + 1
    assert len(list(config.output_dir.rglob("index.html"))) == result.pages - 1
    assert result.errors == []


def test_every_link_resolves_but_the_ones_generated_broken(built):
    _, manifest, result, _ = built
    broken = [d for d in result.warnings if d.message.startswith("broken link")]
    assert len(broken) == manifest["broken_links"]
    assert sorted({d.path for d in broken}) == sorted(manifest["notes_with_broken_links"])
    assert [d for d in result.warnings if d not in broken] == []


def test_backlink_counts_are_the_generators(built):
    _, manifest, _, state = built
    counts = {key: len(state.graph.backlinks.get(key, ())) for key in manifest["backlinks"]}
    assert counts == manifest["backlinks"]


@pytest.mark.parametrize("pool_pages", [pages.PAGES_PER_POOL, 250])
def test_pages_rendered_in_parallel_equal_those_rendered_in_one_process(tmp_path, monkeypatch, pool_pages):
    """By one set of worker processes, and by fresh ones every 250 pages (as in a garden of 100,000 notes)."""
    monkeypatch.setattr(pages, "PAGES_PER_POOL", pool_pages)
    config_file, _ = _garden(tmp_path, 600)  # enough pages that they are rendered by worker processes
    serial = load_config(config_file, output=str(tmp_path / "serial"))
    build_site(serial, jobs=1)
    parallel = load_config(config_file, output=str(tmp_path / "parallel"))
    result = build_site(parallel, jobs=2)
    assert site_files(tmp_path / "parallel") == site_files(tmp_path / "serial")
    assert result.rendered_pages == result.pages


def _chrome(page: Path) -> int:
    """Bytes of a page outside its <main>: header, navigation, footer, scripts."""
    html = page.read_text(encoding="utf-8")
    return len(html) - (html.index("</main>") - html.index("<main"))


def test_pages_are_no_heavier_in_a_big_garden_but_for_their_own_content(built, tmp_path):
    """No page embeds data about the whole garden: what surrounds a page's own content, and the
    home page, weigh the same at 2,000 notes as at 200 (the graph and search data load on demand)."""
    big = built[0].output_dir
    config_file, _ = _garden(tmp_path, 200)
    small = load_config(config_file).output_dir
    build_site(load_config(config_file), jobs=1)
    for kind, pattern in (("note", "*/*/index.html"), ("tag", "tags/*/index.html")):
        most_in_small = max(_chrome(p) for p in small.glob(pattern))
        most_in_big = max(_chrome(p) for p in big.glob(pattern))
        assert most_in_big <= most_in_small * 1.1, kind
    home_small, home_big = (len((site / "index.html").read_bytes()) for site in (small, big))
    assert home_big <= home_small * 1.5


def _linked(html: str, page_url: str) -> set[str]:
    """The site URLs a page at `page_url` links to."""
    site = "https://garden.test/"
    return {urljoin(site + page_url, href.split('"')[0]).removeprefix(site) for href in html.split('href="')[1:]}


def test_a_big_tag_page_sums_up_the_first_notes_and_names_every_other(built):
    config, _, _, state = built
    tag, keys = max(state.graph.tag_notes.items(), key=lambda kv: len(kv[1]))
    assert len(keys) > LIST_SUMMARIES
    page = tag_url(tag)  # e.g. "tags/programming/"
    html = (config.output_dir / page / "index.html").read_text(encoding="utf-8")
    assert html.count('<li class="note-item">') == LIST_SUMMARIES
    assert f"{len(keys) - LIST_SUMMARIES} more notes" in html
    assert {state.indexed.notes[key].url for key in keys} <= _linked(html, page)


def test_a_hub_shows_the_first_backlinks_in_context_and_names_every_other(built):
    config, _, _, state = built
    hub, incoming = max(state.graph.backlinks.items(), key=lambda kv: len(kv[1]))
    assert len(incoming) > BACKLINK_CONTEXTS
    note = state.indexed.notes[hub]
    html = (config.output_dir / note.url / "index.html").read_text(encoding="utf-8")
    assert html.count('<p class="backlink-context">') == BACKLINK_CONTEXTS
    assert f"{len(incoming)} notes link here" in html
    assert f"{len(incoming) - BACKLINK_CONTEXTS} more notes" in html
    assert {state.indexed.notes[source].url for source in incoming} <= _linked(html, note.url)


def test_a_big_folder_page_sums_up_the_first_notes_and_names_every_other(tmp_path, monkeypatch):
    monkeypatch.setattr(plan, "LIST_SUMMARIES", 10)  # the generator's folders hold tens of notes, not hundreds
    config_file, _ = _garden(tmp_path, 200)
    config, state = load_config(config_file), BuildState()
    build_site(config, jobs=1, state=state)
    folder, members = max(state.folders.members.items(), key=lambda kv: len(kv[1]))
    assert len(members) > 10
    page = folder_url(folder)
    html = (config.output_dir / page / "index.html").read_text(encoding="utf-8")
    assert html.count('<li class="note-item">') == 10
    assert f"{len(members) - 10} more notes" in html
    assert {state.indexed.notes[key].url for key in members} <= _linked(html, page)
