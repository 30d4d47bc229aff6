"""The body stage: every published note's body, from the cache while still valid, else rendered
(in worker processes when there are many). Rendered HTML goes to the body store; only small
records come back to the build.
"""

from __future__ import annotations

import gc
import os
from concurrent.futures import ProcessPoolExecutor
from html import escape
from pathlib import Path
from typing import Callable, Iterable

from .body import RecordingResolver, html_digest, render_body
from .bodystore import BodyStore
from .charts.library import ChartLibrary
from .config import Config
from .errors import Diagnostic
from .index import Resolver, note_markdown
from .indexing import Indexed
from .markdown.parser import make_parser
from .models import BodyHtml, Chunk, NoteBody, NoteMeta
from .state import BuildState

PARALLEL_THRESHOLD = 200  # below this many notes, worker start-up costs more than it saves
CHUNK = 100  # notes sent to a worker at a time, at most: small enough that the workers finish together
# and progress moves smoothly (a sixteenth of 100,000 notes is 20 s of one core's work)


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
        chunk = max(1, min(len(todo) // (jobs * 8), CHUNK))
        gc.freeze()  # forked workers' collections then leave the objects they share with this process alone
        try:
            with ProcessPoolExecutor(jobs, initializer=_init_worker, initargs=setup) as pool:
                # map yields each chunk's results as it completes, so progress moves during the phase
                _keep_bodies(pool.map(_render_in_worker, todo, chunksize=chunk), len(todo), bodies, store, progress)
        finally:
            gc.unfreeze()
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
