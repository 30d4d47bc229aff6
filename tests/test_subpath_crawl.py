"""The seed garden served under a sub-path, as GitHub Pages serves a project site, crawled link by link.

A plain static server serves the built site only under /garden-sub/ (anything
outside it is a 404) and answers a missing path with 404.html, as Pages does.
A crawler walks every page from the home, and every href and src it finds
(and the feed's, the sitemap's and robots.txt's URLs, and the 404 page's links
as seen from a missing address), and requires each internal one to answer 200
and each #fragment to name an element of its page. External links are not fetched.
Whatever a page links to is checked, so files added later (search indexes,
scripts) are covered as soon as a page links them.
"""

from __future__ import annotations

import functools
import http.client
import re
import threading
import xml.etree.ElementTree as ET
from collections import deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urldefrag, urljoin, urlsplit

import pytest

from garden.config import load_config
from garden.pipeline import build_site

from .conftest import REPO

PREFIX = "/garden-sub/"
MISSING = (PREFIX + "no-such-note/", PREFIX + "ai-systems/deep/er/missing.html")


class SubPathHandler(SimpleHTTPRequestHandler):
    """Serves `directory` at PREFIX; like GitHub Pages: no folder listings, 404.html for what is missing."""

    def send_head(self):
        if not urlsplit(self.path).path.startswith(PREFIX):  # outside the sub-path there is no site
            self.send_error(404)
            return None
        return super().send_head()

    def translate_path(self, path: str) -> str:
        return super().translate_path("/" + path[len(PREFIX):])

    def list_directory(self, path):  # a folder without index.html is missing, not a listing
        self.send_error(404)
        return None

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            return super().send_error(code, message, explain)
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, format: str, *args) -> None:  # quiet test output
        pass


class LinkParser(HTMLParser):
    """Every URL an HTML page refers to, and the ids a fragment can name."""

    URL_ATTRIBUTES = {"href", "src", "poster", "data", "action"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.refs: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        for name, value in values.items():
            if name in self.URL_ATTRIBUTES:
                self.refs.append(value)
            elif name in ("srcset", "imagesrcset"):
                self.refs += [part.split()[0] for part in value.split(",") if part.strip()]
        if tag == "meta" and values.get("property") in ("og:url", "og:image") and values.get("content"):
            self.refs.append(values["content"])
        for name in ("id", "name") if tag == "a" else ("id",):
            if values.get(name):
                self.ids.add(values[name])


def xml_refs(body: str) -> list[str]:
    """URLs in a feed or a sitemap: `<loc>` texts and `href` attributes."""
    refs: list[str] = []
    for element in ET.fromstring(body).iter():
        if element.tag.endswith("}loc") and element.text:
            refs.append(element.text.strip())
        if "href" in element.attrib:
            refs.append(element.attrib["href"])
    return refs


def css_refs(body: str) -> list[str]:
    found = re.findall(r"""url\(\s*['"]?([^'")]+)['"]?\s*\)|@import\s+['"]([^'"]+)['"]""", body)
    return [a or b for a, b in found if not (a or b).startswith("data:")]


@dataclass
class Crawl:
    origin: str
    status: dict[str, int] = field(default_factory=dict)  # url -> HTTP status
    ids: dict[str, set[str]] = field(default_factory=dict)  # html url -> element ids
    links: list[tuple[str, str, str]] = field(default_factory=list)  # (page, href as written, absolute url)

    def fetch(self, url: str) -> tuple[int, str, bytes]:
        parts = urlsplit(url)
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
        try:
            conn.request("GET", parts.path + (f"?{parts.query}" if parts.query else ""))
            response = conn.getresponse()  # redirects are not followed: every link must be the final URL
            return response.status, response.getheader("Content-Type", ""), response.read()
        finally:
            conn.close()

    def refs_of(self, url: str, content_type: str, body: bytes) -> list[str]:
        text = body.decode("utf-8", errors="replace")
        path = urlsplit(url).path
        if "html" in content_type:
            parser = LinkParser()
            parser.feed(text)
            self.ids[url] = parser.ids
            return parser.refs
        if "css" in content_type:
            return css_refs(text)
        if path.endswith(".xml"):
            return xml_refs(text)
        if path.endswith("robots.txt"):
            return re.findall(r"(?im)^sitemap:\s*(\S+)", text)
        return []

    def walk(self, starts: list[str]) -> None:
        queue = deque(starts)
        while queue:
            url = queue.popleft()
            if url in self.status:
                continue
            status, content_type, body = self.fetch(url)
            self.status[url] = status
            if status != 200:
                continue
            queue.extend(self.follow(url, self.refs_of(url, content_type, body)))

    def follow(self, page: str, refs: list[str]) -> list[str]:
        """The internal URLs among a page's references, recorded with where they came from."""
        found = []
        for ref in refs:
            if not ref or ref.startswith(("mailto:", "tel:", "javascript:", "data:")):
                continue
            absolute = urljoin(page, ref)
            if urlsplit(absolute).scheme not in ("http", "https") or not absolute.startswith(self.origin):
                continue  # external: not fetched
            self.links.append((page, ref, absolute))
            if not ref.startswith("#"):  # a fragment of this very page needs no request, only its id
                found.append(urldefrag(absolute)[0])
        return found


@dataclass
class Served:
    site: Path
    crawl: Crawl
    missing: dict[str, tuple[int, bytes]]  # a missing path -> (status, body)


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> Served:
    site = tmp_path_factory.mktemp("subpath") / "site"
    site.mkdir()
    handler = functools.partial(SubPathHandler, directory=str(site))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    origin = f"http://127.0.0.1:{server.server_address[1]}"
    config = load_config(REPO / "garden.yaml", output=str(site), base_url=origin + PREFIX)
    result = build_site(config, jobs=1)
    assert not result.errors, [d.format() for d in result.errors]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        crawl = Crawl(origin)
        missing = {}
        starts = [origin + PREFIX, origin + PREFIX + "feed.xml", origin + PREFIX + "sitemap.xml",
                  origin + PREFIX + "robots.txt"]
        crawl.walk(starts)
        for path in MISSING:  # the 404 page's links, seen from a missing address at any depth
            status, content_type, body = crawl.fetch(origin + path)
            missing[path] = (status, body)
            crawl.walk(crawl.follow(origin + path, crawl.refs_of(origin + path, content_type, body)))
        yield Served(site, crawl, missing)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_every_internal_link_asset_and_fragment_resolves(served):
    crawl = served.crawl
    broken = sorted({f"{page} → {ref} ({crawl.status.get(urldefrag(url)[0])})" for page, ref, url in crawl.links
                     if not ref.startswith("#") and crawl.status.get(urldefrag(url)[0]) != 200})
    assert not broken, "broken links under the sub-path:\n" + "\n".join(broken)
    bad_fragments = sorted({f"{page} → {ref}" for page, ref, url in crawl.links
                            if (fragment := unquote(urldefrag(url)[1])) and urldefrag(url)[0] in crawl.ids
                            and fragment not in crawl.ids[urldefrag(url)[0]]})
    assert not bad_fragments, "fragments naming no element:\n" + "\n".join(bad_fragments)
    assert len(crawl.status) > 30 and len(crawl.links) > 300  # the crawl really walked the garden


def test_nothing_links_outside_the_sub_path(served):
    outside = sorted({f"{page} → {ref}" for page, ref, url in served.crawl.links
                      if not urlsplit(url).path.startswith(PREFIX)})
    assert not outside, "links that leave /garden-sub/:\n" + "\n".join(outside)


def test_every_page_and_asset_is_reached_from_the_home(served):
    """Pages, stylesheets, scripts: every file a visitor needs is linked from somewhere."""
    reached = {urlsplit(url).path for url, status in served.crawl.status.items() if status == 200}
    wanted = {PREFIX + p.relative_to(served.site).as_posix().removesuffix("index.html")
              for p in served.site.rglob("*") if p.suffix in (".html", ".css", ".js") and p.name != "404.html"}
    assert wanted and not wanted - reached, sorted(wanted - reached)


def test_feed_and_sitemap_urls_are_absolute_under_the_sub_path(served):
    crawl = served.crawl
    for name in ("feed.xml", "sitemap.xml"):
        page = crawl.origin + PREFIX + name
        refs = [ref for source, ref, _ in crawl.links if source == page]
        assert refs, name
        assert all(ref.startswith(crawl.origin + PREFIX) for ref in refs), (name, refs)


def test_a_missing_path_gets_the_404_page_which_links_home(served):
    expected = (served.site / "404.html").read_bytes()
    for path, (status, body) in served.missing.items():
        assert status == 404 and body == expected, path
    assert f'href="{PREFIX}"'.encode() in expected  # absolute: it works from any depth
    from_missing = [url for page, ref, url in served.crawl.links
                    if urlsplit(page).path in MISSING and not ref.startswith("#")]
    assert served.crawl.origin + PREFIX in from_missing
    assert all(served.crawl.status[urldefrag(url)[0]] == 200 for url in from_missing)


def test_site_files_github_pages_needs(served):
    assert (served.site / ".nojekyll").is_file()  # folders starting with _ are served
    assert not (served.site / "CNAME").exists()  # no cname setting, no CNAME
