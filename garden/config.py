"""`garden.yaml`: a declarative, validated configuration.

Every problem is collected and reported at once, each saying what was
expected and what was found; unknown keys are warnings, not failures.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

import yaml

from .errors import ConfigError, Diagnostic

DEFAULT_IGNORE = (".*", "templates", "node_modules", "*.canvas")


@dataclass(frozen=True)
class Config:
    """Every option with its default. Paths are resolved against `root`."""

    root: Path = Path(".")
    title: str = "My Garden"
    tagline: str = ""
    author: str = ""
    language: str = "en"
    base_url: str = ""  # e.g. https://user.github.io/repo-name/
    content: str = "content"
    output: str = "public"
    ignore: tuple[str, ...] = DEFAULT_IGNORE
    raw_html: bool = True  # notes are the author's own; False escapes HTML in Markdown
    git_dates: bool = True  # dates fall back to git history before the file's mtime
    cname: str = ""
    recent_notes: int = 10
    file_urls: bool = False  # links name index.html, so the site also works opened from disk
    search: bool = True  # `garden build` indexes the site with Pagefind (see search.py)
    warnings: tuple[Diagnostic, ...] = field(default=(), compare=False)

    @property
    def content_dir(self) -> Path:
        return (self.root / self.content).resolve()

    @property
    def output_dir(self) -> Path:
        return (self.root / self.output).resolve()

    @property
    def cache_dir(self) -> Path:
        out = self.output_dir
        return out.parent / f".{out.name}-cache"

    def shown(self) -> Config:
        """These options without where the garden and its site are (the same folders spelled otherwise,
        relative or absolute): what a page can show, for the digests that say when pages must be redone."""
        return replace(self, root=Path("."), content="", output="", warnings=())

    @property
    def site_path(self) -> str:
        """The path part of base_url, e.g. "/repo-name/" (always with slashes)."""
        from urllib.parse import urlsplit

        path = urlsplit(self.base_url).path if self.base_url else "/"
        return "/" + path.strip("/") + "/" if path.strip("/") else "/"


_TYPES: dict[str, type | tuple[type, ...]] = {
    "title": str,
    "tagline": str,
    "author": str,
    "language": str,
    "base_url": str,
    "content": str,
    "output": str,
    "ignore": list,
    "raw_html": bool,
    "git_dates": bool,
    "cname": str,
    "recent_notes": int,
    "file_urls": bool,
    "search": bool,
}


def load_config(path: Path | None = None, root: Path | None = None, **overrides: Any) -> Config:
    """Read `garden.yaml` (if present), validate it, apply command-line overrides.

    `path` None means `garden.yaml` in `root` (default: the current folder), and
    a missing default file is fine: a bare folder of notes is a garden.
    """
    root = (root or Path.cwd()).resolve()
    explicit = path is not None
    path = Path(path) if path else root / "garden.yaml"
    raw: dict[str, Any] = {}
    if path.exists():
        root = path.resolve().parent
        try:
            loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = f":{mark.line + 1}" if mark else ""
            raise ConfigError(f"{path}{line}: garden.yaml is not valid YAML: {getattr(exc, 'problem', exc)}") from None
        if loaded is None:
            loaded = {}
        if not isinstance(loaded, dict):
            raise ConfigError(f"{path}: expected a mapping of options, found {type(loaded).__name__}")
        raw = loaded
    elif explicit:
        raise ConfigError(f"{path}: config file not found")

    raw.update({k: v for k, v in overrides.items() if v is not None})
    return validate(raw, root, str(path.name if path.exists() else "garden.yaml"))


def validate(raw: dict[str, Any], root: Path, source: str) -> Config:
    problems: list[str] = []
    warnings: list[Diagnostic] = []
    values: dict[str, Any] = {}
    known = {f.name for f in fields(Config)} - {"root", "warnings"}
    for key, value in raw.items():
        if key not in known:
            close = [k for k in known if k.replace("_", "") == str(key).replace("_", "").replace("-", "")]
            hint = f"did you mean '{close[0]}'?" if close else "it is ignored"
            warnings.append(Diagnostic(source, 0, "warning", f"unknown option '{key}'", hint))
            continue
        expected = _TYPES[key]
        if expected is int and isinstance(value, bool) or not isinstance(value, expected):
            problems.append(f"'{key}': expected {_describe(expected)}, found {type(value).__name__} {value!r}")
            continue
        if key == "ignore":
            if not all(isinstance(v, str) for v in value):
                problems.append(f"'ignore': expected a list of glob strings, found {value!r}")
                continue
            value = DEFAULT_IGNORE + tuple(value)
        values[key] = value
    base_url = values.get("base_url", "")
    if base_url and not base_url.startswith(("http://", "https://")):
        problems.append(f"'base_url': expected an absolute URL such as https://user.github.io/repo/, found {base_url!r}")
    elif base_url and not base_url.endswith("/"):
        values["base_url"] = base_url + "/"
    if "recent_notes" in values and values["recent_notes"] < 0:
        problems.append(f"'recent_notes': expected a number of notes >= 0, found {values['recent_notes']}")
    if problems:
        raise ConfigError(f"{source}: {len(problems)} problem(s):\n" + "\n".join(f"  - {p}" for p in problems))
    return replace(Config(root=root), **values, warnings=tuple(warnings))


def _describe(expected: type | tuple[type, ...]) -> str:
    names = {str: "a string", bool: "true or false", int: "a whole number", list: "a list"}
    return names.get(expected, str(expected))  # type: ignore[arg-type]
