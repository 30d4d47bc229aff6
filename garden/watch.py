"""Watch the garden's sources and turn bursts of file events into single rebuild requests.

An editor's save is several events (a temp file written, renamed over the
note, metadata touched); they are gathered until the files have been quiet
for a moment. Editor droppings (swap and backup files, Obsidian's settings)
never trigger a rebuild.
"""

from __future__ import annotations

import fnmatch
import threading
import time
from pathlib import Path
from typing import Callable, Iterable

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.polling import PollingObserver

QUIET_SECONDS = 0.03  # an editor's save is a burst of a few milliseconds
_IGNORED_NAMES = ("*.swp", "*.swx", "*.swo", "*~", ".#*", "#*#", "4913", ".DS_Store", "*.tmp", ".~lock.*")
_IGNORED_DIRS = (".obsidian", ".git", ".trash", "__pycache__", ".garden-cache")


def is_relevant(path: str) -> bool:
    parts = Path(path).parts
    if any(part in _IGNORED_DIRS for part in parts):
        return False
    name = parts[-1] if parts else ""
    return not any(fnmatch.fnmatchcase(name, pattern) for pattern in _IGNORED_NAMES)


class Watcher:
    """Calls `on_change(paths)` once per burst of relevant events under `roots`."""

    def __init__(self, folders: Iterable[Path], files: Iterable[Path], on_change: Callable[[set[str]], None], *,
                 poll: bool = False):
        """`folders` are watched with everything below them, even those created later; `files` one by one."""
        self.folders = tuple(f.resolve() for f in folders)
        self.files = frozenset(f.resolve() for f in files)
        self.on_change = on_change
        self.observer = PollingObserver(timeout=0.25) if poll else Observer()
        self._pending: set[str] = set()
        self._last_event = 0.0
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stopped = threading.Event()
        self.handler = _Handler(self._record)
        self._scheduled: set[Path] = set()
        # A file, or a folder that may appear later (templates/), is noticed through its parent.
        parents = {f.parent for f in self.files} | {f.parent for f in self.folders}
        for parent in parents - set(self.folders):
            if parent.is_dir():
                self.observer.schedule(self.handler, str(parent), recursive=False)
        self._schedule_folders()

    def _schedule_folders(self) -> None:
        for folder in self.folders:
            if folder not in self._scheduled and folder.is_dir():
                self.observer.schedule(self.handler, str(folder), recursive=True)
                self._scheduled.add(folder)
        self._thread = threading.Thread(target=self._debounce, name="garden-watch", daemon=True)

    def start(self) -> None:
        self.observer.start()
        self._thread.start()

    def stop(self) -> None:
        self._stopped.set()
        self._wake.set()
        self.observer.stop()
        self.observer.join(timeout=2)

    def _record(self, path: str) -> None:
        where = Path(path)
        watched = where in self.files or any(where.is_relative_to(folder) for folder in self.folders)
        if not watched or not is_relevant(path):
            return
        if where in self.folders:  # a watched folder was just created: watch inside it too
            self._schedule_folders()
        with self._lock:
            self._pending.add(path)
            self._last_event = time.monotonic()
        self._wake.set()

    def _debounce(self) -> None:
        while not self._stopped.is_set():
            self._wake.wait()
            self._wake.clear()
            while not self._stopped.is_set():  # until the burst has gone quiet
                with self._lock:
                    quiet_for = time.monotonic() - self._last_event
                if quiet_for >= QUIET_SECONDS:
                    break
                time.sleep(QUIET_SECONDS - quiet_for)
            with self._lock:
                paths, self._pending = self._pending, set()
            if paths and not self._stopped.is_set():
                self.on_change(paths)


class _Handler(FileSystemEventHandler):
    def __init__(self, record: Callable[[str], None]):
        self.record = record

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("opened", "closed_no_write"):
            return
        if event.is_directory and event.event_type == "modified":  # its files' own events follow
            return
        self.record(str(event.src_path))
        if getattr(event, "dest_path", ""):
            self.record(str(event.dest_path))
