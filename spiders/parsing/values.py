"""Normalise single values found in job payloads: dates, salaries, types, places, languages."""

from __future__ import annotations

import json
import re
import unicodedata
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime
from functools import cache
from importlib import resources
from typing import Any

from spiders.items import Location, Salary

_ISO_OFFSET_NO_COLON = re.compile(r"([+-]\d{2})(\d{2})$")
_LANG_TAG = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*$")


@cache
def vocab() -> dict[str, dict[str, str]]:
    """The normalisation vocabularies shipped in ``spiders/data/vocab.json``."""
    text = resources.files("spiders").joinpath("data/vocab.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return {k: v for k, v in data.items() if not k.startswith("_")}


def vocab_key(value: str) -> str:
    """Lookup key for a vocabulary: lower case, no accents, no spaces/hyphens/underscores."""
    folded = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[\s\-_/]+", "", folded.lower())


def first(value: Any) -> Any:
    """The first element of a list, or the value itself when it is not a list."""
    if isinstance(value, list):
        return value[0] if value else None
    return value


def clean_str(value: Any) -> str | None:
    """A stripped string, or None for empty/missing/non-scalar values."""
    value = first(value)
    if isinstance(value, dict):
        value = value.get("name") or value.get("@value") or value.get("value")
    if value is None or isinstance(value, (dict, list)):
        return None
    text = " ".join(str(value).split())
    return text or None


def parse_date(value: Any) -> date | None:
    """A calendar date from ISO 8601, RFC 822, epoch seconds/milliseconds or ``... UTC`` text."""
    value = first(value)
    if value is None or value == "" or isinstance(value, bool):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)):
        seconds = value / 1000 if value > 1e11 else value
        try:
            return datetime.fromtimestamp(seconds, tz=UTC).date()
        except (OverflowError, OSError, ValueError):
            return None
    text = str(value).strip()
    if not text:
        return None
    iso = text.replace(" UTC", "+00:00").replace("Z", "+00:00")
    iso = _ISO_OFFSET_NO_COLON.sub(r"\1:\2", iso)
    try:
        return datetime.fromisoformat(iso).date()
    except ValueError:
        pass
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}.*", text):
        try:
            return date.fromisoformat(text[:10])
        except ValueError:
            return None
    try:
        return parsedate_to_datetime(text).date()
    except (TypeError, ValueError, IndexError):
        return None


def salary_period(value: Any) -> str | None:
    """Map a pay interval (``YEAR``, ``1 MONTH``, ``Mensuel``...) to the schema's period."""
    text = clean_str(value)
    if not text:
        return None
    return vocab()["salary_period"].get(vocab_key(text))


def employment_type(value: Any) -> str | None:
    """Schema.org employment type when the value is a known alias, else the value as published."""
    values = value if isinstance(value, list) else [value]
    names = [text for v in values if (text := clean_str(v))]
    if not names:
        return None
    table = vocab()["employment_type"]
    mapped = [table.get(vocab_key(n), n) for n in names]
    return ", ".join(dict.fromkeys(mapped))


def country_code(value: Any) -> str | None:
    """ISO 3166-1 alpha-2 when the country is recognised, else the name as published."""
    text = clean_str(value)
    if not text:
        return None
    if re.fullmatch(r"[A-Za-z]{2}", text):
        return text.upper()
    return vocab()["country"].get(vocab_key(text), text)


def language_tag(value: Any) -> str | None:
    """Primary language subtag (``fr-FR`` -> ``fr``) of a declared language, or None."""
    text = clean_str(value)
    if not text or not _LANG_TAG.match(text):
        return None
    return re.split(r"[-_]", text)[0].lower()


def to_amount(value: Any) -> float | None:
    """A non-negative number from a number or numeric text (``"45 000,50"``), else None."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return float(value) if value >= 0 else None
    text = re.sub(r"[\s\u00a0\u202f]", "", str(value))
    if re.fullmatch(r"\d+,\d{1,2}", text):
        text = text.replace(",", ".")
    text = text.replace(",", "")
    try:
        amount = float(text)
    except ValueError:
        return None
    return amount if amount >= 0 else None


def make_salary(
    minimum: Any = None, maximum: Any = None, currency: Any = None, period: Any = None
) -> Salary | None:
    """A ``Salary`` from loose parts, or None when no amount is known.

    Returns the Salary unvalidated-safe: a min above max is swapped rather than
    dropped, since sources do publish ranges backwards.
    """
    low, high = to_amount(minimum), to_amount(maximum)
    if low is None and high is None:
        return None
    if low is not None and high is not None and low > high:
        low, high = high, low
    cur = clean_str(currency)
    cur = cur.upper() if cur and len(cur) == 3 else None
    return Salary(min=low, max=high, currency=cur, period=salary_period(period))  # type: ignore[arg-type]


def make_location(city: Any = None, region: Any = None, country: Any = None) -> Location:
    """A ``Location`` from loose parts."""
    return Location(city=clean_str(city), region=clean_str(region), country=country_code(country))
