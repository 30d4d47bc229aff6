"""Build progress: a redrawn status line on a terminal, plain lines in a log, nothing for a fast build.

An instance is the `progress(phase, done, total)` callable `build_site` reports
to: once as each phase starts (`done` and `total` 0), and for the notes
rendered, as their results come in.
"""

from __future__ import annotations

import shutil
import time
from typing import Callable, TextIO

from .terminal import is_terminal

DELAY = 1.0  # seconds: a build that finishes sooner prints no progress at all
REDRAW = 0.1  # seconds between redraws of the status line; redrawing per note would cost more than it shows
LOG_EVERY = 5.0  # seconds between count lines in a log, so a CI log says something without filling up
RATE_AFTER = 1.0  # seconds into a phase before its rate (and so the time left) means anything
BAR = 24


class Progress:
    def __init__(self, stream: TextIO, *, delay: float | None = None, clock: Callable[[], float] = time.monotonic):
        self.stream = stream
        self.live = is_terminal(stream)
        self.delay = DELAY if delay is None else delay
        self.clock = clock
        self.started = clock()
        self.phase = ""
        self.phase_started = self.started
        self.shown_at: float | None = None  # when a line was last drawn or printed
        self.shown_phase = ""  # the phase that line was about
        self.drawn = False  # a status line is on the terminal and must be cleared before other output

    def __call__(self, phase: str, done: int = 0, total: int = 0) -> None:
        now = self.clock()
        if phase != self.phase:
            self.phase, self.phase_started = phase, now
        if now - self.started < self.delay:
            return
        new_phase = phase != self.shown_phase
        since = now - self.shown_at if self.shown_at is not None else float("inf")
        if self.live and (new_phase or since >= REDRAW or (total and done == total)):
            self._draw(self.describe(now, done, total, bar=True))
        elif not self.live and (new_phase or since >= LOG_EVERY):
            print(self.describe(now, done, total, bar=False), file=self.stream, flush=True)
        else:
            return
        self.shown_at, self.shown_phase = now, phase

    def describe(self, now: float, done: int, total: int, *, bar: bool) -> str:
        """`render notes [#####-----] 420/1000 notes, 830 notes/s, 1s left` (the bar only on a terminal)."""
        if not total:
            return f"{self.phase} …" if bar else self.phase
        head = self.phase
        if bar:
            filled = BAR * done // total
            head += " [" + "#" * filled + "-" * (BAR - filled) + "]"
        details = [f"{done}/{total} notes"]
        elapsed = now - self.phase_started
        if done and elapsed >= RATE_AFTER:
            rate = done / elapsed
            details.append(f"{rate:.0f} notes/s" if rate >= 10 else f"{rate:.1f} notes/s")
            if done < total:
                details.append(f"{_duration((total - done) / rate)} left")
        return head + (" " if bar else ": ") + ", ".join(details)

    def _draw(self, text: str) -> None:
        width = shutil.get_terminal_size((80, 24)).columns - 1  # the last column would wrap on some terminals
        self.stream.write("\r" + text[:width] + "\x1b[K")
        self.stream.flush()
        self.drawn = True

    def close(self) -> None:
        """Clear the status line, so what is printed next starts on a clean line."""
        if self.drawn:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self.drawn = False


def _duration(seconds: float) -> str:
    seconds = round(seconds)
    return f"{seconds // 60}m{seconds % 60:02d}s" if seconds >= 60 else f"{seconds}s"
