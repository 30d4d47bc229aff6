"""Worker pools: Ctrl+C is the build's to handle, not each worker's."""

from __future__ import annotations

import signal
import time

import pytest

from garden.workers import process_pool


@pytest.mark.parametrize("forked", [False, True])
def test_workers_ignore_ctrl_c_and_still_run_their_initializer(forked):
    with process_pool(2, forked=forked, initializer=time.sleep, initargs=(0,)) as pool:
        assert pool.submit(signal.getsignal, signal.SIGINT).result() == signal.SIG_IGN


def test_an_interrupted_pool_starts_no_more_work():
    with pytest.raises(KeyboardInterrupt):
        with process_pool(1) as pool:
            futures = [pool.submit(time.sleep, 0.2) for _ in range(20)]
            raise KeyboardInterrupt
    assert sum(f.cancelled() for f in futures) >= 15  # (one or two were already handed to the worker)
