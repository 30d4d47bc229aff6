"""A `Chart` drawn as inline SVG: pure, deterministic, no JavaScript, no fonts.

The drawing has a fixed viewBox and scales with its container (width 100%).
Text scales with it, so a page carries two layouts of each chart, wide and
narrow, and the stylesheet shows the one that fits. Colours are the
stylesheet's `--chart-*` variables (with the light values as fallbacks, for
readers that drop the stylesheet), so a chart follows light and dark mode.
Text stays text. Every series differs in more than hue: lines by dash
pattern, points by marker shape, bars by fill pattern.

Layout works from estimated text widths (there are no font metrics at build
time), so the estimate is generous: labels may sit a little apart, never on
top of each other.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field
from html import escape
from typing import Callable, Iterator

from .spec import Annotation, Axis, Chart, Reference, Series
from .ticks import (Scale, format_log_ticks, format_number, format_ticks, linear_ticks, log_bounds,
                    log_minor_ticks, log_ticks, ticks_within)

CHAR = 0.6  # average glyph width in em; generous, so estimates err towards space
BAR_PATTERNS = 6


@dataclass(frozen=True)
class Size:
    """One layout of a chart. A page carries two: wide, and narrow for phones, whose text
    would otherwise shrink with the drawing to an unreadable size."""

    name: str
    width: int
    plot_height: int  # the plot area; the drawing's height adds title, legend and axes
    font: float  # tick labels, legend, axis titles
    small: float  # reference-line and point labels
    title: float
    pad: int = 10

    def text_width(self, text: str, size: float | None = None) -> float:
        return len(text) * (size or self.font) * CHAR


WIDE = Size("wide", 600, 250, 13, 12, 15)
NARROW = Size("narrow", 360, 220, 12, 11, 13.5)

# The light palette of static/style.css: used only where the variables are undefined.
_FALLBACK = {"chart-1": "#2f7d5b", "chart-2": "#3563c9", "chart-3": "#c2631b", "chart-4": "#8a4fc4",
             "chart-5": "#c23b3b", "chart-6": "#1c8797", "chart-axis": "#8a857a", "chart-grid": "#e6e2d8",
             "chart-text": "#5f5b52", "bg": "#fbfaf6"}
# Lines: solid, dashed, dotted, dash-dot, long dash, dot-dash. Butt caps keep the dots dots.
DASHES = ("", "7 4", "2 3", "10 3 2 3", "14 4", "2 3 6 3")


def var(name: str) -> str:
    return f"var(--{name},{_FALLBACK[name]})"


def series_color(series: Series) -> str:
    return var(f"chart-{series.color}")


def render_svg(chart: Chart, size: Size = WIDE) -> str:
    """The chart as one `<svg>` element, laid out for `size`."""
    return _Drawing(chart, size).render()


def render_responsive(chart: Chart) -> str:
    """The wide and the narrow drawing; the stylesheet shows the one that fits (`.chart-wide`,
    `.chart-narrow`), so a phone gets labels it can read."""
    return render_svg(chart, WIDE) + render_svg(chart, NARROW)


# ─── axes ────────────────────────────────────────────────────────────────


@dataclass
class _AxisLayout:
    scale: Scale
    ticks: list[float]
    labels: list[str]
    minor: list[float] = field(default_factory=list)


@dataclass
class _Box:
    x0: float
    y0: float
    x1: float
    y1: float

    def overlaps(self, other: _Box) -> bool:
        return self.x0 < other.x1 and other.x0 < self.x1 and self.y0 < other.y1 and other.y0 < self.y1

    def inside(self, other: _Box) -> bool:
        return self.x0 >= other.x0 and self.x1 <= other.x1 and self.y0 >= other.y0 and self.y1 <= other.y1


def _extent(chart: Chart) -> tuple[list[float], list[float]]:
    """Every x and y value the axes must show."""
    xs: list[float] = []
    ys: list[float] = []
    for s in chart.series:
        for p in s.points:
            xs.append(p[0])
            ys.extend(p[1:])
        for start, end, value in s.bins:
            xs += [start, end]
            ys += [0.0, value]
        if s.bars:
            ys += [0.0] + [v for _, v in s.bars]
        if s.kind == "area" and not chart.y.log:
            ys.append(0.0)
    for r in chart.references:
        (xs if r.axis == "x" else ys).append(r.value)
    for a in chart.annotations:
        xs.append(a.x)
        ys.append(a.y)
    return xs, ys


def _axis_layout(axis: Axis, values: list[float], start: float, end: float, target: int,
                 nice: bool = True) -> _AxisLayout:
    """Domain, ticks and labels for about `target` ticks. With `nice`, a linear axis ends on
    round values (a value axis); without, it ends at the data (an x axis of days ends at 365)."""
    low, high = (min(values), max(values)) if values else (0.0, 1.0)
    if axis.ticks:
        low, high = min(low, axis.ticks[0]), max(high, axis.ticks[-1])
    if axis.log:
        if low == high:
            low, high = low / 10, high * 10
        if axis.min is None and axis.max is None and not axis.ticks:
            low, high = log_bounds(low, high)
        low = axis.min if axis.min is not None else low
        high = axis.max if axis.max is not None else high
        ticks = list(axis.ticks) if axis.ticks else log_ticks(low, high, target)
        scale = Scale(low, high, start, end, log=True)
        ticks = [t for t in ticks if scale.contains(t)]
        minor = [] if axis.ticks else log_minor_ticks(low, high)  # 2…9 × 10ⁿ would jar with ticks of its own
        return _AxisLayout(scale, ticks, format_log_ticks(ticks), minor)
    if low == high:
        spread = abs(low) * 0.1 or 1.0
        low, high = low - spread, high + spread
    if nice and not axis.ticks:
        rounded = linear_ticks(low, high, target)
        low, high = rounded[0], rounded[-1]
    low = axis.min if axis.min is not None else low
    high = axis.max if axis.max is not None else high
    scale = Scale(low, high, start, end)
    ticks = [t for t in axis.ticks if scale.contains(t)] if axis.ticks else ticks_within(low, high, target)
    return _AxisLayout(scale, ticks, format_ticks(ticks))


Fits = Callable[[_AxisLayout], bool]


def _fit_axis(axis: Axis, values: list[float], start: float, end: float, most: int, fits: Fits,
              nice: bool = True) -> _AxisLayout:
    """As many ticks as fit (up to `most`) with labels that do not collide."""
    if not axis.ticks:
        for target in range(most, 1, -1):
            layout = _axis_layout(axis, values, start, end, target, nice)
            if fits(layout) and len(layout.ticks) >= 2:
                return layout
    layout = _axis_layout(axis, values, start, end, most if axis.ticks else 2, nice)
    # Ticks given by the chart (or the fewest round ones) and still too close: label every other one…
    ticks, labels, stride = layout.ticks, layout.labels, 1
    while not fits(layout) and stride < len(ticks):
        stride += 1
        layout = _AxisLayout(layout.scale, ticks[::stride], labels[::stride], layout.minor)
    return layout


@dataclass
class _LegendItem:
    series: Series
    x: float
    y: float


# ─── drawing ─────────────────────────────────────────────────────────────


class _Drawing:
    def __init__(self, chart: Chart, size: Size) -> None:
        self.chart = chart
        self.size = size
        # Ids must be unique on a page: from the chart's content and the layout, so stable too.
        self.uid = "gc" + hashlib.blake2b(repr(chart).encode("utf-8"), digest_size=4).hexdigest() + size.name[0]
        self.out: list[str] = []
        self.placed: list[_Box] = []  # labels inside the plot, to keep new ones off them
        self.inked: set[tuple[int, int]] = set()  # 4-unit cells the data is drawn through, to keep labels off it
        self._layout()

    # layout

    def _x_fits(self, layout: _AxisLayout) -> bool:
        positions = [layout.scale(t) for t in layout.ticks]
        for i in range(1, len(positions)):
            width = self.size.text_width(layout.labels[i - 1]) + self.size.text_width(layout.labels[i])
            if abs(positions[i] - positions[i - 1]) < width / 2 + self.size.font:
                return False
        return True

    def _y_fits(self, layout: _AxisLayout) -> bool:
        positions = [layout.scale(t) for t in layout.ticks]
        return all(abs(positions[i] - positions[i - 1]) >= self.size.font * 1.6 for i in range(1, len(positions)))

    def _layout(self) -> None:
        chart, size = self.chart, self.size
        font, pad = size.font, size.pad
        y = float(pad)
        self.title_lines = _wrap(chart.title, size.width - 2 * pad, size, size.title) if chart.title else []
        self.title_y = y + size.title * 0.8
        y += len(self.title_lines) * size.title * 1.3 + (4 if self.title_lines else 0)
        self.legend = self._legend_items(y) if len(chart.series) > 1 else []
        if self.legend:
            y = self.legend[-1].y + font * 0.5 + 8
        self.y_title_lines = _wrap(chart.y.label, size.width - 2 * pad, size) if chart.y.label else []
        self.y_title_y = y + font * 0.8
        y += len(self.y_title_lines) * font * 1.3 + (2 if self.y_title_lines else 0)
        top = y + font * 0.6  # the top tick label is centred on its tick
        bottom = top + size.plot_height
        xs, ys = _extent(chart)
        most_y = max(2, min(8, int(size.plot_height / (font * 2.6))))
        self.y = _fit_axis(chart.y, ys, bottom, top, most_y, self._y_fits)
        left = pad + max((size.text_width(label) for label in self.y.labels), default=0) + 9
        right = size.width - pad
        self.x: _AxisLayout | None = None
        self.category_labels: list[list[str]] = []
        label_lines = 1
        if chart.is_bar:
            band = (right - left) / max(1, len(chart.categories))
            self.category_labels = [_wrap(c, band - 6, size, lines=2) for c in chart.categories]
            label_lines = max(len(lines) for lines in self.category_labels)
        else:
            most_x = max(2, min(10, int((right - left) / (font * 4))))
            self.x = _fit_axis(chart.x, xs, left, right, most_x, self._x_fits, nice=False)
            # A last label centred on the right edge would stick out: pull the plot in.
            if self.x.ticks and abs(self.x.scale(self.x.ticks[-1]) - right) < 1:
                overhang = size.text_width(self.x.labels[-1]) / 2 - (size.width - right - 2)
                if overhang > 0:
                    right -= overhang
                    self.x = _fit_axis(chart.x, xs, left, right, most_x, self._x_fits, nice=False)
        self.box = _Box(left, top, right, bottom)
        self.tick_label_y = bottom + 8 + font * 0.8
        y = bottom + 8 + font * 1.25 * label_lines
        self.x_title_lines = _wrap(chart.x.label, right - left, size) if chart.x.label else []
        self.x_title_y = y + font * 0.9
        y += len(self.x_title_lines) * font * 1.3
        self.height = math.ceil(y + pad)

    def _legend_items(self, top: float) -> list[_LegendItem]:
        size = self.size
        items, x, y = [], float(size.pad), top + size.font * 0.8
        for s in self.chart.series:
            width = 30 + size.text_width(s.label)
            if x > size.pad and x + width > size.width - size.pad:
                x, y = float(size.pad), y + size.font * 1.5
            items.append(_LegendItem(s, x, y))
            x += width + size.font * 1.2
        return items

    # output

    def render(self) -> str:
        chart, size = self.chart, self.size
        kinds = dict.fromkeys(s.kind for s in chart.series)
        kind = " and ".join(kinds).capitalize()
        title = chart.title or f"{kind} chart"
        self.out.append(
            f'<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg chart-{size.name}" '
            f'viewBox="0 0 {size.width} {self.height}" width="100%" style="font-family:var(--font-sans,'
            f'system-ui,sans-serif);font-size:{_n(size.font)}px;font-variant-numeric:tabular-nums">'
        )
        self.out.append(f"<title>{_esc(title)}</title><desc>{_esc(chart.description or self._describe(kind))}</desc>")
        self._defs()
        self._grid()
        self._reference_lines()
        self._series()
        self._axes()
        self._annotation_marks()
        self._reference_labels()
        self._annotation_labels()
        self._legend()
        self._titles()
        self.out.append("</svg>")
        return "".join(self.out)

    def _describe(self, kind: str) -> str:
        chart = self.chart
        parts = [f"{kind} chart."]
        if len(chart.series) > 1:
            parts.append(f"{len(chart.series)} series: {', '.join(s.label for s in chart.series)}.")
        if chart.is_bar:
            parts.append(f"Categories: {', '.join(chart.categories)}.")
        elif self.x is not None:
            parts.append(_describe_axis("X axis", chart.x, self.x))
        parts.append(_describe_axis("Y axis", chart.y, self.y))
        for r in chart.references:
            parts.append(f"Reference line{': ' + r.label if r.label else ''} at {r.axis} = {format_number(r.value)}.")
        for a in chart.annotations:
            parts.append(f"Marked point{': ' + a.label if a.label else ''} at ({format_number(a.x)}, "
                         f"{format_number(a.y)}).")
        return " ".join(parts)

    def _defs(self) -> None:
        box = self.box
        defs = [f'<clipPath id="{self.uid}-plot"><rect x="{_n(box.x0 - 3)}" y="{_n(box.y0 - 3)}" '
                f'width="{_n(box.x1 - box.x0 + 6)}" height="{_n(box.y1 - box.y0 + 6)}"/></clipPath>']
        for s in self.chart.series:
            if s.kind == "bar" and s.style % BAR_PATTERNS:
                defs.append(_pattern(f"{self.uid}-p{s.style}", s))
        self.out.append("<defs>" + "".join(defs) + "</defs>")

    def _grid(self) -> None:
        box, lines = self.box, []
        for t in self.y.ticks:
            lines.append(f"M{_n(box.x0)} {_n(self.y.scale(t))}H{_n(box.x1)}")
        if self.x is not None:
            for t in self.x.ticks:
                lines.append(f"M{_n(self.x.scale(t))} {_n(box.y0)}V{_n(box.y1)}")
        if lines:
            self.out.append(f'<path d="{"".join(lines)}" fill="none" stroke-width="1" '
                            f'style="stroke:{var("chart-grid")}"/>')

    def _axes(self) -> None:
        box, chart, font = self.box, self.chart, self.size.font
        marks = [f"M{_n(box.x0)} {_n(box.y1)}H{_n(box.x1)}"]
        if not chart.is_bar:
            marks.append(f"M{_n(box.x0)} {_n(box.y0)}V{_n(box.y1)}")
            marks += [f"M{_n(box.x0)} {_n(self.y.scale(t))}h-5" for t in self.y.ticks]
        if self.x is not None:
            marks += [f"M{_n(self.x.scale(t))} {_n(box.y1)}v5" for t in self.x.ticks]
            if chart.x.log:
                marks += [f"M{_n(self.x.scale(t))} {_n(box.y1)}v3" for t in self.x.minor]
        if chart.y.log:
            marks += [f"M{_n(box.x0)} {_n(self.y.scale(t))}h-3" for t in self.y.minor]
        self.out.append(f'<path d="{"".join(marks)}" fill="none" stroke-width="1" '
                        f'style="stroke:{var("chart-axis")}"/>')
        text = [f'<g style="fill:{var("chart-text")}">']
        if self.x is not None:
            for t, label in zip(self.x.ticks, self.x.labels):
                text.append(f'<text x="{_n(self.x.scale(t))}" y="{_n(self.tick_label_y)}" text-anchor="middle">'
                            f"{_esc(label)}</text>")
        else:
            band = (box.x1 - box.x0) / len(self.category_labels)
            for i, lines in enumerate(self.category_labels):
                x = _n(box.x0 + band * (i + 0.5))
                text.append(_text_lines(lines, x, self.tick_label_y, font * 1.25, 'text-anchor="middle"'))
        for t, label in zip(self.y.ticks, self.y.labels):
            text.append(f'<text x="{_n(box.x0 - 8)}" y="{_n(self.y.scale(t) + font * 0.35)}" '
                        f'text-anchor="end">{_esc(label)}</text>')
        text.append("</g>")
        self.out.append("".join(text))

    def _titles(self) -> None:
        size, out = self.size, []
        if self.title_lines:
            out.append(_text_lines(self.title_lines, str(size.pad), self.title_y, size.title * 1.3,
                                   f'style="font-size:{_n(size.title)}px;font-weight:600"'))
        if self.y_title_lines:
            out.append(_text_lines(self.y_title_lines, str(size.pad), self.y_title_y, size.font * 1.3, ""))
        if self.x_title_lines:
            x = _n((self.box.x0 + self.box.x1) / 2)
            out.append(_text_lines(self.x_title_lines, x, self.x_title_y, size.font * 1.3, 'text-anchor="middle"'))
        if out:
            self.out.append(f'<g style="fill:{var("chart-text")};font-weight:500">' + "".join(out) + "</g>")

    # series

    def _series(self) -> None:
        order = {"band": 0, "area": 1, "histogram": 2, "bar": 3, "line": 4, "scatter": 5}
        self.out.append(f'<g clip-path="url(#{self.uid}-plot)">')
        for s in sorted(self.chart.series, key=lambda s: order[s.kind]):  # fills under lines, stably
            getattr(self, f"_draw_{s.kind}")(s)
        self.out.append("</g>")

    def _xy(self, s: Series, column: int = 1) -> list[tuple[float, float]]:
        assert self.x is not None
        return [(self.x.scale(p[0]), self.y.scale(p[column])) for p in s.points]

    def _line_width(self) -> float:
        return 2 if len(self.chart.series) <= 4 else 1.75

    def _ink(self, points: list[tuple[float, float]], joined: bool = True) -> None:
        """Note where the data is drawn (along each segment when `joined`), for placing labels."""
        for i, (x, y) in enumerate(points):
            self.inked.add((int(x // 4), int(y // 4)))
            if joined and i:
                px, py = points[i - 1]
                steps = int(max(abs(x - px), abs(y - py)) // 3)
                for k in range(1, steps):
                    self.inked.add((int((px + (x - px) * k / steps) // 4), int((py + (y - py) * k / steps) // 4)))

    def _draw_line(self, s: Series) -> None:
        points = _thin_columns(self._xy(s), self.box.x1 - self.box.x0)
        self._ink(points)
        dash = DASHES[s.style % len(DASHES)]
        style = f"stroke:{series_color(s)}" + (f";stroke-dasharray:{dash}" if dash else "")
        self.out.append(f'<path d="{_path(points)}" fill="none" stroke-width="{_n(self._line_width())}" '
                        f'stroke-linejoin="round" stroke-linecap="{"butt" if dash else "round"}" style="{style}"/>')
        if s.markers:
            self.out.append(f'<path d="{_markers(points, s.style, 3.2)}" style="fill:{series_color(s)}"/>')

    def _draw_scatter(self, s: Series) -> None:
        seen: set[tuple[int, int]] = set()
        points = []
        for x, y in self._xy(s):  # one marker per half-unit cell: more are invisible
            cell = (round(x * 2), round(y * 2))
            if cell not in seen:
                seen.add(cell)
                points.append((x, y))
        self._ink(points, joined=False)
        self.out.append(f'<path d="{_markers(points, s.style, 3.4)}" '
                        f'style="fill:{series_color(s)};fill-opacity:0.85"/>')

    def _baseline(self) -> float:
        scale = self.y.scale
        if scale.log or not scale.contains(0):
            return self.box.y1
        return scale(0.0)

    def _draw_area(self, s: Series) -> None:
        points = _thin_columns(self._xy(s), self.box.x1 - self.box.x0)
        base = _n(self._baseline())
        fill = f"M{_n(points[0][0])} {base}L" + _path(points)[1:] + f"L{_n(points[-1][0])} {base}Z"
        self.out.append(f'<path d="{fill}" style="fill:{series_color(s)};fill-opacity:0.18"/>')
        self._draw_line(Series("line", s.label, s.color, s.style, s.points))

    def _draw_band(self, s: Series) -> None:
        width = self.box.x1 - self.box.x0
        upper = _thin_columns(self._xy(s, 2), width)
        lower = _thin_columns(self._xy(s, 1), width)
        d = _path(upper) + "L" + _path(list(reversed(lower)))[1:] + "Z"
        self.out.append(f'<path d="{d}" style="fill:{series_color(s)};fill-opacity:0.2"/>')

    def _draw_histogram(self, s: Series) -> None:
        assert self.x is not None
        base = self._baseline()
        rects = []
        for start, end, value in s.bins:
            if value <= 0:
                continue
            x0, x1, y = self.x.scale(start), self.x.scale(end), self.y.scale(value)
            rects.append(f"M{_n(x0)} {_n(base)}V{_n(y)}H{_n(x1)}V{_n(base)}")
        if rects:
            self.out.append(f'<path d="{"".join(rects)}" stroke-width="1" stroke-linejoin="round" '
                            f'style="fill:{series_color(s)};fill-opacity:0.3;stroke:{series_color(s)}"/>')

    def _draw_bar(self, s: Series) -> None:
        box, chart = self.box, self.chart
        categories = chart.categories
        band = (box.x1 - box.x0) / len(categories)
        bars = sum(1 for other in chart.series if other.kind == "bar")
        group = band * (0.6 if bars == 1 else 0.8)
        width = group / bars
        index = {c: i for i, c in enumerate(categories)}
        base = self._baseline()
        rects = []
        for category, value in s.bars:
            x = box.x0 + band * index[category] + (band - group) / 2 + width * s.style
            y = self.y.scale(value)
            top, height = min(y, base), abs(base - y)
            rects.append(f"M{_n(x + 0.5)} {_n(top)}h{_n(width - 1)}v{_n(height)}h{_n(1 - width)}Z")
        fill = f"url(#{self.uid}-p{s.style})" if s.style % BAR_PATTERNS else series_color(s)
        self.out.append(f'<path d="{"".join(rects)}" stroke-width="1" '
                        f'style="fill:{fill};stroke:{series_color(s)}"/>')

    # reference lines and labelled points

    def _visible_references(self) -> Iterator[tuple[Reference, float]]:
        for r in self.chart.references:
            scale = self.y.scale if r.axis == "y" else (self.x.scale if self.x is not None else None)
            if scale is not None and scale.contains(r.value):
                yield r, scale(r.value)

    def _reference_lines(self) -> None:
        box, lines = self.box, []
        for r, at in self._visible_references():
            ends = [(box.x0, at), (box.x1, at)] if r.axis == "y" else [(at, box.y0), (at, box.y1)]
            self._ink(ends)
            lines.append(f"M{_n(ends[0][0])} {_n(ends[0][1])}" + (f"H{_n(box.x1)}" if r.axis == "y" else f"V{_n(box.y1)}"))
        if lines:
            self.out.append(f'<path d="{"".join(lines)}" fill="none" stroke-width="1.25" '
                            f'style="stroke:{var("chart-text")};stroke-dasharray:5 4"/>')

    def _reference_labels(self) -> None:
        box, small = self.box, self.size.small
        for r, at in self._visible_references():
            if not r.label:
                continue
            if r.axis == "y":
                above, below = at - 5, at + small + 3
                mid = (box.x0 + box.x1) / 2
                candidates = [(box.x1 - 4, above, "end"), (box.x1 - 4, below, "end"), (box.x0 + 6, above, "start"),
                              (box.x0 + 6, below, "start"), (mid, above, "middle"), (mid, below, "middle")]
            else:
                top, bottom, mid = box.y0 + small, box.y1 - 6, (box.y0 + box.y1) / 2
                candidates = [(at + 5, top, "start"), (at - 5, top, "end"), (at + 5, bottom, "start"),
                              (at - 5, bottom, "end"), (at + 5, mid, "start"), (at - 5, mid, "end")]
            self._label(r.label, candidates)

    def _visible_annotations(self) -> Iterator[tuple[Annotation, float, float]]:
        if self.x is None:
            return
        for a in self.chart.annotations:
            if self.x.scale.contains(a.x) and self.y.scale.contains(a.y):
                yield a, self.x.scale(a.x), self.y.scale(a.y)

    def _annotation_marks(self) -> None:
        marks = []
        for _, x, y in self._visible_annotations():
            marks.append(f"M{_n(x - 4.5)} {_n(y)}a4.5 4.5 0 1 0 9 0a4.5 4.5 0 1 0 -9 0Z")
            self.placed.append(_Box(x - 6, y - 6, x + 6, y + 6))
        if marks:
            self.out.append(f'<path d="{"".join(marks)}" stroke-width="1.75" '
                            f'style="fill:{var("bg")};stroke:{var("chart-text")}"/>')

    def _annotation_labels(self) -> None:
        small = self.size.small
        for a, x, y in self._visible_annotations():
            if a.label:
                up, down, level = y - 8, y + small + 6, y + small * 0.35
                self._label(a.label, [(x + 7, up, "start"), (x - 7, up, "end"), (x + 7, down, "start"),
                                      (x - 7, down, "end"), (x + 10, level, "start"), (x - 10, level, "end"),
                                      (x, up - 2, "middle"), (x, down + 2, "middle")])

    def _label(self, text: str, candidates: list[tuple[float, float, str]]) -> None:
        """Place a label at the best of its candidate spots: inside the drawing, off the other
        labels, and over as little of the data as possible (the first spot wins a tie)."""
        small = self.size.small
        width = self.size.text_width(text, small)
        outer = _Box(self.size.pad, self.box.y0 - small, self.size.width - 2, self.box.y1)

        def box_at(x: float, y: float, anchor: str) -> _Box:
            x0 = {"end": x - width, "middle": x - width / 2}.get(anchor, x)
            return _Box(x0, y - small * 0.85, x0 + width, y + small * 0.25)

        def cost(candidate: tuple[float, float, str]) -> float:
            box = box_at(*candidate)
            # (2 units in from the top and bottom: a label just above its own reference line is not on it)
            inked = sum(1 for cx in range(int(box.x0 // 4), int(box.x1 // 4) + 1)
                        for cy in range(int((box.y0 + 2) // 4), int((box.y1 - 2) // 4) + 1) if (cx, cy) in self.inked)
            return 1000 * (not box.inside(outer)) + 100 * sum(box.overlaps(p) for p in self.placed) + inked

        chosen = min(candidates, key=cost)
        self.placed.append(box_at(*chosen))
        x, y, anchor = chosen
        self.out.append(f'<text x="{_n(x)}" y="{_n(y)}" text-anchor="{anchor}" style="font-size:{_n(small)}px;'
                        f'fill:{var("chart-text")};paint-order:stroke;stroke:{var("bg")};stroke-width:3px;'
                        f'stroke-linejoin:round">{_esc(text)}</text>')

    # legend

    def _legend(self) -> None:
        if not self.legend:
            return
        out = ['<g class="chart-legend">']
        for item in self.legend:
            s, x, y = item.series, item.x, item.y
            mid = y - self.size.font * 0.35
            color = series_color(s)
            if s.kind in ("line", "scatter"):
                if s.kind == "line":
                    dash = DASHES[s.style % len(DASHES)]
                    style = f"stroke:{color}" + (f";stroke-dasharray:{dash}" if dash else "")
                    out.append(f'<path d="M{_n(x)} {_n(mid)}h24" fill="none" stroke-width="2" '
                               f'stroke-linecap="{"butt" if dash else "round"}" style="{style}"/>')
                if s.markers:
                    out.append(f'<path d="{_markers([(x + 12, mid)], s.style, 3.4)}" style="fill:{color}"/>')
            else:
                fill, opacity = color, {"band": 0.2, "area": 0.18, "histogram": 0.3}.get(s.kind, 1)
                if s.kind == "bar" and s.style % BAR_PATTERNS:
                    fill = f"url(#{self.uid}-p{s.style})"
                stroke = "" if s.kind == "band" else f";stroke:{color}"
                out.append(f'<rect x="{_n(x + 2)}" y="{_n(mid - 6)}" width="20" height="12" stroke-width="1" '
                           f'style="fill:{fill};fill-opacity:{opacity}{stroke}"/>')
            out.append(f'<text x="{_n(x + 30)}" y="{_n(y)}" style="fill:{var("chart-text")}">{_esc(s.label)}</text>')
        out.append("</g>")
        self.out.append("".join(out))


# ─── helpers ─────────────────────────────────────────────────────────────


def _describe_axis(name: str, axis: Axis, layout: _AxisLayout) -> str:
    what = axis.label or "values"
    scale = ", logarithmic" if axis.log else ""
    return f"{name}: {what}{scale}, from {format_number(layout.scale.low)} to {format_number(layout.scale.high)}."


def _wrap(text: str, width: float, size: Size, font: float | None = None, lines: int = 3) -> list[str]:
    """`text` broken at spaces into lines that fit `width`; at most `lines`, the last cut with an ellipsis."""
    font = font or size.font
    out: list[str] = []
    words = text.split()
    while words and len(out) < lines:
        line = words.pop(0)
        while words and size.text_width(f"{line} {words[0]}", font) <= width:
            line += " " + words.pop(0)
        out.append(line)
    if words:
        out[-1] += " " + " ".join(words)
    cut = max(1, int(width / (font * CHAR)))
    return [line if len(line) <= cut else line[: cut - 1] + "…" for line in out]


def _text_lines(lines: list[str], x: str, y: float, step: float, attrs: str) -> str:
    attrs = f" {attrs}" if attrs else ""
    if len(lines) == 1:
        return f'<text x="{x}" y="{_n(y)}"{attrs}>{_esc(lines[0])}</text>'
    spans = "".join(f'<tspan x="{x}" dy="{0 if i == 0 else _n(step)}">{_esc(line)}</tspan>'
                    for i, line in enumerate(lines))
    return f'<text x="{x}" y="{_n(y)}"{attrs}>{spans}</text>'


def _thin_columns(points: list[tuple[float, float]], width: float) -> list[tuple[float, float]]:
    """Downsample a long line for display without visible change: in each unit-wide column keep
    the first, lowest, highest and last point, so the line keeps its full vertical extent there.

    Only for lines whose x never goes back; anything else is drawn as given.
    """
    if len(points) <= 2 * width or any(b[0] < a[0] for a, b in zip(points, points[1:])):
        return points
    out: list[tuple[float, float]] = []
    bucket: list[tuple[float, float]] = []
    column = None
    for point in points:
        c = math.floor(point[0])
        if c != column and bucket:
            out.extend(_extremes(bucket))
            bucket = []
        column = c
        bucket.append(point)
    out.extend(_extremes(bucket))
    return out


def _extremes(bucket: list[tuple[float, float]]) -> list[tuple[float, float]]:
    if len(bucket) <= 4:
        return bucket
    low = min(range(len(bucket)), key=lambda i: bucket[i][1])
    high = max(range(len(bucket)), key=lambda i: bucket[i][1])
    return [bucket[i] for i in sorted({0, low, high, len(bucket) - 1})]


def _path(points: list[tuple[float, float]]) -> str:
    parts: list[str] = []
    for x, y in points:
        xy = f"{_n(x)} {_n(y)}"
        if not parts or xy != parts[-1]:
            parts.append(xy)
    if len(parts) == 1:  # a single point: a zero-length segment, so a round cap still shows it
        parts.append(parts[0])
    return "M" + parts[0] + "L" + " ".join(parts[1:])


def _markers(points: list[tuple[float, float]], style: int, r: float) -> str:
    """One path of small shapes: circle, square, triangle, diamond, triangle down, triangle right."""
    shape = style % 6
    out = []
    for x, y in points:
        if shape == 0:
            out.append(f"M{_n(x - r)} {_n(y)}a{_n(r)} {_n(r)} 0 1 0 {_n(2 * r)} 0a{_n(r)} {_n(r)} 0 1 0 "
                       f"{_n(-2 * r)} 0Z")
        elif shape == 1:
            s = r * 0.9
            out.append(f"M{_n(x - s)} {_n(y - s)}h{_n(2 * s)}v{_n(2 * s)}h{_n(-2 * s)}Z")
        elif shape == 2:
            out.append(f"M{_n(x)} {_n(y - r * 1.25)}l{_n(r * 1.15)} {_n(r * 2)}h{_n(-r * 2.3)}Z")
        elif shape == 3:
            d = r * 1.3
            out.append(f"M{_n(x)} {_n(y - d)}l{_n(d)} {_n(d)}l{_n(-d)} {_n(d)}l{_n(-d)} {_n(-d)}Z")
        elif shape == 4:
            out.append(f"M{_n(x)} {_n(y + r * 1.25)}l{_n(r * 1.15)} {_n(-r * 2)}h{_n(-r * 2.3)}Z")
        else:
            out.append(f"M{_n(x + r * 1.25)} {_n(y)}l{_n(-r * 2)} {_n(r * 1.15)}v{_n(-r * 2.3)}Z")
    return "".join(out)


def _pattern(pattern_id: str, s: Series) -> str:
    """A fill for bar series after the first: stripes either way, cross-hatching, dots, lines."""
    color = series_color(s)
    kind = s.style % BAR_PATTERNS
    body = {
        1: '<path d="M0 0V6"/>',
        2: '<path d="M0 0V6"/>',
        3: '<path d="M0 0V6M0 3H6"/>',
        4: f'<circle cx="3" cy="3" r="1.4" style="fill:{color};stroke:none"/>',
        5: '<path d="M0 3H6"/>',
    }[kind]
    rotate = {1: 45, 2: -45, 3: 45}.get(kind)
    transform = f' patternTransform="rotate({rotate})"' if rotate else ""
    return (f'<pattern id="{pattern_id}" width="6" height="6" patternUnits="userSpaceOnUse"{transform}>'
            f'<rect width="6" height="6" style="fill:{color};fill-opacity:0.22"/>'
            f'<g stroke-width="2.5" style="stroke:{color}">{body}</g></pattern>')


def _n(value: float) -> str:
    """A coordinate to 0.1 of a unit: small output, and the same text for the same number."""
    text = f"{value:.1f}"
    if text.endswith(".0"):
        text = text[:-2]
    return "0" if text == "-0" else text


def _esc(text: str) -> str:
    return escape(text, quote=True)
