"""Render planned pages to HTML with Jinja, binding each body's site references to the page's URL."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, fields, is_dataclass, replace
from functools import lru_cache, partial
from pathlib import Path
from typing import Any, Callable

import jinja2
from markupsafe import Markup

from .config import Config
from .errors import Diagnostic
from .paths import MARK, quote_url, relative_url
from .plan import BodyRef, Page
from .resources import default_dir


@dataclass(frozen=True)
class Site:
    title: str
    tagline: str
    author: str
    language: str
    base_url: str


def make_environment(config: Config, compiled: Path | None = None) -> jinja2.Environment:
    """Templates of the garden's own `templates/` first, then garden's defaults, file by file.

    One environment per set of folders for the life of the process, so the
    preview server does not recompile templates on every save (Jinja reloads
    a template whose file changed). With `compiled` (a folder in the build cache), compiled
    templates are kept there too, so a `garden build` after an edit does not compile them again."""
    search = tuple(str(p) for p in (config.root / "templates", default_dir("templates")) if p.is_dir())
    if (search, compiled) not in _ENVIRONMENTS:
        _ENVIRONMENTS[search, compiled] = _new_environment(search, compiled)
    return _ENVIRONMENTS[search, compiled]


_ENVIRONMENTS: dict[tuple[tuple[str, ...], Path | None], jinja2.Environment] = {}


def _new_environment(search: tuple[str, ...], compiled: Path | None) -> jinja2.Environment:
    loader = jinja2.FileSystemLoader(list(search))
    # Keyed by each template's name and source; Jinja checks its own version and Python's.
    bytecode = _FolderBytecodeCache(compiled) if compiled else None
    env = jinja2.Environment(loader=loader, autoescape=True, undefined=jinja2.StrictUndefined,
                             trim_blocks=False, lstrip_blocks=False, keep_trailing_newline=True,
                             bytecode_cache=bytecode)
    env.filters["isodate"] = lambda d: d.isoformat() if d else ""
    return env


class _FolderBytecodeCache(jinja2.FileSystemBytecodeCache):
    """Jinja's own file cache, in a folder made when first written to; one it cannot write
    (a read-only disk) only costs the compile."""

    def __init__(self, folder: Path):
        super().__init__(str(folder))
        self.folder = folder

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            super().dump_bytecode(bucket)
        except OSError:
            pass


class PageRenderer:
    """Renders pages of one build; the shared values (site, nav) are given once."""

    def __init__(self, config: Config, shared: dict[str, Any], expand: Callable[[str], str],
                 compiled: Path | None = None):
        """`expand(note key)` gives a note's body HTML with its embeds filled in; `compiled`: a folder
        to keep compiled templates in (a build that writes nothing has none)."""
        self.expand = expand
        self._digests: dict[str, str] = {}
        self.config = config
        self.env = make_environment(config, compiled)
        self.site = Site(config.title, config.tagline, config.author, config.language, config.base_url)
        self.shared = shared
        self.fixed = {"site": self.site, "build_year": dt.date.today().year}  # the same on every page of a build
        self._templates: dict[str, jinja2.Template] = {}  # looked up once per build, not once per page

    def template_digest(self, name: str) -> str:
        """Of a template and every template it extends, imports or includes, so that editing
        one re-renders exactly the pages that use it."""
        if name not in self._digests:
            self._digests[name] = ""  # a template that (wrongly) includes itself ends here
            try:
                source = self.env.loader.get_source(self.env, name)[0]  # type: ignore[union-attr]
                used = _references(source)
            except jinja2.TemplateError:  # missing or broken: rendering reports it; digest what there is
                source, used = "", []
            parts = [source, *(self.template_digest(n) for n in used)]
            self._digests[name] = hashlib.blake2b("\0".join(parts).encode(), digest_size=16).hexdigest()
        return self._digests[name]

    def render(self, page: Page, extra: dict[str, Any]) -> tuple[bytes | None, Diagnostic | None]:
        """The page's bytes, or a diagnostic naming the template and line that failed."""
        link = self.linker(page)
        hrefs: dict[str, str] = {}  # a page links to some targets more than once (nav, backlinks, connections)

        def url(target: str) -> str:
            href = hrefs.get(target)
            if href is None:
                href = hrefs[target] = link(_quoted(target))
            return href

        values = {key: bind_value(value, link, self.expand) for key, value in page.values.items()}
        base_url = self.config.base_url
        context = {
            **self.shared,
            **extra,
            **values,
            **self.fixed,
            "page": PageInfo(page.url, page.title, page.description, page.kind,
                             base_url + _quoted(page.url) if base_url else ""),
            "url": url,
            "aria_current": partial(aria_current, page.url),
        }
        try:
            template = self._templates.get(page.template) or self._template(page.template)
            return template.render(context).encode("utf-8"), None
        except jinja2.TemplateSyntaxError as exc:
            return None, Diagnostic(_template_path(exc.filename, exc.name), exc.lineno, "error",
                                    f"template syntax error: {exc.message}")
        except jinja2.TemplateNotFound as exc:
            return None, Diagnostic(page.template, 0, "error", f"template not found: {exc.name}",
                                    "add it to templates/ or remove the override that names it")
        except jinja2.UndefinedError as exc:
            filename, line = _template_frame(exc)
            return None, Diagnostic(filename or page.template, line, "error",
                                    f"template error while rendering {page.output_path}: {exc.message}")
        except Exception as exc:  # a user's template may raise anything: report it, keep building
            filename, line = _template_frame(exc)
            return None, Diagnostic(filename or page.template, line, "error",
                                    f"template error while rendering {page.output_path}: "
                                    f"{type(exc).__name__}: {exc}")

    def _template(self, name: str) -> jinja2.Template:
        self._templates[name] = template = self.env.get_template(name)
        return template

    def linker(self, page: Page) -> Callable[[str], str]:
        """How this page writes a link to a (quoted) site URL.

        Every page links relative to itself, except the 404 page, which a host
        serves at any missing address and so must use the site's absolute path.
        """
        if page.kind == "404":
            site_path = self.config.site_path
            return lambda target: site_path + target
        if self.config.file_urls:  # opened from disk: a folder URL shows a listing, so name the file
            return lambda target: with_index(relative_url(target, page.url))
        return lambda target: relative_url(target, page.url)


def aria_current(here: str, target: str) -> Markup:
    """The attribute marking a navigation link to this page ("page") or to a section it is in ("true").
    A Python function rather than a macro: every page calls it for every section of the nav."""
    if here == target:
        return _CURRENT_PAGE
    if target and here.startswith(target):
        return _CURRENT_SECTION
    return Markup("")


_CURRENT_PAGE = Markup(' aria-current="page"')
_CURRENT_SECTION = Markup(' aria-current="true"')


# url() quotes the same site URLs on every page: quote each once.
_quoted = lru_cache(maxsize=1 << 16)(quote_url)


# A tag that names other templates, and the constant name(s) it gives: "a.html", or a list of them.
_REFERENCE = re.compile(r"""\{%[-+]?\s*(?:extends|include|import|from)\s+("[^"]*"|'[^']*'|\[[^\]]*\])""")
_QUOTED = re.compile(r""""([^"]*)"|'([^']*)'""")


def _references(source: str) -> list[str]:
    """The templates a template's source names, found by a scan of its tags: parsing the template
    costs more than the rest of a small rebuild. A name in a comment only counts one template too
    many (a page re-rendered needlessly); a name computed at render time is not known either way."""
    return sorted({a or b for found in _REFERENCE.findall(source) for a, b in _QUOTED.findall(found)} - {""})


@dataclass(frozen=True)
class PageInfo:
    url: str
    title: str
    description: str
    kind: str
    canonical: str


def with_index(href: str) -> str:
    path, hash_, fragment = href.partition("#")
    if path.endswith("/"):
        path += "index.html"
    return path + hash_ + fragment


def bind(html: str, link: Callable[[str], str]) -> str:
    """Replace the site references in rendered HTML with this page's hrefs."""
    if MARK not in html:
        return html
    parts = html.split(MARK)
    for i in range(1, len(parts), 2):
        ref = parts[i]
        parts[i] = link(ref[2:]) if ref.startswith("u:") else ""
    return "".join(parts)


def bind_value(value: Any, link: Callable[[str], str], expand: Callable[[str], str]) -> Any:
    """Fill in the bodies inside a page's values (a note's body, the home's intro), bound to the page."""
    if isinstance(value, BodyRef):
        return Markup(bind(expand(value.key), link))
    if is_dataclass(value):
        bound = {name: Markup(bind(expand(v.key), link)) for name in _field_names(type(value))
                 if isinstance(v := getattr(value, name), BodyRef)}
        return replace(value, **bound) if bound else value
    return value


@lru_cache(maxsize=None)
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in fields(cls))


def _template_path(filename: str | None, name: str | None) -> str:
    if filename:
        try:
            return str(Path(filename).relative_to(Path.cwd()))
        except ValueError:
            return filename
    return name or "<template>"


def _template_frame(exc: BaseException) -> tuple[str, int]:
    """The innermost template file and line in a traceback, if the error came from one."""
    tb = exc.__traceback__
    found = ("", 0)
    while tb is not None:
        code = tb.tb_frame.f_code
        if code.co_filename.endswith(".html") or "<template>" in code.co_filename:
            found = (_template_path(code.co_filename, None), tb.tb_lineno)
        tb = tb.tb_next
    return found
