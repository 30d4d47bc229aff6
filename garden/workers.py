"""Worker processes, for the stages that spread notes or pages over the cores.

Imported when a pool is made, not before: the process pool brings in
multiprocessing, about 10 ms that a build rendering a note or two (an edit)
would spend for nothing.

Ctrl+C reaches every process of the terminal's group, workers too. A worker
that took it would die or print a traceback, and a pool that loses a worker
while another is handing back its results can hang (Python 3.11's executor
joins the one blocked on the full pipe). So workers ignore it: the build
itself stops, and drops the work not yet started.
"""

from __future__ import annotations

import signal
from contextlib import contextmanager
from typing import Any, Callable, Iterator


@contextmanager
def process_pool(jobs: int, *, forked: bool = False, initializer: Callable[..., None] | None = None,
                 initargs: tuple = ()) -> Iterator[Any]:
    """A ProcessPoolExecutor of `jobs` workers, each first calling `initializer(*initargs)`;
    `forked`: made by fork, sharing the parent's memory as it is."""
    from concurrent.futures import ProcessPoolExecutor

    options: dict[str, Any] = {}
    if forked:
        import multiprocessing

        options["mp_context"] = multiprocessing.get_context("fork")
    pool = ProcessPoolExecutor(jobs, initializer=_start_worker, initargs=(initializer, initargs), **options)
    try:
        yield pool
    except BaseException:  # interrupted (or failed): finish the chunks under way, start no other
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown(wait=True)


def _start_worker(initializer: Callable[..., None] | None, initargs: tuple) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if initializer is not None:
        initializer(*initargs)
