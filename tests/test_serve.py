"""The preview server: rebuild on save, reload event, safe paths, the error overlay, a clean stop."""

from __future__ import annotations

import http.client
import io
import json
import threading
import time
from pathlib import Path

import pytest

from garden import outputs
from garden.preview import server as server_module
from garden.preview.server import resolve_request
from garden.preview.session import PreviewSession

from .conftest import write_garden


class Preview:
    def __init__(self, root: Path):
        self.log = io.StringIO()
        self.session = PreviewSession(root / "garden.yaml", {"base_url": ""}, log=self.log)
        self.url = ""
        ready = threading.Event()

        def on_ready(url: str) -> None:
            self.url = url
            ready.set()

        self.thread = threading.Thread(target=self.session.serve, args=("127.0.0.1", 0),
                                       kwargs={"ready": on_ready}, daemon=True)
        self.thread.start()
        assert ready.wait(30), self.log.getvalue()
        self.port = int(self.url.rsplit(":", 1)[1].strip("/"))

    def get(self, path: str) -> tuple[int, str]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read().decode("utf-8", "replace")

    def events(self):
        """(event, data) from the server-sent event stream, as they come: listening when this returns, so no
        event sent after it is missed."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=20)
        conn.request("GET", "/__garden/events")
        response = conn.getresponse()
        assert response.fp.readline().startswith(b"retry:")  # the stream's first line: the server listens
        return self._events(response)

    @staticmethod
    def _events(response):
        name = None
        while True:
            line = response.fp.readline().decode()
            if line.startswith("event: "):
                name = line[7:].strip()
            elif line.startswith("data: ") and name:
                yield name, json.loads(line[6:])
                name = None

    def stop(self) -> None:
        self.session.shutdown()
        self.thread.join(30)


@pytest.fixture
def preview(tmp_path):
    write_garden(tmp_path, {"a.md": "---\ntitle: A\n---\nFirst version. Links to [[b]].\n", "b.md": "B here.\n"})
    running = Preview(tmp_path)
    yield running, tmp_path
    running.stop()


def wait_for(events, wanted: str):
    for name, data in events:
        if name == wanted:
            return data


def test_save_triggers_rebuild_reload_and_new_content(preview):
    server, root = preview
    status, html = server.get("/a/")
    assert status == 200 and "First version." in html and "/__garden/client.js" in html
    events = server.events()
    (root / "content" / "a.md").write_text("---\ntitle: A\n---\nSecond version. Links to [[b]].\n")
    wait_for(events, "reload")
    assert "Second version." in server.get("/a/")[1]


def test_backlinks_on_other_pages_follow_an_edit(preview):
    server, root = preview
    assert 'href="../a/"' in server.get("/b/")[1]
    events = server.events()
    (root / "content" / "a.md").write_text("---\ntitle: A\n---\nNo links any more.\n")
    wait_for(events, "reload")
    assert 'href="../a/"' not in server.get("/b/")[1].split('class="backlinks"')[-1]


def test_traversal_is_refused(preview):
    server, root = preview
    (root / "secret.txt").write_text("secret")
    for path in ("/../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E%2Fsecret.txt", "/a/..%2f..%2fsecret.txt",
                 "/..%5csecret.txt", "/%00", "/a/%2e%2e/%2e%2e/%2e%2e/etc/passwd"):
        status, body = server.get(path)
        assert status == 404, path
        assert "secret" not in body


def test_symlink_out_of_the_site_is_refused(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (tmp_path / "outside.txt").write_text("no")
    (site / "link.txt").symlink_to(tmp_path / "outside.txt")
    (site / "in.txt").write_text("yes")
    assert resolve_request(site.resolve(), "/link.txt") is None
    assert resolve_request(site.resolve(), "/in.txt") == (site / "in.txt").resolve()


def test_broken_template_shows_overlay_and_keeps_last_good_site(preview):
    server, root = preview
    events = server.events()
    (root / "templates").mkdir(exist_ok=True)
    (root / "templates" / "note.html").write_text("{% if %}broken")
    problems = wait_for(events, "problems")
    while not problems:
        problems = wait_for(events, "problems")
    assert any("note.html" in p and "template syntax error" in p for p in problems)
    status, html = server.get("/a/")
    assert status == 200 and "First version." in html  # the last good page is still served
    (root / "templates" / "note.html").unlink()
    (root / "content" / "a.md").write_text("---\ntitle: A\n---\nRecovered.\n")
    wait_for(events, "reload")
    assert "Recovered." in server.get("/a/")[1]


def test_editor_droppings_do_not_rebuild(preview):
    server, root = preview
    before = server.log.getvalue().count("built in")
    (root / "content" / ".a.md.swp").write_text("x")
    (root / "content" / "a.md~").write_text("x")
    (root / "content" / "4913").write_text("x")
    (root / "content" / ".obsidian").mkdir()
    (root / "content" / ".obsidian" / "workspace.json").write_text("{}")
    time.sleep(0.6)
    assert server.log.getvalue().count("built in") == before


def test_missing_page_is_the_404_page(preview):
    server, _ = preview
    status, html = server.get("/no/such/page/")
    assert status == 404 and "Page not found" in html


def test_the_search_index_follows_edits_in_the_background(preview):
    """The reload is not held up by indexing; the index catches up once the saves stop."""
    server, root = preview

    def index_names() -> str:
        status, entry = server.get("/pagefind/0/pagefind-entry.json")
        return entry if status == 200 else ""

    deadline = time.monotonic() + 30
    while not index_names() and time.monotonic() < deadline:
        time.sleep(0.2)
    first = index_names()
    assert first, server.log.getvalue()
    events = server.events()
    (root / "content" / "c.md").write_text("# C\n\nA brand new note about lanterns.\n")
    wait_for(events, "reload")
    deadline = time.monotonic() + 30
    while index_names() == first and time.monotonic() < deadline:
        time.sleep(0.2)
    assert index_names() != first  # a new note changes the index's fingerprint


def test_the_preview_says_why_it_built_everything_again(tmp_path):
    config = write_garden(tmp_path, {"a.md": "# A\n"})
    config.cache_dir.mkdir()
    (config.cache_dir / "build-journal.pickle").write_bytes(b"not a pickle")
    log = io.StringIO()
    session = PreviewSession(tmp_path / "garden.yaml", {"base_url": ""}, log=log)
    try:
        session.build_once()
    finally:
        session._temporary.cleanup()
    assert "garden: note: the build cache in" in log.getvalue() and "rebuilding everything" in log.getvalue()


def test_the_preview_starts_from_the_notes_garden_build_rendered_and_leaves_its_cache_alone(tmp_path):
    """The preview's site and cache are its own, but it loads `garden build`'s state: it reads that build's
    stored bodies rather than rendering every note again, and keeps the ones it renders to itself."""
    from garden.pipeline import build_site

    config = write_garden(tmp_path, {"a.md": "# A\n\nLinks [[b]].\n", "b.md": "# B\n\nPlain.\n",
                                     "c.md": "# C\n\n![[b]]\n"})
    build_site(config, jobs=1)
    shared = config.cache_dir / "bodies"
    before = sorted(p.name for p in shared.rglob("*") if p.is_file())
    session = PreviewSession(tmp_path / "garden.yaml", {"base_url": ""}, log=io.StringIO())
    try:
        result = session.build_once()
        assert (result.rendered_notes, result.notices) == (0, [])
        assert "Plain." in (session.config.output_dir / "c" / "index.html").read_text()  # the embed, read too
        (tmp_path / "content" / "b.md").write_text("# B\n\nPlain no more.\n")
        result = session.build_once({str(tmp_path / "content" / "b.md")})
        assert result.rendered_notes == 1
        assert "Plain no more." in (session.config.output_dir / "c" / "index.html").read_text()
        assert sorted(p.name for p in shared.rglob("*") if p.is_file()) == before
    finally:
        session._temporary.cleanup()


def test_events_sent_together_each_reach_a_listener_in_order(preview, monkeypatch):
    """A reload and the graph's update that follows it are two events: neither may hide the other."""
    monkeypatch.setattr(server_module, "HEARTBEAT_SECONDS", 60)  # a lost event times the listener out (20 s)
    server, _ = preview
    events = server.events()
    server.session.broadcast.send("first", 1)
    server.session.broadcast.send("second", 2)
    assert [next(events), next(events)] == [("first", 1), ("second", 2)]


def test_a_new_link_reloads_at_once_and_the_graph_follows(preview, monkeypatch):
    """The layout of graph.json (a second or more in a big garden) is made after the reload is sent; graph
    pages reload again when it is written, and it is then the one a clean build makes."""
    monkeypatch.setattr(server_module, "HEARTBEAT_SECONDS", 60)  # no graph event times the listener out (20 s)
    server, root = preview
    events = server.events()
    (root / "content" / "c.md").write_text("C, new, links to [[a]].\n")
    names: list[str] = []
    while "graph" not in names:
        names.append(next(events)[0])
    assert names[-2:] == ["reload", "graph"]
    graph = json.loads(server.get("/graph.json")[1])
    assert {node["id"] for node in graph["nodes"]} == {"a/", "b/", "c/"}
    assert len(graph["edges"]) == 2


def test_graph_data_that_cannot_be_made_is_reported_and_made_by_the_next_build(preview, monkeypatch):
    """A failure after the reload (a bug in the layout, a full disk) is said in the browser; the next build
    starts the graph afresh, so graph.json does not stay behind the links for good."""
    monkeypatch.setattr(server_module, "HEARTBEAT_SECONDS", 60)
    server, root = preview
    real = outputs.graph_json

    def broken(*args, **kwargs):
        raise OSError("no space left on device")

    monkeypatch.setattr(outputs, "graph_json", broken)
    events = server.events()
    (root / "content" / "c.md").write_text("C links to [[a]].\n")
    assert wait_for(events, "reload") is not None
    problems = wait_for(events, "problems")
    assert problems and "no space left on device" in problems[0]
    assert server.session.state.graph is None
    monkeypatch.setattr(outputs, "graph_json", real)
    (root / "content" / "c.md").write_text("C links to [[a]], and says more.\n")  # no new link
    wait_for(events, "graph")
    graph = json.loads(server.get("/graph.json")[1])
    assert {node["id"] for node in graph["nodes"]} == {"a/", "b/", "c/"} and len(graph["edges"]) == 2
