"""Fast unit tests of the pure parsing functions (no Scrapy, no network)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

import pytest
from pydantic import ValidationError

from spiders.items import JobPosting, QuarantineRecord
from spiders.middlewares import backoff_seconds, retry_after_seconds
from spiders.parsing import ats, france_travail
from spiders.parsing.feed import parse_feed
from spiders.parsing.jsonld import parse_page
from spiders.parsing.record import build_posting, invalid_json_reason, parse_json_body
from spiders.parsing.text import html_to_text
from spiders.parsing.values import country_code, employment_type, language_tag, parse_date
from spiders.pipelines import reason_category
from spiders.sources import load_sources, parse_source
from tests.spiders.mockserver import FIXTURES, fixture


def _json(name: str) -> Any:
    return json.loads(fixture(name))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-05-01", date(2024, 5, 1)),
        ("2024-05-01T23:30:00Z", date(2024, 5, 1)),
        ("2024-05-02T08:30:00.000+0000", date(2024, 5, 2)),
        ("2024-04-18 09:12:44 UTC", date(2024, 4, 18)),
        ("Thu, 02 May 2024 08:00:00 +0200", date(2024, 5, 2)),
        (1714554000000, date(2024, 5, 1)),
        (1714554000, date(2024, 5, 1)),
        ("2024-06-30T23:59", date(2024, 6, 30)),
        ("not a date", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_date(value: Any, expected: date | None) -> None:
    assert parse_date(value) == expected


def test_vocabularies() -> None:
    assert employment_type("Full-time") == "FULL_TIME"
    assert employment_type(["FULL_TIME", "PART_TIME"]) == "FULL_TIME, PART_TIME"
    assert employment_type("fulltime_fixed_term") == "TEMPORARY"
    assert employment_type("Apprentissage maison") == "Apprentissage maison"
    assert country_code("France") == "FR" and country_code("fr") == "FR"
    assert country_code("Atlantis") == "Atlantis"
    assert language_tag("fr-FR") == "fr" and language_tag("not a tag!") is None


def test_html_to_text_keeps_structure() -> None:
    html = (
        "<h2>Missions</h2><p>Animer les <b>réseaux</b>&nbsp;sociaux.</p>"
        "<ul><li>Instagram</li><li><p>TikTok</p></li></ul>x<br>y<script>z()</script>"
    )
    assert (
        html_to_text(html)
        == "Missions\n\nAnimer les réseaux sociaux.\n\n- Instagram\n- TikTok\n\nx\ny"
    )
    assert html_to_text("&lt;p&gt;Escaped&lt;/p&gt;") == "Escaped"
    assert html_to_text("Line one\nLine   two\n\n\nPara") == "Line one\nLine two\n\nPara"
    assert html_to_text("  <p> </p> ") == ""


def test_build_posting_quarantines_with_clear_reasons() -> None:
    good = build_posting(
        "s",
        "https://x.example/1",
        {"a": 1},
        {"canonical_url": "https://x.example/1", "title": "T", "description_html": "<p>D</p>"},
    )
    assert isinstance(good, JobPosting) and good.description_text == "D"
    assert (
        good.raw_hash
        == build_posting(
            "s",
            None,
            {"a": 1},
            {"canonical_url": "https://x.example/2", "title": "U", "description_html": "E"},
        ).raw_hash
    )  # type: ignore[union-attr]
    relative = build_posting(
        "s", None, {"a": 2}, {"canonical_url": "/jobs/1", "title": "T", "description_html": "D"}
    )
    assert isinstance(relative, QuarantineRecord)
    assert relative.reason.startswith("validation failed: canonical_url:")
    assert relative.raw_payload == '{"a":2}'
    empty = build_posting(
        "s",
        None,
        {"a": 3},
        {"canonical_url": "https://x.example/3", "title": "T", "description_html": "<div> </div>"},
    )
    assert isinstance(empty, QuarantineRecord) and empty.reason == "empty description"


def test_json_bodies() -> None:
    assert parse_json_body(b'\xef\xbb\xbf{"a": 1}') == {"a": 1}
    with pytest.raises(ValueError) as caught:
        parse_json_body(b'{"jobs": [{"id": 1, "title": "Commun')
    assert invalid_json_reason(caught.value).startswith("invalid JSON (truncated")
    with pytest.raises(ValueError) as caught:
        parse_json_body(b'{"jobs": nope}')
    assert invalid_json_reason(caught.value).startswith("invalid JSON: Expecting value")


def test_jsonld_graph_page_mapping() -> None:
    body = fixture("site/graph.html", base="https://careers.example")
    [job] = parse_page("src", body, "https://careers.example/jobs/graph.html?utm_source=x")
    assert isinstance(job, JobPosting)
    assert job.canonical_url == "https://careers.example/jobs/graph.html"
    assert job.company == "Maison Lumière" and job.external_id == "ML-2024-017"
    assert job.employment_type == "FULL_TIME" and job.language == "fr"


def test_jsonld_several_postings_without_urls_get_distinct_urls() -> None:
    body = b"""<html><head><script type="application/ld+json">
    {"@graph": [{"@type": "JobPosting", "title": "A", "description": "a"},
                {"@type": "JobPosting", "title": "B", "description": "b"}]}
    </script></head></html>"""
    records = parse_page("src", body, "https://x.example/list")
    assert [r.canonical_url for r in records] == [  # type: ignore[union-attr]
        "https://x.example/list#jobposting-1",
        "https://x.example/list#jobposting-2",
    ]


def test_jsonld_itemlist_nesting_and_broken_script_isolated() -> None:
    body = b"""<html><head>
    <script type="application/ld+json">{"@type": "ItemList", "itemListElement": [
      {"@type": "ListItem", "item": {"@type": "JobPosting", "title": "Nested", "url": "/n",
       "description": "x"}}]}</script>
    <script type="application/ld+json">{"@type": "JobPosting", "title": </script></head></html>"""
    records = parse_page("src", body, "https://x.example/")
    kinds = sorted(type(r).__name__ for r in records)
    assert kinds == ["JobPosting", "QuarantineRecord"]


def test_greenhouse_mapping() -> None:
    jobs = ats.greenhouse_records(_json("greenhouse/jobs.json"))
    job = ats.greenhouse_record("gh", jobs[1], "fallback")
    assert isinstance(job, JobPosting)
    assert job.company == "Lumen Labs" and job.location.city == "Remote - France"
    assert (
        job.description_text
        == "Vous pilotez nos relations presse et notre communication corporate."
    )
    with pytest.raises(ats.ShapeError):
        ats.greenhouse_records({"error": "not found"})


def test_lever_and_ashby_mapping() -> None:
    lever = ats.lever_record("lv", ats.lever_records(_json("lever/page0.json"))[1], "Kestrel")
    assert isinstance(lever, JobPosting) and lever.employment_type == "PART_TIME"
    assert lever.salary is None and lever.location.city == "Remote"
    board = ats.ashby_records(_json("ashby/board.json"))
    assert [j["title"] for j in board] == ["Senior Social Media Manager"]


def test_smartrecruiters_workable_recruitee_mapping() -> None:
    records, total = ats.smartrecruiters_page(_json("smartrecruiters/list_0.json"))
    assert (len(records), total) == (2, 3)
    detail = ats.smartrecruiters_record(
        "sr", _json("smartrecruiters/detail_744000012345680.json"), "x"
    )
    assert isinstance(detail, JobPosting) and detail.language == "en"
    assert detail.employment_type == "CONTRACTOR"
    jobs, name = ats.workable_records(_json("workable/account.json"))
    assert name == "Orchard & Pine" and len(jobs) == 2
    offers = ats.recruitee_records(_json("recruitee/offers.json"))
    offer = ats.recruitee_record("rc", offers[1], "x")
    assert isinstance(offer, JobPosting) and offer.salary is None


def test_ats_record_not_an_object_is_quarantined() -> None:
    record = ats.lever_record("lv", ["not", "an", "object"], None)
    assert isinstance(record, QuarantineRecord)
    assert record.reason == "unexpected record shape: not a JSON object"


def test_france_travail_helpers() -> None:
    salary = france_travail.parse_salary("Mensuel de 1801,80 Euros sur 12 mois")
    assert salary is not None and (salary.min, salary.max, salary.period) == (
        1801.8,
        1801.8,
        "MONTH",
    )
    assert france_travail.parse_salary("Selon profil") is None
    assert france_travail.next_range("offres 0-149/400", 150, 3000) == (150, 299)
    assert france_travail.next_range("offres 300-399/400", 150, 3000) is None
    assert france_travail.next_range("offres 2850-2999/9000", 150, 3000) == (3000, 3149)
    assert france_travail.next_range("offres 3000-3149/9000", 150, 3000) is None
    [offer] = france_travail.search_records(_json("france_travail/search_rome_1.json"))
    record = france_travail.offer_record("ft", offer)
    assert isinstance(record, JobPosting)
    assert record.rome_code == "E1103" and record.company is None
    assert record.location.city == "Bordeaux" and record.employment_type == "TEMPORARY"


def test_feed_malformed_is_quarantined() -> None:
    [record] = parse_feed("f", b"<html><body>Not a feed <b>at all", "https://f.example/rss")
    assert isinstance(record, QuarantineRecord) and record.reason.startswith("malformed feed")
    # A truncated feed: feedparser recovers the partial entry, which then fails validation.
    [partial] = parse_feed("f", b"<rss><channel><item><title>x</ti", "https://f.example/rss")
    assert isinstance(partial, QuarantineRecord) and partial.reason == "empty description"
    assert (
        parse_feed("f", b"<rss version='2.0'><channel></channel></rss>", "https://f.example") == []
    )


def test_sources_file_loads_every_type() -> None:
    sources = load_sources(FIXTURES / "sources" / "sources.yaml")
    assert [s.type for s in sources] == [
        "jsonld",
        "greenhouse",
        "lever",
        "ashby",
        "smartrecruiters",
        "workable",
        "recruitee",
        "feed",
        "france_travail",
    ]
    ft = sources[-1]
    assert ft.rome_codes == ["E1101", "E1124", "E1103"]  # type: ignore[union-attr]
    assert sources[6].base_url == "https://acme.recruitee.com"  # type: ignore[union-attr]
    assert sources[1].api_base == "https://boards-api.greenhouse.io"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "bad",
    [
        {"name": "x", "type": "feed", "url": "ftp://nope"},
        {"name": "x", "type": "feed", "url": "https://f", "fields": {"colour": "c"}},
        {"name": "x", "type": "france_travail", "rome_codes": ["E11"]},
        {"name": "bad name", "type": "lever", "company": "x"},
        {"name": "x", "type": "lever", "company": "x", "surprise": 1},
    ],
)
def test_invalid_sources_rejected(bad: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        parse_source(bad)


def test_retry_after_and_backoff() -> None:
    now = datetime(2024, 5, 1, 12, 0, 0, tzinfo=UTC)
    assert retry_after_seconds(b"5") == 5.0
    assert retry_after_seconds("Wed, 01 May 2024 12:00:30 GMT", now=now) == 30.0
    assert retry_after_seconds("garbage") is None and retry_after_seconds(None) is None
    delays = [backoff_seconds(n, 1.0, 8.0, jitter=0) for n in range(1, 6)]
    assert delays == [1.0, 2.0, 4.0, 8.0, 8.0]


def test_reason_category() -> None:
    assert reason_category("malformed JSON-LD: Expecting value") == "malformed_json-ld"
    assert reason_category("validation failed: title: too short") == "validation_failed"
    assert reason_category("empty description") == "empty_description"
    assert reason_category("invalid JSON (truncated: the document ends early): x") == "invalid_json"
