"""How plugins report a problem in the note they are rendering.

The body renderer puts `source_path` and `line_offset` (the number of lines
before the Markdown body, i.e. the front-matter) into the markdown-it `env`;
plugins only know the body-relative line (0-based, as in `token.map`).
"""

from __future__ import annotations

from typing import Any

from ..errors import Diagnostic, Level


def report(env: dict[str, Any], body_line: int, level: Level, message: str, hint: str = "") -> None:
    line = body_line + 1 + env.get("line_offset", 0)
    env.setdefault("diagnostics", []).append(
        Diagnostic(env.get("source_path", "<note>"), line, level, message, hint)
    )
