"""RSS/Atom feeds: any document (hostile entries, CDATA, escaped or raw HTML, wrong charset,
cut short, binary) under any field mapping gives postings or reasoned quarantine records."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from spiders.parsing.feed import MAPPABLE, parse_feed
from tests.fuzz import strategies as s
from tests.fuzz.budget import fuzz_settings, tally
from tests.fuzz.contract import check_outputs
from tests.fuzz.spiders import json_response, make_spider

URL = "https://jobs.example/feed.xml"
MAPPINGS = st.dictionaries(st.sampled_from(sorted(MAPPABLE)), s.FEED_KEYS, max_size=5)


@fuzz_settings
@given(
    body=s.feed_document(),
    fields=MAPPINGS,
    company=st.one_of(st.none(), s.TEXT),
    language=st.one_of(st.none(), st.sampled_from(["fr", "en"])),
)
def test_any_feed_gives_postings_or_quarantine(
    body: bytes, fields: dict[str, str], company: str | None, language: str | None
) -> None:
    tally("feed/parse_feed")
    check_outputs(parse_feed("fuzz-feed", body, URL, fields, company, language))


@fuzz_settings
@given(body=st.one_of(s.feed_document(), st.binary(max_size=300)))
def test_any_feed_through_the_spider_callback(body: bytes) -> None:
    tally("feed/spider")
    spider = make_spider({"name": "fuzz-feed", "type": "feed", "url": URL})
    check_outputs(spider.parse_feed(json_response(URL, body)))
