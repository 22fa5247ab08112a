"""RSS 2.0 / Atom job feeds -> ``JobPosting`` records, with a per-feed field mapping."""

from __future__ import annotations

import time
from typing import Any

import feedparser

from spiders.parsing.record import Output, build_posting, quarantine
from spiders.parsing.values import (
    clean_str,
    employment_type,
    language_tag,
    make_location,
    make_salary,
    parse_date,
)

# JobPosting field -> feedparser entry key. A source's ``fields`` overrides these.
DEFAULT_FIELDS: dict[str, str] = {
    "external_id": "id",
    "canonical_url": "link",
    "title": "title",
    "description": "content",
    "date_posted": "published",
}
MAPPABLE = frozenset(
    {
        "external_id",
        "canonical_url",
        "title",
        "description",
        "company",
        "city",
        "region",
        "country",
        "language",
        "date_posted",
        "valid_through",
        "employment_type",
        "salary_min",
        "salary_max",
        "salary_currency",
        "salary_period",
    }
)


def _json_safe(entry: Any) -> Any:
    """A feedparser entry as plain JSON data (parsed-time tuples dropped)."""
    if isinstance(entry, dict):
        return {
            str(k): _json_safe(v)
            for k, v in entry.items()
            if not str(k).endswith("_parsed") and not isinstance(v, time.struct_time)
        }
    if isinstance(entry, list):
        return [_json_safe(v) for v in entry]
    if isinstance(entry, (str, int, float, bool)) or entry is None:
        return entry
    return str(entry)


def _get(entry: dict[str, Any], key: str | None) -> Any:
    if not key:
        return None
    value = entry.get(key)
    if key == "content":
        if isinstance(value, list) and value:
            return value[0].get("value")
        return entry.get("summary")
    if key == "published" and not value:
        return entry.get("updated")
    if isinstance(value, dict):
        return value.get("value") or value.get("href") or value.get("name")
    return value


def entry_fields(
    entry: dict[str, Any], mapping: dict[str, str], company: str | None, feed_language: str | None
) -> dict[str, Any]:
    """JobPosting fields of one feed entry under a field mapping."""

    def pick(name: str) -> Any:
        return _get(entry, mapping.get(name))

    content = entry.get("content")
    content_lang = content[0].get("language") if isinstance(content, list) and content else None
    description = pick("description")
    return {
        "external_id": clean_str(pick("external_id")),
        "canonical_url": clean_str(pick("canonical_url")) or "",
        "title": clean_str(pick("title")) or "",
        "company": clean_str(pick("company")) or company,
        "location": make_location(pick("city"), pick("region"), pick("country")),
        "language": language_tag(pick("language")) or language_tag(content_lang) or feed_language,
        "date_posted": parse_date(pick("date_posted")),
        "valid_through": parse_date(pick("valid_through")),
        "employment_type": employment_type(pick("employment_type")),
        "salary": make_salary(
            pick("salary_min"), pick("salary_max"), pick("salary_currency"), pick("salary_period")
        ),
        "description_html": str(description) if description else "",
    }


def parse_feed(
    source: str,
    body: bytes,
    url: str,
    fields: dict[str, str] | None = None,
    company: str | None = None,
    language: str | None = None,
) -> list[Output]:
    """Every posting (or quarantine record) of an RSS/Atom document."""
    mapping = {**DEFAULT_FIELDS, **(fields or {})}
    try:
        parsed = feedparser.parse(body)
    except Exception as error:  # feedparser raises on some hostile input (&#xD800;...)
        reason = f"malformed feed: {type(error).__name__}: {error}"
        return [quarantine(source, url, reason, body.decode("utf-8", "replace"))]
    if not parsed.entries:
        if parsed.get("bozo"):
            reason = f"malformed feed: {parsed.get('bozo_exception')}"
            return [quarantine(source, url, reason, body.decode("utf-8", "replace"))]
        return []
    feed_language = language or language_tag(parsed.feed.get("language"))
    out: list[Output] = []
    for entry in parsed.entries:
        raw = _json_safe(entry)
        try:
            values = entry_fields(entry, mapping, company, feed_language)
        except (TypeError, ValueError, AttributeError) as error:
            out.append(quarantine(source, url, f"unusable feed entry: {error}", raw))
            continue
        out.append(build_posting(source, values["canonical_url"] or url, raw, values))
    return out
