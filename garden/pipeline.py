"""One build, stage by stage: discover → index → bodies → graph → pages → site."""

from __future__ import annotations

import os
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from . import outputs
from .body import render_body
from .config import Config
from .discover import discover
from .embeds import expand_embeds
from .errors import Diagnostic
from .gitdates import git_dates
from .graph import build_graph
from .index import Resolver, read_note
from .markdown.code import pygments_css
from .markdown.parser import make_parser
from .models import NoteBody, NoteMeta, SourceFile
from .paths import asset_url
from .plan import Garden, breadcrumbs, nav_sections, plan_pages
from .render import PageRenderer
from .resources import default_dir
from .write import SiteWriter, check_output_folder

PARALLEL_THRESHOLD = 200  # below this many notes, worker start-up costs more than it saves
STYLESHEETS = ("static/style.css", "static/highlight.css")


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


def build_site(config: Config, *, write: bool = True, jobs: int | None = None,
               progress: Callable[[str], None] = lambda phase: None) -> BuildResult:
    started = time.perf_counter()
    result = BuildResult(output=config.output_dir if write else None)
    result.diagnostics.extend(config.warnings)
    if write:
        check_output_folder(config.output_dir, config.content_dir, config.root)

    progress("discover")
    files, problems = discover(config.content_dir, config.ignore)
    result.diagnostics.extend(problems)
    result.sources = {f.rel for f in files}

    progress("index")
    indexed = index_garden(config, files, result.diagnostics)

    progress("render notes")
    bodies = render_bodies(indexed, config, jobs)
    for body in bodies.values():
        result.diagnostics.extend(body.diagnostics)

    progress("link graph")
    graph = build_graph(indexed.notes, bodies)
    result.diagnostics.extend(graph.diagnostics)
    expanded = {key: expand_embeds(key, bodies, result.diagnostics) for key in bodies}
    garden = Garden(config, indexed.notes, expanded, {k: b.words for k, b in bodies.items()},
                    {k: b.headings for k, b in bodies.items()}, {k: b.summary for k, b in bodies.items()}, graph)

    progress("pages")
    writer = SiteWriter(config.output_dir) if write else None
    try:
        result.pages = write_pages(garden, writer, result.diagnostics)
        if writer:
            result.assets = copy_files(config, indexed.assets, writer)
            write_extras(garden, writer)
            writer.commit()
            result.written = writer.written
    except BaseException:
        if writer:
            writer.abort()
        raise
    result.notes = len(indexed.notes)
    result.diagnostics.sort(key=lambda d: (d.path, d.line, d.message))
    result.seconds = time.perf_counter() - started
    return result


def index_garden(config: Config, files: list[SourceFile], problems: list[Diagnostic]) -> Indexed:
    dates = git_dates(config.content_dir) if config.git_dates else {}
    metas: list[NoteMeta] = []
    assets: dict[str, SourceFile] = {}
    for source in files:
        if not source.is_note:
            assets[source.rel] = source
            continue
        try:
            raw = source.path.read_bytes()
        except OSError as exc:
            problems.append(Diagnostic(source.rel, 0, "error", f"cannot read note: {exc.strerror}"))
            continue
        metas.append(read_note(source, raw, dates, problems))

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
    return Indexed(published, assets, resolver)


def render_bodies(indexed: Indexed, config: Config, jobs: int | None) -> dict[str, NoteBody]:
    notes = list(indexed.notes.values())
    jobs = jobs or os.cpu_count() or 1
    if jobs == 1 or len(notes) < PARALLEL_THRESHOLD:
        md = make_parser(indexed.resolver.resolve, raw_html=config.raw_html)
        return {note.key: _render_safely(note, md) for note in notes}
    chunk = max(1, len(notes) // (jobs * 8))
    with ProcessPoolExecutor(jobs, initializer=_init_worker, initargs=(indexed.resolver, config.raw_html)) as pool:
        return {body.key: body for body in pool.map(_render_in_worker, notes, chunksize=chunk)}


_worker_parser = None


def _init_worker(resolver: Resolver, raw_html: bool) -> None:
    global _worker_parser
    _worker_parser = make_parser(resolver.resolve, raw_html=raw_html)


def _render_in_worker(note: NoteMeta) -> NoteBody:
    return _render_safely(note, _worker_parser)


def _render_safely(note: NoteMeta, md) -> NoteBody:
    """A note that crashes the renderer is reported and shown as its source, not the end of the build."""
    try:
        return render_body(note, md)
    except Exception as exc:  # a bug in a plugin must not take the whole garden down
        from html import escape

        from .models import Chunk

        message = f"could not render this note ({type(exc).__name__}: {exc}); its source is shown instead"
        return NoteBody(note.key, (Chunk(f"<pre>{escape(note.body)}</pre>"),), {}, (), (), (), (), 0, "",
                        (Diagnostic(note.key, 1, "error", message, "please report this as a bug in garden"),))


def write_pages(garden: Garden, writer: SiteWriter | None, problems: list[Diagnostic]) -> int:
    renderer = PageRenderer(garden.config, {"nav": nav_sections(garden), "stylesheets": STYLESHEETS})
    count = 0
    written: dict[str, str] = {}
    for page in plan_pages(garden):
        if page.output_path in written:  # the planner should prevent this; never overwrite silently
            problems.append(Diagnostic(page.source or page.output_path, 0, "error",
                                       f"{page.output_path} would be written twice (by {written[page.output_path]!r} "
                                       f"and {page.source!r}); the second is left out"))
            continue
        written[page.output_path] = page.source
        data, problem = renderer.render(page, {"breadcrumbs": breadcrumbs(garden, page)})
        if problem:
            problems.append(problem)
            continue
        count += 1
        if writer:
            writer.put(page.output_path, data)
    return count


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
    writer.put("static/highlight.css", pygments_css().encode("utf-8"))
    writer.put("feed.xml", outputs.atom_feed(config, notes, garden.summaries))
    pages = [("", max((n.updated for n in notes if n.updated), default=None))]
    pages += [(n.url, n.updated) for n in notes if n.url]
    writer.put("sitemap.xml", outputs.sitemap(config, pages))
    writer.put("robots.txt", outputs.robots(config))
    writer.put("graph.json", outputs.graph_json(garden.notes, garden.graph))
    writer.put(".nojekyll", b"")
    if config.cname:
        writer.put("CNAME", (config.cname.strip() + "\n").encode("utf-8"))
