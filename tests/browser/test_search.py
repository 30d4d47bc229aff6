"""Search: the dialog opens from the button and the keyboard, finds a note by a word in its body, opens it."""

from __future__ import annotations

import pytest


def test_search_finds_a_note_by_a_word_in_its_body_and_opens_it(page):
    p = page.open()
    p.click(".search-button")
    p.fill("#search-input", "cardinality")
    first = p.locator(".search-results > li > a").first
    first.wait_for()
    assert "Observability" in first.inner_text()
    assert "cardinality" in p.locator(".search-results mark").first.inner_text().lower()
    first.click()
    p.wait_for_url("**/mental-models/observability/")
    assert p.locator("h1").inner_text() == "Observability"


@pytest.mark.parametrize("keys", ["Control+k", "/"])
def test_search_opens_from_the_keyboard_and_closes_with_escape(page, keys):
    p = page.open("ai-systems/kv-cache/")
    p.keyboard.press(keys)
    assert p.locator(".search-dialog").is_visible()
    assert p.evaluate("document.activeElement.id") == "search-input"
    p.keyboard.type("roofline")
    p.locator(".search-results a").first.wait_for()
    p.keyboard.press("ArrowDown")  # into the results
    assert p.evaluate("document.activeElement.classList.contains('search-result')")
    p.keyboard.press("Escape")
    assert not p.locator(".search-dialog").is_visible()


def test_search_says_when_nothing_matches(page):
    p = page.open()
    p.click(".search-button")
    p.fill("#search-input", "zzqxjv")
    p.wait_for_selector(".search-status:text('No notes match.')")


@pytest.fixture(scope="module")
def cjk_site(tmp_path_factory):
    """A garden written in Chinese: Pagefind's extended build splits its text into words."""
    from functools import partial
    from http.server import ThreadingHTTPServer
    import threading

    from garden.pipeline import build_site
    from garden.search import index_site

    from ..conftest import write_garden
    from .conftest import _Quiet

    root = tmp_path_factory.mktemp("cjk")
    config = write_garden(root, {"kv.md": "---\ntitle: 键值缓存\n---\n键值缓存保存先前的键和值，以便更快地生成下一个词元。显存是主要的代价。\n"},
                          "title: 花园\nlanguage: zh\ngit_dates: false\n")
    build_site(config, jobs=1)
    index_site(config.output_dir)
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Quiet, directory=str(config.output_dir)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


def test_a_chinese_note_is_found_by_a_word_inside_a_sentence(browser, cjk_site):
    context = browser.new_context()
    p = context.new_page()
    p.goto(cjk_site)
    p.click(".search-button")
    p.fill("#search-input", "显存")  # "video memory", in the middle of the note's last sentence
    first = p.locator(".search-results > li > a").first
    first.wait_for()
    assert "键值缓存" in first.inner_text()
    assert p.locator(".search-results mark").first.inner_text() == "显存"
    context.close()


def test_a_note_in_a_merged_shard_is_found(page, site):
    """The site's index is in four shards (see conftest): search.js loads the first and merges the rest."""
    import re

    from garden.search import deal

    searchable = sorted(p.relative_to(site).as_posix() for p in site.rglob("index.html")
                        if "data-pagefind-body" in p.read_text(encoding="utf-8"))
    last = deal(searchable, 4)[3]
    html = (site / last[0]).read_text(encoding="utf-8")
    title = re.search(r'<h1[^>]*id="note-title"[^>]*>(.*?)</h1>', html, re.S).group(1).strip()
    p = page.open()
    p.click(".search-button")
    p.fill("#search-input", title)
    p.locator(".search-results > li > a").first.wait_for()
    assert title in [a.inner_text().split("\n")[0] for a in p.locator(".search-results > li > a").all()]
