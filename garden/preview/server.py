"""An HTTP server for the built site: safe paths, the reload script injected, server-sent events.

It serves only files inside the output folder; anything else (`..`, encoded
or not, symlinks out, NUL bytes) is a 404. The reload script is added to
HTML responses on the way out, so it is never written into the site.
"""

from __future__ import annotations

import json
import mimetypes
import threading
from collections import deque
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

CLIENT_JS = (Path(__file__).parent / "client.js").read_bytes()
SCRIPT_TAG = b'<script src="/__garden/client.js"></script>'
HEARTBEAT_SECONDS = 15


class Broadcast:
    """The latest events, numbered; a listener is sent, in order, each one it has not seen (a reload and the
    graph's update that follows it are two events, and a page must not miss the first)."""

    KEPT = 16  # a listener that falls further behind gets the latest

    def __init__(self) -> None:
        self.condition = threading.Condition()
        self.number = 0
        self.events: deque[tuple[int, str, str]] = deque(maxlen=self.KEPT)  # (number, name, JSON data)
        self.problems: list[str] = []
        self.closed = False

    def send(self, name: str, data: object) -> None:
        with self.condition:
            self.number += 1
            self.events.append((self.number, name, json.dumps(data)))
            if name == "problems":
                self.problems = list(data)  # type: ignore[arg-type]
            self.condition.notify_all()

    def since(self, seen: int) -> list[tuple[str, str]]:
        """The events after number `seen`, as (name, data); call with the condition held."""
        return [(name, data) for number, name, data in self.events if number > seen]

    def close(self) -> None:
        with self.condition:
            self.closed = True
            self.condition.notify_all()


def make_server(site: Path, host: str, port: int, broadcast: Broadcast) -> ThreadingHTTPServer:
    root = site.resolve()

    class Handler(BaseHTTPRequestHandler):
        server_version = "garden"
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:  # quiet: the terminal is for problems
            pass

        def do_HEAD(self) -> None:
            self.do_GET(head=True)

        def do_GET(self, head: bool = False) -> None:
            path = urlsplit(self.path).path
            if path == "/__garden/events":
                return self._events()
            if path == "/__garden/client.js":
                return self._send(HTTPStatus.OK, CLIENT_JS, "text/javascript; charset=utf-8", head)
            file = resolve_request(root, path)
            if file is None:
                return self._not_found(head)
            if file.is_dir():
                if not path.endswith("/"):
                    self.send_response(HTTPStatus.MOVED_PERMANENTLY)
                    self.send_header("Location", path + "/")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                file = file / "index.html"
                if not file.is_file():
                    return self._not_found(head)
            self._send_file(HTTPStatus.OK, file, head)

        def _not_found(self, head: bool) -> None:
            page = root / "404.html"
            if page.is_file():
                return self._send_file(HTTPStatus.NOT_FOUND, page, head)
            self._send(HTTPStatus.NOT_FOUND, b"not found", "text/plain; charset=utf-8", head)

        def _send_file(self, status: HTTPStatus, file: Path, head: bool) -> None:
            try:
                data = file.read_bytes()
            except OSError:  # replaced between the check and the read: a rebuild swapped the site
                return self._send(HTTPStatus.SERVICE_UNAVAILABLE, b"rebuilding", "text/plain", head)
            kind = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
            if kind == "text/html":
                data = inject(data)
            if kind.startswith("text/") or kind in ("application/javascript", "application/json", "image/svg+xml"):
                kind += "; charset=utf-8"
            self._send(status, data, kind, head)

        def end_headers(self) -> None:  # every response, the library's own errors (400) included
            self.send_header("X-Content-Type-Options", "nosniff")
            super().end_headers()

        def _send(self, status: HTTPStatus, data: bytes, kind: str, head: bool) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            if not head:
                self.wfile.write(data)

        def _events(self) -> None:
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.close_connection = True
            with broadcast.condition:
                seen = broadcast.number
                problems = list(broadcast.problems)
            try:
                self.wfile.write(b"retry: 500\n\n")
                if problems:
                    self.wfile.write(f"event: problems\ndata: {json.dumps(problems)}\n\n".encode())
                self.wfile.flush()
                while True:
                    with broadcast.condition:
                        broadcast.condition.wait_for(lambda: broadcast.number != seen or broadcast.closed,
                                                     timeout=HEARTBEAT_SECONDS)
                        if broadcast.closed:
                            return
                        fresh = broadcast.since(seen)
                        seen = broadcast.number
                    messages = [f"event: {name}\ndata: {data}\n\n" for name, data in fresh] or [": still here\n\n"]
                    self.wfile.write("".join(messages).encode())
                    self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError):
                return

    ThreadingHTTPServer.daemon_threads = True
    return ThreadingHTTPServer((host, port), Handler)


def resolve_request(root: Path, url_path: str) -> Path | None:
    """The file a URL path names inside `root`, or None for anything that would leave it."""
    try:
        path = unquote(url_path, errors="strict") if "%" in url_path else url_path
    except UnicodeDecodeError:  # `%c0%ae` and friends: bytes that are no text name no file
        return None
    if "\x00" in path or "\\" in path:
        return None
    parts = [p for p in path.split("/") if p not in ("", ".")]
    if any(p == ".." for p in parts):
        return None
    candidate = root.joinpath(*parts) if parts else root
    try:
        real = candidate.resolve()
    except (OSError, RuntimeError):
        return None
    if not real.is_relative_to(root) or not real.exists():
        return None
    return real


def inject(html: bytes) -> bytes:
    marker = html.rfind(b"</body>")
    if marker < 0:
        return html + SCRIPT_TAG
    return html[:marker] + SCRIPT_TAG + html[marker:]
