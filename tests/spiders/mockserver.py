"""A loopback HTTP server for spider tests (Scrapy's own mock-server style).

Routes map a path (optionally with its query string) to a fixed reply, a
sequence of replies (one per hit, the last repeating), or a function. Every
hit is logged with its time, headers and body so tests can check what the
crawler sent and when.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "spiders"


@dataclass(frozen=True)
class Reply:
    """One HTTP response."""

    body: bytes = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "text/html; charset=utf-8"


@dataclass(frozen=True)
class Hit:
    """One request the server received."""

    at: float
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


Route = Reply | list[Reply] | Callable[[Hit], Reply]


def fixture(name: str, **values: str) -> bytes:
    """A fixture file with ``{key}`` placeholders replaced (no format(): JSON has braces)."""
    text = (FIXTURES / name).read_text(encoding="utf-8")
    for key, value in values.items():
        text = text.replace("{" + key + "}", value)
    return text.encode("utf-8")


class MockServer:
    """Threaded HTTP server on 127.0.0.1 and a random port."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.hits: list[Hit] = []
        self._counts: dict[str, int] = {}
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                pass

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                hit = Hit(time.monotonic(), self.command, self.path, dict(self.headers), body)
                reply = server.reply_for(hit)
                self.send_response(reply.status)
                self.send_header("Content-Type", reply.content_type)
                self.send_header("Content-Length", str(len(reply.body)))
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(reply.body)

            do_GET = do_POST = do_HEAD = _serve

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        """Base URL, e.g. ``http://127.0.0.1:54321``."""
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def reply_for(self, hit: Hit) -> Reply:
        """Find the route for a hit and produce its reply."""
        with self._lock:
            self.hits.append(hit)
            key = hit.path if hit.path in self.routes else urlsplit(hit.path).path
            route = self.routes.get(key)
            count = self._counts.get(key, 0)
            self._counts[key] = count + 1
        if route is None:
            return Reply(b"not found", status=404, content_type="text/plain")
        if isinstance(route, Reply):
            return route
        if isinstance(route, list):
            return route[min(count, len(route) - 1)]
        return route(hit)

    def paths_hit(self, path: str) -> list[Hit]:
        """Hits whose path (with query) equals ``path`` or whose path part does."""
        return [h for h in self.hits if h.path == path or urlsplit(h.path).path == path]

    def __enter__(self) -> MockServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
