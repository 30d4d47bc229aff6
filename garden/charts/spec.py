"""The chart format: JSON a script prints → a validated, frozen `Chart`.

Validation names the bad field by its path (`series[1].points[3]: expected
[x, y] numbers`) and reports every problem it finds, so a script author can
fix them all in one go. Histograms given as raw samples are binned here, so
everything downstream sees bins.
"""

from __future__ import annotations

import difflib
import math
from dataclasses import dataclass, replace
from typing import Any

from ..errors import GardenError
from .ticks import nice_step

KINDS = ("line", "scatter", "bar", "histogram", "area", "band")
SCALES = ("linear", "log")
COLORS = 6  # --chart-1 … --chart-6
MAX_SERIES = 12
MAX_POINTS = 100_000  # per series; more is a data file, not a chart
MAX_SAMPLES = 1_000_000
MAX_BINS = 200
MAX_TEXT = 300  # a title or label
MAX_DESCRIPTION = 2000  # read out by screen readers in place of the picture
MAX_PROBLEMS = 8  # enough to fix a script by; a stream of them helps nobody

_TOP_KEYS = ("kind", "title", "caption", "description", "x", "y", "series", "references", "annotations")
_AXIS_KEYS = ("title", "unit", "scale", "min", "max", "ticks")
_SERIES_KEYS = {
    "line": ("kind", "label", "color", "points", "markers"),
    "scatter": ("kind", "label", "color", "points"),
    "area": ("kind", "label", "color", "points"),
    "band": ("kind", "label", "color", "points"),
    "bar": ("kind", "label", "color", "points"),
    "histogram": ("kind", "label", "color", "samples", "bin_count", "bins", "density"),
}
_REFERENCE_KEYS = ("x", "y", "label")
_ANNOTATION_KEYS = ("x", "y", "label")


class ChartSpecError(GardenError):
    """A chart that does not validate; `problems` are `path: what is wrong` lines."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))


@dataclass(frozen=True)
class Axis:
    title: str = ""
    unit: str = ""
    scale: str = "linear"  # "linear" | "log" (base 10)
    min: float | None = None
    max: float | None = None
    ticks: tuple[float, ...] | None = None

    @property
    def log(self) -> bool:
        return self.scale == "log"

    @property
    def label(self) -> str:
        """The title with its unit, as shown: "Sequence length (tokens)"."""
        if self.title and self.unit:
            return f"{self.title} ({self.unit})"
        return self.title or self.unit


@dataclass(frozen=True)
class Series:
    kind: str
    label: str
    color: int  # 1-based: var(--chart-N)
    style: int  # 0-based position among series drawn alike: picks the dash, marker or fill pattern
    points: tuple[tuple[float, ...], ...] = ()  # (x, y); a band's are (x, low, high)
    bars: tuple[tuple[str, float], ...] = ()  # (category, value)
    bins: tuple[tuple[float, float, float], ...] = ()  # (start, end, count or density)
    samples: int = 0  # a histogram binned here: how many samples; 0 when given as bins
    density: bool = False
    markers: bool = False


@dataclass(frozen=True)
class Reference:
    """A reference line across the plot: `x` set draws a vertical line, else a horizontal one."""

    axis: str  # "x" | "y"
    value: float
    label: str = ""


@dataclass(frozen=True)
class Annotation:
    """A labelled point, e.g. the ridge point."""

    x: float
    y: float
    label: str = ""


@dataclass(frozen=True)
class Chart:
    series: tuple[Series, ...]
    x: Axis = Axis()
    y: Axis = Axis()
    title: str = ""
    caption: str = ""
    description: str = ""
    references: tuple[Reference, ...] = ()
    annotations: tuple[Annotation, ...] = ()

    @property
    def is_bar(self) -> bool:
        return any(s.kind == "bar" for s in self.series)

    @property
    def categories(self) -> tuple[str, ...]:
        """Bar categories in order of first appearance."""
        return tuple(dict.fromkeys(c for s in self.series for c, _ in s.bars))


def parse_chart(data: Any) -> Chart:
    """Validate `data` (parsed JSON) into a `Chart`, or raise `ChartSpecError` listing what is wrong."""
    problems = _Problems()
    chart = _chart(data, problems)
    if problems.items or chart is None:
        raise ChartSpecError(problems.items or ["not a chart"])
    return chart


class _Problems:
    def __init__(self) -> None:
        self.items: list[str] = []

    def add(self, path: str, message: str) -> None:
        if len(self.items) < MAX_PROBLEMS:
            self.items.append(f"{path}: {message}" if path else message)
        elif len(self.items) == MAX_PROBLEMS:
            self.items.append("… and more")


def _chart(data: Any, problems: _Problems) -> Chart | None:
    if not isinstance(data, dict):
        problems.add("", f"expected a JSON object with \"series\", found {_what(data)}")
        return None
    _unknown_keys(data, _TOP_KEYS, "", problems)
    default_kind = data.get("kind", "line")
    if default_kind not in KINDS:
        problems.add("kind", f"expected one of {', '.join(KINDS)}, found {_what(default_kind)}")
        default_kind = "line"
    x = _axis(data.get("x", {}), "x", problems)
    y = _axis(data.get("y", {}), "y", problems)
    raw_series = data.get("series")
    series: list[Series] = []
    if not isinstance(raw_series, list) or not raw_series:
        problems.add("series", f"expected a non-empty list of series, found {_what(raw_series)}")
    elif len(raw_series) > MAX_SERIES:
        problems.add("series", f"at most {MAX_SERIES} series fit in one chart, found {len(raw_series)}")
    else:
        for i, raw in enumerate(raw_series):
            parsed = _series(raw, i, default_kind, x, y, problems)
            if parsed:
                series.append(parsed)
        series = _number_styles(series)
    chart = Chart(
        series=tuple(series), x=x, y=y,
        title=_text(data, "title", "", problems), caption=_text(data, "caption", "", problems),
        description=_text(data, "description", "", problems),
        references=tuple(_references(data.get("references", []), x, y, problems)),
        annotations=tuple(_annotations(data.get("annotations", []), x, y, problems)),
    )
    if chart.is_bar:
        for i, s in enumerate(series):
            if s.kind != "bar":
                problems.add(f"series[{i}].kind", f"a chart with bars can hold only bar series, found {s.kind!r}")
        if x.log:
            problems.add("x.scale", "a bar chart's x axis is its categories; it cannot be logarithmic")
        if any(r.axis == "x" for r in chart.references) or chart.annotations:
            problems.add("references" if not chart.annotations else "annotations",
                         "a bar chart takes only horizontal (y) reference lines")
    if y.log and any(s.kind in ("bar", "histogram") for s in series):
        problems.add("y.scale", "bars and histograms need a linear y axis (they start at zero)")
    return chart


def _number_styles(series: list[Series]) -> list[Series]:
    """Number each series among those drawn the same way, so the first line is solid,
    the second dashed…, whatever fills or bars come before them."""
    family = {"line": "line", "area": "line", "scatter": "marker", "bar": "bar", "histogram": "fill", "band": "fill"}
    seen: dict[str, int] = {}
    out = []
    for s in series:
        style = seen.get(family[s.kind], 0)
        seen[family[s.kind]] = style + 1
        out.append(replace(s, style=style))
    return out


def _axis(raw: Any, path: str, problems: _Problems) -> Axis:
    if not isinstance(raw, dict):
        problems.add(path, f"expected an object such as {{\"title\": \"Time\", \"unit\": \"s\"}}, found {_what(raw)}")
        return Axis()
    _unknown_keys(raw, _AXIS_KEYS, path, problems)
    scale = raw.get("scale", "linear")
    if scale not in SCALES:
        problems.add(f"{path}.scale", f"expected \"linear\" or \"log\", found {_what(scale)}")
        scale = "linear"
    low, high = _number_or_none(raw, "min", path, problems), _number_or_none(raw, "max", path, problems)
    if scale == "log":
        for key, value in (("min", low), ("max", high)):
            if value is not None and value <= 0:
                problems.add(f"{path}.{key}", f"a log axis needs a value > 0, found {_num(value)}")
    if low is not None and high is not None and low >= high:
        problems.add(f"{path}.max", f"expected more than min ({_num(low)}), found {_num(high)}")
    ticks = None
    if "ticks" in raw:
        raw_ticks = raw["ticks"]
        if not isinstance(raw_ticks, list) or not raw_ticks or not all(_is_number(t) for t in raw_ticks):
            problems.add(f"{path}.ticks", f"expected a non-empty list of numbers, found {_what(raw_ticks)}")
        elif scale == "log" and any(t <= 0 for t in raw_ticks):
            problems.add(f"{path}.ticks", "a log axis needs ticks > 0")
        else:
            ticks = tuple(sorted(set(float(t) for t in raw_ticks)))
    return Axis(_text(raw, "title", path, problems), _text(raw, "unit", path, problems), scale, low, high, ticks)


def _series(raw: Any, i: int, default_kind: str, x: Axis, y: Axis, problems: _Problems) -> Series | None:
    path = f"series[{i}]"
    if not isinstance(raw, dict):
        problems.add(path, f"expected an object with \"points\", found {_what(raw)}")
        return None
    kind = raw.get("kind", default_kind)
    if kind not in KINDS:
        problems.add(f"{path}.kind", f"expected one of {', '.join(KINDS)}, found {_what(kind)}")
        return None
    _unknown_keys(raw, _SERIES_KEYS[kind], path, problems, f"a {kind} series")
    label = _text(raw, "label", path, problems) or f"Series {i + 1}"
    color = raw.get("color", i % COLORS + 1)
    if not isinstance(color, int) or isinstance(color, bool) or not 1 <= color <= COLORS:
        problems.add(f"{path}.color", f"expected a palette number 1–{COLORS}, found {_what(color)}")
        color = i % COLORS + 1
    base = Series(kind, label, color, i)
    if kind == "histogram":
        return _histogram(raw, base, path, problems)
    if kind == "bar":
        return _bars(raw, base, path, problems)
    width = 3 if kind == "band" else 2
    shape = "[x, low, high]" if kind == "band" else "[x, y]"
    points = _points(raw.get("points"), f"{path}.points", width, shape, problems)
    if points is None:
        return None
    for j, point in enumerate(points):
        where = f"{path}.points[{j}]"
        if x.log and point[0] <= 0:
            problems.add(where, f"x = {_num(point[0])} cannot be shown on a log axis (needs > 0)")
            break
        if y.log and min(point[1:]) <= 0:
            problems.add(where, f"y = {_num(min(point[1:]))} cannot be shown on a log axis (needs > 0)")
            break
        if kind == "band" and point[1] > point[2]:
            problems.add(where, f"low {_num(point[1])} is above high {_num(point[2])}")
            break
    markers = raw.get("markers", len(points) <= 40) if kind == "line" else kind == "scatter"
    if not isinstance(markers, bool):
        problems.add(f"{path}.markers", f"expected true or false, found {_what(markers)}")
        markers = False
    return Series(kind, label, color, i, points=points, markers=markers)


def _points(raw: Any, path: str, width: int, shape: str, problems: _Problems) -> tuple[tuple[float, ...], ...] | None:
    if not isinstance(raw, list) or not raw:
        problems.add(path, f"expected a non-empty list of {shape} points, found {_what(raw)}")
        return None
    if len(raw) > MAX_POINTS:
        problems.add(path, f"at most {MAX_POINTS:,} points per series, found {len(raw):,}")
        return None
    points = []
    for j, point in enumerate(raw):
        if not isinstance(point, list) or len(point) != width or not all(_is_number(v) for v in point):
            problems.add(f"{path}[{j}]", f"expected {shape} numbers, found {_what(point)}")
            return None
        points.append(tuple(float(v) for v in point))
    return tuple(points)


def _bars(raw: dict, base: Series, path: str, problems: _Problems) -> Series | None:
    points = raw.get("points")
    if not isinstance(points, list) or not points:
        problems.add(f"{path}.points", f"expected a non-empty list of [category, value] pairs, found {_what(points)}")
        return None
    bars: list[tuple[str, float]] = []
    seen: set[str] = set()
    for j, point in enumerate(points[:MAX_POINTS]):
        ok = isinstance(point, list) and len(point) == 2 and isinstance(point[0], (str, int, float)) \
            and not isinstance(point[0], bool) and _is_number(point[1])
        if not ok:
            problems.add(f"{path}.points[{j}]", f"expected [category, value] with a number value, found {_what(point)}")
            return None
        category = point[0] if isinstance(point[0], str) else _num(point[0])
        if category in seen:
            problems.add(f"{path}.points[{j}]", f"category {category!r} appears twice")
            return None
        seen.add(category)
        bars.append((category, float(point[1])))
    return Series(base.kind, base.label, base.color, base.style, bars=tuple(bars))


def _histogram(raw: dict, base: Series, path: str, problems: _Problems) -> Series | None:
    density = raw.get("density", False)
    if not isinstance(density, bool):
        problems.add(f"{path}.density", f"expected true or false, found {_what(density)}")
        return None
    if ("samples" in raw) == ("bins" in raw):
        problems.add(path, "a histogram needs either \"samples\" (raw values) or \"bins\" ([start, end, count] "
                           "triples), not " + ("both" if "samples" in raw else "neither"))
        return None
    if "bins" in raw:
        if "bin_count" in raw:
            problems.add(f"{path}.bin_count", "only applies to \"samples\"; precomputed \"bins\" are used as given")
        bins = _points(raw["bins"], f"{path}.bins", 3, "[start, end, count]", problems)
        if bins is None:
            return None
        for j, (start, end, count) in enumerate(bins):
            if start >= end or count < 0:
                problems.add(f"{path}.bins[{j}]", "expected start < end and a count ≥ 0")
                return None
        bins = tuple(sorted(bins))
        samples = 0
        total = sum(b[2] for b in bins)
    else:
        values = raw["samples"]
        if not isinstance(values, list) or not values or not all(_is_number(v) for v in values):
            bad = next((j for j, v in enumerate(values) if not _is_number(v)), None) if isinstance(values, list) else None
            where = f"{path}.samples" + (f"[{bad}]" if bad is not None else "")
            problems.add(where, "expected a non-empty list of numbers" +
                         (f", found {_what(values[bad])}" if bad is not None else f", found {_what(values)}"))
            return None
        if len(values) > MAX_SAMPLES:
            problems.add(f"{path}.samples", f"at most {MAX_SAMPLES:,} samples, found {len(values):,}")
            return None
        count = raw.get("bin_count")
        if count is not None and (not isinstance(count, int) or isinstance(count, bool) or not 1 <= count <= MAX_BINS):
            problems.add(f"{path}.bin_count", f"expected a whole number from 1 to {MAX_BINS}, found {_what(count)}")
            return None
        bins = bin_samples([float(v) for v in values], count)
        samples = total = len(values)
    if density and total > 0:
        bins = tuple((a, b, c / (total * (b - a))) for a, b, c in bins)
    return Series(base.kind, base.label, base.color, base.style, bins=bins, samples=samples, density=density)


def bin_samples(values: list[float], count: int | None = None) -> tuple[tuple[float, float, float], ...]:
    """Equal-width bins. Without a count: about √n bins (5–50) on round boundaries."""
    low, high = min(values), max(values)
    if low == high:
        low, high = low - 0.5, high + 0.5
    if count:
        width = (high - low) / count
        edges = [low + k * width for k in range(count)] + [high]
    else:
        target = min(50, max(5, round(math.sqrt(len(values)))))
        width = nice_step((high - low) / target)
        first = math.floor(low / width)
        last = max(first + 1, math.ceil(high / width))
        edges = [float(f"{k * width:.12g}") for k in range(first, last + 1)]
    counts = [0] * (len(edges) - 1)
    start, span = edges[0], edges[-1] - edges[0]
    for v in values:
        k = min(len(counts) - 1, max(0, int((v - start) / span * len(counts))))
        # Floating-point can put a value one bin off near an edge; nudge it back.
        if k > 0 and v < edges[k]:
            k -= 1
        elif k < len(counts) - 1 and v >= edges[k + 1]:
            k += 1
        counts[k] += 1
    return tuple((edges[k], edges[k + 1], float(c)) for k, c in enumerate(counts))


def _references(raw: Any, x: Axis, y: Axis, problems: _Problems) -> list[Reference]:
    out = []
    for i, item in enumerate(_list(raw, "references", problems)):
        path = f"references[{i}]"
        if not isinstance(item, dict) or ("x" in item) == ("y" in item):
            problems.add(path, f"expected {{\"y\": 3.5, \"label\": \"…\"}} (or \"x\" for a vertical line), found {_what(item)}")
            continue
        _unknown_keys(item, _REFERENCE_KEYS, path, problems)
        axis = "x" if "x" in item else "y"
        value = item[axis]
        if not _is_number(value):
            problems.add(f"{path}.{axis}", f"expected a number, found {_what(value)}")
            continue
        if (x if axis == "x" else y).log and value <= 0:
            problems.add(f"{path}.{axis}", f"{_num(value)} cannot be shown on a log axis (needs > 0)")
            continue
        out.append(Reference(axis, float(value), _text(item, "label", path, problems)))
    return out


def _annotations(raw: Any, x: Axis, y: Axis, problems: _Problems) -> list[Annotation]:
    out = []
    for i, item in enumerate(_list(raw, "annotations", problems)):
        path = f"annotations[{i}]"
        if not isinstance(item, dict):
            problems.add(path, f"expected {{\"x\": …, \"y\": …, \"label\": \"…\"}}, found {_what(item)}")
            continue
        _unknown_keys(item, _ANNOTATION_KEYS, path, problems)
        ok = True
        for key, axis in (("x", x), ("y", y)):
            value = item.get(key)
            if not _is_number(value):
                problems.add(f"{path}.{key}", f"expected a number, found {_what(value)}")
                ok = False
            elif axis.log and value <= 0:
                problems.add(f"{path}.{key}", f"{_num(value)} cannot be shown on a log axis (needs > 0)")
                ok = False
        if ok:
            out.append(Annotation(float(item["x"]), float(item["y"]), _text(item, "label", path, problems)))
    return out


def _list(raw: Any, path: str, problems: _Problems) -> list:
    if not isinstance(raw, list):
        problems.add(path, f"expected a list, found {_what(raw)}")
        return []
    return raw


def _unknown_keys(raw: dict, known: tuple[str, ...], path: str, problems: _Problems, what: str = "") -> None:
    for key in raw:
        if key not in known:
            close = difflib.get_close_matches(str(key), known, n=1)
            hint = f"did you mean {close[0]!r}?" if close else f"{what or 'it'} takes {', '.join(known)}"
            problems.add(f"{path}.{key}" if path else str(key), f"unknown key; {hint}")


def _text(raw: dict, key: str, path: str, problems: _Problems) -> str:
    value = raw.get(key, "")
    where = f"{path}.{key}" if path else key
    if not isinstance(value, str):
        problems.add(where, f"expected text, found {_what(value)}")
        return ""
    limit = MAX_DESCRIPTION if key in ("description", "caption") else MAX_TEXT
    if len(value) > limit:
        problems.add(where, f"at most {limit} characters, found {len(value)}")
        return value[:limit]
    return value


def _number_or_none(raw: dict, key: str, path: str, problems: _Problems) -> float | None:
    if key not in raw or raw[key] is None:
        return None
    if not _is_number(raw[key]):
        problems.add(f"{path}.{key}", f"expected a number, found {_what(raw[key])}")
        return None
    return float(raw[key])


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _num(value: float) -> str:
    return f"{value:g}"


def _what(value: Any) -> str:
    """A short description of a wrong value, for messages."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, (int, float)):
        return _num(value)
    if isinstance(value, str):
        return repr(value if len(value) <= 40 else value[:37] + "...")
    if isinstance(value, list):
        if len(value) <= 4 and all(not isinstance(v, (list, dict)) for v in value):
            return "[" + ", ".join(_what(v) for v in value) + "]"
        return f"a list of {len(value)}"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__
