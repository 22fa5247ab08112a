"""Pages with schema.org JobPosting markup: any page (JSON-LD whole, cut short or garbage,
microdata, wrong charset, BOM, binary) through the parser and the real spider callback gives
postings or reasoned quarantine records, never an exception; every broken script is quarantined
with its text and every JobPosting node is accounted for."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from spiders.parsing.jsonld import parse_page
from tests.fuzz import strategies as s
from tests.fuzz.budget import fuzz_settings, tally
from tests.fuzz.contract import check_outputs, quarantined
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


@st.composite
def known_script(draw: st.DrawFn) -> tuple[str, int, bool]:
    """(ld+json script text, JobPosting nodes it holds, whether it is cut short)."""
    nodes = draw(st.lists(s.JOBPOSTING_NODE, min_size=1, max_size=3))
    shape = draw(st.sampled_from(["node", "list", "graph"]))
    data = (
        nodes[0]
        if shape == "node"
        else nodes
        if shape == "list"
        else {"@context": "https://schema.org", "@graph": nodes}
    )
    held = 1 if shape == "node" else len(nodes)
    # ASCII and "</" escaped: the script's text reaches the JSON parser exactly as written
    text = json.dumps(data).replace("</", "<\\/")
    if draw(st.booleans()):
        # an object or array cut anywhere before its end is never JSON
        return text[: draw(st.integers(min_value=1, max_value=len(text) - 1))], 0, True
    return text, held, False


@fuzz_settings
@given(scripts=st.lists(known_script(), max_size=4))
def test_every_script_is_read_or_quarantined(scripts: list[tuple[str, int, bool]]) -> None:
    tally("jsonld/accounting")
    body = "".join(f'<script type="application/ld+json">{text}</script>' for text, _, _ in scripts)
    page = f'<html><head><meta charset="utf-8"></head><body>{body}</body></html>'
    outputs = check_outputs(parse_page("fuzz-site", page.encode(), URL))
    broken = [q for q in quarantined(outputs) if q.reason.startswith("malformed JSON-LD")]
    cut = [text.strip() for text, _, is_cut in scripts if is_cut]
    assert sorted(q.raw_payload for q in broken) == sorted(cut), "each cut script, whole"
    assert all(q.url == URL for q in broken)
    assert len(outputs) - len(broken) == sum(held for _, held, _ in scripts), (
        "each JobPosting node is a posting or quarantined"
    )
