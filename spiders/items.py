"""The one normalised item every spider yields: a job posting.

This module is the single schema for crawled data. Spiders build a
``JobPosting`` and validate it here; anything that fails validation becomes a
``QuarantineRecord`` instead. The warehouse stores these fields as they are.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import date
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

SalaryPeriod = Literal["HOUR", "DAY", "WEEK", "MONTH", "YEAR"]


def sha256_text(text: str) -> str:
    """Hex SHA-256 of a text, used for raw payload and content hashes."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


class Location(BaseModel):
    """Where the job is: any part may be unknown."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    city: str | None = None
    region: str | None = None
    country: str | None = Field(default=None, description="ISO 3166-1 alpha-2 when known")


class Salary(BaseModel):
    """Published pay range; amounts in ``currency`` per ``period``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    min: float | None = Field(default=None, ge=0)
    max: float | None = Field(default=None, ge=0)
    currency: str | None = Field(default=None, min_length=3, max_length=3)
    period: SalaryPeriod | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Salary:
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"salary min {self.min} is above max {self.max}")
        return self


class JobPosting(BaseModel):
    """A public job ad, normalised from any source format."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    source: str = Field(min_length=1, description="configured source name")
    external_id: str | None = Field(default=None, description="the source's own id for the ad")
    canonical_url: str = Field(min_length=1)
    title: str = Field(min_length=1, max_length=500)
    company: str | None = None
    location: Location = Field(default_factory=Location)
    language: str | None = Field(default=None, description="declared language, if the source says")
    date_posted: date | None = None
    valid_through: date | None = None
    employment_type: str | None = None
    salary: Salary | None = None
    description_html: str = ""
    description_text: str = Field(min_length=1)
    raw_hash: str = Field(min_length=64, max_length=64, description="SHA-256 of the raw payload")
    rome_code: str | None = Field(default=None, description="France Travail ROME code, if any")
    company_size: str | None = Field(default=None, description="headcount as published")

    @field_validator("canonical_url")
    @classmethod
    def _absolute_http(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError(f"canonical_url must be absolute http(s): {value!r}")
        return value

    @property
    def posting_key(self) -> str:
        """Stable key: source + external id when the source has ids, else the canonical URL."""
        basis = f"{self.source}\x1f{self.external_id}" if self.external_id else self.canonical_url
        return sha256_text(basis)[:20]

    @property
    def content_hash(self) -> str:
        """Hash of what a reader sees; a change here makes a new posting version."""
        # Identity fields are left out: the demo board's port, a tracking
        # parameter or a re-encoded payload must not count as a new version.
        content = self.model_dump(
            mode="json", exclude={"raw_hash", "source", "external_id", "canonical_url"}
        )
        return sha256_text(json.dumps(content, sort_keys=True, ensure_ascii=False))


class QuarantineRecord(BaseModel):
    """Input that could not become a ``JobPosting``, kept with the reason."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    source: str
    url: str | None = None
    reason: str = Field(min_length=1)
    raw_payload: str = ""

    @property
    def quarantine_key(self) -> str:
        """Same bad input seen again maps to the same row: the same source, page (its path
        and query: the source already names the site, and a mirror or the demo board's port
        changing between runs is still the same page), reason and payload."""
        page = self.url
        if page:
            parts = urlsplit(page)
            if parts.netloc:
                page = parts.path + (f"?{parts.query}" if parts.query else "")
        return sha256_text(f"{self.source}\x1f{page}\x1f{self.reason}\x1f{self.raw_payload}")[:20]


def to_staged_line(record: JobPosting | QuarantineRecord) -> str:
    """One staged JSONL line, tagged with its record type; a posting's line starts with its
    key and content hash (see ``staged_identity``)."""
    if isinstance(record, QuarantineRecord):
        line = {"kind": "quarantine", "record": record.model_dump(mode="json")}
    else:
        line = {
            "kind": "posting",
            "posting_key": record.posting_key,
            "content_hash": record.content_hash,
            "record": record.model_dump(mode="json"),
        }
    return json.dumps(line, ensure_ascii=False)


# what to_staged_line writes first on a posting's line
_IDENTITY = re.compile(
    r'\{"kind": "posting", "posting_key": "([0-9a-f]{20})", "content_hash": "([0-9a-f]{64})", '
)


def staged_identity(line: str) -> tuple[str, str] | None:
    """The posting key and content hash a staged posting line declares up front, read
    without parsing the line; None for any other line.

    A declaration, not a validation: a loader may use it to skip the postings it already
    holds unchanged, and must parse (and so validate) every other line.
    """
    found = _IDENTITY.match(line)
    return (found.group(1), found.group(2)) if found else None


def from_staged_line(line: str) -> JobPosting | QuarantineRecord:
    """Parse a staged JSONL line back into its record."""
    obj: dict[str, Any] = json.loads(line)
    if obj["kind"] == "posting":
        return JobPosting.model_validate(obj["record"])
    if obj["kind"] == "quarantine":
        return QuarantineRecord.model_validate(obj["record"])
    raise ValueError(f"unknown staged record kind {obj['kind']!r}")
