"""The index stage: every note's front-matter and names, and the resolver made from them.

A note is read again only when its file changed; when the changed files alter
no note's names or place in lists, the last build's index is patched rather
than made again, so an edit costs what it touches.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import MutableMapping

from .charts.library import ChartLibrary, uses_charts
from .charts.store import is_chart_file
from .config import Config
from .errors import Diagnostic
from .gitdates import git_dates
from .index import Resolver, names_signature, read_note
from .models import NoteMeta, SourceFile
from .paths import asset_url
from .state import BuildState, MetaRecord
from .workers import process_pool

PARALLEL_THRESHOLD = 1000  # notes to read before worker processes pay for their start-up


@dataclass
class Indexed:
    """The garden as the index sees it: notes with their metadata, assets, the resolver."""

    notes: MutableMapping[str, NoteMeta]  # published notes that own their URL (from the cache: see rows.py)
    assets: dict[str, SourceFile]
    resolver: Resolver
    body_keys: dict[str, str]  # note -> digest of what its body depends on besides link resolution
    charts: ChartLibrary  # chart scripts and their stored results (neither is published)
    names_unchanged: bool  # no note, title, alias or file added, renamed or removed since the last build
    relisted: set[str]  # notes new, or changed in how lists show them (title, tags, dates...)
    reread_any: bool  # whether any note's file was read anew
    reread: set[str] | None = None  # when the last build's index was patched: the notes read anew


def index_garden(config: Config, files: list[SourceFile], changed: list[SourceFile] | None, state: BuildState,
                 problems: list[Diagnostic], jobs: int | None = None) -> Indexed:
    """Every note's front-matter and names (re-read only where the file changed), and the resolver.

    `changed`: the files that differ from the last build's, when no file was added or
    removed (None otherwise). When they change no note's names or place in lists, the
    last build's index is patched rather than made again.
    """
    known = state.dates or (None, {})
    found = git_dates(config.content_dir, known) if config.git_dates else (None, {})
    dates = found[1]
    same_dates = found is known or not (dates or known[1])
    made_for = (str(config.content_dir), config.raw_html)  # what else shapes the index
    if changed is not None and state.indexed is not None and same_dates and state.indexed_for == made_for:
        patched = _patch_index(config, state.indexed, changed, state, dates)
        if patched is not None:
            state.indexed = patched  # the next patch starts from this one, never from an older index
            problems.extend(state.index_problems)
            return patched
    found_problems: list[Diagnostic] = []
    indexed = _index_all(config, files, changed is not None, state, found_problems, dates, jobs)
    state.indexed, state.indexed_for, state.dates, state.index_problems = indexed, made_for, found, found_problems
    problems.extend(found_problems)
    return indexed


def _read_record(source: SourceFile, dates: dict, previous: MetaRecord | None,
                 problems: list[Diagnostic]) -> MetaRecord | None:
    """The note's index entry: the last build's while its file (and dates) are the same, else read anew."""
    if previous is not None and previous.key == _record_key(source, dates):
        return previous
    record, problem = _read_new(source, dates)
    problems.extend(problem)
    return record


def _record_key(source: SourceFile, dates: dict) -> tuple:
    return source.digest, dates.get(source.rel), int(source.mtime // 86400)


def _read_new(source: SourceFile, dates: dict) -> tuple[MetaRecord | None, tuple[Diagnostic, ...]]:
    """The note read from its file, or why it could not be."""
    try:
        raw = Path(source.path).read_bytes()
    except OSError as exc:
        return None, (Diagnostic(source.rel, 0, "error", f"cannot read note: {exc.strerror}"),)
    found: list[Diagnostic] = []
    meta = read_note(source, raw, dates, found)
    return MetaRecord(_record_key(source, dates), meta, tuple(found), uses_charts(raw.decode("utf-8", "replace"))), ()


def _read_records(notes: list[SourceFile], dates: dict, previous: dict[str, MetaRecord], jobs: int | None,
                  problems: list[Diagnostic]) -> list[MetaRecord | None]:
    """Each note's record, in order: the last build's where still valid, else read anew, in worker
    processes when there are many (front-matter takes half a millisecond a note: 5 s at 10,000)."""
    records: list[MetaRecord | None] = [previous.get(s.rel) for s in notes]
    stale = [i for i, (s, r) in enumerate(zip(notes, records)) if r is None or r.key != _record_key(s, dates)]
    todo = [notes[i] for i in stale]
    jobs = jobs or os.cpu_count() or 1
    if jobs == 1 or len(todo) < PARALLEL_THRESHOLD:
        read = [_read_new(source, dates) for source in todo]
    else:
        with process_pool(jobs, initializer=_set_worker_dates, initargs=(dates,)) as pool:
            read = list(pool.map(_read_in_worker, todo, chunksize=max(1, len(todo) // (jobs * 8))))
    for i, (record, problem) in zip(stale, read):
        records[i] = record
        problems.extend(problem)
    return records


_worker_dates: dict = {}  # a worker's copy of the build's git dates, given once rather than with every note


def _set_worker_dates(dates: dict) -> None:
    global _worker_dates
    _worker_dates = dates


def _read_in_worker(source: SourceFile) -> tuple[MetaRecord | None, tuple[Diagnostic, ...]]:
    return _read_new(source, _worker_dates)


def _body_key(config: Config, record: MetaRecord, charts: ChartLibrary) -> str:
    """What a body is rendered from: its file's bytes, the options that shape its HTML, the charts it may draw."""
    return f"{record.key[0]}:raw_html={config.raw_html}:{charts.cache_key(record.uses_charts)}"


def _patch_index(config: Config, previous: Indexed, changed: list[SourceFile], state: BuildState,
                 dates: dict) -> Indexed | None:
    """The last build's index with the changed files read again, or None if that is not enough:
    a note's names or place in lists changed, a chart file changed, or a note could not be read."""
    records = state.metas.copy()  # (read from the cache, a copy reads only the rows asked for: see rows.py)
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
                    notes, body_keys = notes.copy(), dict(body_keys)
                notes[source.rel] = record.meta
                body_keys[source.rel] = _body_key(config, record, previous.charts)
    state.metas = records
    return Indexed(notes, assets, previous.resolver, body_keys, previous.charts, True, set(), bool(reread), reread)


def _index_all(config: Config, files: list[SourceFile], same_files: bool, state: BuildState,
               problems: list[Diagnostic], dates: dict, jobs: int | None) -> Indexed:
    metas: list[NoteMeta] = []
    assets = {s.rel: s for s in files if not s.is_note and not is_chart_file(s.rel)}
    records: dict[str, MetaRecord] = {}
    relisted: set[str] = set()
    reread_any = False  # any note read anew: the cache must learn its new stamp
    previous_records = state.metas
    notes = [s for s in files if s.is_note and not is_chart_file(s.rel)]
    for source, record in zip(notes, _read_records(notes, dates, previous_records, jobs, problems)):
        previous = previous_records.get(source.rel)
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
