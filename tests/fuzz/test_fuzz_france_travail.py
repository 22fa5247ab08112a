"""France Travail search pages and token answers: any body, status and Content-Range header,
through the real spider callbacks, never raise; offers become postings or reasoned quarantine
records, every offer accounted for (a repeated id counts once); a token answer never yields
anything but the authorised searches."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from scrapy import Request

from spiders.parsing.ats import ShapeError
from spiders.parsing.france_travail import next_range, parse_salary, search_records
from spiders.parsing.record import parse_json_body
from spiders.spiders.france_travail import FranceTravailSpider
from tests.fuzz import strategies as s
from tests.fuzz.budget import fuzz_settings, tally
from tests.fuzz.contract import check_outputs, quarantined
from tests.fuzz.spiders import json_response, make_spider

API = "https://api.example/partenaire/offresdemploi"
CONFIG = {"name": "fuzz-ft", "type": "france_travail", "api_base": API, "token_url": f"{API}/token"}
# header values arrive as bytes decoded as latin-1: no surrogates, no line breaks
HEADER_TEXT = st.text(st.characters(max_codepoint=255, exclude_categories=("Cc",)), max_size=40)
RANGES = st.one_of(
    st.builds(lambda a, b, c: f"offres {a}-{b}/{c}", st.integers(), st.integers(), st.integers()),
    HEADER_TEXT,
)


def _spider() -> FranceTravailSpider:
    spider = make_spider(CONFIG)
    assert isinstance(spider, FranceTravailSpider)
    spider._token = "fuzz-token"
    return spider


@fuzz_settings
@given(data=st.data())
def test_any_search_page_is_parsed_or_quarantined(data: st.DataObject) -> None:
    payload = data.draw(s.envelope("resultats", s.FRANCE_TRAVAIL), label="payload")
    body = data.draw(s.encoded(payload), label="body")
    status = data.draw(st.sampled_from([200, 206, 204, 401]), label="status")
    content_range = data.draw(RANGES, label="range")
    tally("france_travail/search")
    spider = _spider()
    response = json_response(
        f"{API}/v2/offres/search?range=0-149",
        body,
        status=status,
        **{"Content-Range": content_range},
    )
    outputs = check_outputs(
        spider.parse_search(response, query={"motsCles": "x"}), requests_allowed=True
    )
    if status not in (200, 206) or not body.strip():
        return
    try:
        parsed = parse_json_body(body)
    except ValueError:
        assert len(quarantined(outputs)) == 1 and "JSON" in quarantined(outputs)[0].reason
        return
    records = [o for o in outputs if not isinstance(o, Request)]
    try:
        offers = search_records(parsed)
    except ShapeError:
        assert len(records) == 1 and "shape" in quarantined(records)[0].reason
        return
    assert len(records) == _distinct_offers(offers), "every offer is accounted for"


def _distinct_offers(offers: list[Any]) -> int:
    """How many offers a page holds once repeated ids are counted once (ids-less all count)."""
    seen: set[str] = set()
    distinct = 0
    for offer in offers:
        ident = offer.get("id") if isinstance(offer, dict) else None
        if ident is not None and ident != "":
            if str(ident) in seen:
                continue
            seen.add(str(ident))
        distinct += 1
    return distinct


@fuzz_settings
@given(payload=s.JSON, data=st.data())
def test_any_token_answer_yields_only_searches(payload: Any, data: st.DataObject) -> None:
    body = data.draw(s.encoded({"access_token": payload} if data.draw(st.booleans()) else payload))
    tally("france_travail/token")
    spider = _spider()
    pending = [spider.search_request({"motsCles": "x"}, 0, 149)]
    outputs = list(spider.parse_token(json_response(f"{API}/token", body), pending=pending))
    assert all(isinstance(o, Request) for o in outputs) and len(outputs) <= 1


@fuzz_settings
@given(
    label=s.JSON,
    header=st.one_of(st.none(), RANGES),
    size=st.integers(-5, 200),
    top=st.integers(-5, 5000),
)
def test_salary_labels_and_ranges_never_raise(
    label: Any, header: str | None, size: int, top: int
) -> None:
    tally("france_travail/values")
    salary = parse_salary(label)
    assert salary is None or (salary.min is None or salary.max is None or salary.min <= salary.max)
    window = next_range(header, max(size, 1), max(top, 0))
    assert window is None or 0 <= window[0] <= window[1]
