"""RSS/Atom feeds: any document (hostile entries, CDATA, escaped or raw HTML, wrong charset,
cut short, binary) under any field mapping gives postings or reasoned quarantine records:
one per entry feedparser finds, or one for a document it cannot read."""

from __future__ import annotations

import feedparser
from hypothesis import given
from hypothesis import strategies as st

from spiders.parsing.feed import MAPPABLE, parse_feed
from tests.fuzz import strategies as s
from tests.fuzz.budget import fuzz_settings, tally
from tests.fuzz.contract import check_outputs, quarantined
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
    outputs = check_outputs(parse_feed("fuzz-feed", body, URL, fields, company, language))
    try:
        parsed = feedparser.parse(body)
    except Exception:  # feedparser itself gives up on some input: the whole feed is rejected
        assert [q.reason.startswith("malformed feed") for q in quarantined(outputs)] == [True]
        return
    if parsed.entries:
        assert len(outputs) == len(parsed.entries), "every entry is a posting or quarantined"
    elif parsed.get("bozo"):
        [record] = quarantined(outputs)
        assert outputs == [record] and record.reason.startswith("malformed feed")
    else:
        assert outputs == [], "a well-formed feed without entries yields nothing"


@fuzz_settings
@given(body=st.one_of(s.feed_document(), st.binary(max_size=300)))
def test_any_feed_through_the_spider_callback(body: bytes) -> None:
    tally("feed/spider")
    spider = make_spider({"name": "fuzz-feed", "type": "feed", "url": URL})
    check_outputs(spider.parse_feed(json_response(URL, body)))
