"""What a build says when it is done: its problems grouped by file, then one summary line.

    content/ai/kv-cache.md: 1 warning
      content/ai/kv-cache.md:12: warning: broken link: [[Rooflin Model]] matches no note
          hint: did you mean [[Roofline Model]]?

    12 notes, 31 pages, 2 assets, 1 warnings, 0 errors in 0.41s → public

Each problem keeps the `path:line: level: message` form that editors and CI
logs recognise; colour only on a terminal.
"""

from __future__ import annotations

import sys
from collections import Counter
from itertools import groupby
from pathlib import Path
from typing import TextIO

from .config import Config
from .errors import Diagnostic
from .result import BuildResult
from .terminal import BOLD, CYAN, DIM, GREEN, RED, YELLOW, Paint, use_color

SHOWN = 50  # problems printed by a build; `garden check` prints them all


def report(result: BuildResult, config: Config, strict: bool = False, stream: TextIO | None = None, *,
           limit: int | None = SHOWN, quiet: bool = False, verbose: bool = False) -> None:
    """Print the problems (at most `limit`, None for all), then, unless `quiet`, the summary."""
    stream = stream or sys.stderr
    paint = Paint(use_color(stream))
    problems = [_shown(d, result, config, strict) for d in result.diagnostics]
    problems.sort(key=lambda d: (d.path, d.line, d.level != "error", d.message))
    kept = problems if limit is None else problems[:limit]
    counts = Counter((d.path, d.level) for d in problems)
    for path, group in groupby(kept, key=lambda d: d.path):
        print(paint(path, BOLD) + paint(": " + _counts(counts, path), DIM), file=stream)
        for diagnostic in group:
            print("  " + _line(diagnostic, paint), file=stream)
            if diagnostic.hint:
                print("      " + paint("hint:", CYAN) + " " + diagnostic.hint, file=stream)
        print(file=stream)
    if len(kept) < len(problems):
        print(f"… and {len(problems) - len(kept)} more; run `garden check` for the whole list\n", file=stream)
    if quiet:
        return
    for notice in result.notices:
        print(f"garden: note: {notice}", file=stream)
    errors = sum(1 for d in problems if d.level == "error")
    warnings = len(problems) - errors
    where = f" → {display(result.output)}" if result.output else ""
    colour = RED if errors else YELLOW if warnings else GREEN
    print(paint(f"{result.notes} notes, {result.pages} pages, {result.assets} assets, {warnings} warnings, "
                f"{errors} errors in {result.seconds:.2f}s", colour) + where, file=stream)
    if verbose:
        for name, seconds in result.timings.items():
            print(f"  {name:<14} {seconds:7.3f}s", file=stream)


def display(path: Path) -> str:
    """A path as short as it can be from where garden runs."""
    try:
        return str(path.relative_to(Path.cwd())) or "."
    except ValueError:
        return str(path)


def _shown(diagnostic: Diagnostic, result: BuildResult, config: Config, strict: bool) -> Diagnostic:
    level = "error" if strict and diagnostic.level == "warning" else diagnostic.level
    # Notes are named by their path in the content folder; show it from where garden ran.
    path = diagnostic.path
    if path in result.sources:
        path = f"{display(config.content_dir)}/{path}"
    return Diagnostic(path, diagnostic.line, level, diagnostic.message, diagnostic.hint)


def _line(diagnostic: Diagnostic, paint: Paint) -> str:
    where = f"{diagnostic.path}:{diagnostic.line}" if diagnostic.line else diagnostic.path
    level = paint(diagnostic.level, BOLD, RED if diagnostic.level == "error" else YELLOW)
    return f"{where}: {level}: {diagnostic.message}"


def _counts(counts: Counter[tuple[str, str]], path: str) -> str:
    """`1 error, 2 warnings`: all of a file's problems, even those cut from the list."""
    found = ((counts[path, "error"], "error"), (counts[path, "warning"], "warning"))
    return ", ".join(f"{n} {word}{'s' if n != 1 else ''}" for n, word in found if n)
