"""Checks shared by the robustness tests: strict HTML well-formedness and where every link leads."""

from __future__ import annotations

import posixpath
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
# MathML and SVG elements may close themselves (<mspace/>, <path/>).
_EXTERNAL = re.compile(r"^(?:[a-zA-Z][a-zA-Z0-9+.\-]*:|//)")


class Malformed(AssertionError):
    pass


class _Strict(HTMLParser):
    """Every element closed in order, no stray end tags; records every element and its attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, tuple[int, int]]] = []
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.problems: list[str] = []
        self.text: list[str] = []
        self.scripts: list[str] = []  # the text of every inline <script>

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))
        if tag not in VOID:
            self.stack.append((tag, self.getpos()))

    def handle_startendtag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1][0] != tag:
            opened = self.stack[-1] if self.stack else None
            self.problems.append(f"</{tag}> at {self.getpos()} closes {opened}")
            # recover: pop to the matching tag if there is one
            names = [t for t, _ in self.stack]
            if tag in names:
                while self.stack and self.stack.pop()[0] != tag:
                    pass
            return
        self.stack.pop()

    def handle_data(self, data):
        if self.stack and self.stack[-1][0] == "script":
            self.scripts.append(data)
        else:
            self.text.append(data)


def parse_html(html: str, *, fragment: bool = False) -> _Strict:
    """Parse `html` strictly; raise Malformed on an unclosed or misnested element."""
    parser = _Strict()
    parser.feed(html)
    parser.close()
    if parser.stack:
        parser.problems.append(f"unclosed: {parser.stack}")
    if parser.problems:
        raise Malformed("; ".join(parser.problems[:5]))
    return parser


def references(elements: list[tuple[str, dict[str, str | None]]]) -> list[tuple[str, str, str]]:
    """(tag, attribute, value) of every href and src."""
    found = []
    for tag, attrs in elements:
        for name in ("href", "src"):
            value = attrs.get(name)
            if value is not None:
                found.append((tag, name, value))
    return found


def is_external(url: str) -> bool:
    return bool(_EXTERNAL.match(url))


def leaves_site(url: str, page_url: str) -> bool:
    """Whether a relative reference on the page at site URL `page_url` climbs above the site's root."""
    if is_external(url) or url.startswith("#") or url == "":
        return False
    path = unquote(urlsplit(url).path)
    if path.startswith("/"):
        return True  # pages link relative to themselves; an absolute path is not ours
    base = page_url if page_url.endswith("/") or page_url == "" else posixpath.dirname(page_url) + "/"
    depth = 0
    for part in (base + path).split("/"):
        if part == "..":
            depth -= 1
        elif part not in ("", "."):
            depth += 1
        if depth < 0:
            return True
    return False


def page_url(site: Path, file: Path) -> str:
    rel = file.relative_to(site).as_posix()
    return rel[: -len("index.html")] if rel.endswith("index.html") else rel


def target_file(site: Path, url: str, page: str) -> Path | None:
    """The file a relative link on page `page` leads to, or None when there is none."""
    path = unquote(urlsplit(url).path)
    base = page if page.endswith("/") or page == "" else posixpath.dirname(page) + "/"
    rel = posixpath.normpath(base + path) if path else base
    target = site / rel if rel not in (".", "") else site
    if target.is_dir():
        target = target / "index.html"
    return target if target.is_file() else None


def check_site(site: Path, *, links_resolve: bool = True) -> dict[str, _Strict]:
    """Every HTML page is well-formed, no href/src leaves the site, and (optionally) every local one exists."""
    parsed = {}
    for file in sorted(site.rglob("*.html")):
        if "pagefind" in file.relative_to(site).parts:
            continue
        url = page_url(site, file)
        try:
            page = parse_html(file.read_text(encoding="utf-8"))
        except Malformed as exc:
            raise Malformed(f"{file.relative_to(site)}: {exc}") from None
        parsed[url] = page
        if url == "404.html":  # links from the site's root path: checked as such
            continue
        for tag, name, value in references(page.elements):
            assert not leaves_site(value, url), f"{url}: <{tag} {name}={value!r}> leaves the site"
            if links_resolve and not is_external(value) and not value.startswith("#"):
                assert target_file(site, value, url) is not None, f"{url}: <{tag} {name}={value!r}> leads nowhere"
    return parsed


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file's bytes and modification time (ns), and every folder, by relative path."""
    found: dict[str, tuple[bytes, int]] = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if path.is_symlink():
            found[rel] = (str(path.readlink()).encode(), 0)
        elif path.is_file():
            found[rel] = (path.read_bytes(), path.stat().st_mtime_ns)
        else:
            found[rel + "/"] = (b"", 0)
    return found
