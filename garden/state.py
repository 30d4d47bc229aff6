"""What one build remembers for the next: per-note results keyed by content digests.

Kept in memory by the preview server between rebuilds, and on disk (a hidden
folder beside the output, safe to delete; see statefile.py) between `garden build` runs. Every
entry is keyed by digests of its inputs, and the whole cache by the versions
of garden and of the libraries that shape its output, so nothing stale is
ever served: a key that does not match is simply a miss.
"""

from __future__ import annotations

import hashlib
import io
import os
import pickle
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, MutableMapping

from . import __version__
from .errors import Diagnostic
from .models import NoteMeta, SourceFile
from .notebodies import NoteBodies

_LIBRARIES = ("markdown-it-py", "mdit-py-plugins", "linkify-it-py", "jinja2", "pyyaml", "pygments", "latex2mathml")


def _stamp() -> str:
    """garden's own code (any change to it, not just a new version number) and its libraries' versions.

    Worked out on every start, so by stamps, as make would: the size and modification time of
    each of garden's files, and the versions in the names of the libraries' dist-info folders
    (importlib.metadata would parse each one's metadata, and cost a `garden build` 50 ms)."""
    code = hashlib.blake2b(digest_size=8)
    for path in sorted(Path(__file__).parent.rglob("*.py")):
        stat = path.stat()
        code.update(f"{path.name} {stat.st_size} {stat.st_mtime_ns}\n".encode())
    versions = [f"garden {__version__} ({code.hexdigest()})", f"python {sys.version_info[:3]}"]
    installed = _installed_versions()
    versions += [f"{name} {installed.get(_normal_name(name), '-')}" for name in _LIBRARIES]
    return "; ".join(versions)


def _installed_versions() -> dict[str, str]:
    """Installed distributions' versions by normalized name, from the `<name>-<version>.dist-info` folders
    on the import path (the first of a name wins, as for imports)."""
    found: dict[str, str] = {}
    for folder in sys.path:
        try:
            names = os.listdir(folder or ".")
        except OSError:
            continue
        for entry in names:
            if entry.endswith(".dist-info"):
                name, _, version = entry[: -len(".dist-info")].partition("-")
                found.setdefault(_normal_name(name), version)
    return found


def _normal_name(name: str) -> str:
    return name.lower().replace("-", "_").replace(".", "_")


STAMP = _stamp()


@dataclass
class MetaRecord:
    """A note's index entry and the problems found reading it, valid while `key` matches."""

    key: tuple  # (file digest, git dates, mtime day)
    meta: NoteMeta
    problems: tuple[Diagnostic, ...]
    uses_charts: bool = False


@dataclass
class BuildState:
    stamp: str = STAMP
    metas: MutableMapping[str, MetaRecord] = field(default_factory=dict)  # note rel -> record (see rows.py)
    bodies: NoteBodies = field(default_factory=NoteBodies)  # note rel -> its rendered body (read from the store)
    body_keys: dict[str, str] = field(default_factory=dict)  # note rel -> what its body was rendered from
    indexed: Any = None  # the last build's Indexed, patched by a build that changed no note's names
    indexed_for: tuple = ()  # the content folder and options it was made with
    dates: Any = None  # (the repository's head stamp, the git dates) that build used: see gitdates.py
    index_problems: list = field(default_factory=list)  # what reading the notes found, by the last build
    pages: dict[str, str] = field(default_factory=dict)  # output path -> digest of everything it shows
    page_paths: dict[tuple, str] = field(default_factory=dict)  # page key -> output path, of every page
    intros: dict[str, tuple] = field(default_factory=dict)  # note -> the home or tag page it introduces
    feed: list[str] | None = None  # the notes the feed shows, most recent first
    names: str = ""  # digest of everything link resolution knows (see Resolver.signature)
    files: dict[str, SourceFile] = field(default_factory=dict)  # the last build's files, by path
    walk_clean: bool = False  # the last look at the files found no problem: the next may look at changed ones only
    resolver: Any = None  # the last build's Resolver, reused while `names` is unchanged
    graph: Any = None  # the last build's LinkGraph, to see what an edit touched
    folders_of: dict[str, str] = field(default_factory=dict)  # the last build's notes -> their folders
    folders: Any = None  # the last build's FolderTree, reused while no note is added, removed or relisted
    everything: str = ""  # digest of what every page depends on (templates, configuration, navigation)
    outputs: set[str] = field(default_factory=set)  # files the last build wrote into the output folder
    layouts: dict = field(default_factory=dict)  # the graph layouts, by digest of what they were computed from
    hints: dict[str, list[str]] = field(default_factory=dict)  # broken link name -> note names it is close to
    hints_for: str = ""  # the `names` digest those suggestions were made with
    notice: str = ""  # said once when the stored cache could not be used
    basis: Any = field(default=None, repr=False, compare=False)  # what the cache on disk holds (statefile.Basis)

    def __getstate__(self) -> dict:
        return {**self.__dict__, "basis": None}  # known only to the process that loaded or saved it


def digest(*parts: object) -> str:
    """A short digest of values: content only, the same in every process.

    Pickled without its memo ("fast" mode), so equal values give equal bytes
    whether or not they happen to share objects; the values hold no sets,
    whose order could differ between processes.
    """
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=4)
    pickler.fast = True
    pickler.dump(parts)
    return hashlib.blake2b(buffer.getbuffer(), digest_size=16).hexdigest()
