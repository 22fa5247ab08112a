"""Fixed hostile inputs, each through the real spider callback or parser: truncated JSON, wrong
encodings (cp1252, BOM, UTF-16, mixed), 10 MB bodies, binary bodies, empty descriptions and
deeply nested JSON or HTML. None raises; what cannot be used is quarantined with a reason."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest

from pipeline.stages.load import read_staged
from spiders.items import JobPosting, to_staged_line
from spiders.parsing.feed import parse_feed
from spiders.parsing.jsonld import parse_page
from tests.fuzz.contract import check_outputs, postings, quarantined
from tests.fuzz.spiders import html_response, json_response, make_spider

GH = {"name": "gh", "type": "greenhouse", "company": "acme"}
SITE = {"name": "site", "type": "jsonld", "start_urls": ["https://careers.example/"]}
FT_API = "https://api.example/offres"
FT = {"name": "ft", "type": "france_travail", "api_base": FT_API, "token_url": f"{FT_API}/t"}
PAGE_URL = "https://careers.example/jobs/1"
DESCRIPTION = "<p>Animer nos réseaux sociaux, planifier les contenus et suivre les KPI.</p>"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4


def gh_job(**overrides: Any) -> dict[str, Any]:
    """One Greenhouse job record."""
    job = {
        "id": 7,
        "title": "Chargé·e de communication digitale",
        "absolute_url": "https://boards.example/acme/jobs/7",
        "content": DESCRIPTION,
        "location": {"name": "Paris, France"},
    }
    return {**job, **overrides}


def jsonld(**overrides: Any) -> str:
    """One schema.org JobPosting as a JSON-LD script."""
    node = {
        "@context": "https://schema.org",
        "@type": "JobPosting",
        "title": "Chargé de communication",
        "description": DESCRIPTION,
        "identifier": "J-1",
        "hiringOrganization": {"@type": "Organization", "name": "Société Générale des Crêpes"},
    }
    text = json.dumps({**node, **overrides}, ensure_ascii=False)
    return f'<script type="application/ld+json">{text}</script>'


def page(*scripts: str, head: str = '<meta charset="utf-8">', filler: str = "") -> str:
    """An HTML page around JSON-LD scripts."""
    body = filler + "".join(scripts)
    return f"<!DOCTYPE html><html lang='fr'><head>{head}</head><body>{body}</body></html>"


def greenhouse(body: bytes) -> list[Any]:
    """The Greenhouse spider's outputs for one board body."""
    spider = make_spider(GH)
    return check_outputs(spider.parse_board(json_response("https://api.example/jobs", body)))


def site(body: bytes, content_type: str = "text/html") -> list[Any]:
    """The structured-data spider's outputs for one page."""
    spider = make_spider(SITE)
    response = html_response(PAGE_URL, body, content_type)
    return check_outputs(spider.parse_listing_or_page(response), requests_allowed=True)


def france_travail(body: bytes) -> list[Any]:
    """The France Travail spider's outputs for one search page."""
    spider = make_spider(FT)
    response = json_response(f"{FT_API}/v2/offres/search?range=0-149", body)
    return check_outputs(spider.parse_search(response, query={}), requests_allowed=True)


# -- truncated JSON ------------------------------------------------------------------------


def test_truncated_ats_body_is_quarantined_as_truncated() -> None:
    body = json.dumps({"jobs": [gh_job(), gh_job(id=8)]}).encode()
    [record] = greenhouse(body[: len(body) // 2])
    assert "invalid JSON (truncated" in record.reason and record.raw_payload


def test_truncated_json_ld_script_is_quarantined_and_the_next_one_still_read() -> None:
    broken = jsonld()[:-40] + "</script>"
    outputs = site(page(broken, jsonld(identifier="J-2")).encode())
    assert [p.external_id for p in postings(outputs)] == ["J-2"]
    [bad] = quarantined(outputs)
    assert bad.reason.startswith("malformed JSON-LD") and bad.url == PAGE_URL


def test_truncated_france_travail_page_is_quarantined() -> None:
    body = json.dumps({"resultats": [{"id": "1", "intitule": "CM", "description": "x"}]})
    [record] = france_travail(body[:-5].encode())
    assert record.reason.startswith("invalid JSON")


def test_truncated_staged_line_is_quarantined_and_the_rest_loaded(tmp_path: Path) -> None:
    [posting] = postings(greenhouse(json.dumps({"jobs": [gh_job()]}).encode()))
    line = to_staged_line(posting)
    path = tmp_path / "batch.jsonl"
    path.write_text(f"{line}\n{line[:-30]}\n{line}\n", encoding="utf-8")
    batch = read_staged(path, "gh")
    assert batch.postings == [posting, posting]
    [bad] = batch.quarantined
    assert bad.reason.startswith("staged line 2 unreadable")


# -- encodings ---------------------------------------------------------------------------


def test_cp1252_page_declared_in_a_meta_tag() -> None:
    html = page(
        jsonld(), head='<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">'
    )
    [posting] = postings(site(html.encode("cp1252")))
    assert posting.title == "Chargé de communication"
    assert posting.company == "Société Générale des Crêpes"


def test_cp1252_page_declared_only_in_the_http_header() -> None:
    html = page(jsonld(), head="")
    [posting] = postings(site(html.encode("cp1252"), "text/html; charset=windows-1252"))
    assert posting.title == "Chargé de communication"


def test_utf8_bom_page_and_bom_json() -> None:
    [posting] = postings(site(b"\xef\xbb\xbf" + page(jsonld(), head="").encode()))
    assert posting.title == "Chargé de communication"
    [job] = postings(greenhouse(b"\xef\xbb\xbf" + json.dumps({"jobs": [gh_job()]}).encode()))
    assert job.title == "Chargé·e de communication digitale"


def test_utf16_page_with_a_bom() -> None:
    body = page(jsonld(), head="").encode("utf-16")
    [posting] = postings(site(body))
    assert posting.title == "Chargé de communication"


def test_mixed_encodings_in_one_page_and_one_json_body() -> None:
    html = page(jsonld(title="Chargé de communication ÉTÉ"), head="").encode()
    mixed = html.replace("ÉTÉ".encode(), "ÉTÉ".encode("cp1252"))
    # undeclared, Scrapy sniffs an encoding for the whole page (it guesses cp932 here): the
    # title may come out garbled, but the page still yields its posting
    [posting] = postings(site(mixed))
    assert "communication" in posting.title
    # read as the UTF-8 it mostly is, only the stray bytes are lost
    [posting] = postings(check_outputs(parse_page("site", mixed, PAGE_URL, "utf-8")))
    assert posting.title.startswith("Chargé de communication")
    body = json.dumps({"jobs": [gh_job(title="Chargé ÉTÉ")]}, ensure_ascii=False).encode()
    body = body.replace("ÉTÉ".encode(), "ÉTÉ".encode("cp1252"))
    [job] = postings(greenhouse(body))
    assert job.title.startswith("Chargé") and "\ufffd" in job.title


def test_latin1_feed_with_an_xml_declaration() -> None:
    feed = (
        '<?xml version="1.0" encoding="ISO-8859-1"?><rss version="2.0"><channel><title>x</title>'
        "<item><title>Chargé de communication</title><link>https://jobs.example/1</link>"
        f"<description><![CDATA[{DESCRIPTION}]]></description></item></channel></rss>"
    ).encode("latin-1")
    [posting] = postings(check_outputs(parse_feed("feed", feed, "https://jobs.example/rss")))
    assert posting.title == "Chargé de communication"


# -- size --------------------------------------------------------------------------------


def test_ten_megabyte_page_with_the_posting_at_the_end() -> None:
    filler = "<p>" + "lorem ipsum dolor sit amet " * 40 + "</p>\n"
    html = page(jsonld(), filler=filler * (10_000_000 // len(filler))).encode()
    assert len(html) >= 10_000_000
    started = time.monotonic()
    [posting] = postings(site(html))
    assert posting.external_id == "J-1" and time.monotonic() - started < 60


def test_ten_megabyte_json_bodies() -> None:
    paragraph = "<p>" + "Animer les communautés et planifier les contenus. " * 20 + "</p>"
    huge = paragraph * (10_000_000 // len(paragraph))
    [job] = greenhouse(json.dumps({"jobs": [gh_job(content=huge)]}).encode())
    assert isinstance(job, JobPosting) and len(job.description_text) > 9_000_000
    offers = [{"id": str(i), "intitule": "CM", "description": "y" * 1000} for i in range(10_000)]
    outputs = france_travail(json.dumps({"resultats": offers}).encode())
    assert len(postings(outputs)) == 10_000


def test_huge_quarantined_payload_is_cut() -> None:
    body = b"{" + b"x" * 10_000_000
    [record] = greenhouse(body)
    assert len(record.raw_payload) < 250_000 and "cut" in record.raw_payload


# -- binary ------------------------------------------------------------------------------


@pytest.mark.parametrize("body", [PNG, b"\x00" * 1000, bytes(range(256)) * 100, b"\xff\xfe\x00"])
def test_binary_bodies(body: bytes) -> None:
    [record] = greenhouse(body)
    assert record.reason.startswith("invalid JSON")
    [record] = france_travail(body)
    assert record.reason.startswith("invalid JSON")
    assert postings(site(body)) == []
    assert postings(check_outputs(parse_feed("feed", body, "https://jobs.example/rss"))) == []
    assert check_outputs(parse_page("site", body, PAGE_URL)) == []


# -- empty descriptions ------------------------------------------------------------------


@pytest.mark.parametrize("description", ["", "   ", "<p> </p>", "<br/><br/>", "&nbsp;", None])
def test_empty_descriptions_are_quarantined(description: str | None) -> None:
    [record] = greenhouse(json.dumps({"jobs": [gh_job(content=description)]}).encode())
    assert record.reason == "empty description" and record.raw_payload
    outputs = site(page(jsonld(description=description)).encode())
    assert [q.reason for q in quarantined(outputs)] == ["empty description"]
    assert postings(outputs) == []


# -- deep nesting ------------------------------------------------------------------------


@pytest.mark.parametrize("depth", [300, 900, 5_000, 100_000])
def test_deeply_nested_json_bodies_are_quarantined(depth: int) -> None:
    arrays = "[" * depth + "]" * depth
    objects = '{"a":' * depth + "1" + "}" * depth
    for nested in (arrays, objects):
        for outputs in (greenhouse(nested.encode()), france_travail(nested.encode())):
            [record] = quarantined(outputs)
            assert outputs == [record]
            assert "nested too deeply" in record.reason or "shape" in record.reason
        # one job carrying a deep field: the whole body is refused or the job is read
        body = '{"jobs": [' + json.dumps(gh_job())[:-1] + ', "deep": ' + nested + "}]}"
        [record] = greenhouse(body.encode())
        if depth >= 900:
            assert "nested too deeply" in getattr(record, "reason", "")


@pytest.mark.parametrize("depth", [300, 900, 5_000, 100_000])
def test_deeply_nested_json_ld_is_quarantined(depth: int) -> None:
    nested = "[" * depth + "]" * depth
    script = f'<script type="application/ld+json">{nested}</script>'
    deep_title = '{"@type": "JobPosting", "description": "x", "title": ' + nested + "}"
    deep_node = f'<script type="application/ld+json">{deep_title}</script>'
    outputs = site(page(script, deep_node, jsonld()).encode())
    assert [p.external_id for p in postings(outputs)] == ["J-1"]


@pytest.mark.parametrize("depth", [300, 5_000, 100_000])
def test_deeply_nested_html_descriptions(depth: int) -> None:
    deep = "<div>" * depth + "Animer les réseaux sociaux.<script>x()</script>" + "</div>" * depth
    [posting] = greenhouse(json.dumps({"jobs": [gh_job(content=deep)]}).encode())
    assert isinstance(posting, JobPosting)
    assert posting.description_text == "Animer les réseaux sociaux."


def test_deeply_nested_staged_line(tmp_path: Path) -> None:
    path = tmp_path / "batch.jsonl"
    path.write_text("[" * 100_000 + "]" * 100_000 + "\n", encoding="utf-8")
    [bad] = read_staged(path, "gh").quarantined
    assert bad.reason.startswith("staged line 1 unreadable")


def test_deeply_nested_feed() -> None:
    deep = "<x>" * 50_000 + "</x>" * 50_000
    feed = (
        '<?xml version="1.0"?><rss version="2.0"><channel><item><title>CM</title>'
        f"<link>https://jobs.example/1</link><description>{deep}</description></item>"
        "</channel></rss>"
    ).encode()
    check_outputs(parse_feed("feed", feed, "https://jobs.example/rss"))
