"""One build, stage by stage: discover → index → bodies → graph → pages → site."""

from __future__ import annotations

import gc
import os
import shutil
import time
from functools import partial
from pathlib import Path
from typing import Callable

from . import fingerprint, layout, outputs
from .bodystore import BodyStore
from .config import Config
from .discover import discover
from .dirty import describe_edit
from .embeds import Expander, embed_problems
from .extras import copy_files, graph_json_laid_out_ahead, graph_laid_out_ahead, write_extras
from .errors import CacheMismatch, Diagnostic, GardenError
from .graph import build_graph, update_graph
from .hints import link_names, suggest_links
from .bodies import render_bodies
from .indexing import index_garden
from .pages import write_pages
from .plan import Garden
from .result import BuildResult
from .search import index_files as search_index_files
from .state import BuildState
from .statefile import forget as forget_state, invalidate as invalidate_state, load_state, save_state
from .write import SiteWriter, check_output_folder

class SiteKept(GardenError):
    """A build that failed part-way; the previous site was left as it was."""

    def __init__(self, message: str, diagnostics: list[Diagnostic]):
        super().__init__(message)
        self.diagnostics = diagnostics


def build_site(config: Config, **options) -> BuildResult:
    """Build the garden (see `_build_site`); when the cache turns out not to match the disk part-way,
    the build is abandoned (the site untouched), the cache dropped, and the garden built again from scratch."""
    try:
        return _build_site(config, **options)
    except CacheMismatch as damaged:
        shutil.rmtree(config.cache_dir / "bodies", ignore_errors=True)
        forget_state(config.cache_dir)
        if options.get("state") is not None:  # the preview's state, in memory: forget it all
            options["state"].__dict__.update(BuildState().__dict__)
        result = _build_site(config, **options)
        result.notices.insert(0, str(damaged))
        return result


def _build_site(config: Config, *, write: bool = True, jobs: int | None = None, state: BuildState | None = None,
                keep_site_on_failure: bool = False, changed_paths: set[str] | None = None,
                inputs: fingerprint.Inputs | None = None, shared_bodies: Path | None = None, graph_later: bool = False,
                progress: Callable[[str, int, int], None] = lambda phase, done, total: None) -> BuildResult:
    """Build the garden. With `state` (the preview server's), remember results in memory;
    without, use the on-disk cache beside the output folder.

    With `keep_site_on_failure`, a page that fails to render (a template error)
    leaves the previous site in place and raises SiteKept with the problems.

    `changed_paths`: the files changed since the last build with this `state`, when the caller
    knows them (the preview's watcher does); None: every file is looked at.

    `inputs`: what this build reads, when the caller has looked (fingerprint.shortcut) and found
    that it must build.

    `shared_bodies`: where the `state`'s bodies are stored when this build's cache is elsewhere (the
    preview starts from `garden build`'s state, with a site and cache of its own); read, never written.

    `graph_later`: a graph.json to be made anew is left as it was, and what makes it is handed back
    (`result.graph_json_later`) for the caller to write when it has shown the rest: the preview, whose reload
    should not wait for the graph's layout (a second or more in a big garden).

    `progress(phase, done, total)` is called as each phase starts (done and total 0)
    and, while bodies render, with the count of notes rendered so far.
    """
    started = time.perf_counter()
    marks: list[tuple[str, float]] = []

    def phase(name: str) -> None:  # a phase lasts until the next one starts
        marks.append((name, time.perf_counter()))
        progress(name, 0, 0)

    result = BuildResult(output=config.output_dir if write else None)
    result.diagnostics.extend(config.warnings)
    if write:
        check_output_folder(config.output_dir, config.content_dir, config.root)
    persistent = state is None
    walked = None
    if write and persistent:
        if inputs is None:
            inputs, answer = fingerprint.shortcut(config, started)
            if answer is not None:  # nothing this build reads changed: the site is as the last build left it
                return answer
        walked = inputs.walked
        fingerprint.forget(config)
    if state is None:
        state = load_state(config.cache_dir) if write else BuildState()
    if state.notice:
        result.notices.append(state.notice)
        state.notice = ""

    phase("discover")
    rechecking = changed_paths if state.walk_clean else None
    files, problems = discover(config.content_dir, config.ignore, state.files, rechecking, walked)
    state.walk_clean = not problems
    same_files = len(files) == len(state.files) and all(f.rel in state.files for f in files)
    # Files found as they were are the very records of the last build: the rest changed.
    changed_files = [f for f in files if state.files[f.rel] is not f] if same_files else None
    state.files = {f.rel: f for f in files}
    result.diagnostics.extend(problems)
    result.sources = set(state.files)

    phase("index")
    indexed = index_garden(config, files, changed_files, state, result.diagnostics, jobs)
    if persistent:  # one build a process: the records the index read from the cache (rows.py) live as long,
        gc.freeze()  # and the collector need not walk them again and again (as after load_state)

    phase("render notes")
    store = BodyStore(config.cache_dir / "bodies" if write else None, shared_bodies)
    bodies, rendered = render_bodies(indexed, config, jobs, state, store, progress)
    for problems in bodies.problems.values():
        result.diagnostics.extend(problems)
    result.rendered_notes = len(rendered)
    added_or_removed = set() if indexed.reread is not None else set(bodies) ^ set(state.folders_of)
    relisted = indexed.relisted | added_or_removed

    phase("link graph")
    if state.graph is not None and not relisted:  # every note and title as before: redo only what the edit touched
        graph = update_graph(state.graph, indexed.notes, bodies, state.bodies, rendered)
    else:
        graph = build_graph(indexed.notes, bodies)
    result.diagnostics.extend(graph.diagnostics)
    result.orphans = list(graph.orphans)
    result.diagnostics.extend(embed_problems(bodies))
    edit = describe_edit(rendered | relisted, relisted, state.graph, graph) if state.graph is not None else None
    same_tree = state.folders if edit is not None and not edit.relisted else None
    garden = Garden(config, indexed.notes, bodies, graph, note_urls=indexed.resolver.by_url, tree=same_tree)

    layout.remember(state.layouts)  # the graph's layout is costly: keep it while links are unchanged
    with graph_laid_out_ahead(garden, edit, jobs if write else 1) as laid_out:
        phase("pages")
        # The search index is written after the site, outside the writer: name its files, so they count as stale
        # once search is turned off.
        searched = search_index_files(config.output_dir) if write else []
        previous = state.outputs | set(searched) if state.outputs and write else None
        writer = SiteWriter(config.output_dir, previous) if write else None
        try:
            expander = Expander(bodies, store)
            result.pages, result.rendered_pages, failed, planned_all = write_pages(
                garden, writer, state, expander, edit, result.diagnostics, jobs or os.cpu_count() or 1)
            if failed and keep_site_on_failure:
                raise SiteKept(f"{failed} page(s) failed to render; the previous site is still served",
                               sorted(result.diagnostics, key=lambda d: (d.level != "error", d.path, d.line)))
            if writer:
                phase("write")
                # The feed's notes are the most recently updated: unless the edit relisted a note (a date or
                # title changed, a note came or went), the last build's, found without reading every note.
                if edit is None or edit.relisted or state.feed is None:
                    state.feed = [note.key for note in outputs.feed_notes(garden.notes.values())]
                result.graph_json_later = write_extras(
                    garden, writer, None if planned_all else edit, state.feed,
                    laid_out and partial(graph_json_laid_out_ahead, garden, laid_out), graph_later)
                state.layouts = layout.remembered()
                if config.search:  # the index is remade after the site is written; until then, keep the old
                    for rel in searched:
                        writer.keep(rel)
                result.assets = copy_files(config, indexed.assets, writer, result.diagnostics)  # last: never over ours
                if persistent:  # until it is saved below, the cache on disk does not describe the site
                    invalidate_state(config.cache_dir)
                writer.commit()
                result.written = writer.written
                state.outputs = set(writer.paths)
                result.searchable = sorted(path for key, path in state.page_paths.items() if key[0] == "note")
        except BaseException:
            if writer:
                writer.abort()
            raise
    previous_bodies = state.bodies
    bodies.forget_others()
    state.bodies, state.body_keys = bodies, indexed.body_keys
    state.graph, state.folders = graph, garden.folders
    if relisted or not state.folders_of:
        state.folders_of = {key: note.folder for key, note in indexed.notes.items()}
    if state.hints_for != state.names:
        state.hints, state.hints_for = {}, state.names
    result.diagnostics = suggest_links(result.diagnostics, lambda: link_names(indexed.notes.values()),
                                       key=state.names, known=state.hints)
    cached = True
    if writer and persistent:
        try:
            save_state(state, config.cache_dir)
            live = set(bodies.digests.values())
            if previous_bodies and len(rendered) < len(bodies) // 2:  # a few bodies replaced: forget just those
                store.discard({old for key, old in previous_bodies.digests.items()
                               if bodies.digests.get(key) != old} - live)
            else:  # a first build, or most bodies new: sweep the whole store (leftovers of crashed builds too)
                store.prune(live)
        except OSError as exc:  # the site is built; only the next build's head start is lost
            cached = False
            result.notices.append(f"could not save the build cache in {config.cache_dir}: {exc.strerror or exc}; "
                                  "the next build starts from scratch")
    result.notes = len(indexed.notes)
    result.diagnostics.sort(key=lambda d: (d.path, d.line, d.message))
    ended = time.perf_counter()
    result.timings = {name: end - start for (name, start), end in zip(marks, [t for _, t in marks[1:]] + [ended])}
    result.seconds = ended - started
    if write and persistent and cached:
        assert inputs is not None
        fingerprint.remember(config, inputs.fingerprint or fingerprint.settle(config, inputs, state.files), result)
    return result
