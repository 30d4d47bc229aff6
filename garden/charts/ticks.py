"""Scales, nice ticks (1, 2, 5 × 10ⁿ; decades on log axes) and their labels.

Tick values are built from decimal text (`float("5e-2")`), never by adding
floats, so 0.1 + 0.2 never shows up as 0.30000000000000004 and the same
range always gives the same ticks.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")
# (from, divisor, suffix): thousands only from 10,000, so 2048 stays 2048
_SI = ((1e12, 1e12, "T"), (1e9, 1e9, "G"), (1e6, 1e6, "M"), (1e4, 1e3, "k"))
MINUS = "\u2212"  # a real minus sign: as wide as a digit, unlike the hyphen


def _step_parts(rough: float) -> tuple[int, int]:
    """The 1, 2 or 5 × 10^exp step nearest to `rough` (on a log scale), as (mantissa, exp)."""
    exp = math.floor(math.log10(rough))
    error = rough / 10.0 ** exp
    # The thresholds are the geometric midpoints: √2 between 1 and 2, √10 between 2 and 5, √50 between 5 and 10.
    if error >= math.sqrt(50):
        return 1, exp + 1
    if error >= math.sqrt(10):
        return 5, exp
    if error >= math.sqrt(2):
        return 2, exp
    return 1, exp


def nice_step(rough: float) -> float:
    m, exp = _step_parts(rough)
    return float(f"{m}e{exp}")


def linear_ticks(low: float, high: float, target: int) -> list[float]:
    """About `target` round ticks covering [low, high] (the ends rounded outward)."""
    if high <= low:
        return [low]
    m, exp = _step_parts((high - low) / max(1, target))
    first = math.floor(low / (m * 10.0 ** exp) + 1e-9)
    last = math.ceil(high / (m * 10.0 ** exp) - 1e-9)
    return [_decimal(k * m, exp) for k in range(first, last + 1)]


def ticks_within(low: float, high: float, target: int) -> list[float]:
    """Round ticks inside [low, high] only (for an axis whose ends are fixed)."""
    ticks = linear_ticks(low, high, target)
    eps = (high - low) * 1e-9
    return [t for t in ticks if low - eps <= t <= high + eps]


def _decimal(mantissa: int, exp: int) -> float:
    return float(f"{mantissa}e{exp}")


def log_bounds(low: float, high: float) -> tuple[float, float]:
    """[low, high] widened to the nearest 1, 2 or 5 × 10ⁿ, so a log axis ends on a round value."""
    def down(v: float) -> float:
        exp = math.floor(math.log10(v) + 1e-12)
        return max(_decimal(m, exp) for m in (1, 2, 5) if _decimal(m, exp) <= v * (1 + 1e-12))

    def up(v: float) -> float:
        exp = math.floor(math.log10(v) - 1e-12)
        return min(_decimal(m, e) for e in (exp, exp + 1) for m in (1, 2, 5) if _decimal(m, e) >= v * (1 - 1e-12))

    return down(low), up(high)


def log_ticks(low: float, high: float, max_count: int) -> list[float]:
    """Decades inside [low, high], every k-th one if they would not fit; 1-2-5 steps when
    the range is under two decades."""
    first = math.ceil(math.log10(low) - 1e-9)
    last = math.floor(math.log10(high) + 1e-9)
    decades = list(range(first, last + 1))
    if len(decades) >= 2:
        stride = max(1, math.ceil(len(decades) / max(1, max_count)))
        return [_decimal(1, e) for e in decades[::stride]]
    eps = 1e-9
    fine = [_decimal(m, e) for e in range(first - 1, last + 2) for m in (1, 2, 5)]
    fine = [t for t in fine if low * (1 - eps) <= t <= high * (1 + eps)]
    if 2 <= len(fine) <= max(2, max_count):
        return fine
    return [t for t in ticks_within(low, high, max(2, max_count)) if t > 0]


def log_minor_ticks(low: float, high: float) -> list[float]:
    """2…9 × 10ⁿ inside [low, high]: the small unlabelled ticks of a log axis."""
    out = []
    for e in range(math.floor(math.log10(low)), math.ceil(math.log10(high)) + 1):
        for m in range(2, 10):
            v = _decimal(m, e)
            if low < v < high:
                out.append(v)
    return out


def format_ticks(values: list[float]) -> list[str]:
    """Labels for a set of ticks, all in one style: same decimals, one SI suffix,
    or powers of ten for very large and very small values."""
    if not values:
        return []
    biggest = max(abs(v) for v in values)
    smallest = min((abs(v) for v in values if v != 0), default=1.0)
    if biggest >= 1e15 or smallest < 1e-4:
        return [_scientific(v) for v in values]
    divisor, suffix = next(((d, s) for start, d, s in _SI if biggest >= start), (1.0, ""))
    scaled = [v / divisor for v in values]
    decimals = _decimals_needed(scaled)
    # Trailing zeros go (2.5k, 5k): a tick label is read as a position, not a measurement.
    return [_signed(_trim(f"{abs(v):.{decimals}f}"), v) + (suffix if v else "") for v in scaled]


def format_log_ticks(values: list[float]) -> list[str]:
    """Decades and 1-2-5 ticks span many magnitudes: each is labelled on its own (0.01, 1, 10k)."""
    return [format_number(v) for v in values]


def format_number(value: float) -> str:
    """One value on its own (a reference line's or a point's label), about 4 significant digits."""
    if value == 0:
        return "0"
    magnitude = abs(value)
    if magnitude >= 1e15 or magnitude < 1e-4:
        return _scientific(float(f"{value:.3g}"))
    for start, divisor, suffix in _SI:
        if magnitude >= start:
            return _signed(_trim(f"{magnitude / divisor:.4g}"), value) + suffix
    return _signed(_trim(f"{magnitude:.4g}"), value)


def _decimals_needed(values: list[float]) -> int:
    for decimals in range(0, 7):
        if all(abs(round(v, decimals) - v) <= 1e-9 * max(1.0, abs(v)) for v in values):
            return decimals
    return 6


def _scientific(value: float) -> str:
    if value == 0:
        return "0"
    exp = math.floor(math.log10(abs(value)) + 1e-12)
    mantissa = abs(value) / 10.0 ** exp
    power = "10" + str(exp).translate(_SUPERSCRIPT)
    text = power if abs(mantissa - 1) < 1e-9 else f"{_trim(f'{mantissa:.2f}')}×{power}"
    return _signed(text, value)


def _trim(text: str) -> str:
    return text.rstrip("0").rstrip(".") if "." in text and "e" not in text else text


def _signed(text: str, value: float) -> str:
    return f"{MINUS}{text}" if value < 0 and text.strip("0.") else text


@dataclass(frozen=True)
class Scale:
    """Maps a data interval onto a pixel interval, linearly or by log10."""

    low: float
    high: float
    start: float  # pixel position of `low`
    end: float  # pixel position of `high`
    log: bool = False

    def __call__(self, value: float) -> float:
        if self.log:
            a, b, v = math.log10(self.low), math.log10(self.high), math.log10(value)
        else:
            a, b, v = self.low, self.high, value
        return self.start + (v - a) / (b - a) * (self.end - self.start)

    def contains(self, value: float) -> bool:
        eps = (self.high - self.low) * 1e-9
        return self.low - eps <= value <= self.high + eps
