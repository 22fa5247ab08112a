"""Audit inputs: text and files, binary and oversize refusal, HTML/JSON-LD, URLs, warehouse."""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Iterator
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest

from pipeline.audit import inputs
from pipeline.audit.inputs import InputError
from pipeline.warehouse import open_warehouse
from tests.helpers import load_complete_crawl, make_posting

AD = (
    "Community Manager (H/F)\n\n"
    "Animer nos réseaux sociaux et répondre aux commentaires.\nCDI à Lyon."
)
JSONLD_PAGE = """<!doctype html><html lang="fr"><head><title>Offre</title>
<script type="application/ld+json">{json}</script></head>
<body><nav>Menu du site</nav><h1>Offre</h1></body></html>"""
JOB = {
    "@context": "https://schema.org",
    "@type": "JobPosting",
    "title": "Social Media Manager (F/H)",
    "description": "<p>Définir la stratégie social media.</p><ul><li>Piloter l'agence.</li></ul>",
    "employmentType": "FULL_TIME",
    "hiringOrganization": {"@type": "Organization", "name": "Ormeaux"},
    "jobLocation": {
        "@type": "Place",
        "address": {"addressLocality": "Bordeaux", "addressCountry": "FR"},
    },
    "baseSalary": {
        "@type": "MonetaryAmount",
        "currency": "EUR",
        "value": {
            "@type": "QuantitativeValue",
            "minValue": 45000,
            "maxValue": 52000,
            "unitText": "YEAR",
        },
    },
}


def test_decode_text_accepts_utf8_bom_and_cp1252() -> None:
    assert inputs.decode_text("\ufeffAnimer la communauté".encode()) == "Animer la communauté"
    assert (
        inputs.decode_text("Chargé de communication".encode("cp1252")) == "Chargé de communication"
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not text"),
        (bytes(range(1, 32)) * 20, "control characters"),
        (b"   \n\t ", "empty"),
        (b"x" * (inputs.MAX_TEXT_BYTES + 1), "too large"),
    ],
)
def test_decode_text_refuses_with_a_clear_message(data: bytes, message: str) -> None:
    with pytest.raises(InputError, match=message):
        inputs.decode_text(data)


def test_first_line_is_the_title_unless_one_is_given() -> None:
    ad = inputs.from_text(AD)
    assert ad.title == "Community Manager (H/F)"
    assert ad.title_from_first_line and not ad.title_from_option
    assert ad.description.startswith("Animer nos réseaux sociaux")
    given = inputs.from_text(AD, title="Social Media Manager")
    assert given.title == "Social Media Manager" and given.title_from_option
    assert given.description.startswith("Community Manager (H/F)")
    assert ad.posting_id.startswith("audit-") and ad.posting_id == inputs.from_text(AD).posting_id


def test_html_page_uses_its_jsonld_posting() -> None:
    page = JSONLD_PAGE.format(json=json.dumps(JOB))
    ad = inputs.from_text(page)
    assert ad.title == "Social Media Manager (F/H)"
    assert ad.description == "Définir la stratégie social media.\n\n- Piloter l'agence."
    assert "Menu du site" not in ad.description
    assert ad.structured.salary == "45 000 – 52 000 EUR / year"
    assert ad.structured.location == "Bordeaux, FR"
    assert ad.structured.contract == "FULL_TIME"
    assert ad.language == "fr" and ad.company == "Ormeaux"


def test_html_without_jsonld_is_read_as_text() -> None:
    ad = inputs.from_text(
        "<h1>Community Manager</h1><p>Animer la communauté.</p><script>x()</script>"
    )
    assert ad.title == "Community Manager"
    assert ad.description == "Animer la communauté."


def test_from_file(tmp_path: Path) -> None:
    path = tmp_path / "ad.txt"
    path.write_text(AD, encoding="utf-8")
    assert inputs.from_file(path, title="Community Manager").origin == "file:ad.txt"
    with pytest.raises(InputError, match="Cannot read"):
        inputs.from_file(tmp_path / "missing.txt")
    big = tmp_path / "big.txt"
    big.write_bytes(b"a" * (inputs.MAX_TEXT_BYTES + 10))
    with pytest.raises(InputError, match="too large"):
        inputs.from_file(big)


class _Handler(BaseHTTPRequestHandler):
    routes: ClassVar[dict[str, tuple[int, str, bytes, dict[str, str]]]] = {}
    hits: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        self.hits.append(self.path)
        if self.path == "/slow":
            time.sleep(2)
        status, ctype, body, headers = self.routes.get(self.path, (404, "text/plain", b"no", {}))
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    _Handler.routes = {
        "/ad.html": (
            200,
            "text/html; charset=utf-8",
            JSONLD_PAGE.format(json=json.dumps(JOB)).encode(),
            {},
        ),
        "/plain.txt": (200, "text/plain; charset=utf-8", AD.encode(), {}),
        "/moved": (302, "text/plain", b"", {"Location": "/ad.html"}),
        "/to-ftp": (302, "text/plain", b"", {"Location": "ftp://example.org/ad.txt"}),
        "/loop": (302, "text/plain", b"", {"Location": "/loop"}),
        "/big": (200, "text/plain", b"a" * (inputs.MAX_URL_BYTES + 1), {}),
        "/binary": (200, "application/octet-stream", b"\x00\x01\x02" * 100, {}),
        "/slow": (200, "text/plain", b"late", {}),
    }
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_url_with_jsonld(site: str) -> None:
    _Handler.hits.clear()
    ad = inputs.from_url(f"{site}/moved")
    assert ad.title == "Social Media Manager (F/H)"
    assert ad.url == f"{site}/ad.html"
    assert ad.structured.location == "Bordeaux, FR"
    assert _Handler.hits == ["/moved", "/ad.html"]  # fetched once (after one redirect)


def test_url_plain_text(site: str) -> None:
    ad = inputs.from_url(f"{site}/plain.txt", title="Community Manager")
    assert ad.title == "Community Manager" and "CDI à Lyon" in ad.description


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/to-ftp", "Only http:// and https://"),
        ("/loop", "redirects more than"),
        ("/big", "too large"),
        ("/binary", "not a text"),
        ("/missing", "HTTP 404"),
    ],
)
def test_url_refusals(site: str, path: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        inputs.from_url(f"{site}{path}")


def test_url_timeout(site: str) -> None:
    with pytest.raises(InputError, match="did not answer"):
        inputs.fetch_url(f"{site}/slow", timeout_s=0.3)


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "ftp://example.org/x", "javascript:alert(1)", "//x"]
)
def test_only_http_urls(url: str) -> None:
    with pytest.raises(InputError, match="Only http"):
        inputs.from_url(url)


def test_from_warehouse_reads_the_analyst_copy(tmp_path: Path) -> None:
    store = open_warehouse(tmp_path / "w.duckdb")
    now = datetime(2026, 11, 1, 2, 0)
    load_complete_crawl(
        store, "r1", "test", [make_posting("a", text="Animer la communauté Instagram.")], now
    )
    analyst = store.publish(tmp_path / "analyst.duckdb")
    (posting_id,) = store.query("SELECT posting_id FROM postings")[0]
    store.close()
    ad = inputs.from_warehouse(posting_id, analyst)
    assert ad.title == "Community Manager"
    assert ad.description == "Animer la communauté Instagram."
    assert ad.structured.location == "Lyon, FR"
    assert ad.origin == f"id:{posting_id}"
    with pytest.raises(InputError, match="No posting with id"):
        inputs.from_warehouse("nope", analyst)
    with pytest.raises(InputError, match="No analyst copy"):
        inputs.from_warehouse(posting_id, tmp_path / "none.duckdb")
