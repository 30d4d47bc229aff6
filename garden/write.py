"""Write the site so that it is always whole: the old one stays until the new one is complete.

Two ways, chosen by how much changed:
- A build that changes a little (an edit in the preview, a warm build) keeps
  the changed files in memory and applies them at the end in one short step,
  each file replaced by rename, with Ctrl+C held off until it is done. No
  unchanged file is touched, so a build that changes nothing writes nothing.
- A build that changes a lot (the first one) writes a new site beside the old,
  hard-linking unchanged files from it, and swaps the two folders.
Nothing is ever written outside the output folder.
"""

from __future__ import annotations

import os
import posixpath
import shutil
import signal
import tempfile
import threading
from contextlib import contextmanager
from pathlib import Path

from .errors import CacheMismatch, OutputFolderError

MARKER = ".garden-build"  # says: this folder is a site garden wrote, safe to replace
PATCH_LIMIT_FILES = 1500  # more changed files than this, and a fresh folder is cheaper
PATCH_LIMIT_BYTES = 48 * 1024 * 1024


def check_output_folder(output: Path, content: Path, root: Path) -> None:
    """Refuse an output folder whose replacement would destroy the user's files."""
    output, content, root = output.resolve(), content.resolve(), root.resolve()
    home = Path.home().resolve()
    for other, name in ((content, "the content folder"), (root, "the garden's root folder")):
        if output == other or other.is_relative_to(output):
            raise OutputFolderError(f"output folder {output} is {name} or contains it; "
                                    "choose a folder of its own, such as public/")
    if output in (Path("/"), home) or output.is_relative_to(content):
        raise OutputFolderError(f"output folder {output} must not be / , your home folder, "
                                "or inside the content folder")
    if output.exists() and (not output.is_dir() or (any(output.iterdir()) and not (output / MARKER).exists())):
        raise OutputFolderError(f"output folder {output} exists and was not written by garden; "
                                "refusing to replace it (empty it or choose another folder)")


class SiteWriter:
    """Collects the new site; `commit` puts it in place whole, `abort` leaves no trace."""

    def __init__(self, output: Path, previous: set[str] | None = None):
        """`previous`: the files the last build wrote, if known, so finding stale ones needs no walk."""
        self.previous = previous
        self.output = output.resolve()
        self.output.parent.mkdir(parents=True, exist_ok=True)
        _remove_stale_staging(self.output)
        self.written = 0  # files whose bytes changed
        self.kept = 0  # files identical to the old site's
        self.paths: set[str] = set()
        self.staging: Path | None = None
        self.changes: dict[str, bytes | Path] = {}  # patch mode: what to write at commit
        self.change_bytes = 0
        if not (self.output / MARKER).exists():
            self._start_staging()

    # --- collecting ---------------------------------------------------------------------------

    def put(self, rel: str, data: bytes) -> None:
        rel = self._claim(rel)
        if _same_bytes(self.output / rel, data):
            self._keep(rel)
        else:
            self._change(rel, data)

    def copy(self, rel: str, source: Path) -> None:
        rel = self._claim(rel)
        old = self.output / rel
        if old.is_file() and _same_file(old, source):
            self._keep(rel)
        else:
            self._change(rel, source)

    def carry(self, rels: list[str]) -> list[str]:
        """Keep many files of the last build at once; returns those that could not be kept."""
        if self.staging is None and self.previous is not None:  # patching: trusted, as in `keep`, and known valid
            fresh = [rel for rel in rels if rel not in self.paths]
            if len(fresh) == len(rels) and all(rel in self.previous for rel in rels):
                self.paths.update(rels)
                self.kept += len(rels)
                return []
        return [rel for rel in rels if not self.keep(rel)]

    def stager(self) -> Stager:
        """For worker processes that place pages in the new folder themselves (see `adopt`)."""
        if not self.staging:
            self._start_staging()
        return Stager(self.output, self.staging)  # type: ignore[arg-type]

    def adopt(self, rel: str, changed: bool) -> None:
        """Count a file a `Stager` placed: `changed` if its bytes differ from the old site's."""
        self._claim(rel)
        if changed:
            self.written += 1
        else:
            self.kept += 1

    def claimed(self, rel: str) -> bool:
        """Whether something is already written (or kept) at `rel`."""
        return posixpath.normpath(rel) in self.paths

    def keep(self, rel: str) -> bool:
        """Carry a file over from the old site unchanged; False if there is none to carry.

        A file the last build wrote is trusted to be there while the site is patched in place;
        a new folder is made only of files that exist."""
        trusted = self.staging is None and self.previous is not None and rel in self.previous
        if not trusted and not os.path.isfile(os.path.join(self.output, rel)):
            return False
        self._keep(self._claim(rel))
        return True

    def _keep(self, rel: str) -> None:
        self.kept += 1
        if self.staging:
            _link_or_copy(self.output / rel, self._staged(rel))

    def _change(self, rel: str, data: bytes | Path) -> None:
        self.written += 1
        if self.staging:
            _write(self._staged(rel), data)
            return
        self.changes[rel] = data
        self.change_bytes += len(data) if isinstance(data, bytes) else 0
        if len(self.changes) > PATCH_LIMIT_FILES or self.change_bytes > PATCH_LIMIT_BYTES:
            self._start_staging()

    def _start_staging(self) -> None:
        """From here on, build a whole new folder; carry over what was collected so far."""
        self.staging = Path(tempfile.mkdtemp(prefix=f".{self.output.name}.tmp-{os.getpid()}-",
                                             dir=self.output.parent))
        for rel in self.paths - set(self.changes):
            try:
                _link_or_copy(self.output / rel, self._staged(rel))
            except FileNotFoundError:  # kept on trust (see `keep`), yet removed by hand
                raise CacheMismatch(f"{self.output / rel} was removed since the last build; "
                                    "rebuilding everything") from None
        for rel, data in self.changes.items():
            _write(self._staged(rel), data)
        self.changes = {}

    # --- finishing ----------------------------------------------------------------------------

    def commit(self) -> None:
        with _signals_held():
            if self.staging:
                self._swap()
            else:
                self._patch()

    def abort(self) -> None:
        if self.staging:
            shutil.rmtree(self.staging, ignore_errors=True)
        self.changes = {}

    def _swap(self) -> None:
        (self.staging / MARKER).write_text("This folder is written by garden; it is replaced on every build.\n")
        old = None
        if self.output.exists():
            old = self.output.with_name(f".{self.output.name}.old-{os.getpid()}")
            os.rename(self.output, old)
        os.rename(self.staging, self.output)
        if old:
            shutil.rmtree(old, ignore_errors=True)

    def _patch(self) -> None:
        for rel, data in self.changes.items():
            replace_file(self.output / rel, data)
        existing = self.previous if self.previous is not None else _files(self.output)
        stale = [p for p in existing if p not in self.paths and p != MARKER]
        for rel in stale:
            (self.output / rel).unlink(missing_ok=True)
        for folder in sorted({posixpath.dirname(rel) for rel in stale if "/" in rel}, key=len, reverse=True):
            _remove_empty_parents(self.output, folder)
        self.written += len(stale)
        self.changes = {}

    # --- paths --------------------------------------------------------------------------------

    def _claim(self, rel: str) -> str:
        clean = posixpath.normpath(rel)
        if clean.startswith(("../", "/")) or clean in ("..", ".") or "\x00" in clean:
            raise ValueError(f"refusing to write outside the site: {rel!r}")
        if clean in self.paths:
            raise ValueError(f"two outputs at one path: {rel!r}")
        self.paths.add(clean)
        return clean

    def _staged(self, rel: str) -> Path:
        target = self.staging / rel  # type: ignore[operator]
        target.parent.mkdir(parents=True, exist_ok=True)
        return target


@contextmanager
def _signals_held():
    """Ctrl+C or SIGTERM during the final step waits until the site is whole again."""
    held = (signal.SIGINT, signal.SIGTERM)
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "pthread_sigmask"):
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


class Stager:
    """Places files in a staging folder: linked from the old site when their bytes are the same
    (so unchanged files keep their identity), written otherwise. Safe to use from forked workers,
    each placing files no other places."""

    def __init__(self, output: Path, staging: Path):
        self.output, self.staging = output, staging

    def put(self, rel: str, data: bytes) -> bool:
        """Place the file; True if its bytes differ from the old site's."""
        target = self.staging / rel
        if _same_bytes(self.output / rel, data):
            _link_or_copy(self.output / rel, target)
            return False
        _write(target, data)
        return True

    def keep(self, rel: str) -> bool:
        """Carry the old site's file over; False if there is none."""
        if not os.path.isfile(self.output / rel):
            return False
        _link_or_copy(self.output / rel, self.staging / rel)
        return True


def replace_file(target: Path, data: bytes | Path) -> None:
    """Put a file of a site in place at once: a reader sees the old bytes or the new, never a part."""
    temporary = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    _write(temporary, data)
    os.replace(temporary, target)


def _write(target: Path, data: bytes | Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, Path):
        shutil.copy2(data, target)
    else:
        target.write_bytes(data)


def _link_or_copy(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def _files(root: Path) -> list[str]:
    found = []
    for folder, _, names in os.walk(root):
        base = os.path.relpath(folder, root)
        found += [name if base == "." else f"{base}/{name}".replace(os.sep, "/") for name in names]
    return found


def _remove_empty_parents(root: Path, folder: str) -> None:
    while folder:
        try:
            (root / folder).rmdir()
        except OSError:  # not empty
            return
        folder = posixpath.dirname(folder)


def _same_bytes(path: Path, data: bytes) -> bool:
    try:
        return path.stat().st_size == len(data) and path.read_bytes() == data
    except OSError:
        return False


def _same_file(old: Path, source: Path) -> bool:
    a, b = old.stat(), source.stat()
    return a.st_size == b.st_size and int(a.st_mtime) == int(b.st_mtime)


def _remove_stale_staging(output: Path) -> None:
    """Staging folders of builds that died (their process is gone) are removed."""
    for prefix in (f".{output.name}.tmp-", f".{output.name}.old-"):
        for stale in output.parent.glob(prefix + "*"):
            pid = stale.name[len(prefix):].split("-")[0]
            if pid.isdigit() and not _alive(int(pid)):
                shutil.rmtree(stale, ignore_errors=True)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
