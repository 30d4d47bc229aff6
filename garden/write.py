"""Write the site atomically: build it beside the old one, then swap.

Nothing is written outside the output folder, the old site stays whole until
the new one is complete, and a file whose bytes did not change keeps its
inode and mtime (it is hard-linked from the old site, not rewritten).
"""

from __future__ import annotations

import os
import posixpath
import shutil
import tempfile
from pathlib import Path

from .errors import OutputFolderError

MARKER = ".garden-build"  # says: this folder is a site garden wrote, safe to replace


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
    """Collects the new site in a staging folder; `commit` swaps it in, `abort` leaves no trace."""

    def __init__(self, output: Path):
        self.output = output.resolve()
        self.output.parent.mkdir(parents=True, exist_ok=True)
        _remove_stale_staging(self.output)
        self.staging = Path(tempfile.mkdtemp(prefix=f".{self.output.name}.tmp-{os.getpid()}-",
                                             dir=self.output.parent))
        self.written = 0  # files whose bytes changed
        self.kept = 0  # files identical to the old site's
        self.paths: set[str] = set()

    def put(self, rel: str, data: bytes) -> None:
        target = self._target(rel)
        old = self.output / rel
        if _same_bytes(old, data):
            try:
                os.link(old, target)
                self.kept += 1
                return
            except OSError:
                pass
        target.write_bytes(data)
        self.written += 1

    def keep(self, rel: str) -> bool:
        """Carry a file over from the old site unchanged; False if there is none to carry."""
        old = self.output / rel
        if not old.is_file():
            return False
        target = self._target(rel)
        try:
            os.link(old, target)
        except OSError:
            shutil.copy2(old, target)
        self.kept += 1
        return True

    def copy(self, rel: str, source: Path) -> None:
        target = self._target(rel)
        old = self.output / rel
        try:
            if old.is_file() and _same_file(old, source):
                os.link(old, target)
                self.kept += 1
                return
        except OSError:
            pass
        shutil.copy2(source, target)
        self.written += 1

    def commit(self) -> None:
        (self.staging / MARKER).write_text("This folder is written by garden; it is replaced on every build.\n")
        old = None
        if self.output.exists():
            old = self.output.with_name(f".{self.output.name}.old-{os.getpid()}")
            os.rename(self.output, old)
        os.rename(self.staging, self.output)
        if old:
            shutil.rmtree(old, ignore_errors=True)

    def abort(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)

    def _target(self, rel: str) -> Path:
        clean = posixpath.normpath(rel)
        if clean.startswith(("../", "/")) or clean in ("..", ".") or "\x00" in clean:
            raise ValueError(f"refusing to write outside the site: {rel!r}")
        if clean in self.paths:
            raise ValueError(f"two outputs at one path: {rel!r}")
        self.paths.add(clean)
        target = self.staging / clean
        target.parent.mkdir(parents=True, exist_ok=True)
        return target


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
