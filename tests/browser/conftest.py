"""Browser tests: the seed garden built once, served on a local port, driven by Playwright in Chromium.

Playwright's own browser download does not work here, so the tests drive the
system's Chromium (Debian's `chromium` package). Without it they are skipped,
saying why; with `CI` set they fail instead, since CI installs it.
"""

from __future__ import annotations

import functools
import os
import shutil
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from garden.config import load_config
from garden.pipeline import build_site
from garden import search
from garden.search import index_site

from ..conftest import REPO

CHROMIUM = os.environ.get("GARDEN_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
SCREENSHOTS = REPO / "tests" / "screenshots"
AXE = Path(__file__).parent / "vendor" / "axe.min.js"


def _unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"browser tests cannot run in CI: {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    """The seed garden, built with its search index, into a temporary folder. The index is in shards of a
    few pages, as a large garden's is, so that every search merges them."""
    out = tmp_path_factory.mktemp("site") / "public"
    config = load_config(REPO / "garden.yaml", output=str(out))
    result = build_site(config)
    assert not result.errors, [d.format() for d in result.errors]
    pages_per_shard, search.PAGES_PER_SHARD = search.PAGES_PER_SHARD, 6
    try:
        assert index_site(out, result.searchable).shards == 4
    finally:
        search.PAGES_PER_SHARD = pages_per_shard
    shutil.rmtree(config.cache_dir, ignore_errors=True)
    return out


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="session")
def server(site):
    """The site at http://127.0.0.1:PORT/ (a stdlib server in a thread)."""
    handler = functools.partial(_Quiet, directory=str(site))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        _unavailable(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("Playwright is not installed (pip install -e \".[test]\")")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


class Page:
    """A Playwright page that records console errors and uncaught exceptions."""

    def __init__(self, page, base: str):
        self.page = page
        self.base = base
        self.errors: list[str] = []
        page.on("console", lambda msg: msg.type == "error" and self.errors.append(
            f"console: {msg.text} ({msg.location.get('url', '')})"))
        page.on("pageerror", lambda exc: self.errors.append(f"page error: {exc}"))

    def open(self, path: str = ""):
        self.page.goto(self.base + path)
        self.page.wait_for_load_state("load")
        return self.page


def _context(browser, **options):
    options.setdefault("viewport", {"width": 1280, "height": 900})
    return browser.new_context(**options)


@pytest.fixture
def page(browser, server):
    """A fresh page (its own storage) on the served site; fails the test on any console error."""
    context = _context(browser)
    recorder = Page(context.new_page(), server)
    yield recorder
    context.close()
    assert recorder.errors == []


@pytest.fixture
def make_page(browser, server):
    """A page with context options, e.g. make_page(java_script_enabled=False, color_scheme="dark")."""
    made = []

    def make(**options) -> Page:
        context = _context(browser, **options)
        made.append(context)
        return Page(context.new_page(), server)

    yield make
    for context in made:
        context.close()
