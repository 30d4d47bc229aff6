"""The search index: built by Pagefind's binary over the written site, kept whole across rebuilds."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from garden.cli import main
from garden.pipeline import build_site
import garden.search as search
from garden.search import INDEX_DIR, MANIFEST, SearchError, deal, index_files, index_site, pagefind_binary, shard_count

from .conftest import write_garden

NOTES = {"a.md": "# Alpha\n\nAbout [[b]] and lanterns.\n", "b.md": "# Beta\n\nNothing but lanterns.\n"}

pytestmark = pytest.mark.skipif(pagefind_binary() is None, reason="pagefind is not installed")


def test_only_note_articles_are_indexed_and_the_index_sits_in_the_site(tmp_path):
    config = write_garden(tmp_path, NOTES)
    build_site(config, jobs=1)
    index = index_site(config.output_dir)
    assert index.pages == 2  # the notes; the home, tag and graph pages carry no data-pagefind-body
    entry = json.loads((config.output_dir / INDEX_DIR / "0" / "pagefind-entry.json").read_text())
    assert "en" in entry["languages"]
    assert (config.output_dir / INDEX_DIR / "0" / "pagefind.js").is_file()
    assert [s["name"] for s in _manifest(config.output_dir)["shards"]] == ["0"]
    assert not list(tmp_path.glob(".public.search-*"))  # the staging folder is gone


def test_a_rebuild_keeps_the_index_until_it_is_remade_and_no_search_drops_it(tmp_path):
    config = write_garden(tmp_path, NOTES)
    build_site(config, jobs=1)
    index_site(config.output_dir)
    before = index_files(config.output_dir)
    assert before
    (tmp_path / "content" / "c.md").write_text("# Gamma\n")
    build_site(config, jobs=1)
    assert index_files(config.output_dir) == before  # carried over whole by the writer
    index_site(config.output_dir)
    assert index_files(config.output_dir) != before
    from dataclasses import replace
    build_site(replace(config, search=False), jobs=1)
    assert index_files(config.output_dir) == []


def test_garden_build_indexes_and_no_search_skips(tmp_path, monkeypatch, capsys):
    write_garden(tmp_path, NOTES)
    monkeypatch.chdir(tmp_path)
    assert main(["build"]) == 0
    assert "search: indexed 2 pages" in capsys.readouterr().err
    assert (tmp_path / "public" / INDEX_DIR / "0" / "pagefind.js").is_file()
    assert main(["build", "--no-search"]) == 0
    assert not (tmp_path / "public" / INDEX_DIR).exists()


def test_a_missing_or_failing_pagefind_is_a_clear_error(tmp_path):
    with pytest.raises(SearchError, match="not installed"):
        _without_binary(tmp_path)
    fake = tmp_path / "pagefind"
    fake.write_text("#!/bin/sh\necho 'it broke' >&2\nexit 3\n")
    fake.chmod(0o755)
    (tmp_path / "site").mkdir()
    with pytest.raises(SearchError, match="Pagefind failed: it broke"):
        index_site(tmp_path / "site", binary=fake)


def _without_binary(site: Path) -> None:
    import garden.search as search

    original = search.pagefind_binary
    search.pagefind_binary = lambda: None
    try:
        index_site(site)
    finally:
        search.pagefind_binary = original


def _manifest(site: Path) -> dict:
    return json.loads((site / INDEX_DIR / MANIFEST).read_text())


def test_shards_are_about_a_thousand_pages_and_double_as_the_garden_grows():
    assert [shard_count(n) for n in (0, 1000, 1001, 2000, 2001, 10_000, 10**6)] == [1, 1, 2, 2, 4, 16, 64]


def test_a_page_keeps_its_shard_whatever_other_pages_come_and_go():
    pages = [f"n{i}/index.html" for i in range(200)]
    dealt = deal(pages, 8)
    assert sorted(p for shard in dealt for p in shard) == sorted(pages) and all(dealt)
    fewer = deal(pages[::3], 8)
    assert all(set(shard) <= set(before) for shard, before in zip(fewer, dealt))


NOTES_FOR_SHARDS = {f"n{i}.md": f"# Note {i}\n\nLanterns number {i}.\n" for i in range(8)}


def test_a_large_garden_is_indexed_in_shards_that_the_first_merges(tmp_path, monkeypatch):
    monkeypatch.setattr(search, "PAGES_PER_SHARD", 2)  # 8 notes: 4 shards
    config = write_garden(tmp_path, NOTES_FOR_SHARDS)
    result = build_site(config, jobs=1)
    assert len(result.searchable) == 8
    index = index_site(config.output_dir, result.searchable)
    assert (index.pages, index.shards, index.remade_shards) == (8, 4, 4)
    site = config.output_dir / INDEX_DIR
    shards = _manifest(config.output_dir)["shards"]
    assert [s["name"] for s in shards] == ["0", "1", "2", "3"] and sum(s["indexed"] for s in shards) == 8
    assert (site / "0" / "pagefind.js").is_file()  # the script the browser loads; the others are merged into it
    assert all((site / name / "pagefind-entry.json").is_file() and not (site / name / "pagefind.js").exists()
               for name in "123")


def test_an_edit_remakes_only_the_shard_of_the_page_it_changed(tmp_path, monkeypatch):
    monkeypatch.setattr(search, "PAGES_PER_SHARD", 2)
    config = write_garden(tmp_path, NOTES_FOR_SHARDS)
    index_site(config.output_dir, build_site(config, jobs=1).searchable)
    site = config.output_dir / INDEX_DIR
    before = {name: (site / name).stat().st_ino for name in "0123"}
    assert index_site(config.output_dir, build_site(config, jobs=1).searchable).remade_shards == 0
    (tmp_path / "content" / "n5.md").write_text("# Note 5\n\nNow about moths.\n")
    result = build_site(config, jobs=1)
    index = index_site(config.output_dir, result.searchable)
    assert (index.pages, index.remade_shards) == (8, 1)
    moved = {name for name in "0123" if (site / name).stat().st_ino != before[name]}
    assert len(moved) == 1
    shard = moved.pop()
    dealt = deal(result.searchable, 4)[int(shard)]
    assert "n5/index.html" in dealt and "moths" in _fragments_text(site / shard)
    assert index.summary().startswith(f"indexed {len(dealt)} of 8 pages (1 of 4 shards) in ")


def _fragments_text(shard: Path) -> str:
    """What a shard's fragments (gzipped, behind Pagefind's signature) say of their pages."""
    import gzip

    return " ".join(gzip.decompress(p.read_bytes()).decode("utf-8", "replace")
                    for p in (shard / "fragment").glob("*.pf_fragment"))


def test_a_note_added_or_removed_remakes_its_shard_and_an_index_of_the_old_layout_is_cleared(tmp_path, monkeypatch):
    monkeypatch.setattr(search, "PAGES_PER_SHARD", 2)
    config = write_garden(tmp_path, NOTES_FOR_SHARDS)
    build_site(config, jobs=1)
    (config.output_dir / INDEX_DIR).mkdir()
    (config.output_dir / INDEX_DIR / "pagefind.js").write_text("// an index written by an older garden\n")
    index_site(config.output_dir, build_site(config, jobs=1).searchable)
    assert not (config.output_dir / INDEX_DIR / "pagefind.js").exists()
    (tmp_path / "content" / "n2.md").unlink()
    index = index_site(config.output_dir, build_site(config, jobs=1).searchable)
    assert (index.pages, index.remade_shards) == (7, 1)


def test_a_garden_without_notes_has_an_index_of_no_shards(tmp_path):
    config = write_garden(tmp_path, {"index.md": "# Home\n\nOnly the home page.\n"})
    result = build_site(config, jobs=1)
    assert result.searchable == []
    index = index_site(config.output_dir, result.searchable)
    assert (index.pages, index.shards) == (0, 0)
    assert _manifest(config.output_dir) == {"shards": []}


def test_a_page_missing_from_the_site_is_left_out_and_its_shard_remade_once_it_is_there(tmp_path):
    """The preview indexes while later builds write the site: a page named but not (or no longer) there."""
    config = write_garden(tmp_path, NOTES)
    result = build_site(config, jobs=1)
    named = result.searchable + ["c/index.html"]
    assert index_site(config.output_dir, named).pages == 2
    (config.output_dir / "c").mkdir()
    (config.output_dir / "c" / "index.html").write_text(
        (config.output_dir / "a" / "index.html").read_text().replace("lanterns", "moths"))
    index = index_site(config.output_dir, named)
    assert (index.pages, index.remade_shards) == (3, 1)


def test_whichever_shard_comes_first_brings_pagefinds_script(tmp_path, monkeypatch):
    """When no page is dealt to shard 0 any more, the first shard listed must load Pagefind itself."""
    monkeypatch.setattr(search, "PAGES_PER_SHARD", 2)
    config = write_garden(tmp_path, NOTES_FOR_SHARDS)
    searchable = build_site(config, jobs=1).searchable
    index_site(config.output_dir, searchable)
    site = config.output_dir / INDEX_DIR
    assert not (site / "1" / "pagefind.js").exists()
    zeroth = deal(searchable, 4)[0]
    rest = [page for page in searchable if page not in zeroth]
    assert zeroth and shard_count(len(rest)) == 4
    index = index_site(config.output_dir, rest)
    assert [s["name"] for s in _manifest(config.output_dir)["shards"]] == ["1", "2", "3"]
    assert index.remade_shards == 1 and (site / "1" / "pagefind.js").is_file() and not (site / "0").exists()
