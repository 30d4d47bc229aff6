"""Work begun in a forked child process, so that this one goes on meanwhile.

A build has a few jobs that need nothing the build does next and could use a
core of their own: walking the content folder while the stages load, laying
out the graph while pages render. `in_child` forks a child that does the job
and leaves its pickled answer in a file; the parent asks for it when it needs it.
"""

from __future__ import annotations

import gc
import os
import pickle
import signal
import tempfile
import threading
from contextlib import contextmanager
from typing import Callable, Iterator, TypeVar

Answer = TypeVar("Answer")


@contextmanager
def in_child(work: Callable[[], Answer]) -> Iterator[Callable[[], Answer] | None]:
    """`work()` begun in a forked child: call what is given for its answer (if the child's is lost, the work
    is done here then). None where no process can be forked: Windows; a process with threads, which a fork
    could leave holding a lock; no process or file descriptor to spare. A child still working when the block
    ends (the build stopped, or failed) is ended with it: it must not outlive the build, nor keep a lock the
    build took."""
    if not hasattr(os, "fork") or threading.active_count() > 1:
        yield None
        return
    try:
        # The answer goes through a file, not a pipe: a child that has answered ends at once, its memory freed,
        # instead of waiting, blocked on a full pipe, until the parent reads.
        handed = tempfile.TemporaryFile()
        try:
            child = os.fork()
        except OSError:
            handed.close()
            raise
    except OSError:
        yield None
        return
    if child == 0:  # the child: work, hand the answer over, and end without running any of the parent's code
        status = 1
        try:
            # What is in memory now is the parent's too: a collection would write to every object it walks, and
            # so copy the pages holding them. Frozen, they are left alone; only the child's own are collected.
            gc.freeze()
            pickle.dump(work(), handed, protocol=pickle.HIGHEST_PROTOCOL)
            handed.flush()
            status = 0
        finally:
            os._exit(status)
    reaped = False

    def answer() -> Answer:
        nonlocal reaped
        reaped, status = True, os.waitpid(child, 0)[1]
        if status == 0:
            try:
                handed.seek(0)
                return pickle.load(handed)
            except Exception:  # (cut short)
                pass
        return work()

    try:
        yield answer
    finally:
        handed.close()
        if not reaped:
            os.kill(child, signal.SIGKILL)
            os.waitpid(child, 0)
