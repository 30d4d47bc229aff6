"""Full-text search: Pagefind's binary indexes the written site into its `pagefind/` folder, in shards.

It runs after the site is written, over the HTML files, because Pagefind's
binary indexes thousands of pages in seconds while its Python API costs about
0.1 s per page. Only what a page marks with `data-pagefind-body` (the note's
article, in note.html) is indexed; the index is split into fragments that the
browser fetches as a query needs them.

One index over a large garden costs more per page the larger it is (10,000
notes: 33 s and 4.3 GB, where 600 take 1.7 s and 270 MB), and an edit would
have to remake all of it: Pagefind cannot update an index. So the note pages
are dealt by a hash of their path into shards of at most about
PAGES_PER_SHARD, each indexed on its own into `pagefind/<n>/`, and the browser
merges them (Pagefind's `mergeIndex`), as `pagefind/shards.json` lists them
(search.js reads it). A shard is remade only when one of its pages changed on
disk (a new file, size or time: the site writer leaves an unchanged page's file
alone) or the set of pages or Pagefind did; so an edit remakes one or two.

Each new shard is made beside the site and swapped in whole, so a reader never
meets half of one; between builds the writer carries the index over (see
`index_files`).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from .errors import GardenError

INDEX_DIR = "pagefind"  # inside the site; search.js reads INDEX_DIR/MANIFEST from the site's root
MANIFEST = "shards.json"
PAGES_PER_SHARD = 1000  # about 3 s of Pagefind's time; fewer shards, and fewer requests a search makes
MAX_SHARDS = 64  # a search fetches a little of every shard
# What a shard that the browser merges into the first needs (the first keeps Pagefind's script and wasm too).
MERGED_FILES = ("pagefind-entry.json", "index", "fragment", "filter")
TIMEOUT_SECONDS = 1800.0  # 10,000 notes take about 40 s; this only stops a hung process


class SearchError(GardenError):
    """The search index could not be built; the site itself is fine."""


@dataclass(frozen=True)
class SearchIndex:
    pages: int  # pages in the whole index
    seconds: float
    shards: int = 1
    remade_shards: int = 1
    remade_pages: int = 0  # pages in the shards made anew

    def summary(self) -> str:
        if self.remade_shards == 0:
            return f"the index of {self.pages} pages is up to date ({self.seconds:.2f}s)"
        if self.remade_shards == self.shards:
            return f"indexed {self.pages} pages in {self.seconds:.2f}s"
        return (f"indexed {self.remade_pages} of {self.pages} pages ({self.remade_shards} of {self.shards} "
                f"shards) in {self.seconds:.2f}s")


@dataclass
class _Shard:
    name: str  # its folder in INDEX_DIR
    pages: list[str] | None  # site-relative paths of its pages; None: every page of the site
    stamp: str | None = None  # of its pages' files and Pagefind; None: unknown, so always remade
    indexed: int = 0  # pages in its index


def pagefind_binary() -> Path | None:
    """The Pagefind executable shipped by `pagefind[bin]` (or `[extended]`), if installed."""
    for module in ("pagefind_bin_extended", "pagefind_bin"):  # extended segments Chinese and Japanese better
        try:
            found = __import__(module).get_executable()
        except (ImportError, FileNotFoundError):
            continue
        return Path(found)
    return None


def index_files(site: Path) -> list[str]:
    """The current index's files, relative to the site, for the writer to carry into the next build.
    (Strings, not Paths: a shard has a file per page, and every build with search on lists them.)"""
    found = []
    for folder, _, names in os.walk(site / INDEX_DIR):
        base = os.path.relpath(folder, site).replace(os.sep, "/")
        found += [f"{base}/{name}" for name in names]
    return sorted(found)


def shard_count(pages: int) -> int:
    """A power of two, so that a garden growing past a size splits each shard in two."""
    count = 1
    while count < MAX_SHARDS and pages > count * PAGES_PER_SHARD:
        count *= 2
    return count


def deal(pages: Sequence[str], count: int) -> list[list[str]]:
    """The pages into `count` shards by a hash of their path: a page stays in its shard as others come and go."""
    shards: list[list[str]] = [[] for _ in range(count)]
    for page in sorted(pages):
        shards[int.from_bytes(hashlib.blake2b(page.encode(), digest_size=4).digest(), "little") % count].append(page)
    return shards


def index_site(site: Path, pages: Sequence[str] | None = None, *, binary: Path | None = None,
               timeout: float = TIMEOUT_SECONDS, lock: AbstractContextManager | None = None) -> SearchIndex:
    """Index the site at `site` into `site/pagefind/`: the shards whose pages changed since they were made.

    `pages`: the site-relative paths of the pages that hold a note's article; None: the whole site as one
    shard, made anew. `lock` is held only while shards are swapped in: the preview server holds it while a
    build writes the site, so the two never meet.
    """
    binary = binary or pagefind_binary()
    if binary is None:
        raise SearchError("the search index was not built: Pagefind is not installed "
                          "(pip install \"pagefind[bin]\"), or pass --no-search")
    site = site.resolve()
    started = time.perf_counter()
    count = 1 if pages is None else shard_count(len(pages))
    shards = [_Shard("0", None)] if pages is None else [_Shard(str(n), dealt) for n, dealt in
                                                         enumerate(deal(pages, count)) if dealt]
    made = _manifest(site)
    # Beside the site, not in it: a build patching the site meanwhile would take it for a stale file.
    staging = site.parent / f".{site.name}.search-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    try:
        staging.mkdir()
        first = shards[0] if shards else None  # the shard that brings Pagefind's script
        todo = []
        for shard in shards:
            if shard.pages is not None:
                shard.stamp = _stamp(site, shard, binary, count, shard is first)
            kept = made.get(shard.name)
            if shard.stamp is not None and kept and kept.get("stamp") == shard.stamp \
                    and (site / INDEX_DIR / shard.name).is_dir():
                shard.indexed = kept.get("indexed", 0)
            else:
                todo.append(shard)
        with ThreadPoolExecutor(max_workers=max(1, min(len(todo), os.cpu_count() or 1))) as pool:
            # Pagefind works mostly on one core: a shard per core (the wait is in the subprocess, not Python).
            for failure in pool.map(lambda shard: _make(site, shard, staging, binary, timeout, shard is not first),
                                    todo):
                if failure:
                    raise SearchError(failure)
        with lock or nullcontext():
            for shard in todo:
                _swap(staging / shard.name, site / INDEX_DIR / shard.name, staging / f"old-{shard.name}")
            _write_manifest(site, shards)
    except subprocess.TimeoutExpired:
        raise SearchError(f"the search index was not built: Pagefind took more than {timeout:.0f} s") from None
    except OSError as exc:
        raise SearchError(f"the search index was not built: {exc}") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return SearchIndex(sum(s.indexed for s in shards), time.perf_counter() - started, len(shards), len(todo),
                       sum(s.indexed for s in todo))


def _stamp(site: Path, shard: _Shard, binary: Path, count: int, first: bool) -> str:
    """What a shard's index is made from: its pages' files (each rewrite is a new file with a new time),
    Pagefind's, and whether it is the first. A page that is gone gives a stamp no index has."""
    seen = hashlib.blake2b(f"{count}\0{first}\0{binary}\0{_file_stamp(binary)}\n".encode(), digest_size=16)
    for page in shard.pages or ():
        seen.update(f"{page}\0{_file_stamp(site / page)}\n".encode("utf-8", "surrogateescape"))
    return seen.hexdigest()


def _file_stamp(path: Path) -> str:
    try:
        stat = os.stat(path)
    except OSError:
        return "gone"
    return f"{stat.st_ino} {stat.st_size} {stat.st_mtime_ns}"


def _make(site: Path, shard: _Shard, staging: Path, binary: Path, timeout: float, merged: bool) -> str | None:
    """Index the shard's pages into staging/<name>; a message saying why not, if Pagefind failed."""
    source = site
    if shard.pages is not None:
        # Pagefind indexes a folder: the shard's pages, linked (not copied) into one with the site's layout.
        source = staging / f"pages-{shard.name}"
        source.mkdir()
        for page in shard.pages:
            target = source / page
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(site / page, target)
            except FileNotFoundError:  # a page that failed to render, or was removed since (its stamp says so)
                continue
            except OSError:  # a file system without hard links
                shutil.copy2(site / page, target)
    output = staging / shard.name
    done = subprocess.run([str(binary), "--site", str(source), "--output-path", str(output), "--quiet"],
                          capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)
    if done.returncode != 0:
        said = (done.stderr or done.stdout).strip().splitlines()
        return "the search index was not built: Pagefind failed" + \
            (f": {said[-1]}" if said else f" with exit code {done.returncode}")
    shard.indexed = sum(1 for _ in (output / "fragment").glob("*.pf_fragment"))
    if merged:  # the first shard's script and wasm serve them all
        for path in output.iterdir():
            if not path.name.endswith(".pf_meta") and path.name not in MERGED_FILES:
                shutil.rmtree(path) if path.is_dir() else path.unlink()
    return None


def _swap(new: Path, target: Path, aside: Path) -> None:
    """Move the new shard in; the old one moves out first (two renames, no copy)."""
    target.parent.mkdir(exist_ok=True)
    if target.exists():
        os.rename(target, aside)
    os.rename(new, target)


def _manifest(site: Path) -> dict[str, dict]:
    """The shards the last index made, by name: what each was made from and holds."""
    try:
        manifest = json.loads((site / INDEX_DIR / MANIFEST).read_text(encoding="utf-8"))
        return {shard["name"]: shard for shard in manifest["shards"]}
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def _write_manifest(site: Path, shards: list[_Shard]) -> None:
    """The shards for search.js (the first is the one it loads; none in a garden without notes), written
    last; anything else in the index folder (shards no longer dealt, an index of an older layout) is removed."""
    folder = site / INDEX_DIR
    folder.mkdir(exist_ok=True)
    names = {shard.name for shard in shards}
    for path in folder.iterdir():
        if path.name not in names and path.name != MANIFEST:
            shutil.rmtree(path) if path.is_dir() else path.unlink()
    manifest = {"shards": [{"name": s.name, "indexed": s.indexed, "stamp": s.stamp} for s in shards]}
    temporary = folder / f".{MANIFEST}.{os.getpid()}"
    temporary.write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    os.replace(temporary, folder / MANIFEST)
