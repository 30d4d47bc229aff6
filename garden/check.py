"""What `garden check` adds to a build's report: the orphans, and a JSON form for editors and CI tools.

Orphans (notes with no link in or out) are normal in a garden, so a build
never warns about them; `garden check` lists them, apart from the problems,
and they never change its exit code.

`--format json` prints one JSON document on standard output:

    {"errors": 1, "warnings": 2, "orphans": 1,
     "problems": [{"kind": "problem", "path": "content/a.md", "line": 3, "level": "warning",
                   "message": "broken link: [[Nowhere]] matches no note", "hint": ""},
                  {"kind": "orphan", "path": "content/lonely.md", "line": 0, "level": "info",
                   "message": "no note links here and it links to no note", "hint": ""}]}

Paths are as the text report shows them (from where garden ran); with
`--strict`, warnings are reported as errors, as they fail the check.
"""

from __future__ import annotations

import json
from typing import TextIO

from .config import Config
from .result import BuildResult
from .report import display

ORPHAN_MESSAGE = "no note links here and it links to no note"


def shown_path(path: str, result: BuildResult, config: Config) -> str:
    """A note's path from where garden ran (`content/a.md`); other paths as they are."""
    return f"{display(config.content_dir)}/{path}" if path in result.sources else path


def check_json(result: BuildResult, config: Config, *, strict: bool = False) -> str:
    entries = []
    for d in sorted(result.diagnostics, key=lambda d: (d.path, d.line, d.level != "error", d.message)):
        level = "error" if strict and d.level == "warning" else d.level
        entries.append({"kind": "problem", "path": shown_path(d.path, result, config), "line": d.line,
                        "level": level, "message": d.message, "hint": d.hint})
    for key in result.orphans:
        entries.append({"kind": "orphan", "path": shown_path(key, result, config), "line": 0, "level": "info",
                        "message": ORPHAN_MESSAGE, "hint": ""})
    errors = sum(1 for e in entries if e["level"] == "error")
    warnings = sum(1 for e in entries if e["level"] == "warning")
    return json.dumps({"errors": errors, "warnings": warnings, "orphans": len(result.orphans),
                       "problems": entries}, ensure_ascii=False, indent=1)


def print_orphans(result: BuildResult, config: Config, stream: TextIO) -> None:
    """The orphans as a list after the problems, or nothing when there are none."""
    if not result.orphans:
        return
    count = len(result.orphans)
    print(f"{count} orphan{'s' if count != 1 else ''}: {'notes' if count != 1 else 'a note'} with no link in or out "
          "(normal in a garden; listed so you can weave them in)", file=stream)
    for key in result.orphans:
        print(f"  {shown_path(key, result, config)}", file=stream)
    print(file=stream)

