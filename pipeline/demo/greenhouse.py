"""The demo board's Greenhouse Job Board API: ``/boards-api/v1/boards/demo/jobs``.

Same shape as ``boards-api.greenhouse.io``: ``{"jobs": [...], "meta": {"total": n}}``;
``content`` (HTML-escaped HTML), ``departments`` and ``offices`` only with
``content=true``; ``/jobs/{id}`` returns one job with its content.
"""

from __future__ import annotations

import html
from typing import Any

from pipeline.demo.markup import UTC_OFFSETS, number
from pipeline.demo.postings import DemoBoard, DemoPosting, slugify

BOARD_TOKEN = "demo"
API_ROOT = "/boards-api"
JOBS_PATH = f"{API_ROOT}/v1/boards/{BOARD_TOKEN}/jobs"
HOSTED_PREFIX = f"/boards/{BOARD_TOKEN}/jobs/"
COUNTRY_NAMES = {
    "FR": "France",
    "BE": "Belgium",
    "CH": "Switzerland",
    "CA": "Canada",
    "US": "United States",
    "GB": "United Kingdom",
}
_EMPLOYMENT_LABELS = {
    "FULL_TIME": "Full-time",
    "PART_TIME": "Part-time",
    "INTERN": "Intern",
    "CONTRACTOR": "Contract",
    "TEMPORARY": "Temporary",
}


def location_name(posting: DemoPosting) -> str:
    """``"City, Region, Country"`` as Greenhouse boards usually write it."""
    return f"{posting.city}, {posting.region}, {COUNTRY_NAMES[posting.country]}"


def _timestamp(day: str, country: str) -> str:
    return f"{day}T09:00:00{UTC_OFFSETS[country]}"


def _small_id(text: str) -> int:
    return 4_000_000 + sum(ord(c) * (i + 1) for i, c in enumerate(text)) % 999_983


def _pay_transparency(posting: DemoPosting) -> str:
    """The pay block Greenhouse appends to the content of English US/CA postings."""
    s = posting.salary
    if s is None or posting.language != "en":
        return ""
    return (
        '<div class="content-pay-transparency"><div class="pay-input">'
        '<div class="title">Pay range</div><div class="pay-range">'
        f'<span>{number(s.min):,}</span><span class="divider">&mdash;</span>'
        f"<span>{number(s.max):,} {s.currency}</span></div></div></div>"
    )


def _metadata(posting: DemoPosting) -> list[dict[str, Any]] | None:
    """Custom fields: English boards fill them in, French ones leave them null."""
    if posting.language != "en":
        return None
    fields: list[dict[str, Any]] = [
        {
            "id": _small_id("employment"),
            "name": "Employment Type",
            "value": _EMPLOYMENT_LABELS[posting.employment_type],
            "value_type": "single_select",
        }
    ]
    if posting.salary:
        fields.append(
            {
                "id": _small_id("salary"),
                "name": "Salary Range",
                "value": {
                    "min_value": f"{posting.salary.min:.1f}",
                    "max_value": f"{posting.salary.max:.1f}",
                    "unit": posting.salary.currency,
                    "period": posting.salary.period,
                },
                "value_type": "currency_range",
            }
        )
    return fields


def requisition_id(posting: DemoPosting) -> str:
    """The employer's own requisition code, e.g. ``LEDG-3002``."""
    return f"{slugify(posting.company)[:4].upper()}-{posting.greenhouse_id % 10_000:04d}"


def hosted_url(posting: DemoPosting, base_url: str) -> str:
    """The job's page on the hosted board (Greenhouse's ``absolute_url``)."""
    return f"{base_url.rstrip('/')}{HOSTED_PREFIX}{posting.greenhouse_id}"


def job_object(posting: DemoPosting, base_url: str, content: bool) -> dict[str, Any]:
    """One job of the board in Greenhouse's shape (``posting`` already in its Greenhouse view)."""
    updated = max(posting.date_modified, posting.date_posted)
    job: dict[str, Any] = {
        "absolute_url": hosted_url(posting, base_url),
        "data_compliance": [{"type": "gdpr", "requires_consent": False, "retention_period": None}],
        "internal_job_id": posting.internal_job_id,
        "location": {"name": location_name(posting)},
        "metadata": _metadata(posting),
        "id": posting.greenhouse_id,
        "updated_at": _timestamp(updated, posting.country),
        "requisition_id": requisition_id(posting),
        "title": posting.title,
        "company_name": posting.company,
        "first_published": _timestamp(posting.date_posted, posting.country),
        "language": posting.language,
    }
    if content:
        job["content"] = html.escape(posting.description_html + _pay_transparency(posting))
        department = posting.department or "Marketing"
        job["departments"] = [
            {"id": _small_id(department), "name": department, "child_ids": [], "parent_id": None}
        ]
        job["offices"] = [
            {
                "id": _small_id(posting.city),
                "name": posting.city,
                "location": location_name(posting),
                "child_ids": [],
                "parent_id": None,
            }
        ]
    return job


def jobs_document(board: DemoBoard, base_url: str, content: bool) -> dict[str, Any]:
    """The ``GET .../jobs`` response: every Greenhouse posting, newest update first."""
    postings = sorted(
        board.greenhouse_postings,
        key=lambda p: (max(p.date_modified, p.date_posted), p.greenhouse_id),
        reverse=True,
    )
    jobs = [job_object(p, base_url, content) for p in postings]
    return {"jobs": jobs, "meta": {"total": len(jobs)}}


def find_job(board: DemoBoard, job_id: str) -> DemoPosting | None:
    """The Greenhouse posting with this public id, if the edition has it."""
    return next((p for p in board.greenhouse_postings if str(p.greenhouse_id) == job_id), None)
