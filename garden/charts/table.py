"""The data under a chart, as an HTML table (one per series when their x values differ).

Long series are shown by evenly spaced rows: every k-th row and always the
last, at most `TABLE_ROWS`, with a note saying so. The chart itself draws
every point.
"""

from __future__ import annotations

import math
from html import escape

from .spec import Chart, Series

TABLE_ROWS = 200

Row = tuple[str, ...]


def render_table(chart: Chart) -> str:
    return "".join(_table(caption, header, rows) for caption, header, rows in _tables(chart))


def _tables(chart: Chart) -> list[tuple[str, Row, list[Row]]]:
    x_name = chart.x.label or "x"
    y_name = chart.y.label or "y"
    series = chart.series
    if chart.is_bar:
        values = [dict(s.bars) for s in series]
        header = (chart.x.label or "Category", *(_name(s, y_name, len(series)) for s in series))
        rows = [(c, *(_cell(v.get(c)) for v in values)) for c in chart.categories]
        return [("", header, rows)]
    if all(s.points for s in series) and len({tuple(p[0] for p in s.points) for s in series}) == 1:
        # One x column shared by every series: one table, a column per series (two for a band).
        header: Row = (x_name,)
        for s in series:
            name = _name(s, y_name, len(series))
            header += (f"{name} low", f"{name} high") if s.kind == "band" else (name,)
        rows = [(_cell(p[0]), *(_cell(v) for s in series for v in s.points[i][1:]))
                for i, p in enumerate(series[0].points)]
        return [("", header, rows)]
    return [(s.label if len(series) > 1 else "", *_series_table(s, x_name, y_name)) for s in series]


def _series_table(s: Series, x_name: str, y_name: str) -> tuple[Row, list[Row]]:
    if s.kind == "histogram":
        what = "Density" if s.density else "Count"
        return (f"{x_name} from", "to", what), [(_cell(a), _cell(b), _cell(v)) for a, b, v in s.bins]
    if s.kind == "band":
        return (x_name, f"{y_name} low", f"{y_name} high"), [tuple(_cell(v) for v in p) for p in s.points]
    return (x_name, y_name), [tuple(_cell(v) for v in p) for p in s.points]


def _name(s: Series, y_name: str, count: int) -> str:
    return s.label if count > 1 or not s.label.startswith("Series ") else y_name


def _table(caption: str, header: Row, rows: list[Row]) -> str:
    shown, note = _sample(rows)
    head = "".join(f'<th scope="col">{escape(h)}</th>' for h in header)
    body = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>" for row in shown)
    caption_html = f"<caption>{escape(caption)}</caption>" if caption else ""
    note_html = f'<p class="chart-table-note">{note}</p>' if note else ""
    return f"<table>{caption_html}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{note_html}"


def _sample(rows: list[Row]) -> tuple[list[Row], str]:
    if len(rows) <= TABLE_ROWS:
        return rows, ""
    stride = math.ceil(len(rows) / (TABLE_ROWS - 1))
    shown = rows[::stride]
    if shown[-1] is not rows[-1]:
        shown.append(rows[-1])
    return shown, f"Every {_ordinal(stride)} of {len(rows):,} rows, and the last."


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _cell(value: float | None) -> str:
    if value is None:
        return ""
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.6g}"
