"""Nice ticks (1, 2, 5 × 10ⁿ; decades on log axes) and their labels, as tables."""

from __future__ import annotations

import pytest

from garden.charts.ticks import (format_log_ticks, format_number, format_ticks, linear_ticks, log_bounds,
                                 log_ticks)


@pytest.mark.parametrize("low,high,target,expected", [
    (0, 1, 5, [0, 0.2, 0.4, 0.6, 0.8, 1]),
    (0.1, 0.7, 6, [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7]),
    (-3, 17, 5, [-5, 0, 5, 10, 15, 20]),
    (1, 6, 5, [1, 2, 3, 4, 5, 6]),
    (0, 32768, 6, [0, 5000, 10000, 15000, 20000, 25000, 30000, 35000]),
    (0.0003, 0.0011, 4, [0.0002, 0.0004, 0.0006, 0.0008, 0.001, 0.0012]),
])
def test_linear_ticks_are_round_and_cover_the_range(low, high, target, expected) -> None:
    assert linear_ticks(low, high, target) == expected


@pytest.mark.parametrize("low,high,count,expected", [
    (1, 10000, 8, [1, 10, 100, 1000, 10000]),
    (0.01, 10000, 3, [0.01, 10, 10000]),  # every third decade when they do not fit
    (1, 5, 6, [1, 2, 5]),  # under two decades: 1-2-5
    (2, 3, 5, [2, 2.2, 2.4, 2.6, 2.8, 3]),  # not even that: linear steps
])
def test_log_ticks_are_decades(low, high, count, expected) -> None:
    assert log_ticks(low, high, count) == expected


@pytest.mark.parametrize("low,high,expected", [
    (1, 10000, (1, 10000)), (0.17, 1365, (0.1, 2000)), (26, 215396, (20, 500000)), (3, 3, (2, 5)),
])
def test_log_axes_end_on_round_values(low, high, expected) -> None:
    assert log_bounds(low, high) == expected


@pytest.mark.parametrize("values,expected", [
    ([0, 0.5, 1, 1.5], ["0", "0.5", "1", "1.5"]),
    ([-1, 0, 1], ["−1", "0", "1"]),
    ([0, 2500, 5000, 7500, 10000], ["0", "2.5k", "5k", "7.5k", "10k"]),
    ([0, 2e5, 4e5, 6e5, 8e5, 1e6], ["0", "0.2M", "0.4M", "0.6M", "0.8M", "1M"]),
    ([1000, 2000, 3000], ["1000", "2000", "3000"]),
    ([0.00002, 0.00004], ["2×10⁻⁵", "4×10⁻⁵"]),
])
def test_tick_labels_share_one_style(values, expected) -> None:
    assert format_ticks(values) == expected


def test_log_tick_labels_each_fit_their_magnitude() -> None:
    assert format_log_ticks([0.01, 0.1, 1, 10, 100, 1000, 10000, 1e5]) == [
        "0.01", "0.1", "1", "10", "100", "1000", "10k", "100k"]


@pytest.mark.parametrize("value,expected", [
    (3.5, "3.5"), (0.47, "0.47"), (1_500_000, "1.5M"), (295.52, "295.5"), (1e-7, "10⁻⁷"), (-2.5, "−2.5"),
    (12345, "12.35k"), (0, "0"),
])
def test_single_numbers(value, expected) -> None:
    assert format_number(value) == expected
