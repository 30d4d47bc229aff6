"""Full-text search: Pagefind's binary indexes the written site into its `pagefind/` folder.

It runs after the site is written, over the HTML files, because Pagefind's
binary indexes thousands of pages in seconds while its Python API costs about
0.1 s per page. Only what a page marks with `data-pagefind-body` (the note's
article, in note.html) is indexed; the index is split into fragments that the
browser fetches as a query needs them. A new index is made beside the site and
swapped in, so a reader never meets half of one; between builds the writer
carries the old index over (see `index_files`).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from pathlib import Path

from .errors import GardenError

INDEX_DIR = "pagefind"  # inside the site; search.js loads INDEX_DIR/pagefind.js from the site's root
TIMEOUT_SECONDS = 1800.0  # 10,000 notes take about 40 s; this only stops a hung process


class SearchError(GardenError):
    """The search index could not be built; the site itself is fine."""


@dataclass(frozen=True)
class SearchIndex:
    pages: int
    seconds: float


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
    """The current index's files, relative to the site, for the writer to carry into the next build."""
    folder = site / INDEX_DIR
    if not folder.is_dir():
        return []
    return sorted(p.relative_to(site).as_posix() for p in folder.rglob("*") if p.is_file())


def index_site(site: Path, *, binary: Path | None = None, timeout: float = TIMEOUT_SECONDS,
               lock: AbstractContextManager | None = None) -> SearchIndex:
    """Index the site at `site` and put the index at `site/pagefind/`, replacing the old one whole.

    `lock` is held only while the index is swapped in: the preview server holds
    it while a build writes the site, so the two never meet.
    """
    binary = binary or pagefind_binary()
    if binary is None:
        raise SearchError("the search index was not built: Pagefind is not installed "
                          "(pip install \"pagefind[bin]\"), or pass --no-search")
    site = site.resolve()
    # Beside the site, not in it: a build patching the site meanwhile would take it for a stale file.
    staging = site.parent / f".{site.name}.search-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    started = time.perf_counter()
    try:
        done = subprocess.run([str(binary), "--site", str(site), "--output-path", str(staging / "new"), "--quiet"],
                              capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)
        if done.returncode != 0:
            said = (done.stderr or done.stdout).strip().splitlines()
            raise SearchError("the search index was not built: Pagefind failed"
                              + (f": {said[-1]}" if said else f" with exit code {done.returncode}"))
        with lock or nullcontext():
            _swap(staging, site / INDEX_DIR)
    except subprocess.TimeoutExpired:
        raise SearchError(f"the search index was not built: Pagefind took more than {timeout:.0f} s") from None
    except OSError as exc:
        raise SearchError(f"the search index was not built: {exc}") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    pages = sum(1 for _ in (site / INDEX_DIR / "fragment").glob("*.pf_fragment"))
    return SearchIndex(pages, time.perf_counter() - started)


def _swap(staging: Path, target: Path) -> None:
    """Move the new index in; the old one moves out first (two renames, no copy)."""
    if target.exists():
        os.rename(target, staging / "old")
    os.rename(staging / "new", target)
