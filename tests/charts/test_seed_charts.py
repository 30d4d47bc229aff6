"""The seed garden's charts: every one stored, up to date with its script, and on its note's page."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from garden.charts.refresh import find_charts
from garden.config import load_config
from garden.pipeline import build_site

from ..conftest import REPO

NOTES_WITH_CHARTS = {
    "probability/law-of-large-numbers": 1, "probability/markov-chain-monte-carlo": 2, "probability/entropy": 1,
    "ai-systems/batching": 2, "ai-systems/roofline-model": 1, "ai-systems/kv-cache": 2,
    "ai-systems/speculative-decoding": 1, "mental-models/compounding": 1,
}


@pytest.fixture(scope="module")
def config(tmp_path_factory):
    return load_config(REPO / "garden.yaml", output=str(tmp_path_factory.mktemp("seed") / "public"))


def test_every_seed_chart_is_stored_and_up_to_date(config) -> None:
    requests, library = find_charts(config)
    assert len(requests) == sum(NOTES_WITH_CHARTS.values())
    for request in requests:
        stored = library.stored(request.script, request.args)
        assert stored is not None and not stored.error, request.written
        assert stored.script_digest == library.scripts[request.script], \
            f"{request.script} changed since its chart was computed: run `garden charts`"


def test_every_seed_chart_is_drawn_on_its_page(config) -> None:
    result = build_site(config, jobs=1)
    assert [d.format() for d in result.diagnostics] == []
    for url, count in NOTES_WITH_CHARTS.items():
        html = (config.output_dir / url / "index.html").read_text(encoding="utf-8")
        figures = re.findall(r'<figure class="chart">(.*?)</figure>', html, re.S)
        assert len(figures) == count, url
        for figure in figures:
            drawings = re.findall(r"<svg .*?</svg>", figure, re.S)
            assert len(drawings) == 2  # wide and narrow
            for svg in drawings:
                ET.fromstring(svg)
                assert len(svg.encode("utf-8")) < 40_000, url
            assert "<figcaption>" in figure and '<details class="chart-data"><summary>Data</summary><table>' in figure
    scripts = [p for p in config.output_dir.rglob("*") if p.suffix == ".py" or p.name.endswith(".chart.json")]
    assert scripts == []
