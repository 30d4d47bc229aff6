"""The search index: built by Pagefind's binary over the written site, kept whole across rebuilds."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from garden.cli import main
from garden.pipeline import build_site
from garden.search import INDEX_DIR, SearchError, index_files, index_site, pagefind_binary

from .conftest import write_garden

NOTES = {"a.md": "# Alpha\n\nAbout [[b]] and lanterns.\n", "b.md": "# Beta\n\nNothing but lanterns.\n"}

pytestmark = pytest.mark.skipif(pagefind_binary() is None, reason="pagefind is not installed")


def test_only_note_articles_are_indexed_and_the_index_sits_in_the_site(tmp_path):
    config = write_garden(tmp_path, NOTES)
    build_site(config, jobs=1)
    index = index_site(config.output_dir)
    assert index.pages == 2  # the notes; the home, tag and graph pages carry no data-pagefind-body
    entry = json.loads((config.output_dir / INDEX_DIR / "pagefind-entry.json").read_text())
    assert "en" in entry["languages"]
    assert (config.output_dir / INDEX_DIR / "pagefind.js").is_file()
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
    assert (tmp_path / "public" / INDEX_DIR / "pagefind.js").is_file()
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
