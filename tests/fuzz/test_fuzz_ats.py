"""ATS JSON APIs: any body, through the real spider callbacks, gives postings or reasoned
quarantine records and never raises; a body that is not JSON, or JSON of the wrong shape,
is quarantined with a reason that says so; every record of a well-shaped body is accounted for."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from spiders.parsing.ats import ShapeError, records_in
from spiders.parsing.record import parse_json_body
from tests.fuzz import strategies as s
from tests.fuzz.budget import fuzz_settings, tally
from tests.fuzz.contract import check_outputs, quarantined
from tests.fuzz.spiders import json_response, make_spider

URL = "https://api.example/board"


def _ats(source_type: str, **extra: str) -> dict[str, Any]:
    return {"name": f"fuzz-{source_type}", "type": source_type, "company": "acme", **extra}


# vendor -> (source config, callback name, envelope key, record strategy)
VENDORS: dict[str, tuple[dict[str, Any], str, str | None, st.SearchStrategy[Any]]] = {
    "greenhouse": (_ats("greenhouse"), "parse_board", "jobs", s.GREENHOUSE),
    "lever": (_ats("lever"), "parse_page", None, s.LEVER),
    "ashby": (
        {"name": "fuzz-ashby", "type": "ashby", "organization": "acme"},
        "parse_board",
        "jobs",
        s.ASHBY,
    ),
    "smartrecruiters": (_ats("smartrecruiters"), "parse_list", "content", s.SMARTRECRUITERS),
    "workable": (
        {"name": "fuzz-workable", "type": "workable", "account": "acme"},
        "parse_account",
        "jobs",
        s.WORKABLE,
    ),
    "recruitee": (_ats("recruitee"), "parse_offers", "offers", s.RECRUITEE),
}


def _expected_records(vendor: str, key: str | None, payload: Any) -> int | None:
    """How many outputs a well-shaped payload must give (None when the shape is wrong)."""
    try:
        records = records_in(payload, key)
    except ShapeError:
        return None
    if vendor == "ashby":
        return sum(1 for r in records if not (isinstance(r, dict) and r.get("isListed") is False))
    return len(records)


def _check_vendor(vendor: str, body: bytes) -> None:
    config, callback_name, key, _ = VENDORS[vendor]
    spider = make_spider(config)
    callback: Callable[..., Any] = getattr(spider, callback_name)
    outputs = check_outputs(callback(json_response(URL, body)), requests_allowed=True)
    try:
        payload = parse_json_body(body)
    except ValueError:
        [record] = outputs
        assert "JSON" in quarantined([record])[0].reason
        return
    expected = _expected_records(vendor, key, payload)
    if expected is None:
        [record] = quarantined(outputs)
        assert "shape" in record.reason
        return
    records = [o for o in outputs if not _is_next_page(vendor, o)]
    assert len(records) == expected, (len(records), expected)


def _is_next_page(vendor: str, output: Any) -> bool:
    from scrapy import Request

    return isinstance(output, Request) and ("offset=" in output.url or "skip=" in output.url)


@pytest.mark.parametrize("vendor", sorted(VENDORS))
@fuzz_settings
@given(data=st.data())
def test_any_ats_body_is_parsed_or_quarantined(vendor: str, data: st.DataObject) -> None:
    _, _, key, records = VENDORS[vendor]
    payload = data.draw(s.envelope(key, records), label="payload")
    body = data.draw(s.encoded(payload), label="body")
    tally(f"ats/{vendor}")
    _check_vendor(vendor, body)


@fuzz_settings
@given(record=s.SMARTRECRUITERS, data=st.data())
def test_any_smartrecruiters_detail_is_parsed_or_quarantined(
    record: Any, data: st.DataObject
) -> None:
    body = data.draw(s.encoded(record), label="body")
    tally("ats/smartrecruiters-detail")
    spider = make_spider(_ats("smartrecruiters"))
    outputs = check_outputs(spider.parse_detail(json_response(URL, body)))
    assert len(outputs) == 1
