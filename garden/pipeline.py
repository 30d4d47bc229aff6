"""One build, stage by stage: discover → index → bodies → graph → pages → site."""

from __future__ import annotations

import os
import shutil
import time
from html import escape
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Iterable

from . import fingerprint, layout, outputs
from .body import RecordingResolver, html_digest, render_body
from .bodystore import BodyStore
from .charts.library import ChartLibrary, uses_charts
from .charts.store import is_chart_file
from .config import Config
from .discover import discover
from .dirty import describe_edit, stale_extras
from .embeds import Expander, embed_problems
from .errors import CacheMismatch, Diagnostic, GardenError
from .gitdates import git_dates
from .graph import build_graph, update_graph
from .hints import link_names, suggest_links
from .index import Resolver, names_signature, note_markdown, read_note
from .markdown.parser import make_parser
from .models import BodyHtml, Chunk, NoteBody, NoteMeta, SourceFile
from .paths import asset_url
from .pages import write_pages
from .plan import Garden
from .resources import default_dir
from .search import index_files as search_index_files
from .state import CACHE_FILE, BuildState, MetaRecord, load_state, save_state
from .write import SiteWriter, check_output_folder

PARALLEL_THRESHOLD = 200  # below this many notes, worker start-up costs more than it saves


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
    reread: set[str] | None = None  # when the last build's index was patched: the notes read anew


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
    inputs = None  # the fingerprint of what this build reads (see fingerprint.py)
    if write and persistent:
        inputs = fingerprint.take(config)
        last = fingerprint.unchanged(config, inputs)
        if last is not None:  # nothing this build reads changed: the site is as the last build left it
            seconds = time.perf_counter() - started
            return replace(last, written=0, rendered_notes=0, rendered_pages=0, notices=[], seconds=seconds,
                           timings={"nothing changed": seconds})
        fingerprint.forget(config)
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
    # Files found as they were are the very records of the last build: the rest changed.
    changed_files = [f for f in files if state.files[f.rel] is not f] if same_files else None
    state.files = {f.rel: f for f in files}
    result.diagnostics.extend(problems)
    result.sources = set(state.files)

    phase("index")
    indexed = index_garden(config, files, changed_files, state, result.diagnostics)

    phase("render notes")
    store = BodyStore(config.cache_dir / "bodies" if write else None)
    bodies = render_bodies(indexed, config, jobs, state, store, progress)
    for body in bodies.values():
        result.diagnostics.extend(body.diagnostics)
    maybe_new = bodies if indexed.reread is None else indexed.reread
    rendered = {key for key in maybe_new if key in bodies and state.bodies.get(key) is not bodies[key]}
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

    phase("pages")
    # The search index is written after the site, outside the writer: name its files, so they count as stale
    # once search is turned off.
    previous = state.outputs | set(search_index_files(config.output_dir)) if state.outputs and write else None
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
    previous_bodies = state.bodies
    state.bodies, state.body_keys = bodies, indexed.body_keys
    state.graph, state.folders = graph, garden.folders
    if relisted or not state.folders_of:
        state.folders_of = {key: note.folder for key, note in indexed.notes.items()}
    unchanged = not (result.written or result.rendered_notes or relisted or indexed.reread_any)
    cached = True
    if write and persistent and not unchanged:  # a build that changed nothing leaves the cache as it was
        try:
            save_state(state, config.cache_dir)
            live = {body.html_digest for body in bodies.values()}
            if previous_bodies and len(rendered) < len(bodies) // 2:  # a few bodies replaced: forget just those
                store.discard({old.html_digest for key, old in previous_bodies.items()
                               if bodies.get(key) is not old} - live)
            else:  # a first build, or most bodies new: sweep the whole store (leftovers of crashed builds too)
                store.prune(live)
        except OSError as exc:  # the site is built; only the next build's head start is lost
            cached = False
            result.notices.append(f"could not save the build cache in {config.cache_dir}: {exc.strerror or exc}; "
                                  "the next build starts from scratch")
    result.notes = len(indexed.notes)
    result.diagnostics = suggest_links(result.diagnostics, lambda: link_names(indexed.notes.values()),
                                       key=state.names)
    result.diagnostics.sort(key=lambda d: (d.path, d.line, d.message))
    ended = time.perf_counter()
    result.timings = {name: end - start for (name, start), end in zip(marks, [t for _, t in marks[1:]] + [ended])}
    result.seconds = ended - started
    if write and persistent and cached:
        fingerprint.remember(config, inputs, result)
    return result


def index_garden(config: Config, files: list[SourceFile], changed: list[SourceFile] | None, state: BuildState,
                 problems: list[Diagnostic]) -> Indexed:
    """Every note's front-matter and names (re-read only where the file changed), and the resolver.

    `changed`: the files that differ from the last build's, when no file was added or
    removed (None otherwise). When they change no note's names or place in lists, the
    last build's index is patched rather than made again.
    """
    dates = git_dates(config.content_dir) if config.git_dates else {}
    same_dates = dates is state.dates or not (dates or state.dates)
    made_for = (str(config.content_dir), config.raw_html)  # what else shapes the index
    if changed is not None and state.indexed is not None and same_dates and state.indexed_for == made_for:
        patched = _patch_index(config, state.indexed, changed, state, dates)
        if patched is not None:
            problems.extend(state.index_problems)
            return patched
    found_problems: list[Diagnostic] = []
    indexed = _index_all(config, files, changed is not None, state, found_problems, dates)
    state.indexed, state.indexed_for, state.dates, state.index_problems = indexed, made_for, dates, found_problems
    problems.extend(found_problems)
    return indexed


def _read_record(source: SourceFile, dates: dict, previous: MetaRecord | None,
                 problems: list[Diagnostic]) -> MetaRecord | None:
    """The note's index entry: the last build's while its file (and dates) are the same, else read anew."""
    key = (source.digest, dates.get(source.rel), int(source.mtime // 86400))
    if previous is not None and previous.key == key:
        return previous
    try:
        raw = source.path.read_bytes()
    except OSError as exc:
        problems.append(Diagnostic(source.rel, 0, "error", f"cannot read note: {exc.strerror}"))
        return None
    found: list[Diagnostic] = []
    meta = read_note(source, raw, dates, found)
    return MetaRecord(key, meta, tuple(found), uses_charts(raw.decode("utf-8", "replace")))


def _body_key(config: Config, record: MetaRecord, charts: ChartLibrary) -> str:
    """What a body is rendered from: its file's bytes, the options that shape its HTML, the charts it may draw."""
    return f"{record.key[0]}:raw_html={config.raw_html}:{charts.cache_key(record.uses_charts)}"


def _patch_index(config: Config, previous: Indexed, changed: list[SourceFile], state: BuildState,
                 dates: dict) -> Indexed | None:
    """The last build's index with the changed files read again, or None if that is not enough:
    a note's names or place in lists changed, a chart file changed, or a note could not be read."""
    records = dict(state.metas)
    notes, assets, body_keys = previous.notes, previous.assets, previous.body_keys
    reread: set[str] = set()
    for source in changed:
        if is_chart_file(source.rel):
            return None
        if not source.is_note:
            assets = dict(assets) if assets is previous.assets else assets
            assets[source.rel] = source
            continue
        before = records.get(source.rel)
        record = _read_record(source, dates, before, [])
        if record is None or before is None or _listed(record.meta) != _listed(before.meta) \
                or record.problems != before.problems:
            return None
        if record is not before:
            records[source.rel] = record
            reread.add(source.rel)
            if source.rel in notes:
                if notes is previous.notes:
                    notes, body_keys = dict(notes), dict(body_keys)
                notes[source.rel] = record.meta
                body_keys[source.rel] = _body_key(config, record, previous.charts)
    state.metas = records
    return Indexed(notes, assets, previous.resolver, body_keys, previous.charts, True, set(), bool(reread), reread)


def _index_all(config: Config, files: list[SourceFile], same_files: bool, state: BuildState,
               problems: list[Diagnostic], dates: dict) -> Indexed:
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
        previous = previous_records.get(source.rel)
        record = _read_record(source, dates, previous, problems)
        if record is None:
            continue
        if record is not previous:
            reread_any = True
            if previous is None or _listed(previous.meta) != _listed(record.meta):
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
    body_keys = {key: _body_key(config, records[key], charts) for key in published}
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
    todo: list[NoteMeta] = []
    if indexed.reread is None:
        bodies: dict[str, NoteBody] = {}
        looked_at = indexed.notes
    else:  # a patched index: only the notes read anew can have new bodies (the rest keep their places)
        bodies = dict(state.bodies)
        looked_at = {k: indexed.notes[k] for k in sorted(indexed.reread) if k in indexed.notes}
    for key, note in looked_at.items():
        cached = state.body_for(key, indexed.body_keys[key], resolve, names_unchanged)
        # On disk, the HTML of a cached body is assumed there (if it went missing, reading it says so
        # and the build starts afresh): a check per note would cost a file system call each.
        if cached is not None and (store.folder is not None or store.has(cached.html_digest)):
            bodies[key] = cached
        else:
            todo.append(note)
    jobs = jobs or os.cpu_count() or 1
    setup = (indexed.resolver, config.raw_html, indexed.charts, store.folder, config.content_dir)
    if jobs == 1 or len(todo) < PARALLEL_THRESHOLD:
        _init_worker(*setup)
        _keep_bodies(map(_render_in_worker, todo), len(todo), bodies, store, progress)
    else:
        chunk = max(1, len(todo) // (jobs * 8))
        with ProcessPoolExecutor(jobs, initializer=_init_worker, initargs=setup) as pool:
            # map yields each chunk's results as it completes, so progress moves during the phase
            _keep_bodies(pool.map(_render_in_worker, todo, chunksize=chunk), len(todo), bodies, store, progress)
    if indexed.reread is not None:
        return bodies
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


def _init_worker(resolver: Resolver, raw_html: bool, charts: ChartLibrary, store_folder: Path | None,
                 content_dir: Path) -> None:
    global _worker, _worker_made_for
    made_for = (resolver, raw_html, charts.fingerprint, store_folder, content_dir)
    if _worker is not None and made_for[0] is _worker_made_for[0] and made_for[1:] == _worker_made_for[1:]:
        return  # building the parser costs more than rendering a note
    _worker_made_for = made_for
    recorder = RecordingResolver(resolver.resolve)
    _worker = (make_parser(recorder, raw_html=raw_html, charts=charts.lookup), recorder,
               BodyStore(store_folder) if store_folder else None, content_dir)


def _render_in_worker(note: NoteMeta) -> tuple[NoteBody, BodyHtml | None]:
    md, recorder, store, content_dir = _worker
    markdown = ""
    try:
        markdown = note_markdown((content_dir / note.key).read_bytes(), note)
        body, html = render_body(note, markdown, md, recorder)
    except OSError as exc:  # gone or unreadable since it was indexed
        html = BodyHtml((), {})
        body = NoteBody(note.key, html_digest(html), (), (), (), (), (), 0, "",
                        (Diagnostic(note.key, 0, "error", f"cannot read note: {exc.strerror}"),))
    except Exception as exc:  # a bug in a plugin must not take the whole garden down
        message = f"could not render this note ({type(exc).__name__}: {exc}); its source is shown instead"
        html = BodyHtml((Chunk(f"<pre>{escape(markdown)}</pre>"),), {})
        body = NoteBody(note.key, html_digest(html), (), (), (), (), (), 0, "",
                        (Diagnostic(note.key, 1, "error", message, "please report this as a bug in garden"),))
    if store is None:
        return body, html
    store.put(body.html_digest, html)
    return body, None


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
        "feed.xml": lambda: outputs.atom_feed(config, notes, lambda key: garden.bodies[key].summary),
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
