"""One build, stage by stage: discover → index → bodies → graph → pages → site."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import time
from html import escape
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from . import layout, outputs
from .body import RecordingResolver, html_digest, render_body
from .bodystore import BodyStore
from .charts.library import ChartLibrary, uses_charts
from .charts.store import is_chart_file
from .config import Config
from .discover import discover
from .dirty import Edit, describe_edit, dirty_pages, stale_extras
from .embeds import Expander, embed_problems
from .errors import CacheMismatch, Diagnostic, GardenError
from .gitdates import git_dates
from .graph import build_graph, update_graph
from .hints import link_names, suggest_links
from .index import Resolver, names_signature, read_note
from .markdown.parser import make_parser
from .models import BodyHtml, Chunk, NoteBody, NoteMeta, SourceFile
from .paths import asset_url
from .plan import (Garden, PageKey, breadcrumbs, graph_links, nav_sections, intro_pages, page_of, plan_page,
                   plan_pages)
from .render import PageRenderer
from .resources import default_dir
from .search import index_files as search_index_files
from .state import CACHE_FILE, BuildState, MetaRecord, digest, load_state, save_state
from .write import SiteWriter, check_output_folder

PARALLEL_THRESHOLD = 200  # below this many notes, worker start-up costs more than it saves
STYLESHEETS = ("static/style.css",)
PAGE_TEMPLATES = ("note.html", "home.html", "folder.html", "tag.html", "tags.html", "404.html")


class SiteKept(GardenError):
    """A build that failed part-way; the previous site was left as it was."""

    def __init__(self, message: str, diagnostics: list[Diagnostic]):
        super().__init__(message)
        self.diagnostics = diagnostics


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

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.level == "error"]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.level == "warning"]


@dataclass
class Indexed:
    """The garden as the index sees it: notes with their metadata, assets, the resolver."""

    notes: dict[str, NoteMeta]  # published notes that own their URL
    assets: dict[str, SourceFile]
    resolver: Resolver
    body_keys: dict[str, str]  # note -> digest of what its body depends on besides link resolution
    charts: ChartLibrary  # chart scripts and their stored results (neither is published)
    names_unchanged: bool  # no note, title, alias or file added, renamed or removed since the last build
    relisted: set[str]  # notes new, or changed in how lists show them (title, tags, dates...)
    reread_any: bool  # whether any note's file was read anew


def build_site(config: Config, **options) -> BuildResult:
    """Build the garden (see `_build_site`); when the cache turns out not to match the disk part-way,
    the build is abandoned (the site untouched), the cache dropped, and the garden built again from scratch."""
    try:
        return _build_site(config, **options)
    except CacheMismatch as damaged:
        shutil.rmtree(config.cache_dir / "bodies", ignore_errors=True)
        (config.cache_dir / CACHE_FILE).unlink(missing_ok=True)
        if options.get("state") is not None:  # the preview's state, in memory: forget it all
            options["state"].__dict__.update(BuildState().__dict__)
        result = _build_site(config, **options)
        result.notices.insert(0, str(damaged))
        return result


def _build_site(config: Config, *, write: bool = True, jobs: int | None = None, state: BuildState | None = None,
                keep_site_on_failure: bool = False, changed_paths: set[str] | None = None,
                progress: Callable[[str, int, int], None] = lambda phase, done, total: None) -> BuildResult:
    """Build the garden. With `state` (the preview server's), remember results in memory;
    without, use the on-disk cache beside the output folder.

    With `keep_site_on_failure`, a page that fails to render (a template error)
    leaves the previous site in place and raises SiteKept with the problems.

    `changed_paths`: the files changed since the last build with this `state`, when the caller
    knows them (the preview's watcher does); None: every file is looked at.

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
    if state is None:
        state = load_state(config.cache_dir) if write else BuildState()
    if state.notice:
        result.notices.append(state.notice)
        state.notice = ""

    phase("discover")
    rechecking = changed_paths if state.walk_clean else None
    files, problems = discover(config.content_dir, config.ignore, state.files, rechecking)
    state.walk_clean = not problems
    same_files = len(files) == len(state.files) and all(f.rel in state.files for f in files)
    state.files = {f.rel: f for f in files}
    result.diagnostics.extend(problems)
    result.sources = {f.rel for f in files}

    phase("index")
    indexed = index_garden(config, files, same_files, state, result.diagnostics)

    phase("render notes")
    store = BodyStore(config.cache_dir / "bodies" if write else None)
    bodies = render_bodies(indexed, config, jobs, state, store, progress)
    for body in bodies.values():
        result.diagnostics.extend(body.diagnostics)
    rendered = {key for key, body in bodies.items() if state.bodies.get(key, (None, None))[1] is not body}
    result.rendered_notes = len(rendered)
    added_or_removed = set(bodies) ^ set(state.folders_of)
    relisted = indexed.relisted | added_or_removed

    phase("link graph")
    if state.graph is not None and not relisted:  # every note and title as before: redo only what the edit touched
        graph = update_graph(state.graph, indexed.notes, bodies, {k: b for k, (_, b) in state.bodies.items()},
                             rendered)
    else:
        graph = build_graph(indexed.notes, bodies)
    result.diagnostics.extend(graph.diagnostics)
    result.orphans = list(graph.orphans)
    result.diagnostics.extend(embed_problems(bodies))
    edit = describe_edit(rendered | relisted, relisted, state.graph, graph) if state.graph is not None else None
    same_tree = state.folders if edit is not None and not edit.relisted else None
    garden = Garden(config, indexed.notes, bodies, graph, note_urls=indexed.resolver.by_url, tree=same_tree)

    phase("pages")
    # The search index is written after the site, outside the writer: name its files, so they count as stale
    # once search is turned off.
    previous = state.outputs | set(search_index_files(config.output_dir)) if state.outputs and write else None
    writer = SiteWriter(config.output_dir, previous) if write else None
    try:
        expander = Expander(bodies, store)
        result.pages, result.rendered_pages, failed, planned_all = write_pages(garden, writer, state, expander,
                                                                               edit, result.diagnostics)
        if failed and keep_site_on_failure:
            raise SiteKept(f"{failed} page(s) failed to render; the previous site is still served",
                           sorted(result.diagnostics, key=lambda d: (d.level != "error", d.path, d.line)))
        if writer:
            phase("write")
            layout.remember(state.layouts)  # the graph's layout is costly: keep it while links are unchanged
            write_extras(garden, writer, stale_extras(None if planned_all else edit))
            state.layouts = layout.remembered()
            if config.search:  # the index is remade after the site is written; until then, keep the old
                for rel in search_index_files(config.output_dir):
                    writer.keep(rel)
            result.assets = copy_files(config, indexed.assets, writer, result.diagnostics)  # last: never over ours
            writer.commit()
            result.written = writer.written
            state.outputs = set(writer.paths)
    except BaseException:
        if writer:
            writer.abort()
        raise
    state.bodies = {key: (indexed.body_keys[key], body) for key, body in bodies.items()}
    state.graph, state.folders = graph, garden.folders
    state.folders_of = {key: note.folder for key, note in indexed.notes.items()}
    unchanged = not (result.written or result.rendered_notes or relisted or indexed.reread_any)
    if write and persistent and not unchanged:  # a build that changed nothing leaves the cache as it was
        try:
            save_state(state, config.cache_dir)
            store.prune({body.html_digest for body in bodies.values()})
        except OSError as exc:  # the site is built; only the next build's head start is lost
            result.notices.append(f"could not save the build cache in {config.cache_dir}: {exc.strerror or exc}; "
                                  "the next build starts from scratch")
    result.notes = len(indexed.notes)
    result.diagnostics = suggest_links(result.diagnostics, lambda: link_names(indexed.notes.values()),
                                       key=state.names)
    result.diagnostics.sort(key=lambda d: (d.path, d.line, d.message))
    ended = time.perf_counter()
    result.timings = {name: end - start for (name, start), end in zip(marks, [t for _, t in marks[1:]] + [ended])}
    result.seconds = ended - started
    return result


def index_garden(config: Config, files: list[SourceFile], same_files: bool, state: BuildState,
                 problems: list[Diagnostic]) -> Indexed:
    """Every note's front-matter and names (re-read only where the file changed), and the resolver.
    `same_files`: no file added or removed since the last build."""
    dates = git_dates(config.content_dir) if config.git_dates else {}
    metas: list[NoteMeta] = []
    assets: dict[str, SourceFile] = {}
    records: dict[str, MetaRecord] = {}
    relisted: set[str] = set()
    reread_any = False  # any note read anew: the cache must learn its new stamp
    previous_records = state.metas
    for source in files:
        if is_chart_file(source.rel):
            continue
        if not source.is_note:
            assets[source.rel] = source
            continue
        key = (source.digest, dates.get(source.rel), int(source.mtime // 86400))
        record = previous_records.get(source.rel)
        if record is None or record.key != key:
            try:
                raw = source.path.read_bytes()
            except OSError as exc:
                problems.append(Diagnostic(source.rel, 0, "error", f"cannot read note: {exc.strerror}"))
                continue
            found: list[Diagnostic] = []
            meta = read_note(source, raw, dates, found)
            previous = record
            record = MetaRecord(key, meta, tuple(found), uses_charts(meta.body))
            reread_any = True
            if previous is None or _listed(previous.meta) != _listed(meta):
                relisted.add(source.rel)
        records[source.rel] = record
        problems.extend(record.problems)
        metas.append(record.meta)
    state.metas = records
    owners: dict[str, NoteMeta] = {}
    # A note at tags/<tag>.md is welcome: it becomes that tag page's introduction.
    reserved = {"tags/": "the tag index", "404.html": "the 404 page", "static/": "the static files"}
    published: dict[str, NoteMeta] = {}
    for meta in metas:
        if not meta.published:
            continue
        clash = owners.get(meta.url)
        if clash or meta.url in reserved:
            other = clash.key if clash else reserved[meta.url]
            problems.append(Diagnostic(meta.key, 1, "error", f"{meta.key} and {other} both map to the URL "
                                                             f"/{meta.url}; {meta.key} is left out",
                                       "rename one of them or give it a `permalink`"))
            continue
        owners[meta.url] = meta
        published[meta.key] = meta
    asset_urls = {rel: asset_url(rel) for rel in assets}
    folders = {m.folder for m in published.values() if m.folder}
    for folder in list(folders):
        while "/" in folder:
            folder = folder.rpartition("/")[0]
            folders.add(folder)
    kept = [m for m in metas if m.key in published or not m.published]
    # Names come from what lists show of notes (see _listed), and from file paths: with neither changed,
    # every link resolves as before, and the resolver still holds.
    same_names = same_files and not relisted and records.keys() == previous_records.keys()
    names = state.names if same_names else names_signature(kept, asset_urls, folders)
    names_unchanged = names == state.names and state.resolver is not None
    resolver = state.resolver if names_unchanged else Resolver.build(kept, asset_urls, folders)
    state.names, state.resolver = names, resolver
    charts = ChartLibrary.build(files, problems)
    # A body's key: its file's bytes, the options that shape its HTML, and the charts it may draw.
    body_config = f"raw_html={config.raw_html}"
    body_keys = {key: f"{records[key].key[0]}:{body_config}:{charts.cache_key(records[key].uses_charts)}"
                 for key in published}
    return Indexed(published, assets, resolver, body_keys, charts, names_unchanged, relisted, reread_any)


def _listed(meta: NoteMeta) -> tuple:
    """What lists, tag pages, folder pages and breadcrumbs show of a note."""
    return (meta.title, meta.url, meta.description, meta.tags, meta.aliases, meta.stage, meta.created,
            meta.updated, meta.published)


def render_bodies(indexed: Indexed, config: Config, jobs: int | None, state: BuildState, store: BodyStore,
                  progress: Callable[[str, int, int], None] = lambda phase, done, total: None) -> dict[str, NoteBody]:
    """Every published note's body: from the cache when still valid, else rendered (in parallel when many).

    Rendered HTML goes to the body store (written by the workers themselves when
    it is on disk); only the small records come back.
    """
    resolve = indexed.resolver.resolve
    names_unchanged = indexed.names_unchanged
    bodies: dict[str, NoteBody] = {}
    todo: list[NoteMeta] = []
    for key, note in indexed.notes.items():
        cached = state.body_for(key, indexed.body_keys[key], resolve, names_unchanged)
        # On disk, the HTML of a cached body is assumed there (if it went missing, reading it says so
        # and the build starts afresh): a check per note would cost a file system call each.
        if cached is not None and (store.folder is not None or store.has(cached.html_digest)):
            bodies[key] = cached
        else:
            todo.append(note)
    jobs = jobs or os.cpu_count() or 1
    setup = (indexed.resolver, config.raw_html, indexed.charts, store.folder)
    if jobs == 1 or len(todo) < PARALLEL_THRESHOLD:
        _init_worker(*setup)
        _keep_bodies(map(_render_in_worker, todo), len(todo), bodies, store, progress)
    else:
        chunk = max(1, len(todo) // (jobs * 8))
        with ProcessPoolExecutor(jobs, initializer=_init_worker, initargs=setup) as pool:
            # map yields each chunk's results as it completes, so progress moves during the phase
            _keep_bodies(pool.map(_render_in_worker, todo, chunksize=chunk), len(todo), bodies, store, progress)
    return {key: bodies[key] for key in indexed.notes}  # in the index's order, whatever came from where


def _keep_bodies(rendered: Iterable[tuple[NoteBody, BodyHtml | None]], total: int, bodies: dict[str, NoteBody],
                 store: BodyStore, progress: Callable[[str, int, int], None]) -> None:
    for done, (body, html) in enumerate(rendered, 1):
        if html is not None:  # an in-memory store lives in this process
            store.put(body.html_digest, html)
        bodies[body.key] = body
        progress("render notes", done, total)


_worker: tuple | None = None  # (parser, recorder, store), made once per process
_worker_made_for: tuple = ()  # what `_worker` was made from: the preview reuses it while that holds


def _init_worker(resolver: Resolver, raw_html: bool, charts: ChartLibrary, store_folder: Path | None) -> None:
    global _worker, _worker_made_for
    made_for = (resolver, raw_html, charts.fingerprint, store_folder)
    if _worker is not None and made_for[0] is _worker_made_for[0] and made_for[1:] == _worker_made_for[1:]:
        return  # building the parser costs more than rendering a note
    _worker_made_for = made_for
    recorder = RecordingResolver(resolver.resolve)
    _worker = (make_parser(recorder, raw_html=raw_html, charts=charts.lookup), recorder,
               BodyStore(store_folder) if store_folder else None)


def _render_in_worker(note: NoteMeta) -> tuple[NoteBody, BodyHtml | None]:
    md, recorder, store = _worker
    try:
        body, html = render_body(note, md, recorder)
    except Exception as exc:  # a bug in a plugin must not take the whole garden down
        message = f"could not render this note ({type(exc).__name__}: {exc}); its source is shown instead"
        html = BodyHtml((Chunk(f"<pre>{escape(note.body)}</pre>"),), {})
        body = NoteBody(note.key, html_digest(html), (), (), (), (), (), 0, "",
                        (Diagnostic(note.key, 1, "error", message, "please report this as a bug in garden"),))
    if store is None:
        return body, html
    store.put(body.html_digest, html)
    return body, None


def write_pages(garden: Garden, writer: SiteWriter | None, state: BuildState, expander: Expander,
                edit: Edit | None, problems: list[Diagnostic]) -> tuple[int, int, int, bool]:
    """Render the pages an edit can have changed, carrying every other page over unplanned.

    With no `edit` (a first build) or when what every page shows changed
    (templates, configuration, navigation), every page is planned; a planned
    page is rendered only if its digest moved.
    Returns (pages, pages rendered anew, pages that failed, whether all were planned).
    """
    shared = {"nav": nav_sections(garden), "stylesheets": STYLESHEETS, "graph_links": graph_links(garden)}
    renderer = PageRenderer(garden.config, shared, expander.html)
    common = digest(shared, garden.config, dt.date.today().year)
    everything = digest(common, [renderer.template_digest(t) for t in PAGE_TEMPLATES])
    dirty = None
    if writer and edit is not None and everything == state.everything:
        shown_before = state.intros  # a note gone since: where it showed

        def shown_on(key: str) -> PageKey:
            note = garden.notes.get(key)
            return page_of(garden, note) if note else shown_before.get(key, ("note", key))

        dirty = dirty_pages(edit, state.graph, garden.graph, garden.bodies, garden.folders, state.folders_of,
                            shown_on)
    state.everything = everything
    state.intros = intro_pages(garden)
    paths: dict[PageKey, str] = {}  # the pages this build has: carried over, then planned
    digests: dict[str, str] = {}
    if dirty is None:
        planned = plan_pages(garden)
    else:
        for key, path in state.page_paths.items():
            if key not in dirty and writer.keep(path):
                paths[key], digests[path] = path, state.pages[path]
        planned = [page for key in sorted(dirty, key=repr) if key not in paths and (page := plan_page(garden, key))]
    rendered = failed = 0
    written = set(digests)
    for page_plan in planned:
        path = page_plan.output_path
        if path in written:  # the planner should prevent this; never overwrite silently
            problems.append(Diagnostic(path, 0, "error", f"{path} would be written twice; the second is left out"))
            continue
        written.add(path)
        page = page_plan.make()
        crumbs = breadcrumbs(garden, page)
        page_digest = digest(common, renderer.template_digest(page.template), page, crumbs)
        if writer and state.pages.get(path) == page_digest and writer.keep(path):
            paths[page_plan.key], digests[path] = path, page_digest
            continue
        data, problem = renderer.render(page, {"breadcrumbs": crumbs})
        rendered += 1
        if problem:
            problems.append(problem)
            failed += 1
            continue
        paths[page_plan.key], digests[path] = path, page_digest
        if writer:
            writer.put(path, data)
    if writer:
        state.pages, state.page_paths = digests, paths
        if failed:  # a page that failed is in neither: plan every page next time
            state.everything = ""
    return len(paths), rendered, failed, dirty is None


def copy_files(config: Config, assets: dict[str, SourceFile], writer: SiteWriter,
               problems: list[Diagnostic]) -> int:
    """The static folder's files, and the garden's own files (images, PDFs) beside its pages.

    A garden file whose place is taken (by a page, the feed, a static file or
    another file whose folder has the same URL) is left out and reported.
    """
    statics: dict[str, Path] = {}
    for root in (default_dir("static"), config.root / "static"):  # the garden's own files win
        if root.is_dir():
            for path in sorted(root.rglob("*")):
                if path.is_file():
                    statics[path.relative_to(root).as_posix()] = path
    for rel, path in statics.items():
        writer.copy(f"static/{rel}", path)
    copied = 0
    for rel, source in assets.items():
        url = asset_url(rel)
        if writer.claimed(url):
            problems.append(Diagnostic(rel, 0, "error", f"{rel} would be published at /{url}, which is already "
                                                        "taken by another file or page; it is left out",
                                       "rename the file or the folder it is in"))
            continue
        writer.copy(url, source.path)
        copied += 1
    return copied


def write_extras(garden: Garden, writer: SiteWriter, stale: set[str]) -> None:
    """The feed, sitemap, robots.txt and graph data; of the first three, those not `stale` are kept."""
    config = garden.config
    notes = list(garden.notes.values())
    makers = {
        "feed.xml": lambda: outputs.atom_feed(config, notes, {k: b.summary for k, b in garden.bodies.items()}),
        "sitemap.xml": lambda: outputs.sitemap(config, [("", max((n.updated for n in notes if n.updated),
                                                                  default=None))]
                                                       + [(n.url, n.updated) for n in notes if n.url]),
        "graph.json": lambda: outputs.graph_json(garden.notes, garden.graph),
    }
    for name, make in makers.items():
        if name in stale or not writer.keep(name):
            writer.put(name, make())
    writer.put("robots.txt", outputs.robots(config))
    writer.put(".nojekyll", b"")
    if config.cname:
        writer.put("CNAME", (config.cname.strip() + "\n").encode("utf-8"))
