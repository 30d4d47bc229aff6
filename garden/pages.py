"""Render the site's pages: those an edit can have changed, in parallel processes when there are many.

Pages are planned (plan.py) and rendered (render.py) here, and handed to the
site writer. A page whose digest (everything it shows) is as last time is
carried over without rendering.
"""

from __future__ import annotations

import datetime as dt
import gc
from dataclasses import dataclass
from typing import Callable, Iterator

from .dirty import Edit, dirty_pages
from .embeds import Expander
from .errors import Diagnostic
from .plan import (Garden, PageKey, PlannedPage, breadcrumbs, graph_links, intro_pages, nav_sections, page_of,
                   plan_page, plan_pages)
from .render import PageRenderer
from .state import BuildState, digest
from .workers import process_pool
from .write import SiteWriter, Stager

STYLESHEETS = ("static/style.css",)
PAGE_TEMPLATES = ("note.html", "home.html", "folder.html", "tag.html", "tags.html", "404.html")
PARALLEL_PAGES = 500  # fewer pages to render than this, and forking workers costs more than it saves
PAGES_PER_CHUNK = 100  # handed to a worker at a time, at most (a fifth of a second of work), so that the workers
# finish together (a sixteenth of a worker's share of 10,000 pages took half a second, one worker idle meanwhile)
PAGES_PER_POOL = 10_000  # then fresh workers: a worker's memory grows with the pages it renders, since each
# object of the parent's it reads is copied into it (reading changes its reference count)


def write_pages(garden: Garden, writer: SiteWriter | None, state: BuildState, expander: Expander,
                edit: Edit | None, problems: list[Diagnostic], jobs: int = 1) -> tuple[int, int, int, bool]:
    """Render the pages an edit can have changed, carrying every other page over unplanned.

    With no `edit` (a first build) or when what every page shows changed
    (templates, configuration, navigation), every page is planned; a planned
    page is rendered only if its digest moved.
    Returns (pages, pages rendered anew, pages that failed, whether all were planned).
    """
    shared = {"nav": nav_sections(garden), "stylesheets": STYLESHEETS, "graph_links": graph_links(garden)}
    compiled = garden.config.cache_dir / "templates" if writer else None  # a check writes nothing, not even these
    renderer = PageRenderer(garden.config, shared, expander.html, compiled)
    common = digest(shared, garden.config.shown(), dt.date.today().year)
    everything = digest(common, [renderer.template_digest(t) for t in PAGE_TEMPLATES])
    dirty = None
    if writer and edit is not None and everything == state.everything:
        shown_before = state.intros  # a note gone since: where it showed

        def shown_on(key: str) -> PageKey:
            note = garden.notes.get(key)
            return page_of(garden, note) if note else shown_before.get(key, ("note", key))

        dirty = dirty_pages(edit, state.graph, garden.graph, state.bodies, garden.bodies, garden.folders,
                            state.folders_of, shown_on)
    state.everything = everything
    state.intros = intro_pages(garden)
    paths: dict[PageKey, str] = {}  # the pages this build has: carried over, then planned
    digests: dict[str, str] = {}
    if dirty is None:
        planned = plan_pages(garden)
    else:
        carried = {key: path for key, path in state.page_paths.items() if key not in dirty}
        missing = set(writer.carry(list(carried.values())))  # type: ignore[union-attr]
        for key, path in carried.items():
            if path not in missing:
                paths[key], digests[path] = path, state.pages[path]
        planned = [page for key in sorted(dirty | {k for k, p in carried.items() if p in missing}, key=repr)
                   if key not in paths and (page := plan_page(garden, key))]
    unique: list[PlannedPage] = []
    taken = set(digests)
    for page_plan in planned:
        if page_plan.output_path in taken:  # the planner should prevent this; never overwrite silently
            problems.append(Diagnostic(page_plan.output_path, 0, "error",
                                       f"{page_plan.output_path} would be written twice; the second is left out"))
            continue
        taken.add(page_plan.output_path)
        unique.append(page_plan)
    job = PageJob(garden, renderer, common, state.pages if writer else {})
    rendered = failed = 0
    for outcome in job.run_all(unique, writer, jobs):
        rendered += outcome.rendered
        if outcome.problem:
            problems.append(outcome.problem)
            failed += 1
            continue
        paths[outcome.key], digests[outcome.path] = outcome.path, outcome.digest
    if writer:
        state.pages, state.page_paths = digests, paths
        if failed:  # a page that failed is in neither: plan every page next time
            state.everything = ""
    return len(paths), rendered, failed, dirty is None


@dataclass(frozen=True)
class PageOutcome:
    key: PageKey
    path: str
    digest: str
    rendered: bool = False  # False: its digest was as last time, the old file was kept
    problem: Diagnostic | None = None
    changed: bool = False  # (from a worker) its bytes differ from the old site's


@dataclass
class PageJob:
    """What rendering a page needs. Forked as it is into worker processes, never pickled."""

    garden: Garden
    renderer: PageRenderer
    common: str  # digest of what every page shows
    previous: dict[str, str]  # output path -> digest, of the last build

    def run(self, page_plan: PlannedPage, keep: Callable[[str], bool], put: Callable[[str, bytes], bool | None]) \
            -> PageOutcome:
        """Render one page and place it with `put`, or `keep` the old file if nothing it shows changed."""
        page = page_plan.make()
        path = page_plan.output_path
        crumbs = breadcrumbs(self.garden, page)
        page_digest = digest(self.common, self.renderer.template_digest(page.template), page, crumbs)
        if self.previous.get(path) == page_digest and keep(path):
            return PageOutcome(page_plan.key, path, page_digest)
        data, problem = self.renderer.render(page, {"breadcrumbs": crumbs})
        if problem or data is None:
            return PageOutcome(page_plan.key, path, page_digest, True, problem)
        return PageOutcome(page_plan.key, path, page_digest, True, changed=bool(put(path, data)))

    def run_all(self, planned: list[PlannedPage], writer: SiteWriter | None, jobs: int) -> Iterator[PageOutcome]:
        if writer is None:
            yield from (self.run(p, lambda path: False, lambda path, data: None) for p in planned)
        elif jobs < 2 or len(planned) < PARALLEL_PAGES:
            yield from (self.run(p, writer.keep, writer.put) for p in planned)
        else:
            global _job
            _job = (self, writer.stager())
            # Workers are forked, so they share the garden as it is; frozen, the objects it is made of are
            # left alone by the collector, so the memory pages holding them stay shared.
            gc.freeze()
            try:
                keys = [p.key for p in planned]
                for start in range(0, len(keys), PAGES_PER_POOL):
                    batch = keys[start:start + PAGES_PER_POOL]
                    with process_pool(jobs, forked=True) as pool:
                        chunk = max(1, min(len(batch) // (jobs * 16), PAGES_PER_CHUNK))
                        for outcome in pool.map(_run_in_worker, batch, chunksize=chunk):
                            if not outcome.problem:
                                writer.adopt(outcome.path, outcome.changed)
                            yield outcome
            finally:
                _job = None
                gc.unfreeze()


_job: tuple[PageJob, Stager] | None = None  # set before the workers are forked


def _run_in_worker(key: PageKey) -> PageOutcome:
    job, stager = _job  # type: ignore[misc]
    page_plan = plan_page(job.garden, key)
    assert page_plan is not None  # planned in the parent from the same garden
    return job.run(page_plan, stager.keep, stager.put)
