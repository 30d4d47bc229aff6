"""What a build knows about charts: every script's digest and every stored result.

Built once per build from the discovered files, small and picklable, so it
travels to the render workers like the link resolver. `lookup` answers one
chart block: the SVG and data table to embed (marked stale when the script
changed since its result was computed), or what is wrong. It reads no files
and runs nothing.
"""

from __future__ import annotations

import hashlib
import posixpath
import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Literal

from ..errors import Diagnostic
from ..models import SourceFile
from .store import (DATA_SUFFIX, SCRIPT_SUFFIX, Args, StoredChart, StoreError, canonical_args, data_file_for, loads,
                    script_argv)

SIMS_FOLDER = "sims"
# A fence that may open a chart block (in a quote or list too). Loose on purpose: it
# only decides which cached bodies depend on the charts.
_CHART_FENCE = re.compile(r"^[ \t>*+\d.-]*(?:`{3,}|~{3,})[ \t]*chart", re.MULTILINE | re.IGNORECASE)


@dataclass(frozen=True)
class ChartOutcome:
    """One embedded chart, ready to place: figure parts, or the problem to report and show."""

    script: str = ""  # content-relative path of the script (as written when it was not found)
    svg: str = ""  # the drawing: a wide and a narrow <svg>, or the one a script drew itself
    table: str = ""  # HTML of the data table; "" for an SVG the script drew itself
    caption: str = ""  # the chart's own caption; a note's `caption:` takes precedence
    stale: bool = False  # the script changed after this result was computed
    level: Literal["error", "warning", ""] = ""
    message: str = ""
    hint: str = ""


def chart_name(script: str, args: Args) -> str:
    """How a chart is named in messages: the command that computes it."""
    return " ".join([script, *map(shlex.quote, script_argv(args))])


@dataclass
class ChartLibrary:
    scripts: dict[str, str] = field(default_factory=dict)  # script path -> digest of its bytes
    results: dict[tuple[str, str], StoredChart] = field(default_factory=dict)  # (script, canonical args) -> result
    fingerprint: str = ""  # digest of every script and data file: changes when any chart could

    @classmethod
    def build(cls, files: Iterable[SourceFile], problems: list[Diagnostic]) -> ChartLibrary:
        """From the garden's `.py` scripts and `.chart.json` data files; unreadable data files are reported."""
        library = cls()
        seen = hashlib.blake2b(digest_size=16)
        for source in files:
            lower = source.rel.lower()
            if lower.endswith((SCRIPT_SUFFIX, DATA_SUFFIX)):
                seen.update(f"{source.rel}\0{source.digest}\n".encode("utf-8"))
            if lower.endswith(SCRIPT_SUFFIX):
                library.scripts[source.rel] = source.digest
            elif lower.endswith(DATA_SUFFIX):
                try:
                    stored = _load(source)
                except (OSError, StoreError) as exc:
                    message = exc.strerror if isinstance(exc, OSError) else str(exc)
                    problems.append(Diagnostic(source.rel, 0, "error", message,
                                               "delete it and run `garden charts` to compute it again"))
                    continue
                # Two files for one chart (a copy, say): the one at the expected name wins.
                if stored.key not in library.results or data_file_for(stored.script, stored.args) == source.rel:
                    library.results[stored.key] = stored
        library.fingerprint = seen.hexdigest()
        return library

    def cache_key(self, uses_charts: bool) -> str:
        """What a note's rendered body owes to the charts: nothing without a chart block, else
        every script and result (a cached body is redone when any of them changes)."""
        return self.fingerprint if uses_charts else ""


    def resolve_script(self, script: str, source_key: str) -> tuple[str | None, list[str]]:
        """The script a note names: beside the note first, then in `sims/`. Also the paths tried."""
        folder = posixpath.dirname(source_key)
        tried = []
        for base in (folder, SIMS_FOLDER):
            path = posixpath.normpath(posixpath.join(base, script))
            if path.startswith("../") or path == ".." or posixpath.isabs(script):
                continue
            if path not in tried:
                tried.append(path)
            if path in self.scripts:
                return path, tried
        return None, tried

    def stored(self, script: str, args: Args) -> StoredChart | None:
        return self.results.get((script, canonical_args(args)))

    def lookup(self, script: str, args: Args, source_key: str) -> ChartOutcome:
        """The chart that note `source_key` embeds with `script` and `args`."""
        path, tried = self.resolve_script(script, source_key)
        if path is None:
            where = " and ".join(tried) if tried else "inside the content folder"
            return ChartOutcome(script, level="error", message=f"chart script {script} not found",
                                hint=f"looked for {where}; a script lives beside its note or in {SIMS_FOLDER}/")
        name = chart_name(path, args)
        stored = self.stored(path, args)
        if stored is None:
            return ChartOutcome(path, level="error", message=f"chart {name} has not been computed",
                                hint=f"run `garden charts` to run it; its result is kept in "
                                     f"{data_file_for(path, args)}")
        if stored.error:
            said = _last_line(stored.stderr)
            return ChartOutcome(path, level="error",
                                message=f"chart {name} failed: {stored.error}" + (f"; stderr: {said}" if said else ""),
                                hint="fix the script, then run `garden charts`")
        from .spec import ChartSpecError  # (see _figure_parts)

        try:
            outcome = _figure_parts(stored, path)
        except ChartSpecError as exc:
            return ChartOutcome(path, level="error", message=f"chart {name}: its stored result is not a valid "
                                                             f"chart: {exc}", hint="run `garden charts --force`")
        if stored.script_digest != self.scripts[path]:
            return ChartOutcome(path, outcome.svg, outcome.table, outcome.caption, stale=True, level="warning",
                                message=f"chart {name} is stale: the script changed after its result was computed",
                                hint="run `garden charts` to recompute it; the old result is shown until then")
        return outcome


def _figure_parts(stored: StoredChart, path: str) -> ChartOutcome:
    """The drawing of a stored result; the same result (the same object: see `_load`) is drawn once."""
    # The drawing code is imported with the first chart drawn: most builds draw none, and it costs
    # a `garden build` 60 ms to import.
    from .rawsvg import sanitize_svg
    from .spec import parse_chart
    from .svg import render_responsive
    from .table import render_table

    drawn = _drawn.get(id(stored))
    if drawn is not None and drawn[0] is stored and drawn[1].script == path:
        return drawn[1]
    if stored.svg:
        outcome = ChartOutcome(path, sanitize_svg(stored.svg))
    else:
        chart = parse_chart(stored.chart)
        outcome = ChartOutcome(path, render_responsive(chart), render_table(chart), chart.caption)
    if len(_drawn) > 1024:
        _drawn.clear()
    _drawn[id(stored)] = (stored, outcome)
    return outcome


_drawn: dict[int, tuple[StoredChart, ChartOutcome]] = {}


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else ""


def uses_charts(body: str) -> bool:
    """Whether a note's Markdown has a chart block (worked out once per version of the note). Most notes do not
    even have the word: a search for it rules them out several times faster than the pattern, which is tried at
    every character since a fence may follow list and quote markers."""
    return "chart" in body.lower() and _CHART_FENCE.search(body) is not None


_loaded: dict[tuple[str, str], StoredChart] = {}  # (path, digest) -> its data: the preview rebuilds on every save


def _load(source: SourceFile) -> StoredChart:
    key = (source.rel, source.digest)
    if key not in _loaded:
        if len(_loaded) > 4096:
            _loaded.clear()
        _loaded[key] = loads(Path(source.path).read_bytes(), source.rel)
    return _loaded[key]
