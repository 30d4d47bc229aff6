"""The SVG renderer: golden files for every chart kind, and the properties every drawing keeps.

After an intended change to the drawing, regenerate the golden files with
`GARDEN_REGEN_GOLDEN=1 pytest tests/charts/test_svg.py`, open them (they are
plain SVG) and review the diff.
"""

from __future__ import annotations

import json
import math
import os
import random
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from garden.charts.spec import parse_chart
from garden.charts.svg import NARROW, WIDE, render_responsive, render_svg
from garden.charts.table import TABLE_ROWS, render_table

from ..conftest import REPO

GOLDEN = Path(__file__).parent / "golden"
SVG = "{http://www.w3.org/2000/svg}"


def _walk(seed: int, n: int) -> list[list[float]]:
    rng, total, out = random.Random(seed), 0, []
    for k in range(1, n + 1):
        total += rng.randint(1, 6)
        out.append([k, round(total / k, 4)])
    return out


# One spec per kind and feature; each is drawn wide and narrow.
SPECS: dict[str, dict] = {
    "line": {
        "title": "Running mean of die rolls",
        "x": {"title": "Throws"}, "y": {"title": "Mean", "min": 1, "max": 6},
        "series": [{"label": f"seed {s}", "points": _walk(s, 60)} for s in (1, 2, 3)],
        "references": [{"y": 3.5, "label": "expected value 3.5"}],
    },
    "scatter": {
        "title": "Scatter", "x": {"title": "Height", "unit": "cm"}, "y": {"title": "Weight", "unit": "kg"},
        "series": [{"kind": "scatter", "label": "group A", "points": [[150 + i, 50 + (i * 7) % 23] for i in range(30)]},
                   {"kind": "scatter", "label": "group B", "points": [[155 + i, 60 + (i * 5) % 17] for i in range(30)]}],
    },
    "bar": {
        "title": "KV cache per sequence", "kind": "bar", "y": {"title": "Memory", "unit": "GiB"},
        "series": [{"label": "4k tokens", "points": [["7B MHA", 2], ["7B GQA", 0.5], ["70B GQA", 1.25]]},
                   {"label": "32k tokens", "points": [["7B MHA", 16], ["7B GQA", 4], ["70B GQA", 10]]}],
        "references": [{"y": 13, "label": "7B weights"}],
    },
    "histogram_samples": {
        "title": "Samples against the target", "x": {"title": "x"}, "y": {"title": "Density"},
        "series": [{"kind": "histogram", "label": "samples", "density": True,
                    "samples": [round(random.Random(i).gauss(2 if i % 2 else -2, 0.7), 3) for i in range(2000)]},
                   {"label": "target", "points": [[x / 10, round((math.exp(-(x / 10 - 2) ** 2) + math.exp(
                       -(x / 10 + 2) ** 2)) / (2 * math.sqrt(math.pi)), 4)] for x in range(-50, 51)]}],
    },
    "histogram_bins": {
        "title": "Latency histogram", "x": {"title": "Latency", "unit": "ms"}, "y": {"title": "Requests"},
        "series": [{"kind": "histogram", "bins": [[0, 10, 5], [10, 20, 40], [20, 30, 22], [30, 50, 9], [50, 100, 3]]}],
    },
    "area": {
        "title": "Memory in use", "kind": "area", "x": {"title": "Time", "unit": "s"}, "y": {"title": "GiB"},
        "series": [{"label": "cache", "points": [[t, round(4 + 3 * math.sin(t / 3), 3)] for t in range(40)]}],
    },
    "band": {
        "title": "Mean ± spread", "x": {"title": "n", "scale": "log"}, "y": {"title": "Estimate"},
        "series": [{"kind": "band", "label": "±2 standard errors",
                    "points": [[n, 3.5 - 3.4 / math.sqrt(n), 3.5 + 3.4 / math.sqrt(n)] for n in (1, 2, 5, 10, 20, 50,
                                                                                                  100, 200, 500, 1000)]},
                   {"label": "running mean", "points": [[n, 3.5 + 1.5 / n] for n in (1, 2, 5, 10, 20, 50, 100, 200,
                                                                                       500, 1000)]}],
    },
    "loglog": {
        "title": "Roofline of an H100", "x": {"title": "Arithmetic intensity", "unit": "FLOP/byte", "scale": "log"},
        "y": {"title": "Attainable performance", "unit": "TFLOP/s", "scale": "log"},
        "series": [{"label": "roofline", "points": [[10 ** (i / 10), min(990, 3.35 * 10 ** (i / 10))]
                                                    for i in range(-20, 41)]}],
        "references": [{"x": 295.5, "label": "ridge ≈ 296 FLOP/byte"}],
        "annotations": [{"x": 0.17, "y": 0.57, "label": "elementwise add"}, {"x": 1, "y": 3.35, "label": "decode"},
                        {"x": 1365, "y": 990, "label": "matmul"}],
    },
    "many_series": {
        "title": "Six styles", "x": {"title": "x"}, "y": {"title": "y"},
        "series": [{"label": f"series {k}", "points": [[i, i * (k + 1)] for i in range(10)]} for k in range(6)],
    },
}


def _drawings() -> list[tuple[str, str]]:
    out = []
    for name, spec in SPECS.items():
        chart = parse_chart(json.loads(json.dumps(spec)))
        for size in (WIDE, NARROW):
            out.append((f"{name}.{size.name}.svg", render_svg(chart, size)))
    return out


DRAWINGS = _drawings()


@pytest.mark.parametrize("name,svg", DRAWINGS, ids=[n for n, _ in DRAWINGS])
def test_golden(name: str, svg: str) -> None:
    path = GOLDEN / name
    if os.environ.get("GARDEN_REGEN_GOLDEN"):
        GOLDEN.mkdir(exist_ok=True)
        path.write_text(svg + "\n", encoding="utf-8")
    assert svg + "\n" == path.read_text(encoding="utf-8")


@pytest.mark.parametrize("name,svg", DRAWINGS, ids=[n for n, _ in DRAWINGS])
def test_every_drawing_is_valid_svg_with_a_title_and_description(name: str, svg: str) -> None:
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("width") == "100%" and re.fullmatch(r"0 0 \d+ \d+", root.get("viewBox", ""))
    assert root[0].tag == f"{SVG}title" and root[0].text
    assert root[1].tag == f"{SVG}desc" and root[1].text
    assert not list(root.iter(f"{SVG}script"))
    assert all(not a.startswith("on") for e in root.iter() for a in e.attrib)
    assert not re.search(r"<image|href=|@import|url\((?!#)", svg)  # no images, fonts or other files


@pytest.mark.parametrize("name,svg", DRAWINGS, ids=[n for n, _ in DRAWINGS])
def test_colours_are_the_stylesheets_chart_variables(name: str, svg: str) -> None:
    """Every colour is a var(--chart-*) (or the page background, for label halos), with a fallback."""
    colours = re.findall(r"(?:fill|stroke):([^;\"]+)", svg)
    assert colours
    for colour in colours:
        assert colour == "none" or re.fullmatch(r"var\(--(chart-[1-6]|chart-axis|chart-grid|chart-text|bg),#[0-9a-f]{6}\)",
                                                colour) or colour.startswith("url(#"), colour
    assert not re.search(r'(?:fill|stroke)="(?!none)', svg)  # no colour in a presentation attribute


def test_every_chart_variable_is_defined_for_light_and_both_dark_themes() -> None:
    css = (REPO / "static" / "style.css").read_text(encoding="utf-8")
    used = sorted(set(re.findall(r"var\(--(chart-[a-z0-9]+)", "".join(svg for _, svg in DRAWINGS))))
    assert used == ["chart-1", "chart-2", "chart-3", "chart-4", "chart-5", "chart-6", "chart-axis", "chart-grid",
                    "chart-text"]
    light = css[css.index(":root {"):css.index("}", css.index(":root {"))]
    dark_system = css[css.index('@media (prefers-color-scheme: dark)'):]
    dark_system = dark_system[:dark_system.index("\n}\n")]
    dark_chosen = css[css.index(':root[data-theme="dark"] {'):]
    dark_chosen = dark_chosen[:dark_chosen.index("}")]
    for block in (light, dark_system, dark_chosen):
        for name in used:
            assert re.search(rf"--{name}:\s*#[0-9a-f]{{6}};", block), name
    # The fallbacks in the drawing are the light theme's own values.
    for name, value in re.findall(r"var\(--(chart-[a-z0-9]+),(#[0-9a-f]{6})\)", "".join(s for _, s in DRAWINGS)):
        assert re.search(rf"--{name}:\s*{value};", light), name


def test_the_same_spec_gives_the_same_bytes_in_any_process() -> None:
    spec = json.dumps(SPECS["loglog"])
    code = ("import json,sys; from garden.charts.spec import parse_chart; from garden.charts.svg import "
            "render_responsive; sys.stdout.write(render_responsive(parse_chart(json.loads(sys.stdin.read()))))")
    here = render_responsive(parse_chart(json.loads(spec)))
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        there = subprocess.run([sys.executable, "-c", code], input=spec, capture_output=True, text=True, env=env,
                               check=True).stdout
        assert there == here


def test_a_thousand_point_line_chart_is_under_40_kb_wide_and_narrow_together() -> None:
    rng = random.Random(1)
    spec = {"series": [{"points": [[i, round(rng.gauss(0, 1), 4)] for i in range(1000)]}]}
    size = len(render_responsive(parse_chart(spec)).encode("utf-8"))
    assert size < 40_000, size


def test_a_long_series_is_downsampled_for_display_keeping_its_extremes() -> None:
    n = 100_000
    points = [[i, math.sin(i / 500)] for i in range(n)]
    points[54_321][1] = 5.0  # one spike must survive
    chart = parse_chart({"y": {"min": -6, "max": 6}, "series": [{"points": points}]})
    svg = render_svg(chart, WIDE)
    assert len(svg.encode("utf-8")) < 40_000
    path = re.search(r'<path d="M([^"]+)" fill="none" stroke-width="2"', svg).group(1)
    top = min(float(y) for y in re.findall(r"[\d.]+ ([\d.]+)", path))  # SVG's y grows downwards

    def tick_y(label: str) -> float:  # a y tick label sits 0.35 em below its tick
        return float(re.search(rf'y="([\d.]+)" text-anchor="end">{label}<', svg).group(1)) - 13 * 0.35

    assert abs(top - (tick_y("4") + tick_y("6")) / 2) < 0.5  # the spike at 5 is drawn


def test_tick_labels_never_overlap() -> None:
    """Estimated extents of the labels in each row of centred text stay apart, for every spec and layout."""
    for name, svg in DRAWINGS:
        font = 13 if ".wide." in name else 12
        rows: dict[str, list[tuple[float, int]]] = {}
        for x, y, text in re.findall(r'<text x="([\d.]+)" y="([\d.]+)" text-anchor="middle">([^<]+)</text>', svg):
            rows.setdefault(y, []).append((float(x), len(text)))
        assert rows, name
        for row in rows.values():
            row.sort()
            for (a, la), (b, lb) in zip(row, row[1:]):
                assert b - a >= (la + lb) * font * 0.6 / 2, (name, a, b)


def test_a_legend_only_with_several_series() -> None:
    one = render_svg(parse_chart({"series": [{"label": "only", "points": [[0, 1], [1, 2]]}]}))
    two = render_svg(parse_chart({"series": [{"label": "a", "points": [[0, 1]]}, {"label": "b", "points": [[0, 2]]}]}))
    assert "chart-legend" not in one and "chart-legend" in two


def test_series_differ_in_more_than_colour() -> None:
    svg = dict(DRAWINGS)["many_series.wide.svg"]
    dashes = re.findall(r'<path d="M[^"]+" fill="none" stroke-width="[\d.]+" stroke-linejoin="round" '
                        r'stroke-linecap="\w+" style="stroke:var\(--chart-\d[^"]*?(?:;stroke-dasharray:([\d ]+))?"', svg)
    assert len(dashes) == 6 and len(set(dashes)) == 6  # solid and five dash patterns
    bar = dict(DRAWINGS)["bar.wide.svg"]
    assert "<pattern" in bar  # the second bar series is hatched


def test_table_keeps_the_data_and_caps_long_series() -> None:
    chart = parse_chart({"x": {"title": "n"}, "series": [{"label": "a", "points": [[i, i * 2] for i in range(1000)]},
                                                        {"label": "b", "points": [[i, i * 3] for i in range(1000)]}]})
    table = render_table(chart)
    assert table.startswith('<table><thead><tr><th scope="col">n</th><th scope="col">a</th><th scope="col">b</th>')
    assert 100 < table.count("<tr>") - 1 <= TABLE_ROWS
    assert "<tr><td>999</td><td>1998</td><td>2997</td></tr>" in table  # always the last row
    assert table.endswith('<p class="chart-table-note">Every 6th of 1,000 rows, and the last.</p>')


def test_table_of_a_histogram_lists_its_bins() -> None:
    chart = parse_chart(SPECS["histogram_bins"])
    assert render_table(chart) == (
        '<table><thead><tr><th scope="col">Latency (ms) from</th><th scope="col">to</th><th scope="col">Count</th>'
        "</tr></thead><tbody><tr><td>0</td><td>10</td><td>5</td></tr><tr><td>10</td><td>20</td><td>40</td></tr>"
        "<tr><td>20</td><td>30</td><td>22</td></tr><tr><td>30</td><td>50</td><td>9</td></tr>"
        "<tr><td>50</td><td>100</td><td>3</td></tr></tbody></table>")
