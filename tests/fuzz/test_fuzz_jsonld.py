"""Pages with schema.org JobPosting markup: any page (JSON-LD whole, cut short or garbage,
microdata, wrong charset, BOM, binary) through the parser and the real spider callback gives
postings or reasoned quarantine records, never an exception; a broken script is quarantined."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from spiders.parsing.jsonld import parse_page
from tests.fuzz import strategies as s
from tests.fuzz.budget import fuzz_settings, tally
from tests.fuzz.contract import check_outputs
from tests.fuzz.spiders import html_response, make_spider

URL = "https://careers.example/jobs/42"
CONFIG = {"name": "fuzz-site", "type": "jsonld", "start_urls": ["https://careers.example/"]}
ENCODINGS = st.sampled_from(["utf-8", "cp1252", "latin-1", "utf-16", "shift_jis", "bogus-charset"])


@fuzz_settings
@given(body=s.html_page(), encoding=ENCODINGS)
def test_any_page_gives_postings_or_quarantine(body: bytes, encoding: str) -> None:
    tally("jsonld/parse_page")
    outputs = check_outputs(parse_page("fuzz-site", body, URL, encoding))
    for record in outputs:
        if getattr(record, "reason", "").startswith("malformed JSON-LD"):
            assert record.url == URL


@fuzz_settings
@given(
    body=st.one_of(s.html_page(), st.binary(max_size=300)),
    content_type=st.sampled_from(
        [
            "text/html",
            "text/html; charset=windows-1252",
            "text/html; charset=utf-16",
            "text/html; charset=nope",
        ]
    ),
)
def test_any_page_through_the_spider_callback(body: bytes, content_type: str) -> None:
    tally("jsonld/spider")
    spider = make_spider(CONFIG)
    check_outputs(
        spider.parse_listing_or_page(html_response(URL, body, content_type)), requests_allowed=True
    )
