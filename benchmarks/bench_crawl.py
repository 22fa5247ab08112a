"""Crawl benchmark: a mock job board of N detail pages (JSON-LD), crawled with throttling off.

Reports pages per second and the crawler's resident memory over time (it
should stay flat as pages accumulate). Loopback only; stops by itself.

    .venv/bin/python benchmarks/bench_crawl.py [--pages 5000] [--concurrency 32]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import subprocess
import sys
import tempfile
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PAGE = """<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>{title}</title>
<script type="application/ld+json">{{"@context": "https://schema.org", "@type": "JobPosting",
"title": "{title}", "identifier": "BENCH-{n}", "url": "/jobs/{n}.html", "datePosted": "2024-05-01",
"hiringOrganization": {{"@type": "Organization", "name": "Banc d'Essai {company}"}},
"jobLocation": {{"@type": "Place", "address": {{"@type": "PostalAddress",
"addressLocality": "Lyon", "addressCountry": "FR"}}}},
"description": "<p>Offre numéro {n}. Vous animez les réseaux sociaux de la marque.</p>\
<ul><li>Instagram</li><li>TikTok</li><li>LinkedIn</li></ul><p>{filler}</p>"}}</script>
</head><body><header><nav>{nav}</nav></header><main><h1>{title}</h1><p>{filler}</p></main></body></html>"""
FILLER = "Nous recherchons une personne curieuse, organisée et créative. " * 12
NAV = "".join(f'<a href="/categorie/{i}">Catégorie {i}</a>' for i in range(20))


def serve(port_queue: multiprocessing.Queue, pages: int) -> None:  # type: ignore[type-arg]
    """Serve robots.txt, a sitemap index, sitemaps and the detail pages (in its own process)."""
    per_sitemap = 1000

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            host = f"http://127.0.0.1:{port}"
            path = self.path
            content_type = "text/html; charset=utf-8"
            if path == "/robots.txt":
                body, content_type = (
                    f"User-agent: *\nAllow: /\nSitemap: {host}/sitemap.xml\n",
                    "text/plain",
                )
            elif path == "/sitemap.xml":
                count = (pages + per_sitemap - 1) // per_sitemap
                items = "".join(
                    f"<sitemap><loc>{host}/sitemap-{i}.xml</loc></sitemap>" for i in range(count)
                )
                body = f'<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{items}</sitemapindex>'
                content_type = "application/xml"
            elif path.startswith("/sitemap-"):
                i = int(path.removeprefix("/sitemap-").removesuffix(".xml"))
                urls = range(i * per_sitemap, min(pages, (i + 1) * per_sitemap))
                items = "".join(f"<url><loc>{host}/jobs/{n}.html</loc></url>" for n in urls)
                body = f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{items}</urlset>'
                content_type = "application/xml"
            elif path.startswith("/jobs/"):
                n = int(path.removeprefix("/jobs/").removesuffix(".html"))
                body = PAGE.format(
                    title=f"Community manager {n}", n=n, company=n % 97, filler=FILLER, nav=NAV
                )
            else:
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            data = body.encode("utf-8")
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    port = int(server.server_address[1])
    port_queue.put(port)
    server.serve_forever()


def rss_mb(pid: int) -> float | None:
    """Resident set size of a process, in MB (Linux /proc)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def main() -> int:
    """Run the benchmark and print a JSON summary."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=5000)
    parser.add_argument("--concurrency", type=int, default=32)
    args = parser.parse_args()
    queue: multiprocessing.Queue = multiprocessing.Queue()  # type: ignore[type-arg]
    server = multiprocessing.Process(target=serve, args=(queue, args.pages), daemon=True)
    server.start()
    port = queue.get(timeout=10)
    with tempfile.TemporaryDirectory() as tmp:
        items, stats_path = Path(tmp) / "items.jsonl", Path(tmp) / "stats.json"
        source = {
            "name": "bench",
            "type": "jsonld",
            "sitemap_urls": [f"http://127.0.0.1:{port}/sitemap.xml"],
        }
        settings = [
            "AUTOTHROTTLE_ENABLED=False",
            "DOWNLOAD_DELAY=0",
            f"CONCURRENT_REQUESTS={args.concurrency}",
            f"CONCURRENT_REQUESTS_PER_DOMAIN={args.concurrency}",
            "LOG_LEVEL=WARNING",
        ]
        command = [sys.executable, "-m", "spiders.run", "--source-json", json.dumps(source)]
        command += ["--items", str(items), "--stats", str(stats_path)]
        for setting in settings:
            command += ["--setting", setting]
        started = time.perf_counter()
        proc = subprocess.Popen(command, cwd=REPO, stderr=subprocess.DEVNULL)
        samples: list[tuple[float, float, int]] = []
        while proc.poll() is None:
            rss = rss_mb(proc.pid)
            done = sum(1 for _ in items.open()) if items.exists() else 0
            if rss is not None:
                samples.append((round(time.perf_counter() - started, 1), round(rss, 1), done))
            time.sleep(0.5)
        wall = time.perf_counter() - started
        stats = json.loads(stats_path.read_text())
        postings = sum(1 for _ in items.open())
    server.terminate()
    pages = stats.get("rolescope/pages", 0)
    crawl_seconds = stats["elapsed_time_seconds"]
    steady = [s for s in samples if s[2] >= 500]
    summary = {
        "pages": pages,
        "postings": postings,
        "crawl_seconds": round(crawl_seconds, 1),
        "wall_seconds_incl_startup": round(wall, 1),
        "pages_per_second": round(pages / crawl_seconds, 1),
        "rss_mb_after_500_pages": steady[0][1] if steady else None,
        "rss_mb_peak": max(s[1] for s in samples) if samples else None,
        "rss_mb_samples_every_10th": [s[1] for s in samples[::10]],
        "finish_reason": stats.get("finish_reason"),
        "errors": stats.get("log_count/ERROR", 0),
    }
    print(json.dumps(summary, indent=2))
    return 0 if summary["finish_reason"] == "finished" else 1


if __name__ == "__main__":
    sys.exit(main())
