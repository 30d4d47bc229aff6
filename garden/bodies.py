"""The body stage: every published note's body, from the cache while still valid, else rendered
(in worker processes when there are many). Rendered HTML goes to the body store; only small
records come back to the build.
"""

from __future__ import annotations

import gc
import os
from functools import partial
from html import escape
from pathlib import Path
from typing import Callable, Iterable

from .body import RecordingResolver, render_body, stored_body
from .bodystore import BodyStore
from .charts.library import ChartLibrary
from .config import Config
from .errors import CacheMismatch, Diagnostic
from .index import Resolver, note_markdown
from .indexing import Indexed
from .markdown.parser import make_parser
from .models import BodyHtml, Chunk, NoteBody, NoteMeta
from .notebodies import NoteBodies
from .state import BuildState
from .workers import process_pool

PARALLEL_THRESHOLD = 200  # below this many notes, worker start-up costs more than it saves
CHUNK = 100  # notes sent to a worker at a time, at most: small enough that the workers finish together
# and progress moves smoothly (a sixteenth of 100,000 notes is 20 s of one core's work)


def render_bodies(indexed: Indexed, config: Config, jobs: int | None, state: BuildState, store: BodyStore,
                  progress: Callable[[str, int, int], None] = lambda phase, done, total: None) \
        -> tuple[NoteBodies, set[str]]:
    """Every published note's body: from the cache when still valid, else rendered (in parallel when many);
    and the keys of the notes rendered anew.

    Rendered bodies go to the body store (written by the workers themselves when
    it is on disk); only their records come back.
    """
    resolve = indexed.resolver.resolve
    names_unchanged = indexed.names_unchanged
    previous = state.bodies
    previous.read_from(store)
    todo: list[tuple[NoteMeta, str | None, bool]] = []  # with the digest of the note's last body, if any
    if indexed.reread is None:
        bodies = previous.emptied()
        looked_at = indexed.notes
    else:  # a patched index: only the notes read anew can have new bodies (the rest keep their places)
        bodies = previous.copy()
        looked_at = {k: indexed.notes[k] for k in sorted(indexed.reread) if k in indexed.notes}
    for key, note in looked_at.items():
        if _still_valid(previous, key, state.body_keys.get(key) == indexed.body_keys[key], resolve, names_unchanged,
                        store):
            bodies.carry(key, previous)
        else:
            todo.append((note, previous.digests.get(key), False))
    jobs = jobs or os.cpu_count() or 1
    setup = (indexed.resolver, config.raw_html, indexed.charts, store.folder, store.shared, config.content_dir)
    if jobs == 1 or len(todo) < PARALLEL_THRESHOLD:
        # A few notes, as after an edit: with every name as it was, each takes what its last render resolved
        # (read with its last body), and the resolver is loaded only for a link it did not make then.
        todo = [(note, earlier, names_unchanged) for note, earlier, _ in todo]
        _init_worker(*setup)
        _keep_bodies(map(_render_in_worker, todo), len(todo), bodies, store, progress)
    else:
        chunk = max(1, min(len(todo) // (jobs * 8), CHUNK))
        gc.freeze()  # forked workers' collections then leave the objects they share with this process alone
        try:
            with process_pool(jobs, initializer=_init_worker, initargs=setup) as pool:
                # map yields each chunk's results as it completes, so progress moves during the phase
                _keep_bodies(pool.map(_render_in_worker, todo, chunksize=chunk), len(todo), bodies, store, progress)
        finally:
            gc.unfreeze()
    rendered = {note.key for note, _, _ in todo}
    if indexed.reread is not None:
        return bodies, rendered
    return bodies.in_order(indexed.notes), rendered  # in the index's order, whatever came from where


def _still_valid(previous: NoteBodies, key: str, same_source: bool, resolve, names_unchanged: bool,
                 store: BodyStore) -> bool:
    """Whether the last build's body of the note holds: rendered from the same source, and every link it
    made still resolves the same way. When no note, title, alias or file was added, renamed or removed since
    (`names_unchanged`), every link resolves as before without asking, and the body is not even read."""
    if not same_source or key not in previous:
        return False
    if store.folder is None and not store.has(previous.digests[key]):
        return False
    # On disk, a cached body is assumed there (if it went missing, reading it says so and the build starts
    # afresh): a check per note would cost a file system call each.
    return names_unchanged or all(resolve(target, key) == result for target, result in previous[key].resolutions)


def _keep_bodies(rendered: Iterable[tuple[NoteBody, BodyHtml | None]], total: int, bodies: NoteBodies,
                 store: BodyStore, progress: Callable[[str, int, int], None]) -> None:
    for done, (body, html) in enumerate(rendered, 1):
        if html is not None:  # an in-memory store lives in this process
            store.put(body, html)
        bodies[body.key] = body
        progress("render notes", done, total)


_worker: tuple | None = None  # (parser, recorder, store), made once per process
_worker_made_for: tuple = ()  # what `_worker` was made from: the preview reuses it while that holds


def _init_worker(resolver: Resolver, raw_html: bool, charts: ChartLibrary, store_folder: Path | None,
                 shared_folder: Path | None, content_dir: Path) -> None:
    global _worker, _worker_made_for
    made_for = (resolver, raw_html, charts.fingerprint, store_folder, shared_folder, content_dir)
    if _worker is not None and made_for[0] is _worker_made_for[0] and made_for[1:] == _worker_made_for[1:]:
        return  # building the parser costs more than rendering a note
    _worker_made_for = made_for
    recorder = RecordingResolver(resolver.resolve)
    _worker = (make_parser(recorder, raw_html=raw_html, charts=charts.lookup), recorder,
               BodyStore(store_folder, shared_folder) if store_folder else None, content_dir)


def _render_in_worker(job: tuple[NoteMeta, str | None, bool]) -> tuple[NoteBody, BodyHtml | None]:
    """`job`: the note, the digest of its last body if any, and whether what that body resolved still holds."""
    note, earlier, same_names = job
    md, recorder, store, content_dir = _worker
    markdown = ""
    try:
        markdown = note_markdown((content_dir / note.key).read_bytes(), note)
        conversions = partial(_conversions_of, store, earlier) if store and earlier else None
        resolutions = partial(_resolutions_of, store, earlier) if store and earlier and same_names else None
        body, html = render_body(note, markdown, md, recorder, conversions, resolutions)
    except OSError as exc:  # gone or unreadable since it was indexed
        body, html = _failed(note, BodyHtml((), {}), Diagnostic(note.key, 0, "error",
                                                                f"cannot read note: {exc.strerror}"))
    except Exception as exc:  # a bug in a plugin must not take the whole garden down
        message = f"could not render this note ({type(exc).__name__}: {exc}); its source is shown instead"
        body, html = _failed(note, BodyHtml((Chunk(f"<pre>{escape(markdown)}</pre>"),), {}),
                             Diagnostic(note.key, 1, "error", message, "please report this as a bug in garden"))
    if store is None:
        return body, html
    store.put(body, html)
    return body, None


def _conversions_of(store: BodyStore, digest: str) -> dict[tuple[str, ...], str]:
    """What a stored body's render converted; nothing if it cannot be read: they are only a head start."""
    try:
        return store.html(digest).conversions
    except CacheMismatch:
        return {}


def _resolutions_of(store: BodyStore, digest: str) -> tuple:
    """What a stored body's render resolved; nothing if it cannot be read: the resolver answers then."""
    try:
        return store.record(digest).resolutions
    except CacheMismatch:
        return ()


def _failed(note: NoteMeta, html: BodyHtml, problem: Diagnostic) -> tuple[NoteBody, BodyHtml]:
    return stored_body(html, key=note.key, block_ids=(), headings=(), links=(), embeds=(), tags=(), words=0,
                       summary="", diagnostics=(problem,))
