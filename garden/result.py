"""What a build returns: counts, problems and timings. Kept apart from the pipeline, so that
the command line can answer a build that has nothing to do without loading every stage."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from .errors import Diagnostic


@dataclass
class BuildResult:
    notes: int = 0
    pages: int = 0
    assets: int = 0
    diagnostics: list[Diagnostic] = field(default_factory=list)
    seconds: float = 0.0
    written: int = 0
    output: Path | None = None
    sources: set[str] = field(default_factory=set)  # content-relative paths of the garden's files
    notices: list[str] = field(default_factory=list)  # said once, e.g. that the cache was rebuilt
    rendered_notes: int = 0  # bodies rendered anew (the rest came from the cache)
    rendered_pages: int = 0
    timings: dict[str, float] = field(default_factory=dict)  # seconds per phase, in order
    orphans: list[str] = field(default_factory=list)  # notes with no link in or out (`garden check` lists them)
    searchable: list[str] = field(default_factory=list)  # the site's pages that show a note's article, by path
    # What makes graph.json, when a build asked to put it off (the preview): the site still has the old one.
    graph_json_later: Callable[[], bytes] | None = field(default=None, repr=False, compare=False)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.level == "error"]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.level == "warning"]
