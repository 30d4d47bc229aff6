"""A `Chart` drawn as inline SVG: pure, deterministic, no JavaScript, no fonts.

The drawing has a fixed viewBox and scales with its container (width 100%).
Colours are the stylesheet's `--chart-*` variables (with the light values as
fallbacks, for feed readers that drop the stylesheet), so a chart follows
light and dark mode. Text stays text. Every series differs in more than hue:
lines by dash pattern, points by marker shape, bars by fill pattern.

Layout works from estimated text widths (no font metrics at build time), so
the estimate is deliberately generous: labels may sit a little apart, never
on top of each other.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field
from html import escape

from .spec import Annotation, Axis, Chart, Reference, Series
from .ticks import (Scale, format_log_ticks, format_number, format_ticks, linear_ticks, log_bounds,
                    log_minor_ticks, log_ticks, ticks_within)

WIDTH, HEIGHT = 600, 380
PAD = 10
FONT = 13  # tick labels, legend, axis titles
SMALL = 12  # reference-line and point labels
TITLE = 15
CHAR = 0.6  # average glyph width in em; generous, so estimates err towards space
TICK_GAP = 14  # least space between two tick labels
BAR_PATTERNS = 6

# The light palette of static/style.css: only used where the variables are undefined.
_FALLBACK = {"chart-1": "#2f7d5b", "chart-2": "#3563c9", "chart-3": "#c2631b", "chart-4": "#8a4fc4",
             "chart-5": "#c23b3b", "chart-6": "#1c8797", "chart-axis": "#8a857a", "chart-grid": "#e6e2d8",
             "chart-text": "#5f5b52", "bg": "#fbfaf6"}
# Lines: solid, dashed, dotted, dash-dot, long dash, dot-dash. Butt caps keep the dots dots.
DASHES = ("", "7 4", "2 3", "10 3 2 3", "14 4", "2 3 6 3")
_KIND_NAMES = {"line": "Line", "scatter": "Scatter", "bar": "Bar", "histogram": "Histogram", "area": "Area",
               "band": "Band"}


def var(name: str) -> str:
    return f"var(--{name},{_FALLBACK[name]})"


def series_color(series: Series) -> str:
    return var(f"chart-{series.color}")


def render_svg(chart: Chart) -> str:
    """The chart as one `<svg>` element."""
    return _Drawing(chart).render()


# ─── layout ──────────────────────────────────────────────────────────────


def text_width(text: str, size: float = FONT) -> float:
    return len(text) * size * CHAR


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


def _axis_layout(axis: Axis, values: list[float], start: float, end: float, target: int) -> _AxisLayout:
    """Domain, ticks and labels for `target` ticks or fewer."""
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
        return _AxisLayout(scale, ticks, format_log_ticks(ticks), log_minor_ticks(low, high))
    if low == high:
        spread = abs(low) * 0.1 or 1.0
        low, high = low - spread, high + spread
    if not axis.ticks:
        rounded = linear_ticks(low, high, target)
        low, high = rounded[0], rounded[-1]
    low = axis.min if axis.min is not None else low
    high = axis.max if axis.max is not None else high
    scale = Scale(low, high, start, end)
    ticks = [t for t in axis.ticks if scale.contains(t)] if axis.ticks else ticks_within(low, high, target)
    return _AxisLayout(scale, ticks, format_ticks(ticks))


def _thin_labels(layout: _AxisLayout, fits) -> _AxisLayout:
    """Drop every other label (then two of three…) until `fits(layout)`; for given ticks."""
    stride = 1
    ticks, labels = layout.ticks, layout.labels
    while not fits(layout) and stride < len(ticks):
        stride += 1
        layout = _AxisLayout(layout.scale, ticks[::stride], labels[::stride], layout.minor)
    return layout


def _x_fits(layout: _AxisLayout) -> bool:
    positions = [layout.scale(t) for t in layout.ticks]
    for i in range(1, len(positions)):
        need = (text_width(layout.labels[i - 1]) + text_width(layout.labels[i])) / 2 + TICK_GAP
        if abs(positions[i] - positions[i - 1]) < need:
            return False
    return True


def _y_fits(layout: _AxisLayout) -> bool:
    positions = [layout.scale(t) for t in layout.ticks]
    return all(abs(positions[i] - positions[i - 1]) >= FONT * 1.6 for i in range(1, len(positions)))


def _fit_axis(axis: Axis, values: list[float], start: float, end: float, most: int, fits) -> _AxisLayout:
    """The most ticks (up to `most`) whose labels do not collide."""
    if axis.ticks:
        return _thin_labels(_axis_layout(axis, values, start, end, most), fits)
    best = None
    for target in range(most, 1, -1):
        layout = _axis_layout(axis, values, start, end, target)
        if fits(layout) and len(layout.ticks) >= 2:
            return layout
        best = best or layout
    layout = _axis_layout(axis, values, start, end, 2)
    return _thin_labels(layout, fits)


@dataclass
class _LegendItem:
    series: Series
    x: float
    y: float


# ─── drawing ─────────────────────────────────────────────────────────────


class _Drawing:
    def __init__(self, chart: Chart) -> None:
        self.chart = chart
        self.uid = "gc" + hashlib.blake2b(repr(chart).encode("utf-8"), digest_size=4).hexdigest()
        self.out: list[str] = []
        self.placed: list[_Box] = []  # labels inside the plot, to keep new ones off them
        self._layout()

    # layout

    def _layout(self) -> None:
        chart = self.chart
        y = PAD
        self.title_y = 0.0
        if chart.title:
            self.title_y = y + TITLE * 0.8
            y += TITLE * 1.35 + 2
        self.legend = self._legend_items(y) if len(chart.series) > 1 else []
        if self.legend:
            y = max(item.y for item in self.legend) + FONT * 0.9 + 6
        self.y_title_y = 0.0
        if chart.y.label:
            self.y_title_y = y + FONT * 0.8
            y += FONT * 1.35 + 2
        top = y + FONT * 0.6  # the top tick label is centred on its tick
        bottom = HEIGHT - PAD - (FONT * 1.35 + 2 if chart.x.label else 0) - FONT * 1.6
        xs, ys = _extent(chart)
        if chart.is_bar:
            self.category_lines = 1
            bottom_bar = bottom
        most_y = max(2, min(8, int((bottom - top) / (FONT * 2.6))))
        self.y = _fit_axis(chart.y, ys, bottom, top, most_y, _y_fits)
        left = PAD + max((text_width(lab) for lab in self.y.labels), default=0) + 8
        right = WIDTH - PAD
        if chart.is_bar:
            self.categories = chart.categories
            band = (right - left) / max(1, len(self.categories))
            self.category_labels = [_wrap(c, band - 6) for c in self.categories]
            lines = max(len(lab) for lab in self.category_labels)
            if lines > 1:
                bottom = bottom_bar - FONT * 1.25 * (lines - 1)
                self.y = _fit_axis(chart.y, ys, bottom, top, most_y, _y_fits)
            self.x = None
        else:
            most_x = max(2, min(10, int((right - left) / 50)))
            self.x = _fit_axis(chart.x, xs, left, right, most_x, _x_fits)
            # A last label centred on the right edge would stick out: pull the plot in.
            if self.x.ticks:
                overhang = text_width(self.x.labels[-1]) / 2 - (WIDTH - right - 2)
                if overhang > 0 and abs(self.x.scale(self.x.ticks[-1]) - right) < 1:
                    right -= overhang
                    self.x = _fit_axis(chart.x, xs, left, right, most_x, _x_fits)
        self.box = _Box(left, top, right, bottom)

    def _legend_items(self, top: float) -> list[_LegendItem]:
        items, x, y = [], float(PAD), top + FONT * 0.8
        for s in self.chart.series:
            width = 30 + text_width(s.label)
            if x > PAD and x + width > WIDTH - PAD:
                x, y = float(PAD), y + FONT * 1.5
            items.append(_LegendItem(s, x, y))
            x += width + 16
        return items

    # output

    def render(self) -> str:
        chart = self.chart
        kinds = dict.fromkeys(s.kind for s in chart.series)
        kind = " and ".join(_KIND_NAMES[k].lower() for k in kinds).capitalize()
        title = chart.title or f"{kind} chart"
        self.out.append(
            f'<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
            f'width="100%" style="font-family:var(--font-sans,system-ui,sans-serif);font-size:{FONT}px;'
            f'font-variant-numeric:tabular-nums">'
        )
        self.out.append(f"<title>{_esc(title)}</title><desc>{_esc(chart.description or self._describe(kind))}</desc>")
        self._defs()
        self._grid()
        self._references_lines()
        self._series()
        self._axes()
        self._reference_labels()
        self._annotations()
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
        elif self.x and self.x.ticks:
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
            y = _n(self.y.scale(t))
            lines.append(f"M{_n(box.x0)} {y}H{_n(box.x1)}")
        if self.x:
            for t in self.x.ticks:
                x = _n(self.x.scale(t))
                lines.append(f"M{x} {_n(box.y0)}V{_n(box.y1)}")
        if lines:
            self.out.append(f'<path d="{"".join(lines)}" fill="none" stroke-width="1" '
                            f'style="stroke:{var("chart-grid")}"/>')

    def _axes(self) -> None:
        box, chart = self.box, self.chart
        marks = [f"M{_n(box.x0)} {_n(box.y1)}H{_n(box.x1)}"]
        if not chart.is_bar:
            marks.append(f"M{_n(box.x0)} {_n(box.y0)}V{_n(box.y1)}")
        minor = []
        if self.x and chart.x.log:
            minor += [f"M{_n(self.x.scale(t))} {_n(box.y1)}v4" for t in self.x.minor]
        if chart.y.log:
            minor += [f"M{_n(box.x0)} {_n(self.y.scale(t))}h-4" for t in self.y.minor]
        if self.x:
            marks += [f"M{_n(self.x.scale(t))} {_n(box.y1)}v6" for t in self.x.ticks]
        marks += [f"M{_n(box.x0)} {_n(self.y.scale(t))}h-6" for t in self.y.ticks] if not chart.is_bar else []
        self.out.append(f'<path d="{"".join(marks + minor)}" fill="none" stroke-width="1" '
                        f'style="stroke:{var("chart-axis")}"/>')
        text = [f'<g style="fill:{var("chart-text")}">']
        label_y = box.y1 + 8 + FONT * 0.8
        if self.x:
            for t, label in zip(self.x.ticks, self.x.labels):
                text.append(f'<text x="{_n(self.x.scale(t))}" y="{_n(label_y)}" text-anchor="middle">'
                            f"{_esc(label)}</text>")
        else:
            band = (box.x1 - box.x0) / len(self.categories)
            for i, lines in enumerate(self.category_labels):
                x = box.x0 + band * (i + 0.5)
                text.append(f'<text x="{_n(x)}" y="{_n(label_y)}" text-anchor="middle">' + "".join(
                    f'<tspan x="{_n(x)}" dy="{0 if j == 0 else _n(FONT * 1.25)}">{_esc(line)}</tspan>'
                    if len(lines) > 1 else _esc(line) for j, line in enumerate(lines)) + "</text>")
        for t, label in zip(self.y.ticks, self.y.labels):
            text.append(f'<text x="{_n(box.x0 - 9)}" y="{_n(self.y.scale(t) + FONT * 0.35)}" '
                        f'text-anchor="end">{_esc(label)}</text>')
        text.append("</g>")
        self.out.append("".join(text))

    def _titles(self) -> None:
        chart, out = self.chart, []
        if chart.title:
            out.append(f'<text x="{PAD}" y="{_n(self.title_y)}" style="font-size:{TITLE}px;font-weight:600">'
                       f"{_esc(chart.title)}</text>")
        if chart.y.label:
            out.append(f'<text x="{PAD}" y="{_n(self.y_title_y)}">{_esc(chart.y.label)}</text>')
        if chart.x.label:
            x = (self.box.x0 + self.box.x1) / 2
            out.append(f'<text x="{_n(x)}" y="{_n(HEIGHT - PAD - 2)}" text-anchor="middle">'
                       f"{_esc(chart.x.label)}</text>")
        if out:
            self.out.append(f'<g style="fill:{var("chart-text")};font-weight:500">' + "".join(out) + "</g>")

    # series

    def _series(self) -> None:
        order = {"band": 0, "area": 1, "histogram": 2, "bar": 3, "line": 4, "scatter": 5}
        self.out.append(f'<g clip-path="url(#{self.uid}-plot)">')
        for s in sorted(self.chart.series, key=lambda s: order[s.kind]):  # fills under lines, stably
            getattr(self, f"_draw_{s.kind}")(s)
        self.out.append("</g>")

    def _xy(self, s: Series) -> list[tuple[float, float]]:
        return [(self.x.scale(p[0]), self.y.scale(p[1])) for p in s.points]

    def _draw_line(self, s: Series) -> None:
        points = _thin_columns(self._xy(s))
        dash = DASHES[s.style % len(DASHES)]
        style = f"stroke:{series_color(s)}" + (f";stroke-dasharray:{dash}" if dash else "")
        cap = "butt" if dash else "round"
        width = 2 if len(self.chart.series) <= 4 else 1.75
        self.out.append(f'<path d="{_path(points)}" fill="none" stroke-width="{width}" stroke-linejoin="round" '
                        f'stroke-linecap="{cap}" style="{style}"/>')
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
        self.out.append(f'<path d="{_markers(points, s.style, 3.4)}" '
                        f'style="fill:{series_color(s)};fill-opacity:0.8"/>')

    def _baseline(self) -> float:
        scale = self.y.scale
        if scale.log or not scale.contains(0):
            return self.box.y1
        return scale(0.0)

    def _draw_area(self, s: Series) -> None:
        points = _thin_columns(self._xy(s))
        base = _n(self._baseline())
        fill = f"M{_n(points[0][0])} {base}L" + _path(points)[1:] + f"L{_n(points[-1][0])} {base}Z"
        self.out.append(f'<path d="{fill}" style="fill:{series_color(s)};fill-opacity:0.18"/>')
        self._draw_line(Series("line", s.label, s.color, s.style, s.points))

    def _draw_band(self, s: Series) -> None:
        upper = _thin_columns([(self.x.scale(p[0]), self.y.scale(p[2])) for p in s.points])
        lower = _thin_columns([(self.x.scale(p[0]), self.y.scale(p[1])) for p in s.points])
        d = _path(upper) + "L" + _path(list(reversed(lower)))[1:] + "Z"
        self.out.append(f'<path d="{d}" style="fill:{series_color(s)};fill-opacity:0.2"/>')

    def _draw_histogram(self, s: Series) -> None:
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
        band = (box.x1 - box.x0) / len(self.categories)
        group = band * (0.7 if len(chart.series) == 1 else 0.8)
        width = group / len(chart.series)
        index = {c: i for i, c in enumerate(self.categories)}
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

    def _references_lines(self) -> None:
        box, lines = self.box, []
        for r in self.chart.references:
            if r.axis == "y" and self.y.scale.contains(r.value):
                lines.append(f"M{_n(box.x0)} {_n(self.y.scale(r.value))}H{_n(box.x1)}")
            elif r.axis == "x" and self.x and self.x.scale.contains(r.value):
                lines.append(f"M{_n(self.x.scale(r.value))} {_n(box.y0)}V{_n(box.y1)}")
        if lines:
            self.out.append(f'<path d="{"".join(lines)}" fill="none" stroke-width="1.25" '
                            f'style="stroke:{var("chart-text")};stroke-dasharray:5 4"/>')

    def _reference_labels(self) -> None:
        box = self.box
        for r in self.chart.references:
            if not r.label:
                continue
            if r.axis == "y":
                if not self.y.scale.contains(r.value):
                    continue
                y = self.y.scale(r.value)
                candidates = [(box.x1 - 4, y - 6, "end"), (box.x1 - 4, y + SMALL + 3, "end"),
                              (box.x0 + 6, y - 6, "start"), (box.x0 + 6, y + SMALL + 3, "start")]
            else:
                if not self.x.scale.contains(r.value):
                    continue
                x = self.x.scale(r.value)
                candidates = [(x + 6, box.y0 + SMALL, "start"), (x - 6, box.y0 + SMALL, "end"),
                              (x + 6, box.y1 - 6, "start"), (x - 6, box.y1 - 6, "end")]
            self._label(r.label, candidates)

    def _annotations(self) -> None:
        marks = []
        for a in self.chart.annotations:
            if not (self.x.scale.contains(a.x) and self.y.scale.contains(a.y)):
                continue
            x, y = self.x.scale(a.x), self.y.scale(a.y)
            marks.append(f"M{_n(x - 5)} {_n(y)}a5 5 0 1 0 10 0a5 5 0 1 0 -10 0Z")
            self.placed.append(_Box(x - 6, y - 6, x + 6, y + 6))
        if marks:
            self.out.append(f'<path d="{"".join(marks)}" stroke-width="1.75" '
                            f'style="fill:{var("bg")};fill-opacity:0.6;stroke:{var("chart-text")}"/>')
        for a in self.chart.annotations:
            if a.label and self.x.scale.contains(a.x) and self.y.scale.contains(a.y):
                x, y = self.x.scale(a.x), self.y.scale(a.y)
                self._label(a.label, [(x + 9, y - 8, "start"), (x - 9, y - 8, "end"),
                                      (x + 9, y + SMALL + 6, "start"), (x - 9, y + SMALL + 6, "end"),
                                      (x + 12, y + SMALL * 0.35, "start"), (x - 12, y + SMALL * 0.35, "end")])

    def _label(self, text: str, candidates: list[tuple[float, float, str]]) -> None:
        """Place a label at the first candidate position inside the plot that is clear of other labels."""
        width = text_width(text, SMALL)
        outer = _Box(self.box.x0 - 2, self.box.y0 - SMALL, self.box.x1 + PAD, self.box.y1)
        chosen = None
        for x, y, anchor in candidates:
            x0 = x - width if anchor == "end" else x
            box = _Box(x0, y - SMALL * 0.85, x0 + width, y + SMALL * 0.25)
            if box.inside(outer) and not any(box.overlaps(p) for p in self.placed):
                chosen = (x, y, anchor, box)
                break
        if chosen is None:  # every spot is taken: the first one, even if crowded
            x, y, anchor = candidates[0]
            x0 = x - width if anchor == "end" else x
            chosen = (x, y, anchor, _Box(x0, y - SMALL * 0.85, x0 + width, y + SMALL * 0.25))
        x, y, anchor, box = chosen
        self.placed.append(box)
        self.out.append(f'<text x="{_n(x)}" y="{_n(y)}" text-anchor="{anchor}" style="font-size:{SMALL}px;'
                        f'fill:{var("chart-text")};paint-order:stroke;stroke:{var("bg")};stroke-width:3px;'
                        f'stroke-linejoin:round">{_esc(text)}</text>')

    # legend

    def _legend(self) -> None:
        if not self.legend:
            return
        out = ['<g class="chart-legend">']
        for item in self.legend:
            s, x, y = item.series, item.x, item.y
            mid = y - FONT * 0.35
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


def _wrap(text: str, width: float) -> list[str]:
    """A category label on one line, or two, cut with an ellipsis if it still does not fit."""
    if text_width(text) <= width or " " not in text:
        return [_ellipsis(text, width)]
    words, first = text.split(" "), ""
    while words and text_width((first + " " + words[0]).strip()) <= width:
        first = (first + " " + words.pop(0)).strip()
    if not first:
        first = words.pop(0)
    return [_ellipsis(first, width), _ellipsis(" ".join(words), width)] if words else [_ellipsis(first, width)]


def _ellipsis(text: str, width: float) -> str:
    if text_width(text) <= width:
        return text
    keep = max(1, int(width / (FONT * CHAR)) - 1)
    return text[:keep] + "…"


def _thin_columns(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Downsample a long line for display without visible change: in each half-unit column keep
    the first, lowest, highest and last point (the line's full vertical extent there).

    Only for lines whose x never goes back; anything else is drawn as given.
    """
    if len(points) <= 2 * WIDTH or any(b[0] < a[0] for a, b in zip(points, points[1:])):
        return points
    out: list[tuple[float, float]] = []
    bucket: list[tuple[float, float]] = []
    column = None
    for point in points:
        c = math.floor(point[0] * 2)
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
    keep = sorted({0, low, high, len(bucket) - 1})
    return [bucket[i] for i in keep]


def _path(points: list[tuple[float, float]]) -> str:
    parts: list[str] = []
    last = None
    for x, y in points:
        xy = f"{_n(x)} {_n(y)}"
        if xy != last:
            parts.append(xy)
            last = xy
    if len(parts) == 1:  # a single point: a dot-length segment, so it is still drawn
        parts.append(parts[0])
    return "M" + parts[0] + "L" + " ".join(parts[1:])


def _markers(points: list[tuple[float, float]], style: int, r: float) -> str:
    """One path of small shapes: circle, square, triangle, diamond, triangle down, triangle right."""
    shape = style % 6
    out = []
    for x, y in points:
        if shape == 0:
            out.append(f"M{_n(x - r)} {_n(y)}a{_n(r)} {_n(r)} 0 1 0 {_n(2 * r)} 0a{_n(r)} {_n(r)} 0 1 0 {_n(-2 * r)} 0Z")
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
    """A fill pattern for bar series after the first: stripes, dots, cross-hatching."""
    color = series_color(s)
    kind = s.style % BAR_PATTERNS
    back = f'<rect width="6" height="6" style="fill:{color};fill-opacity:0.22"/>'
    lines = {
        1: '<path d="M0 0V6"/>',
        2: '<path d="M0 0V6"/>',
        3: '<path d="M0 0V6M0 3H6"/>',
        4: "",
        5: '<path d="M0 3H6"/>',
    }[kind]
    rotate = {1: 45, 2: -45, 3: 45}.get(kind, 0)
    body = lines if kind != 4 else f'<circle cx="3" cy="3" r="1.4" style="fill:{color}"/>'
    transform = f' patternTransform="rotate({rotate})"' if rotate else ""
    return (f'<pattern id="{pattern_id}" width="6" height="6" patternUnits="userSpaceOnUse"{transform}>'
            f'{back}<g stroke-width="2.5" style="stroke:{color}">{body}</g></pattern>')


def _n(value: float) -> str:
    """A coordinate to 0.1 of a unit: small output, and the same text for the same number."""
    text = f"{value:.1f}"
    if text.endswith(".0"):
        text = text[:-2]
    return "0" if text == "-0" else text


def _esc(text: str) -> str:
    return escape(text, quote=True)
