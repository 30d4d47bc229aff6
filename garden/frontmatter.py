"""Split a note into front-matter and body, and read the front-matter's values.

A note whose front-matter does not parse is still a note: it is reported
with the file and line, and built with empty front-matter.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from .errors import Diagnostic

_FENCE = re.compile(r"^---[ \t]*$")
_KEY = re.compile(r"^([^\s:#][^:]*?)\s*:")
STAGES = ("seedling", "budding", "evergreen")


@dataclass
class FrontMatter:
    data: dict[str, Any]
    body: str
    line_offset: int  # lines before the body
    problems: list[Diagnostic] = field(default_factory=list)
    key_lines: dict[str, int] = field(default_factory=dict)  # top-level key -> its line in the file

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, 1)


def decode(raw: bytes, rel: str) -> tuple[str, list[Diagnostic]]:
    """Text of a note: UTF-8 (with or without BOM), else Latin-1 with a warning."""
    problems = []
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        problems.append(Diagnostic(rel, line, "warning", "file is not valid UTF-8; read as Latin-1",
                                   "save the note as UTF-8"))
        text = raw.decode("latin-1")
    # One line-end convention for every later stage: CRLF and lone CR become LF.
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\x00" in text:
        problems.append(Diagnostic(rel, text[: text.index("\x00")].count("\n") + 1, "warning",
                                   "file contains NUL bytes; they are dropped"))
        text = text.replace("\x00", "")
    return text, problems


def split(text: str, rel: str) -> FrontMatter:
    lines = text.split("\n")
    if not lines or not _FENCE.match(lines[0]):
        return FrontMatter({}, text, 0)
    end = next((i for i in range(1, len(lines)) if _FENCE.match(lines[i]) or lines[i].rstrip() == "..."), None)
    if end is None:
        return FrontMatter({}, text, 0, [Diagnostic(rel, 1, "warning", "front-matter is not closed",
                                                    "end it with a line of three dashes: ---")])
    source = "\n".join(lines[1:end])
    body = "\n".join(lines[end + 1 :])
    fm = FrontMatter({}, body, end + 1)
    for number, line in enumerate(lines[1:end], start=2):
        key = _KEY.match(line)
        if key:
            fm.key_lines.setdefault(key.group(1), number)
    try:
        data = yaml.safe_load(source) if source.strip() else {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark else 1
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        hint = "quote values that contain ': ', '#' or start with '{', '[', '*', '&' or '@'"
        if "\t" in source:
            hint = "YAML does not allow tabs for indentation; use spaces"
        fm.problems.append(Diagnostic(rel, line, "error", f"front-matter is not valid YAML: {problem}", hint))
        return fm
    if data is None:
        data = {}
    if not isinstance(data, dict):
        fm.problems.append(Diagnostic(rel, 2, "error",
                                      f"front-matter must be a mapping of keys to values, found {type(data).__name__}",
                                      "write it as `key: value` lines"))
        return fm
    fm.data = {str(k): v for k, v in data.items()}
    return fm


def string_list(value: Any, key: str, rel: str, line: int, problems: list[Diagnostic]) -> tuple[str, ...]:
    """`tags`/`aliases`: a list, or a string split on commas (and on spaces for tags)."""
    if value is None:
        return ()
    if isinstance(value, str):
        parts = value.split(",") if key != "tags" else re.split(r"[,\s]+", value)
    elif isinstance(value, (list, tuple)):
        parts = []
        for item in value:
            if item is None:
                continue
            if isinstance(item, (dict, list)):
                problems.append(Diagnostic(rel, line, "warning", f"'{key}' has an item that is not text: {item!r}; skipped"))
                continue
            parts.append(str(item))
    else:
        parts = [str(value)]
    cleaned = []
    for part in parts:
        part = part.strip()
        if key == "tags":
            part = part.lstrip("#").strip("/")
        if part and part not in cleaned:
            cleaned.append(part)
    return tuple(cleaned)


def date_value(value: Any, key: str, rel: str, line: int, problems: list[Diagnostic]) -> dt.date | None:
    """A date from YAML's own dates or a string in a common format."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    for parse in (dt.date.fromisoformat, lambda t: dt.datetime.fromisoformat(t).date()):
        try:
            return parse(text)
        except ValueError:
            pass
    for fmt in ("%Y/%m/%d", "%d.%m.%Y", "%B %d, %Y", "%b %d, %Y", "%d %B %Y", "%d %b %Y", "%Y-%m-%d %H:%M",
                "%Y%m%d"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            pass
    problems.append(Diagnostic(rel, line, "warning", f"'{key}' is not a date I can read: {text!r}",
                               "write dates as YYYY-MM-DD"))
    return None


def bool_value(value: Any, key: str, rel: str, line: int, problems: list[Diagnostic], default: bool) -> bool:
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "yes", "on", "false", "no", "off"):
        return value.strip().lower() in ("true", "yes", "on")
    problems.append(Diagnostic(rel, line, "warning", f"'{key}' should be true or false, found {value!r}"))
    return default
