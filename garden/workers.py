"""Worker processes, for the stages that spread notes or pages over the cores.

Imported when a pool is made, not before: the process pool brings in
multiprocessing, about 10 ms that a build rendering a note or two (an edit)
would spend for nothing.
"""

from __future__ import annotations

from typing import Any


def process_pool(jobs: int, *, forked: bool = False, **options: Any):
    """A ProcessPoolExecutor of `jobs` workers; `forked`: made by fork, sharing the parent's memory as it is."""
    from concurrent.futures import ProcessPoolExecutor

    if forked:
        import multiprocessing

        options["mp_context"] = multiprocessing.get_context("fork")
    return ProcessPoolExecutor(jobs, **options)
