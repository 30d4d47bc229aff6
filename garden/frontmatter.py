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
# What Templater (`<% tp.date.now() %>`) and Jinja-style core templates (`{{date}}`) leave when not filled in.
_PLACEHOLDER = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|<%.*?%>")
_PLACEHOLDER_HINT = "looks like a Templater or Jinja placeholder that was never filled in"
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
        return _late_front_matter(lines, rel) or FrontMatter({}, text, 0)
    return _split_at(lines, 0, rel)


def _late_front_matter(lines: list[str], rel: str) -> FrontMatter | None:
    """Front-matter below blank lines: read, with a warning, when it is clearly meant as such
    (a closed block of `key: value` lines); otherwise the note has none."""
    start = next((i for i, line in enumerate(lines) if line.strip()), None)
    if not start or not _FENCE.match(lines[start]):
        return None
    fm = _split_at(lines, start, rel)
    if fm.problems or not fm.data:  # not front-matter after all: a rule, or a heading's underline
        return None
    fm.problems.append(Diagnostic(rel, start + 1, "warning",
                                  "front-matter must start on the first line; it is read anyway",
                                  "remove the blank lines above the first ---"))
    return fm


def _split_at(lines: list[str], start: int, rel: str) -> FrontMatter:
    end = next((i for i in range(start + 1, len(lines)) if _FENCE.match(lines[i]) or lines[i].rstrip() == "..."),
               None)
    if end is None:
        return FrontMatter({}, "\n".join(lines), 0,
                           [Diagnostic(rel, start + 1, "warning", "front-matter is not closed",
                                       "end it with a line of three dashes: ---")])
    source = "\n".join(lines[start + 1:end])
    body = "\n".join(lines[end + 1 :])
    fm = FrontMatter({}, body, end + 1)
    for number, line in enumerate(lines[start + 1:end], start=start + 2):
        key = _KEY.match(line)
        if key:
            fm.key_lines.setdefault(key.group(1), number)
    try:
        data = _load_yaml(source)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + start + 2 if mark else start + 1
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        hint = "quote values that contain ': ', '#' or start with '{', '[', '*', '&' or '@'"
        placeholder = _PLACEHOLDER.search(source)
        if placeholder:
            hint = f"`{placeholder.group()}` {_PLACEHOLDER_HINT}; fill it in, or quote it"
        elif "\t" in source:
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
    for key, value in fm.data.items():
        if isinstance(value, str) and _PLACEHOLDER.search(value):
            fm.problems.append(Diagnostic(rel, fm.line_of(key), "warning",
                                          f"'{key}' is a template placeholder that was never filled in: {value!r}",
                                          f"it {_PLACEHOLDER_HINT}; fill it in or remove the line"))
    return fm


# libyaml's loader, where PyYAML was built with it, parses front-matter several times faster.
_FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _load_yaml(source: str) -> Any:
    """YAML, with a tab after `key:` allowed as YAML 1.2 (and Obsidian) allow it; PyYAML does not."""
    if not source.strip():
        return {}
    try:
        return yaml.load(source, Loader=_FAST_LOADER)
    except yaml.YAMLError:
        pass
    try:  # the pure-Python loader again: its messages are the clearer ones
        return yaml.safe_load(source)
    except yaml.YAMLError:
        if "\t" not in source:
            raise
    try:
        return yaml.safe_load(re.sub(r"(?<=\S)\t+", " ", source))
    except yaml.YAMLError:
        return yaml.safe_load(source)  # raises the first error, with its own line


def string_list(value: Any, key: str, rel: str, line: int, problems: list[Diagnostic]) -> tuple[str, ...]:
    """`tags`/`aliases`: a list, or a string split on commas (and on spaces for tags)."""
    if value is None:
        return ()
    if isinstance(value, str):
        parts = value.split(",") if key != "tags" else re.split(r"[,\s]+", value)
    elif isinstance(value, (list, tuple)):
        parts = []
        empty = False
        for item in value:
            if item is None or (isinstance(item, str) and not item.strip()):
                empty = True
                continue
            if isinstance(item, (dict, list, bool)):  # a bool is YAML's reading of yes/no/on/off/true/false
                problems.append(Diagnostic(rel, line, "warning",
                                           f"'{key}' has an item that is not text: {item!r}; skipped",
                                           "quote it if it is meant as text" if isinstance(item, bool) else ""))
                continue
            parts.append(str(item))
        if empty:
            problems.append(Diagnostic(rel, line, "warning", f"'{key}' has an empty item; skipped",
                                       "remove the empty `-` line or the empty quotes"))
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
    if _PLACEHOLDER.search(text):  # already reported as an unfilled placeholder
        return None
    for parse in (dt.date.fromisoformat, lambda t: dt.datetime.fromisoformat(t).date()):
        try:
            return parse(text)
        except ValueError:
            pass
    for fmt in ("%Y-%m-%d", "%Y/%m/%d", "%d.%m.%Y", "%B %d, %Y", "%b %d, %Y", "%d %B %Y", "%d %b %Y",
                "%Y-%m-%d %H:%M", "%Y%m%d"):
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
