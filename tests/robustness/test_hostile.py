"""Hostile input: nothing leaves its folder, nothing runs that should not, front-matter text is always escaped."""

from __future__ import annotations

import json
import socket
import threading
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from garden.cli import make_parser, main
from garden.pipeline import build_site
from garden.preview.server import Broadcast, make_server
from garden.write import SiteWriter

from ..conftest import write_garden
from .helpers import check_site, parse_html

SECRET = b"TOP-SECRET-BYTES"


@pytest.fixture
def outside(tmp_path):
    """A folder beside the garden holding a secret note and image; a build must never publish them."""
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "secret.md").write_bytes(SECRET)
    (folder / "secret.png").write_bytes(SECRET)
    (folder / "passwd").write_bytes(SECRET)
    return folder


def _site_bytes(site: Path) -> bytes:
    return b"".join(p.read_bytes() for p in site.rglob("*") if p.is_file())


# --- paths ---------------------------------------------------------------------------------------

TRAVERSALS = ["../../etc/passwd", "/etc/passwd", "..%2f..%2fetc/passwd", "../outside/secret",
              "../outside/secret.png", "%2e%2e/%2e%2e/outside/passwd", "....//....//etc/passwd",
              "..\\..\\outside\\secret", "/tmp/../etc/passwd", "file:///etc/passwd"]


def test_no_link_or_embed_reads_or_points_outside_the_garden(tmp_path, outside):
    lines = []
    for target in TRAVERSALS:
        lines += [f"[[{target}]] ![[{target}]] [md]({target}) ![img]({target}) [angle](<{target}>)", ""]
    config = write_garden(tmp_path / "garden", {"note.md": "\n".join(lines), "ok.md": "fine\n"})
    result = build_site(config, jobs=1)
    site = config.output_dir
    assert SECRET not in _site_bytes(site)
    assert all(d.level == "warning" and d.path == "note.md" for d in result.diagnostics)
    check_site(site)  # no href or src anywhere climbs out of the site, and every local one exists


def test_permalinks_stay_inside_the_site(tmp_path):
    config = write_garden(tmp_path, {
        "up.md": "---\npermalink: ../../x\n---\nup\n",
        "abs.md": "---\npermalink: /abs/page\n---\nabs\n",
        "encoded.md": "---\npermalink: ..%2f..%2fy\n---\nencoded\n",
        "passwd.md": "---\npermalink: /etc/passwd\n---\npasswd\n",
        "backslash.md": "---\npermalink: ..\\..\\z\n---\nbackslash\n",
        "dots.md": "---\npermalink: a/./../../b\n---\ndots\n",
    })
    result = build_site(config, jobs=1)
    site = config.output_dir
    errors = {(d.path, d.line) for d in result.errors}
    assert errors == {("up.md", 2), ("backslash.md", 2), ("dots.md", 2)}
    assert (site / "abs" / "page" / "index.html").is_file()
    assert (site / "etc" / "passwd" / "index.html").is_file()
    for path in tmp_path.rglob("index.html"):
        assert path.resolve().is_relative_to(site), path  # nothing written outside the output folder
    assert sorted(p.name for p in tmp_path.iterdir()) == [".public-cache", "content", "garden.yaml", "public"]


def test_aliases_are_names_not_paths(tmp_path, outside):
    config = write_garden(tmp_path / "g", {"a.md": "---\naliases: [../../outside/secret, /etc/passwd]\n---\nA\n",
                                           "b.md": "[[../../outside/secret]] and [[/etc/passwd]]\n"})
    result = build_site(config, jobs=1)
    page = (config.output_dir / "b" / "index.html").read_text()
    assert page.count('class="internal" href="../a/"') == 2 and result.diagnostics == []


def test_symlinks_out_of_the_garden_are_skipped_with_a_warning(tmp_path, outside):
    config = write_garden(tmp_path / "g", {"a.md": "[[secret]] ![[secret.png]] [[inside]]\n", "real.md": "real\n"})
    content = config.content_dir
    (content / "linked-folder").symlink_to(outside, target_is_directory=True)
    (content / "secret.png").symlink_to(outside / "secret.png")
    (content / "secret.md").symlink_to(outside / "secret.md")
    (content / "inside.md").symlink_to(content / "real.md")  # stays inside: followed
    (content / "loop").symlink_to(content, target_is_directory=True)  # a loop: no hang
    (content / "dangling.md").symlink_to(tmp_path / "nothing-here.md")
    result = build_site(config, jobs=1)
    said = {(d.path, d.level, d.message) for d in result.diagnostics}
    for name in ("linked-folder", "secret.png", "secret.md", "dangling.md"):
        assert (name, "warning", "symlink points outside the garden; skipped") in said, said
    assert SECRET not in _site_bytes(config.output_dir)
    assert (config.output_dir / "inside" / "index.html").is_file()


@pytest.mark.parametrize("rel", ["../escape.html", "/abs.html", "a/../../escape", "..", ".", "a\x00b"])
def test_the_writer_refuses_paths_outside_the_site(tmp_path, rel):
    writer = SiteWriter(tmp_path / "site")
    with pytest.raises(ValueError, match="outside the site"):
        writer.put(rel, b"x")
    writer.abort()


def test_garden_files_that_would_overwrite_generated_ones_are_errors_not_crashes(tmp_path):
    config = write_garden(tmp_path, {
        "feed.xml": b"<not-the-feed/>", "404.html": b"not the 404", "sitemap.xml": b"x", "graph.json": b"{}",
        "static/style.css": b"body{}", "n/index.html": b"<p>not n's page</p>", "n.md": "n\n",
        "Images/a.png": b"1", "images/a.png": b"2", "a#b.png": b"3", "a-b.png": b"4",
    })
    result = build_site(config, jobs=1)
    clashes = sorted(d.path for d in result.errors)
    assert clashes == sorted(["feed.xml", "404.html", "sitemap.xml", "graph.json", "static/style.css",
                              "n/index.html", "images/a.png", "a-b.png"])
    site = config.output_dir
    assert b"<feed" in (site / "feed.xml").read_bytes()
    assert b"not n's page" not in (site / "n" / "index.html").read_bytes()


# --- raw HTML ---------------------------------------------------------------------------------------

BODY = ('Hello <b class="x">bold</b> <script>alert(1)</script> <img src=x onerror="alert(2)">\n\n'
        '<div onclick="x()">block</div>\n')


def _body_elements(site: Path, page: str) -> list[tuple[str, dict]]:
    html = (site / page / "index.html").read_text()
    body = html.split('<div class="prose note-body">', 1)[1].split("\n  </div>\n", 1)[0]
    return parse_html(body).elements


def test_raw_html_is_kept_by_default(tmp_path):
    config = write_garden(tmp_path, {"a.md": BODY})
    build_site(config, jobs=1)
    tags = [tag for tag, _ in _body_elements(config.output_dir, "a")]
    assert "b" in tags and "script" in tags and "div" in tags  # the notes are the author's own


def test_raw_html_false_escapes_every_tag(tmp_path):
    config = write_garden(tmp_path, {"a.md": BODY + "\n<!-- comment -->\n\n[x](javascript:alert(3))\n"},
                          "title: T\ngit_dates: false\nraw_html: false\n")
    build_site(config, jobs=1)
    elements = _body_elements(config.output_dir, "a")
    assert {tag for tag, _ in elements} <= {"p"}, elements
    assert all(not name.startswith("on") for _, attrs in elements for name in attrs)
    page = (config.output_dir / "a" / "index.html").read_text()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert 'href="javascript' not in page


# --- front-matter text is always escaped ----------------------------------------------------------

EVIL = ["</script><script>alert(1)</script>", '" onmouseover="alert(2)', "' onfocus='alert(3)",
        "<img src=x onerror=alert(4)>", "]]></title><x>", "{{ 7 * 7 }}", "&amp; &lt;",
        "line\u2028separators\u2029here", "<!-- x", "<![CDATA[ x ]]>"]


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    files = {}
    for i, evil in enumerate(EVIL):
        # Tags without `/`: a `/` nests tags, and two tags whose names fold to one URL are another matter
        # (see test_tags_whose_names_fold_to_one_url).
        front = {"title": evil, "description": evil, "tags": [f"t{i}", evil.replace("/", "|")],
                 "aliases": [evil + " alias"]}
        body = f"Body {i} links [[note{(i + 1) % len(EVIL)}]].\n"
        files[f"note{i}.md"] = "---\n" + json.dumps(front) + "\n---\n" + body
    files["index.md"] = "---\ntitle: Home\n---\nWelcome.\n"
    config = write_garden(root, files, "title: '</title><script>alert(5)</script>'\nauthor: '\" onload=\"x'\n"
                                       "tagline: '<b>tag</b>'\nbase_url: https://example.org/g/\ngit_dates: false\n")
    result = build_site(config, jobs=1)
    return result, config.output_dir


def test_hostile_front_matter_injects_no_element_or_attribute(hostile_site):
    result, site = hostile_site
    assert result.errors == []
    pages = check_site(site)
    assert len(pages) > len(EVIL)
    for url, page in pages.items():
        for tag, attrs in page.elements:
            assert tag not in ("x", "img"), (url, tag, attrs)
            assert not any(name.startswith("on") for name in attrs), (url, tag, attrs)
            if tag == "script" and "src" in attrs:  # garden's own scripts, from static/
                assert "/static/" in "/" + attrs["src"] and attrs["src"].endswith(".js"), (url, attrs)
        assert not any("alert(" in script for script in page.scripts), (url, page.scripts)


def test_titles_survive_as_text(hostile_site):
    _, site = hostile_site
    for i, evil in enumerate(EVIL):
        page = parse_html((site / f"note{i}" / "index.html").read_text())
        assert evil in "".join(page.text), (i, evil)


def test_feed_and_sitemap_are_well_formed_xml_with_the_titles_as_text(hostile_site):
    _, site = hostile_site
    feed = ET.parse(site / "feed.xml").getroot()
    ns = {"a": "http://www.w3.org/2005/Atom"}
    titles = {e.findtext("a:title", namespaces=ns) for e in feed.findall("a:entry", ns)}
    assert set(EVIL) <= titles
    assert feed.findtext("a:title", namespaces=ns) == "</title><script>alert(5)</script>"
    categories = {c.get("term") for c in feed.iter("{http://www.w3.org/2005/Atom}category")}
    assert {e.replace("/", "|") for e in EVIL} <= categories
    sitemap = ET.parse(site / "sitemap.xml").getroot()
    locations = [loc.text for loc in sitemap.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert locations and all(loc.startswith("https://example.org/g/") and " " not in loc and "<" not in loc
                             for loc in locations)


def test_graph_json_holds_the_titles_exactly(hostile_site):
    _, site = hostile_site
    graph = json.loads((site / "graph.json").read_bytes())
    assert set(EVIL) <= {node["title"] for node in graph["nodes"]}
    for page in site.rglob("*.html"):  # graph data is a file of its own, never inlined where </script> ends it
        assert '"nodes":' not in page.read_text()


def test_tags_whose_names_fold_to_one_url(garden):
    result, out = garden({"a.md": "---\ntags: ['</b>', ']]></x>', 'C++', 'C#']\n---\na\n"})
    assert result.errors == []
    assert [d.message for d in result.warnings] == [
        "tags 'C++' and 'C#' share the page tags/c/, so they are shown as one tag",
    ]
    assert (out / "tags" / "c" / "index.html").exists()


# --- the preview server -------------------------------------------------------------------------------

def test_serve_listens_on_loopback_by_default():
    args = make_parser().parse_args(["serve"])
    assert args.host == "127.0.0.1"


@pytest.fixture
def server(tmp_path):
    site = tmp_path / "site"
    (site / "a").mkdir(parents=True)
    (site / "a" / "index.html").write_text("<p>a</p>")
    (site / "empty-folder").mkdir()
    (site / "404.html").write_text("<p>not found</p>")
    (tmp_path / "secret.txt").write_bytes(SECRET)
    (site / "out-link").symlink_to(tmp_path / "secret.txt")
    httpd = make_server(site, "127.0.0.1", 0, Broadcast())
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield httpd.server_address[1]
    httpd.shutdown()
    httpd.server_close()


def raw_get(port: int, target: bytes) -> tuple[int, dict[str, str], bytes]:
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(b"GET " + target + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    return status, headers, body


TRAVERSAL_REQUESTS = [b"/../secret.txt", b"/%2e%2e/secret.txt", b"/%2E%2E%2Fsecret.txt", b"/..%2fsecret.txt",
                      b"/a/../../secret.txt", b"/a/%2e%2e/%2e%2e/secret.txt", b"/%252e%252e/secret.txt",
                      b"/..\\secret.txt", b"/..%5csecret.txt", b"/%c0%ae%c0%ae/secret.txt", b"/a%00/../secret.txt",
                      b"/out-link", b"//etc/passwd", b"/./../secret.txt", b"/%u002e%u002e/secret.txt",
                      b"/a/..%252f..%252fsecret.txt", b"/" + b"../" * 20 + b"etc/passwd"]


@pytest.mark.parametrize("target", TRAVERSAL_REQUESTS, ids=lambda t: t.decode("latin-1"))
def test_server_rejects_path_traversal_in_every_encoding(server, target):
    status, headers, body = raw_get(server, target)
    assert SECRET not in body and b"root:" not in body
    assert status in (400, 404), status
    assert headers.get("x-content-type-options") == "nosniff"


@pytest.mark.parametrize("target", [b"/a/", b"/a", b"/missing", b"/empty-folder/", b"/__garden/client.js"])
def test_every_response_says_nosniff(server, target):
    status, headers, _ = raw_get(server, target)
    assert headers.get("x-content-type-options") == "nosniff", (status, headers)


def test_no_directory_listing(server):
    status, _, body = raw_get(server, b"/empty-folder/")
    assert status == 404 and b"not found" in body and b"Index of" not in body
    status, _, body = raw_get(server, b"/")
    assert status == 404 and b"empty-folder" not in body


# --- simulation scripts ---------------------------------------------------------------------------

SCRIPT = """
import json, pathlib
pathlib.Path(__file__).with_name("RAN").write_text("a chart script ran")
print(json.dumps({"title": "T", "series": [{"points": [[0, 1], [1, 2]]}]}))
"""


def test_a_build_or_check_never_runs_a_chart_script(tmp_path, monkeypatch, capsys):
    write_garden(tmp_path, {"sims/s.py": SCRIPT, "n.md": "```chart\nscript: s.py\n```\n"},
                 "title: T\ngit_dates: false\nsearch: false\n")
    monkeypatch.chdir(tmp_path)
    assert main(["build", "-q"]) == 1  # the chart has no stored result yet: an error, not a run
    assert main(["check", "-q"]) == 1
    assert not (tmp_path / "content" / "sims" / "RAN").exists()
    assert main(["charts"]) == 0
    assert (tmp_path / "content" / "sims" / "RAN").exists()
