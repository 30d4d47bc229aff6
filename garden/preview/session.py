"""One preview session: the first build, then a debounced build loop driven by the watcher.

The server always serves a complete site: each build is written beside the
old one and swapped in, and a build that fails leaves the last good site in
place while the browser shows what went wrong.
"""

from __future__ import annotations

import errno
import signal
import sys
import tempfile
import threading
import time
from contextlib import contextmanager, nullcontext
from dataclasses import replace
from pathlib import Path
from typing import Callable, Iterator, TextIO

from .. import layout
from ..config import Config, load_config
from ..errors import Diagnostic, GardenError
from ..lock import site_lock
from ..pipeline import BuildResult, SiteKept, build_site
from ..search import SearchError, index_site
from ..statefile import load_state
from ..watch import Watcher
from ..write import replace_file
from .server import Broadcast, make_server

PORT_TRIES = 20
SEARCH_SETTLE_SECONDS = 2.0  # the search index is remade once edits have paused this long


class PreviewSession:
    """Owns the site folder, the in-memory build state, and the rebuild loop."""

    def __init__(self, config_path: Path | None, overrides: dict, *, output: Path | None = None,
                 log: TextIO | None = None, on_built: Callable[[BuildResult], None] | None = None,
                 run_charts: bool = False):
        """`run_charts`: rerun chart scripts whose source or arguments changed (only when asked)."""
        self.run_charts = run_charts
        self._charts_running = threading.Lock()
        self.config_path = config_path
        self.overrides = overrides
        self.log = log or sys.stderr
        config = self._load_config()
        self.state = load_state(config.cache_dir)  # notes that `garden build` rendered are reused
        self._temporary = None
        if output is None:  # the preview's site lives apart from the one you deploy
            self._temporary = tempfile.TemporaryDirectory(prefix="garden-preview-")
            output = Path(self._temporary.name) / "site"
        self.config = replace(config, output=str(output.resolve()))
        # Where those notes' bodies are, when the preview's own cache is elsewhere: read, never written or removed.
        self._shared_bodies = config.cache_dir / "bodies" if config.cache_dir != self.config.cache_dir else None
        self.broadcast = Broadcast()
        self.on_built = on_built
        self._dirty = threading.Event()
        self._stopping = threading.Event()
        self._config_changed = False
        self._changed: set[str] = set()  # paths saved since the last build
        self._changed_lock = threading.Lock()
        self._thread = threading.Thread(target=self._loop, name="garden-build", daemon=True)
        # The search index is remade in the background, so it never delays a reload; the lock keeps
        # its swap apart from a build writing the site.
        self._site_lock = threading.Lock()
        self._search_due = threading.Event()
        self._searchable: list[str] | None = None  # the last build's pages with a note's article, for the index
        self._search_thread = threading.Thread(target=self._search_loop, name="garden-search", daemon=True)

    def _load_config(self) -> Config:
        return load_config(self.config_path, **self.overrides)

    # --- building ---------------------------------------------------------------------------

    def build_once(self, changed: set[str] | None = None) -> BuildResult | None:
        """Build the site; `changed`: the paths saved since the last build, if known."""
        started = time.perf_counter()
        try:
            with self._writing_site():
                result = build_site(self.config, state=self.state, keep_site_on_failure=True, changed_paths=changed,
                                    shared_bodies=self._shared_bodies, graph_later=True)
        except SiteKept as kept:
            self._problems([f"{d.path}:{d.line}: {d.message}" for d in kept.diagnostics if d.level == "error"],
                           str(kept))
            return None
        except GardenError as exc:
            self._problems([str(exc)], "build failed; the last good site is still served")
            return None
        except Exception as exc:  # a bug: say so, keep serving
            self._problems([f"{type(exc).__name__}: {exc}"], "internal error; the last good site is still served")
            return None
        errors = [self._where(d) for d in result.diagnostics if d.level == "error"]
        for diagnostic in result.diagnostics:
            print(self._where(diagnostic), file=self.log)
        for notice in result.notices:  # e.g. why everything was built again
            print(f"garden: note: {notice}", file=self.log)
        print(f"built in {(time.perf_counter() - started) * 1000:.0f} ms: {result.rendered_notes} notes and "
              f"{result.rendered_pages} pages redone, {len(errors)} errors", file=self.log)
        self.broadcast.send("problems", errors)
        self.broadcast.send("reload", {"pages": result.rendered_pages})
        if result.graph_json_later:
            self._write_graph_json(result.graph_json_later)
        if self.config.search:
            self._searchable = result.searchable
            self._search_due.set()
        if self.run_charts and any(_needs_chart_run(d) for d in result.diagnostics):
            threading.Thread(target=self._refresh_charts, name="garden-charts", daemon=True).start()
        if self.on_built:
            self.on_built(result)
        return result

    @contextmanager
    def _writing_site(self) -> Iterator[None]:
        """Held while the site is written: apart from the search index's swap, and, for a preview written to a
        folder of the user's (--output), locked as `garden build` locks it."""
        shared = site_lock(self.config.output_dir, self.config.cache_dir) if self._temporary is None \
            else nullcontext()
        with self._site_lock, shared:
            yield

    def _write_graph_json(self, make: Callable[[], bytes]) -> None:
        """The graph data a build put off, once the reload is sent: its layout takes a second or more in a big
        garden, and only the graph pages show it (they reload on the "graph" event). Here, in the build's own
        thread, the next build waits for it. If it fails, the next build starts the graph afresh."""
        try:
            data = make()
            with self._writing_site():
                replace_file(self.config.output_dir / "graph.json", data)
        except Exception as exc:  # a bug, or the disk: the site keeps the old graph until a build makes it
            self.state.graph = None
            self._problems([f"{type(exc).__name__}: {exc}"], "could not write the graph data")
            return
        self.state.layouts = layout.remembered()
        self.broadcast.send("graph", {})

    def _refresh_charts(self) -> None:
        """Rerun changed chart scripts in the background; their new data files, being in the
        content folder, are seen by the watcher and rebuild the page like any save."""
        from ..charts.refresh import refresh_charts

        if not self._charts_running.acquire(blocking=False):
            return  # one run at a time; the next build asks again if still needed
        try:
            for run in refresh_charts(self.config, only_stale=True):
                if run.status != "up to date":
                    detail = f": {run.message}" if run.message else ""
                    print(f"chart {run.script}: {run.status}{detail}", file=self.log)
        except Exception as exc:  # a chart run must never take the preview down
            print(f"garden: running charts failed: {exc}", file=self.log)
        finally:
            self._charts_running.release()

    def _where(self, d: Diagnostic) -> str:
        return f"{self.config.content}/{d.path}:{d.line}: {d.level}: {d.message}" if d.line else \
            f"{d.path}: {d.level}: {d.message}"

    def _problems(self, problems: list[str], headline: str) -> None:
        print(f"garden: {headline}", file=self.log)
        for problem in problems:
            print(f"  {problem}", file=self.log)
        self.broadcast.send("problems", problems)

    def request_build(self, paths: set[str]) -> None:
        config_file = (self.config_path or self.config.root / "garden.yaml").resolve()
        if any(Path(p) == config_file for p in paths):
            self._config_changed = True
        with self._changed_lock:
            self._changed |= paths
        self._dirty.set()

    def _loop(self) -> None:
        while not self._stopping.is_set():
            self._dirty.wait()
            if self._stopping.is_set():
                return
            self._dirty.clear()
            with self._changed_lock:
                changed, self._changed = self._changed, set()
            if self._config_changed:
                changed = None  # the content folder itself may have moved
                self._config_changed = False
                try:
                    output = self.config.output
                    self.config = replace(self._load_config(), output=output)
                except GardenError as exc:
                    self._problems([str(exc)], "garden.yaml has problems; the last good site is still served")
                    continue
            self.build_once(changed)

    def _search_loop(self) -> None:
        while not self._stopping.is_set():
            self._search_due.wait()
            while not self._stopping.is_set():  # wait until no build has asked for an index for a while
                self._search_due.clear()
                if self._stopping.wait(SEARCH_SETTLE_SECONDS):
                    return
                if not self._search_due.is_set() and not self._dirty.is_set():
                    break
            if self._stopping.is_set():
                return
            try:
                index = index_site(self.config.output_dir, self._searchable, lock=self._site_lock)
            except SearchError as exc:
                print(f"garden: {exc}", file=self.log)
                continue
            print(f"search index updated: {index.summary()}", file=self.log)

    # --- serving ---------------------------------------------------------------------------

    def watched(self) -> tuple[list[Path], list[Path]]:
        """Folders and files whose changes rebuild the site."""
        root = self.config.root
        return ([self.config.content_dir, root / "templates", root / "static"],
                [self.config_path or root / "garden.yaml"])

    def serve(self, host: str, port: int, *, poll: bool = False, ready: Callable[[str], None] | None = None) -> None:
        # Watching starts before the first build, so a note saved while it runs gets a build of its own.
        folders, files = self.watched()
        watcher = Watcher(folders, files, self.request_build, poll=poll)
        watcher.start()
        try:
            if self.build_once() is None and not (self.config.output_dir / "index.html").exists():
                print("garden: the first build failed; fix the problems above and save to try again", file=self.log)
            server = self.server = bind(self.config.output_dir, host, port, self.broadcast, self.log)
        except BaseException:
            watcher.stop()
            raise
        url = f"http://{host}:{server.server_address[1]}/"
        self._thread.start()
        self._search_thread.start()
        print(f"serving {url} (Ctrl+C to stop)", file=self.log)
        if ready:
            ready(url)
        previous = _stop_on_sigterm()
        try:
            server.serve_forever(poll_interval=0.2)
        except KeyboardInterrupt:
            pass
        finally:
            self.stop(server, watcher)
            if previous is not None:
                signal.signal(signal.SIGTERM, previous)

    def shutdown(self) -> None:
        """Stop serving (from another thread); `serve` then cleans up and returns."""
        self.server.shutdown()

    def stop(self, server, watcher) -> None:
        """Let a build in progress finish (never leave a half-written site), then close."""
        self._stopping.set()
        self._dirty.set()
        watcher.stop()
        self._search_due.set()
        for thread in (self._thread, self._search_thread):
            if thread.is_alive():
                thread.join(timeout=30)
        self.broadcast.close()
        server.server_close()
        if self._temporary:
            self._temporary.cleanup()
        print("garden: stopped", file=self.log)


def _stop_on_sigterm():
    """SIGTERM ends the preview as Ctrl+C does: cleanly. Only the main thread may install it."""
    if threading.current_thread() is not threading.main_thread():
        return None

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    return signal.signal(signal.SIGTERM, interrupt)


def bind(site: Path, host: str, port: int, broadcast: Broadcast, log: TextIO):
    """The server on `port`, or on the next free one, saying so."""
    for candidate in range(port, port + PORT_TRIES):
        try:
            server = make_server(site, host, candidate, broadcast)
        except OSError as exc:
            if exc.errno != errno.EADDRINUSE:
                raise GardenError(f"cannot serve on {host}:{candidate}: {exc.strerror}") from None
            continue
        if candidate != port:
            print(f"port {port} is in use; using {candidate}", file=log)
        return server
    raise GardenError(f"ports {port}–{port + PORT_TRIES - 1} are all in use; choose another with --port")


def _needs_chart_run(diagnostic: Diagnostic) -> bool:
    message = diagnostic.message
    return message.startswith("chart ") and ("is stale" in message or "has not been computed" in message)
