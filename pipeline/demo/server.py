"""Serve the demo board over HTTP on a local port (standard library only).

In code::

    with serve_demo(edition=1) as demo:
        demo.sitemap_url, demo.greenhouse_api_base, demo.requested_paths

Standalone::

    python -m pipeline.demo.server --port 8765 --edition 2
"""

from __future__ import annotations

import argparse
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from pipeline.demo.greenhouse import API_ROOT, BOARD_TOKEN, JOBS_PATH
from pipeline.demo.postings import DemoBoard, load_board
from pipeline.demo.site import DemoResponse, render


class DemoServer:
    """A running demo board: its addresses, its edition, and every path requested."""

    def __init__(self, httpd: ThreadingHTTPServer, edition: int):
        self._httpd = httpd
        self._lock = threading.Lock()
        self._paths: list[str] = []
        self._board = load_board(edition)
        host, port = httpd.server_address[:2]
        self.host: str = str(host)
        self.port: int = int(port)
        self.base_url: str = f"http://{self.host}:{self.port}"

    @property
    def edition(self) -> int:
        """The edition being served."""
        return self._board.edition

    @property
    def board(self) -> DemoBoard:
        """The postings being served."""
        return self._board

    def set_edition(self, edition: int) -> None:
        """Serve another edition from now on, on the same address."""
        self._board = load_board(edition)

    @property
    def robots_url(self) -> str:
        """``/robots.txt``."""
        return f"{self.base_url}/robots.txt"

    @property
    def sitemap_url(self) -> str:
        """The career site's sitemap."""
        return f"{self.base_url}/sitemap.xml"

    @property
    def listing_url(self) -> str:
        """The first listing page of the career site."""
        return f"{self.base_url}/jobs/"

    @property
    def greenhouse_api_base(self) -> str:
        """Stands for ``https://boards-api.greenhouse.io``: add ``/v1/boards/demo/jobs``."""
        return f"{self.base_url}{API_ROOT}"

    @property
    def greenhouse_board_token(self) -> str:
        """The Greenhouse board token (``demo``)."""
        return BOARD_TOKEN

    @property
    def greenhouse_jobs_url(self) -> str:
        """The full Greenhouse jobs list, descriptions included."""
        return f"{self.base_url}{JOBS_PATH}?content=true"

    def url(self, path: str) -> str:
        """Absolute URL of a path on this server."""
        return f"{self.base_url}/{path.lstrip('/')}"

    def record(self, path: str) -> None:
        """Remember a requested path (query string included)."""
        with self._lock:
            self._paths.append(path)

    @property
    def requested_paths(self) -> list[str]:
        """Every path requested so far, in order (a copy)."""
        with self._lock:
            return list(self._paths)

    @property
    def admin_hits(self) -> list[str]:
        """Requests to the robots-disallowed ``/admin/`` area (should stay empty)."""
        return [p for p in self.requested_paths if p == "/admin" or p.startswith("/admin/")]

    def clear_requests(self) -> None:
        """Forget the paths requested so far."""
        with self._lock:
            self._paths.clear()

    def respond(self, path: str) -> DemoResponse:
        """Record a request and render its response."""
        self.record(path)
        return render(path, self._board, self.base_url)


def _handler(server: DemoServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "rolescope-demo/1"

        def _send(self, with_body: bool) -> None:
            response = server.respond(self.path)
            self.send_response(response.status)
            self.send_header("Content-Type", response.content_type)
            self.send_header("Content-Length", str(len(response.body)))
            for name, value in response.headers:
                self.send_header(name, value)
            self.end_headers()
            if with_body:
                self.wfile.write(response.body)

        def do_GET(self) -> None:
            self._send(with_body=True)

        def do_HEAD(self) -> None:
            self._send(with_body=False)

        def log_message(self, format: str, *args: object) -> None:
            # Quiet: tests and the nightly flow read server.requested_paths instead.
            return

    return Handler


@contextmanager
def serve_demo(edition: int = 1, host: str = "127.0.0.1", port: int = 0) -> Iterator[DemoServer]:
    """Run the demo board in a daemon thread (port 0: a free port) until the block ends."""
    load_board(edition)  # fail before binding if the edition does not exist
    httpd = ThreadingHTTPServer((host, port), BaseHTTPRequestHandler)
    httpd.daemon_threads = True
    demo = DemoServer(httpd, edition)
    httpd.RequestHandlerClass = _handler(demo)
    thread = threading.Thread(target=httpd.serve_forever, name="rolescope-demo", daemon=True)
    thread.start()
    try:
        yield demo
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


def main(argv: list[str] | None = None) -> int:
    """Command line: serve the demo board until interrupted."""
    parser = argparse.ArgumentParser(prog="python -m pipeline.demo.server", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765, help="0 picks a free port")
    parser.add_argument("--edition", type=int, default=1, help="1 or 2")
    args = parser.parse_args(argv)
    with serve_demo(edition=args.edition, host=args.host, port=args.port) as demo:
        print(f"demo board edition {demo.edition} on {demo.base_url}", flush=True)
        print(f"  sitemap:    {demo.sitemap_url}", flush=True)
        print(f"  greenhouse: {demo.greenhouse_jobs_url}", flush=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            print("stopped", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
