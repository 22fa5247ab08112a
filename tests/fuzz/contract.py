"""The contract every parser output honours: a valid posting or a quarantine record with a
reason, either of which survives the staged-file round trip."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from scrapy import Request

from spiders.items import JobPosting, QuarantineRecord, from_staged_line, to_staged_line


def check_output(record: Any) -> JobPosting | QuarantineRecord:
    """Assert one parser output is a posting or a reasoned quarantine record that stages."""
    assert isinstance(record, (JobPosting, QuarantineRecord)), type(record)
    if isinstance(record, QuarantineRecord):
        assert record.reason.strip(), "a quarantine record always says why"
    else:
        assert record.description_text.strip() and record.title.strip()
    line = to_staged_line(record)
    line.encode("utf-8")  # the staged file is UTF-8: a lone surrogate would fail the write
    assert "\n" not in line, "one record, one line"
    assert from_staged_line(line) == record
    return record


def check_outputs(outputs: Iterable[Any], *, requests_allowed: bool = False) -> list[Any]:
    """Assert every output honours the contract; return them (requests passed through)."""
    out = []
    for item in outputs:
        if requests_allowed and isinstance(item, Request):
            out.append(item)
            continue
        out.append(check_output(item))
    return out


def quarantined(outputs: Iterable[Any]) -> list[QuarantineRecord]:
    """The quarantine records among outputs."""
    return [o for o in outputs if isinstance(o, QuarantineRecord)]


def postings(outputs: Iterable[Any]) -> list[JobPosting]:
    """The postings among outputs."""
    return [o for o in outputs if isinstance(o, JobPosting)]
