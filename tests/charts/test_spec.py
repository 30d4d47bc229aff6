"""The chart format: what validates, and the path-named message for what does not."""

from __future__ import annotations

import pytest

from garden.charts.spec import ChartSpecError, bin_samples, parse_chart

LINE = {"series": [{"points": [[0, 1], [1, 2]]}]}

# (spec, the problems it is rejected with)
INVALID = [
    ([], ['expected a JSON object with "series", found []']),
    ({}, ["series: expected a non-empty list of series, found nothing"]),
    ({"series": [{"points": [[0, 1], [1, 2], [2, 3], ["3", 4]]}]},
     ["series[0].points[3]: expected [x, y] numbers, found ['3', 4]"]),
    ({"series": [LINE["series"][0], {"points": [[0, 1], [1, 2], [2, 3], [3]]}]},
     ["series[1].points[3]: expected [x, y] numbers, found [3]"]),
    ({"series": [{"points": [[0, float("nan")]]}]}, ["series[0].points[0]: expected [x, y] numbers, found [0, nan]"]),
    ({"series": [{"kind": "pie", "points": [[0, 1]]}]},
     ["series[0].kind: expected one of line, scatter, bar, histogram, area, band, found 'pie'"]),
    ({"series": [{"lable": "a", "points": [[0, 1]]}]}, ["series[0].lable: unknown key; did you mean 'label'?"]),
    ({"titel": "A", **LINE}, ["titel: unknown key; did you mean 'title'?"]),
    ({"x": {"scale": "logarithmic"}, **LINE}, ['x.scale: expected "linear" or "log", found \'logarithmic\'']),
    ({"x": {"scale": "log"}, **LINE}, ["series[0].points[0]: x = 0 cannot be shown on a log axis (needs > 0)"]),
    ({"y": {"min": 5, "max": 1}, **LINE}, ["y.max: expected more than min (5), found 1"]),
    ({"series": [{"kind": "band", "points": [[0, 2, 1]]}]}, ["series[0].points[0]: low 2 is above high 1"]),
    ({"series": [{"kind": "band", "points": [[0, 1]]}]},
     ["series[0].points[0]: expected [x, low, high] numbers, found [0, 1]"]),
    ({"series": [{"kind": "histogram"}]},
     ['series[0]: a histogram needs either "samples" (raw values) or "bins" ([start, end, count] triples), '
      "not neither"]),
    ({"series": [{"kind": "histogram", "samples": [1, 2, "x"]}]},
     ["series[0].samples[2]: expected a non-empty list of numbers, found 'x'"]),
    ({"series": [{"kind": "histogram", "bins": [[2, 1, 3]]}]},
     ["series[0].bins[0]: expected start < end and a count ≥ 0"]),
    ({"series": [{"kind": "bar", "points": [["a", 1]]}, {"points": [[0, 1]]}]},
     ["series[1].kind: a chart with bars can hold only bar series, found 'line'"]),
    ({"series": [{"kind": "bar", "points": [["a", 1], ["a", 2]]}]}, ["series[0].points[1]: category 'a' appears twice"]),
    ({"y": {"scale": "log"}, "series": [{"kind": "histogram", "bins": [[0, 1, 2]]}]},
     ["y.scale: bars and histograms need a linear y axis (they start at zero)"]),
    ({"references": [{"y": "3.5"}], **LINE}, ["references[0].y: expected a number, found '3.5'"]),
    ({"references": [{"label": "no axis"}], **LINE},
     ['references[0]: expected {"y": 3.5, "label": "…"} (or "x" for a vertical line), found an object']),
    ({"annotations": [{"x": 1, "label": "ridge"}], **LINE}, ["annotations[0].y: expected a number, found nothing"]),
    ({"series": [{"color": 7, "points": [[0, 1]]}]}, ["series[0].color: expected a palette number 1–6, found 7"]),
    ({"title": 3, **LINE}, ["title: expected text, found 3"]),
]


@pytest.mark.parametrize("spec,problems", INVALID, ids=[p[0][:40] for _, p in INVALID])
def test_invalid_specs_name_the_bad_field(spec, problems) -> None:
    with pytest.raises(ChartSpecError) as caught:
        parse_chart(spec)
    assert caught.value.problems == problems


def test_every_problem_is_reported_at_once() -> None:
    with pytest.raises(ChartSpecError) as caught:
        parse_chart({"titel": "A", "x": {"scale": "lg"}, "series": [{"points": [[0, "1"]]}]})
    assert caught.value.problems == [
        "titel: unknown key; did you mean 'title'?",
        'x.scale: expected "linear" or "log", found \'lg\'',
        "series[0].points[0]: expected [x, y] numbers, found [0, '1']",
    ]
    assert str(caught.value) == "; ".join(caught.value.problems)


def test_a_valid_spec_becomes_frozen_dataclasses() -> None:
    chart = parse_chart({
        "title": "T", "x": {"title": "Length", "unit": "tokens", "scale": "log"}, "y": {"min": 0},
        "series": [{"label": "a", "points": [[1, 2], [10, 3]]}, {"kind": "scatter", "points": [[2, 2]]},
                   {"kind": "band", "points": [[1, 1, 2]]}],
        "references": [{"y": 2.5, "label": "mean"}], "annotations": [{"x": 10, "y": 3, "label": "end"}],
    })
    assert chart.x.label == "Length (tokens)" and chart.x.log and chart.y.min == 0
    assert [(s.kind, s.label, s.color, s.style) for s in chart.series] == [
        ("line", "a", 1, 0), ("scatter", "Series 2", 2, 0), ("band", "Series 3", 3, 0)]
    assert chart.series[0].markers  # a short line shows its points
    assert chart.references[0].axis == "y" and chart.annotations[0].label == "end"
    with pytest.raises(AttributeError):
        chart.title = "changed"  # type: ignore[misc]


def test_histogram_samples_are_binned_on_round_edges() -> None:
    bins = bin_samples([0.1, 0.4, 0.45, 1.2, 1.9, 2.0, 2.05] * 10)
    assert bins[0][0] == 0.0 and bins[-1][1] >= 2.05
    assert sum(count for _, _, count in bins) == 70
    widths = {round(end - start, 9) for start, end, _ in bins}
    assert len(widths) == 1


def test_histogram_density_integrates_to_one() -> None:
    chart = parse_chart({"series": [{"kind": "histogram", "density": True, "bin_count": 7,
                                     "samples": [i / 10 for i in range(100)]}]})
    bins = chart.series[0].bins
    assert len(bins) == 7 and chart.series[0].samples == 100
    assert abs(sum((end - start) * value for start, end, value in bins) - 1) < 1e-9
