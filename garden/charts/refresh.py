"""`garden charts`: find the charts the notes embed and run the scripts whose source or
arguments changed, storing each result beside its script.

Charts are found by parsing every published note with the build's own parser
(so a chart block inside a comment or a code block is not one), with a
lookup that records what is asked for instead of drawing it. Scripts run in
parallel, each in its own process. Only the data files are written.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Callable, Literal, Mapping

from ..config import Config
from ..discover import discover
from ..errors import Diagnostic
from ..models import LinkTarget
from .library import ChartLibrary, ChartOutcome, chart_name
from .runner import DEFAULT_TIMEOUT, run_script
from .store import Scalar, StoredChart, canonical_args, data_file_for, script_digest, write

Status = Literal["ran", "up to date", "failed"]


@dataclass(frozen=True)
class ChartRun:
    """What `garden charts` did for one chart (a script with one set of arguments)."""

    script: str  # content-relative; as written in the note when it was not found
    args: dict[str, Scalar]
    data_file: str  # content-relative; "" when the script was not found
    status: Status
    message: str = ""  # why it failed
    stderr: str = ""  # the end of the script's standard error, when it failed
    seconds: float = 0.0
    notes: tuple[str, ...] = ()  # the notes that embed it
    written: bool = False  # its data file changed

    @property
    def name(self) -> str:
        return chart_name(self.script, self.args)


@dataclass
class _Request:
    script: str | None  # resolved path, or None when not found
    written: str
    args: dict[str, Scalar]
    tried: list[str]
    notes: list[str] = field(default_factory=list)


class _Recorder:
    """A chart lookup that notes what each chart block asks for and draws nothing."""

    def __init__(self, library: ChartLibrary) -> None:
        self.library = library
        self.requests: dict[tuple[str, str], _Request] = {}

    def __call__(self, script: str, args: Mapping[str, Scalar], source_key: str) -> ChartOutcome:
        path, tried = self.library.resolve_script(script, source_key)
        key = (path or f"?{script}", canonical_args(args))
        request = self.requests.setdefault(key, _Request(path, script, dict(args), tried))
        if source_key not in request.notes:
            request.notes.append(source_key)
        return ChartOutcome(path or script)


def find_charts(config: Config, problems: list[Diagnostic] | None = None) -> tuple[list[_Request], ChartLibrary]:
    """Every chart the published notes embed, and the library of scripts and stored results.

    Problems with chart blocks themselves (a typo in a key) go to `problems`.
    """
    from ..index import note_markdown
    from ..markdown.parser import make_parser
    from ..indexing import index_garden
    from ..state import BuildState

    found: list[Diagnostic] = []
    files, _ = discover(config.content_dir, config.ignore)
    indexed = index_garden(config, files, None, BuildState(), [])
    recorder = _Recorder(indexed.charts)
    md = make_parser(indexed.resolver.resolve, raw_html=config.raw_html, charts=recorder)
    for note in indexed.notes.values():
        env = {"source_key": note.key, "source_path": note.key, "line_offset": note.line_offset,
               "self_target": LinkTarget("note", note.key, note.url, note.title)}
        try:
            md.parse(note_markdown((config.content_dir / note.key).read_bytes(), note), env)
        except OSError:  # gone since it was indexed: it embeds no chart now
            continue
        found += [d for d in env.get("diagnostics", ()) if d.message.startswith(("chart", "```"))]
    if problems is not None:
        problems.extend(found)
    requests = sorted(recorder.requests.values(), key=lambda r: (r.script or r.written, canonical_args(r.args)))
    return requests, indexed.charts


def refresh_charts(config: Config, only_stale: bool = True, *, timeout: float = DEFAULT_TIMEOUT,
                   jobs: int | None = None, problems: list[Diagnostic] | None = None,
                   on_run: Callable[[ChartRun], None] | None = None) -> list[ChartRun]:
    """Run the embedded charts' scripts (only those whose script or arguments changed, or that
    failed last time, unless `only_stale` is False) and store their results.

    For the preview server as much as for `garden charts`: `on_run` hears of each chart, in
    order, as soon as it is settled.
    """
    requests, library = find_charts(config, problems)
    content = config.content_dir

    def settle(request: _Request) -> ChartRun:
        notes = tuple(request.notes)
        if request.script is None:
            where = " or ".join(request.tried) or "inside the content folder"
            return ChartRun(request.written, request.args, "", "failed", f"script not found (looked for {where})",
                            notes=notes)
        data_file = data_file_for(request.script, request.args)
        stored = library.stored(request.script, request.args)
        fresh = stored is not None and not stored.error \
            and stored.script_digest == library.scripts.get(request.script)
        if only_stale and fresh:
            return ChartRun(request.script, request.args, data_file, "up to date", notes=notes)
        path = content / request.script
        try:
            digest = script_digest(path.read_bytes())  # as it is now: it may have changed since discovery
        except OSError:
            return ChartRun(request.script, request.args, data_file, "failed", "script not found", notes=notes)
        result = run_script(path, request.args, timeout)
        outcome = StoredChart(request.script, request.args, digest, chart=result.chart, svg=result.svg,
                              error=result.error, stderr=result.stderr if result.error else "")
        changed = write(content / data_file, outcome)
        status: Status = "failed" if result.error else "ran"
        return ChartRun(request.script, request.args, data_file, status, result.error, result.stderr,
                        result.seconds, notes, changed)

    runs: list[ChartRun] = []
    with ThreadPoolExecutor(max(1, jobs or os.cpu_count() or 1)) as pool:  # each run waits on its own process
        for run in pool.map(settle, requests):
            runs.append(run)
            if on_run:
                on_run(run)
    return runs
