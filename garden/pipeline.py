"""One build, stage by stage: discover → index → bodies → graph → pages → site."""

from __future__ import annotations

import os
import time
from html import escape
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from . import outputs
from .body import RecordingResolver, html_digest, render_body
from .bodystore import BodyStore
from .charts.library import ChartLibrary
from .charts.store import is_chart_file
from .config import Config
from .discover import discover
from .embeds import Expander, embed_problems
from .errors import Diagnostic, GardenError
from .gitdates import git_dates
from .graph import build_graph
from .index import Resolver, read_note
from .markdown.parser import make_parser
from .models import BodyHtml, Chunk, NoteBody, NoteMeta, SourceFile
from .paths import asset_url
from .plan import Garden, breadcrumbs, nav_sections, plan_pages
from .render import PageRenderer
from .resources import default_dir
from .state import BuildState, MetaRecord, digest, load_state, save_state
from .write import SiteWriter, check_output_folder

PARALLEL_THRESHOLD = 200  # below this many notes, worker start-up costs more than it saves
STYLESHEETS = ("static/style.css",)


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


def build_site(config: Config, *, write: bool = True, jobs: int | None = None, state: BuildState | None = None,
               keep_site_on_failure: bool = False,
               progress: Callable[[str], None] = lambda phase: None) -> BuildResult:
    """Build the garden. With `state` (the preview server's), remember results in memory;
    without, use the on-disk cache beside the output folder.

    With `keep_site_on_failure`, a page that fails to render (a template error)
    leaves the previous site in place and raises SiteKept with the problems.
    """
    started = time.perf_counter()
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

    progress("discover")
    files, problems = discover(config.content_dir, config.ignore)
    result.diagnostics.extend(problems)
    result.sources = {f.rel for f in files}

    progress("index")
    indexed = index_garden(config, files, state, result.diagnostics)

    progress("render notes")
    store = BodyStore(config.cache_dir / "bodies" if write else None)
    bodies = render_bodies(indexed, config, jobs, state, store)
    for body in bodies.values():
        result.diagnostics.extend(body.diagnostics)
    result.rendered_notes = sum(1 for key, body in bodies.items() if state.bodies.get(key, (None, None))[1] is not body)

    progress("link graph")
    graph = build_graph(indexed.notes, bodies)
    result.diagnostics.extend(graph.diagnostics)
    result.diagnostics.extend(embed_problems(bodies))
    garden = Garden(config, indexed.notes, bodies, graph)

    progress("pages")
    writer = SiteWriter(config.output_dir) if write else None
    try:
        expander = Expander(bodies, store)
        result.pages, result.rendered_pages, failed = write_pages(garden, writer, state, expander,
                                                                  result.diagnostics)
        if failed and keep_site_on_failure:
            raise SiteKept(f"{failed} page(s) failed to render; the previous site is still served",
                           sorted(result.diagnostics, key=lambda d: (d.level != "error", d.path, d.line)))
        if writer:
            result.assets = copy_files(config, indexed.assets, writer)
            write_extras(garden, writer)
            writer.commit()
            result.written = writer.written
    except BaseException:
        if writer:
            writer.abort()
        raise
    state.bodies = {key: (indexed.body_keys[key], body) for key, body in bodies.items()}
    if write and persistent:
        save_state(state, config.cache_dir)
        store.prune({body.html_digest for body in bodies.values()})
    result.notes = len(indexed.notes)
    result.diagnostics.sort(key=lambda d: (d.path, d.line, d.message))
    result.seconds = time.perf_counter() - started
    return result


def index_garden(config: Config, files: list[SourceFile], state: BuildState,
                 problems: list[Diagnostic]) -> Indexed:
    dates = git_dates(config.content_dir) if config.git_dates else {}
    metas: list[NoteMeta] = []
    assets: dict[str, SourceFile] = {}
    records: dict[str, MetaRecord] = {}
    for source in files:
        if is_chart_file(source.rel):
            continue
        if not source.is_note:
            assets[source.rel] = source
            continue
        key = (source.digest, dates.get(source.rel), int(source.mtime // 86400))
        record = state.metas.get(source.rel)
        if record is None or record.key != key:
            try:
                raw = source.path.read_bytes()
            except OSError as exc:
                problems.append(Diagnostic(source.rel, 0, "error", f"cannot read note: {exc.strerror}"))
                continue
            found: list[Diagnostic] = []
            record = MetaRecord(key, read_note(source, raw, dates, found), tuple(found))
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
    resolver = Resolver.build(kept, asset_urls, folders)
    body_config = digest(config.raw_html)
    charts = ChartLibrary.build(files, problems)
    body_keys = {key: digest(records[key].key[0], body_config, charts.cache_key(meta.body))
                 for key, meta in published.items()}
    return Indexed(published, assets, resolver, body_keys, charts)


def render_bodies(indexed: Indexed, config: Config, jobs: int | None, state: BuildState,
                  store: BodyStore) -> dict[str, NoteBody]:
    """Every published note's body: from the cache when still valid, else rendered (in parallel when many).

    Rendered HTML goes to the body store (written by the workers themselves when
    it is on disk); only the small records come back.
    """
    resolve = indexed.resolver.resolve
    names = indexed.resolver.signature()
    names_unchanged, state.names = names == state.names, names
    bodies: dict[str, NoteBody] = {}
    todo: list[NoteMeta] = []
    for key, note in indexed.notes.items():
        cached = state.body_for(key, indexed.body_keys[key], resolve, names_unchanged)
        if cached is not None and store.has(cached.html_digest):
            bodies[key] = cached
        else:
            todo.append(note)
    jobs = jobs or os.cpu_count() or 1
    setup = (indexed.resolver, config.raw_html, indexed.charts, store.folder)
    if jobs == 1 or len(todo) < PARALLEL_THRESHOLD:
        _init_worker(*setup)
        rendered = [_render_in_worker(note) for note in todo]
    else:
        chunk = max(1, len(todo) // (jobs * 8))
        with ProcessPoolExecutor(jobs, initializer=_init_worker, initargs=setup) as pool:
            rendered = list(pool.map(_render_in_worker, todo, chunksize=chunk))
    for body, html in rendered:
        if html is not None:  # an in-memory store lives in this process
            store.put(body.html_digest, html)
        bodies[body.key] = body
    return {key: bodies[key] for key in indexed.notes}  # in the index's order, whatever came from where


_worker: tuple | None = None  # (parser, recorder, store), made once per process


def _init_worker(resolver: Resolver, raw_html: bool, charts: ChartLibrary, store_folder: Path | None) -> None:
    global _worker
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
                problems: list[Diagnostic]) -> tuple[int, int, int]:
    """Render every planned page, except those whose every input is as it was last time.

    Returns (pages, pages rendered anew, pages that failed).
    """
    shared = {"nav": nav_sections(garden), "stylesheets": STYLESHEETS}
    renderer = PageRenderer(garden.config, shared, expander.html)
    common = digest(shared, garden.config)
    count = rendered = failed = 0
    written: dict[str, str] = {}
    digests: dict[str, str] = {}
    for page in plan_pages(garden):
        if page.output_path in written:  # the planner should prevent this; never overwrite silently
            problems.append(Diagnostic(page.source or page.output_path, 0, "error",
                                       f"{page.output_path} would be written twice (by {written[page.output_path]!r} "
                                       f"and {page.source!r}); the second is left out"))
            continue
        written[page.output_path] = page.source
        crumbs = breadcrumbs(garden, page)
        page_digest = digest(common, renderer.template_digest(page.template), page, crumbs)
        count += 1
        if writer and state.pages.get(page.output_path) == page_digest and writer.keep(page.output_path):
            digests[page.output_path] = page_digest
            continue
        data, problem = renderer.render(page, {"breadcrumbs": crumbs})
        rendered += 1
        if problem:
            problems.append(problem)
            failed += 1
            continue
        digests[page.output_path] = page_digest
        if writer:
            writer.put(page.output_path, data)
    if writer:
        state.pages = digests
    return count - failed, rendered, failed


def copy_files(config: Config, assets: dict[str, SourceFile], writer: SiteWriter) -> int:
    """The garden's own files (images, PDFs) beside its pages, and the static folder's files."""
    for rel, source in assets.items():
        writer.copy(asset_url(rel), source.path)
    statics: dict[str, Path] = {}
    for root in (default_dir("static"), config.root / "static"):  # the garden's own files win
        if root.is_dir():
            for path in sorted(root.rglob("*")):
                if path.is_file():
                    statics[path.relative_to(root).as_posix()] = path
    for rel, path in statics.items():
        writer.copy(f"static/{rel}", path)
    return len(assets)


def write_extras(garden: Garden, writer: SiteWriter) -> None:
    config = garden.config
    notes = list(garden.notes.values())
    writer.put("feed.xml", outputs.atom_feed(config, notes, {k: b.summary for k, b in garden.bodies.items()}))
    pages = [("", max((n.updated for n in notes if n.updated), default=None))]
    pages += [(n.url, n.updated) for n in notes if n.url]
    writer.put("sitemap.xml", outputs.sitemap(config, pages))
    writer.put("robots.txt", outputs.robots(config))
    writer.put("graph.json", outputs.graph_json(garden.notes, garden.graph))
    writer.put(".nojekyll", b"")
    if config.cname:
        writer.put("CNAME", (config.cname.strip() + "\n").encode("utf-8"))
