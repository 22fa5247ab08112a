"""Applicant-tracking-system API payloads -> ``JobPosting`` records, one function per vendor.

Each ``*_record`` function maps one job record in the vendor's documented
response shape; each ``*_records`` function checks the envelope and returns
the job records it holds (or raises ``ShapeError``).
"""

from __future__ import annotations

from typing import Any

from spiders.parsing.record import Output, build_posting, quarantine
from spiders.parsing.text import html_to_text
from spiders.parsing.values import (
    clean_str,
    employment_type,
    first,
    language_tag,
    make_location,
    make_salary,
    parse_date,
)


class ShapeError(ValueError):
    """A response that is valid JSON but not in the vendor's documented shape."""


def records_in(payload: Any, key: str | None) -> list[Any]:
    """The list of records under ``key`` (or the payload itself when ``key`` is None)."""
    records = payload if key is None else (payload.get(key) if isinstance(payload, dict) else None)
    if not isinstance(records, list):
        where = f"a '{key}' list" if key else "a JSON array"
        raise ShapeError(
            f"unexpected response shape: expected {where}, got {type(payload).__name__}"
        )
    return records


def _record_or_quarantine(source: str, record: Any, mapper: Any, **kwargs: Any) -> Output:
    if not isinstance(record, dict):
        return quarantine(source, None, "unexpected record shape: not a JSON object", record)
    url = clean_str(record.get("absolute_url") or record.get("hostedUrl") or record.get("jobUrl"))
    try:
        fields = mapper(record, **kwargs)
    except (TypeError, ValueError, AttributeError, KeyError) as error:
        return quarantine(source, url, f"unusable record: {type(error).__name__}: {error}", record)
    return build_posting(source, fields.get("canonical_url") or url, record, fields)


def _join_html(*parts: Any) -> str:
    return "\n".join(str(p) for p in parts if isinstance(p, str) and p.strip())


# --- Greenhouse: GET {api}/v1/boards/{token}/jobs?content=true -> {"jobs": [...], "meta": {...}}


def greenhouse_fields(job: dict[str, Any], company: str | None) -> dict[str, Any]:
    """Fields of one Greenhouse job (``content`` is entity-escaped HTML)."""
    location_name = clean_str((job.get("location") or {}).get("name"))
    office = first(job.get("offices") or [])
    office_loc = clean_str(office.get("location")) if isinstance(office, dict) else None
    city, region, country = _split_place(location_name or office_loc)
    return {
        "external_id": clean_str(job.get("id")),
        "canonical_url": clean_str(job.get("absolute_url")) or "",
        "title": clean_str(job.get("title")) or "",
        "company": clean_str(job.get("company_name")) or company,
        "location": make_location(city, region, country),
        "language": language_tag(job.get("language")),
        "date_posted": parse_date(job.get("first_published") or job.get("updated_at")),
        "description_html": job.get("content") or "",
    }


def greenhouse_records(payload: Any) -> list[Any]:
    """Job records of a Greenhouse board response."""
    return records_in(payload, "jobs")


def greenhouse_record(source: str, job: Any, company: str | None) -> Output:
    """One Greenhouse job as a posting or a quarantine record."""
    return _record_or_quarantine(source, job, greenhouse_fields, company=company)


def _split_place(text: str | None) -> tuple[str | None, str | None, str | None]:
    """``"Paris, Île-de-France, France"`` -> (city, region, country).

    Two parts are read as city and country, one part as a city.
    """
    if not text:
        return None, None, None
    parts = [p.strip() for p in text.split(",") if p.strip()]
    if len(parts) >= 3:
        return parts[0], parts[1], parts[-1]
    if len(parts) == 2:
        return parts[0], None, parts[1]
    return parts[0], None, None


# --- Lever: GET {api}/v0/postings/{site}?mode=json&skip=&limit= -> [ {...}, ... ]

_LEVER_INTERVAL = {
    "per-hour-wage": "HOUR",
    "per-day-wage": "DAY",
    "per-week-salary": "WEEK",
    "per-month-salary": "MONTH",
    "per-year-salary": "YEAR",
}


def lever_fields(post: dict[str, Any], company: str | None) -> dict[str, Any]:
    """Fields of one Lever posting: description + lists (requirements...) + additional."""
    categories = post.get("categories") or {}
    lists_html = "".join(
        f"<h3>{item.get('text', '')}</h3><ul>{item.get('content', '')}</ul>"
        for item in post.get("lists") or []
        if isinstance(item, dict)
    )
    salary = post.get("salaryRange") or {}
    city, region, country = _split_place(clean_str(categories.get("location")))
    return {
        "external_id": clean_str(post.get("id")),
        "canonical_url": clean_str(post.get("hostedUrl")) or "",
        "title": clean_str(post.get("text")) or "",
        "company": company,
        "location": make_location(city, region, post.get("country") or country),
        "date_posted": parse_date(post.get("createdAt")),
        "employment_type": employment_type(categories.get("commitment")),
        "salary": make_salary(
            salary.get("min"),
            salary.get("max"),
            salary.get("currency"),
            _LEVER_INTERVAL.get(str(salary.get("interval")), salary.get("interval")),
        ),
        "description_html": _join_html(post.get("description"), lists_html, post.get("additional")),
    }


def lever_records(payload: Any) -> list[Any]:
    """Posting records of a Lever postings response (a bare JSON array)."""
    return records_in(payload, None)


def lever_record(source: str, post: Any, company: str | None) -> Output:
    """One Lever posting as a posting or a quarantine record."""
    return _record_or_quarantine(source, post, lever_fields, company=company)


# --- Ashby: GET {api}/posting-api/job-board/{org}?includeCompensation=true -> {"jobs": [...]}


def _ashby_salary(job: dict[str, Any]) -> Any:
    comp = job.get("compensation") or {}
    for part in comp.get("summaryComponents") or []:
        if isinstance(part, dict) and part.get("compensationType") == "Salary":
            return make_salary(
                part.get("minValue"),
                part.get("maxValue"),
                part.get("currencyCode"),
                part.get("interval"),
            )
    return None


def ashby_fields(job: dict[str, Any], company: str | None) -> dict[str, Any]:
    """Fields of one Ashby job posting."""
    address = ((job.get("address") or {}).get("postalAddress")) or {}
    return {
        "external_id": clean_str(job.get("id")),
        "canonical_url": clean_str(job.get("jobUrl")) or "",
        "title": clean_str(job.get("title")) or "",
        "company": company,
        "location": make_location(
            address.get("addressLocality") or job.get("location"),
            address.get("addressRegion"),
            address.get("addressCountry"),
        ),
        "date_posted": parse_date(job.get("publishedAt")),
        "employment_type": employment_type(job.get("employmentType")),
        "salary": _ashby_salary(job),
        "description_html": job.get("descriptionHtml") or "",
        "description_text": html_to_text(job.get("descriptionHtml") or "")
        or clean_text_block(job.get("descriptionPlain")),
    }


def clean_text_block(value: Any) -> str:
    """A plain-text block with its line breaks kept and spaces tidied."""
    return html_to_text(str(value)) if isinstance(value, str) else ""


def ashby_records(payload: Any) -> list[Any]:
    """Listed job records of an Ashby job-board response (unlisted ones are skipped)."""
    return [
        j
        for j in records_in(payload, "jobs")
        if not (isinstance(j, dict) and j.get("isListed") is False)
    ]


def ashby_record(source: str, job: Any, company: str | None) -> Output:
    """One Ashby job as a posting or a quarantine record."""
    return _record_or_quarantine(source, job, ashby_fields, company=company)


# --- SmartRecruiters: list GET {api}/v1/companies/{c}/postings?offset=&limit=
#     -> {"offset", "limit", "totalFound", "content": [...]}; detail GET .../postings/{id}


def smartrecruiters_fields(post: dict[str, Any], company: str | None) -> dict[str, Any]:
    """Fields of one SmartRecruiters posting detail (job ad sections joined in order)."""
    sections = ((post.get("jobAd") or {}).get("sections")) or {}
    html_parts = []
    for key in ("companyDescription", "jobDescription", "qualifications", "additionalInformation"):
        section = sections.get(key) or {}
        if isinstance(section, dict) and section.get("text"):
            title = section.get("title")
            html_parts.append((f"<h3>{title}</h3>" if title else "") + str(section["text"]))
    location = post.get("location") or {}
    company_info = post.get("company") or {}
    ident = clean_str(post.get("id"))
    company_id = clean_str(company_info.get("identifier")) or company
    url = clean_str(post.get("postingUrl")) or (
        f"https://jobs.smartrecruiters.com/{company_id}/{ident}" if company_id and ident else ""
    )
    return {
        "external_id": ident,
        "canonical_url": url,
        "title": clean_str(post.get("name")) or "",
        "company": clean_str(company_info.get("name")) or company,
        "location": make_location(
            location.get("city"), location.get("region"), location.get("country")
        ),
        "language": language_tag((post.get("language") or {}).get("code")),
        "date_posted": parse_date(post.get("releasedDate")),
        "employment_type": employment_type((post.get("typeOfEmployment") or {}).get("label")),
        "description_html": "\n".join(html_parts),
    }


def smartrecruiters_page(payload: Any) -> tuple[list[Any], int]:
    """(posting summaries, totalFound) of a SmartRecruiters list page."""
    records = records_in(payload, "content")
    total = payload.get("totalFound") if isinstance(payload, dict) else None
    return records, int(total) if isinstance(total, int) else len(records)


def smartrecruiters_record(source: str, post: Any, company: str | None) -> Output:
    """One SmartRecruiters posting detail as a posting or a quarantine record."""
    return _record_or_quarantine(source, post, smartrecruiters_fields, company=company)


# --- Workable: GET {api}/api/v1/widget/accounts/{account}?details=true -> {"name", "jobs": [...]}


def workable_fields(job: dict[str, Any], company: str | None) -> dict[str, Any]:
    """Fields of one Workable widget job."""
    loc = first(job.get("locations") or []) or {}
    return {
        "external_id": clean_str(job.get("shortcode") or job.get("code")),
        "canonical_url": clean_str(job.get("url") or job.get("shortlink")) or "",
        "title": clean_str(job.get("title")) or "",
        "company": company,
        "location": make_location(
            job.get("city") or loc.get("city"),
            job.get("state") or loc.get("region"),
            loc.get("countryCode") or job.get("country") or loc.get("country"),
        ),
        "date_posted": parse_date(job.get("published_on") or job.get("created_at")),
        "employment_type": employment_type(job.get("employment_type")),
        "description_html": job.get("description") or "",
    }


def workable_records(payload: Any) -> tuple[list[Any], str | None]:
    """(job records, account display name) of a Workable widget response."""
    return records_in(payload, "jobs"), clean_str(payload.get("name"))


def workable_record(source: str, job: Any, company: str | None) -> Output:
    """One Workable job as a posting or a quarantine record."""
    return _record_or_quarantine(source, job, workable_fields, company=company)


# --- Recruitee: GET {api}/api/offers/ -> {"offers": [...]}


def recruitee_fields(offer: dict[str, Any], company: str | None) -> dict[str, Any]:
    """Fields of one Recruitee offer (description + requirements HTML)."""
    salary = offer.get("salary") or {}
    return {
        "external_id": clean_str(offer.get("id")),
        "canonical_url": clean_str(offer.get("careers_url")) or "",
        "title": clean_str(offer.get("title")) or "",
        "company": clean_str(offer.get("company_name")) or company,
        "location": make_location(
            offer.get("city"),
            offer.get("state_name"),
            offer.get("country_code") or offer.get("country"),
        ),
        "language": language_tag(offer.get("lang_code") or offer.get("language")),
        "date_posted": parse_date(offer.get("published_at") or offer.get("created_at")),
        "valid_through": parse_date(offer.get("close_at")),
        "employment_type": employment_type(offer.get("employment_type_code")),
        "salary": make_salary(
            salary.get("min"), salary.get("max"), salary.get("currency"), salary.get("period")
        )
        if isinstance(salary, dict)
        else None,
        "description_html": _join_html(offer.get("description"), offer.get("requirements")),
    }


def recruitee_records(payload: Any) -> list[Any]:
    """Offer records of a Recruitee offers response."""
    return records_in(payload, "offers")


def recruitee_record(source: str, offer: Any, company: str | None) -> Output:
    """One Recruitee offer as a posting or a quarantine record."""
    return _record_or_quarantine(source, offer, recruitee_fields, company=company)
