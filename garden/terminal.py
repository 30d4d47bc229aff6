"""What a stream can show: a live terminal gets a redrawn line and colour, a log gets plain text."""

from __future__ import annotations

import os
from typing import TextIO

RED, YELLOW, GREEN, CYAN, BOLD, DIM = "31", "33", "32", "36", "1", "2"


def is_terminal(stream: TextIO) -> bool:
    """A terminal that understands cursor control; `TERM=dumb` (e.g. an editor's output pane) does not."""
    try:
        interactive = stream.isatty()
    except (AttributeError, ValueError):  # closed, or not a real stream
        return False
    return interactive and os.environ.get("TERM", "") != "dumb"


def use_color(stream: TextIO) -> bool:
    """Colour on a terminal unless NO_COLOR is set to anything (https://no-color.org)."""
    return is_terminal(stream) and not os.environ.get("NO_COLOR")


class Paint:
    """Wraps text in ANSI colour codes, or leaves it as it is."""

    def __init__(self, enabled: bool):
        self.enabled = enabled

    def __call__(self, text: str, *codes: str) -> str:
        if not self.enabled or not codes or not text:
            return text
        return f"\x1b[{';'.join(codes)}m{text}\x1b[0m"
