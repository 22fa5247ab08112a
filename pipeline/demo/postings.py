"""The demo board's postings: read ``postings.yaml``, check it, and apply editions.

Pure data handling: nothing here renders HTML or opens a socket. Everything
a test needs to know about the board (labels, channels, which postings each
edition removes, changes or adds) comes from this module.
"""

from __future__ import annotations

import dataclasses
import unicodedata
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

LABELS: tuple[str, ...] = (
    "community_manager",
    "social_media_manager",
    "social_media_strategist",
    "other",
)
CHANNELS = frozenset({"site", "greenhouse", "both"})
MARKUPS = frozenset({"jsonld", "graph", "array", "microdata"})
EMPLOYMENT_TYPES = frozenset({"FULL_TIME", "PART_TIME", "INTERN", "CONTRACTOR", "TEMPORARY"})
SALARY_PERIODS = frozenset({"YEAR", "MONTH", "HOUR"})
LANGUAGES = frozenset({"fr", "en"})
COUNTRIES = frozenset({"FR", "BE", "CH", "CA", "US", "GB"})
BROKEN_SLUG = "broken-json-ld"

_REQUIRED = (
    "slug",
    "title",
    "company",
    "city",
    "region",
    "country",
    "language",
    "date_posted",
    "employment_type",
    "expected_label",
    "channel",
    "description_html",
)
_OPTIONAL = (
    "company_size",
    "valid_through",
    "salary",
    "markup",
    "escape_description",
    "relative_url",
    "department",
    "greenhouse",
    "date_modified",
)
_GREENHOUSE_OVERRIDES = frozenset({"title", "date_posted", "description_html"})


class DemoDataError(ValueError):
    """``postings.yaml`` does not follow its documented shape."""


@dataclass(frozen=True)
class DemoSalary:
    """A published pay range: ``min``-``max`` ``currency`` per ``period``."""

    min: float
    max: float
    currency: str
    period: str


@dataclass(frozen=True)
class DemoPosting:
    """One posting of the demo board, with its rendering hints and answer key."""

    slug: str
    title: str
    company: str
    city: str
    region: str
    country: str
    language: str
    date_posted: str
    employment_type: str
    expected_label: str
    channel: str
    description_html: str
    company_size: str | None = None
    valid_through: str | None = None
    salary: DemoSalary | None = None
    markup: str = "jsonld"
    escape_description: bool = False
    relative_url: bool = False
    department: str | None = None
    greenhouse: Mapping[str, str] = field(default_factory=dict, hash=False)
    date_modified: str = ""

    @property
    def on_site(self) -> bool:
        """Whether the career site shows this posting."""
        return self.channel in ("site", "both")

    @property
    def on_greenhouse(self) -> bool:
        """Whether the Greenhouse-shaped board lists this posting."""
        return self.channel in ("greenhouse", "both")

    @property
    def path(self) -> str:
        """The detail page's path on the site."""
        return f"/jobs/{self.slug}/"

    @property
    def greenhouse_id(self) -> int:
        """The Greenhouse job id (stable: derived from the slug)."""
        return greenhouse_id(self.slug)

    @property
    def internal_job_id(self) -> int:
        """Greenhouse's internal job id, distinct from the public id."""
        return 3_000_000_001 + (zlib.crc32(self.slug[::-1].encode()) % 999_983) * 1000

    @property
    def company_url(self) -> str:
        """The hiring organisation's (fictional, reserved-TLD) web address."""
        return f"https://www.{slugify(self.company)}.example"

    def greenhouse_view(self) -> DemoPosting:
        """The posting as the Greenhouse board shows it (overrides applied)."""
        overrides: dict[str, Any] = dict(self.greenhouse)
        return dataclasses.replace(self, **overrides)


@dataclass(frozen=True)
class BrokenPage:
    """The detail page whose JSON-LD is cut off after ``keep_fraction`` of its text."""

    slug: str
    title: str
    company: str
    city: str
    region: str
    country: str
    language: str
    date_posted: str
    employment_type: str
    description_html: str
    keep_fraction: float

    @property
    def path(self) -> str:
        """The broken page's path on the site."""
        return f"/jobs/{self.slug}/"


@dataclass(frozen=True)
class DemoBoard:
    """Everything one edition of the board serves."""

    edition: int
    postings: tuple[DemoPosting, ...]
    broken: BrokenPage

    @property
    def site_postings(self) -> tuple[DemoPosting, ...]:
        """Postings with a detail page on the career site."""
        return tuple(p for p in self.postings if p.on_site)

    @property
    def greenhouse_postings(self) -> tuple[DemoPosting, ...]:
        """Postings on the Greenhouse board, as Greenhouse shows them."""
        return tuple(p.greenhouse_view() for p in self.postings if p.on_greenhouse)

    def by_slug(self, slug: str) -> DemoPosting | None:
        """The posting with this slug in this edition, if any."""
        return next((p for p in self.postings if p.slug == slug), None)


def slugify(text: str) -> str:
    """ASCII, lowercase, hyphen-separated form of a name."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = "".join(c if c.isalnum() else " " for c in ascii_text.lower()).split()
    return "-".join(words)


def greenhouse_id(slug: str) -> int:
    """A Greenhouse-looking numeric job id for a slug (same slug, same id)."""
    return 4_000_000_002 + (zlib.crc32(slug.encode()) % 999_983) * 1000


def _iso_date(value: Any, where: str) -> str:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        try:
            return date.fromisoformat(value).isoformat()
        except ValueError:
            pass
    raise DemoDataError(f"{where}: not an ISO date: {value!r}")


def _salary(raw: Any, where: str) -> DemoSalary | None:
    if raw is None:
        return None
    if not isinstance(raw, dict) or set(raw) != {"min", "max", "currency", "period"}:
        raise DemoDataError(f"{where}: salary needs exactly min, max, currency, period")
    if raw["period"] not in SALARY_PERIODS:
        raise DemoDataError(f"{where}: salary period {raw['period']!r}")
    low, high = float(raw["min"]), float(raw["max"])
    if not 0 < low <= high:
        raise DemoDataError(f"{where}: salary range {low}-{high}")
    return DemoSalary(min=low, max=high, currency=str(raw["currency"]), period=raw["period"])


def _check_choice(value: Any, allowed: frozenset[str], what: str, where: str) -> None:
    if value not in allowed:
        raise DemoDataError(f"{where}: {what} {value!r} not in {sorted(allowed)}")


def parse_posting(raw: Mapping[str, Any]) -> DemoPosting:
    """Build and check one posting from its YAML mapping."""
    where = f"posting {raw.get('slug', '?')!r}"
    missing = [k for k in _REQUIRED if raw.get(k) in (None, "")]
    if missing:
        raise DemoDataError(f"{where}: missing {missing}")
    unknown = set(raw) - set(_REQUIRED) - set(_OPTIONAL)
    if unknown:
        raise DemoDataError(f"{where}: unknown fields {sorted(unknown)}")
    _check_choice(raw["channel"], CHANNELS, "channel", where)
    _check_choice(raw.get("markup", "jsonld"), MARKUPS, "markup", where)
    _check_choice(raw["employment_type"], EMPLOYMENT_TYPES, "employment_type", where)
    _check_choice(raw["language"], LANGUAGES, "language", where)
    _check_choice(raw["country"], COUNTRIES, "country", where)
    _check_choice(raw["expected_label"], frozenset(LABELS), "expected_label", where)
    overrides = dict(raw.get("greenhouse") or {})
    if set(overrides) - _GREENHOUSE_OVERRIDES:
        raise DemoDataError(f"{where}: greenhouse overrides {sorted(overrides)}")
    if overrides and raw["channel"] != "both":
        raise DemoDataError(f"{where}: greenhouse overrides only make sense for channel both")
    if "date_posted" in overrides:
        overrides["date_posted"] = _iso_date(overrides["date_posted"], where)
    posted = _iso_date(raw["date_posted"], where)
    valid = raw.get("valid_through")
    return DemoPosting(
        slug=str(raw["slug"]),
        title=str(raw["title"]),
        company=str(raw["company"]),
        city=str(raw["city"]),
        region=str(raw["region"]),
        country=str(raw["country"]),
        language=str(raw["language"]),
        date_posted=posted,
        employment_type=str(raw["employment_type"]),
        expected_label=str(raw["expected_label"]),
        channel=str(raw["channel"]),
        description_html=str(raw["description_html"]).strip(),
        company_size=None if raw.get("company_size") is None else str(raw["company_size"]),
        valid_through=None if valid is None else _iso_date(valid, where),
        salary=_salary(raw.get("salary"), where),
        markup=str(raw.get("markup", "jsonld")),
        escape_description=bool(raw.get("escape_description", False)),
        relative_url=bool(raw.get("relative_url", False)),
        department=None if raw.get("department") is None else str(raw["department"]),
        greenhouse=overrides,
        date_modified=_iso_date(raw.get("date_modified", posted), where),
    )


def _parse_broken(raw: Mapping[str, Any]) -> BrokenPage:
    fraction = float(raw.get("keep_fraction", 0.6))
    if not 0.1 <= fraction <= 0.9:
        raise DemoDataError(f"broken_page: keep_fraction {fraction} outside 0.1-0.9")
    return BrokenPage(
        slug=str(raw["slug"]),
        title=str(raw["title"]),
        company=str(raw["company"]),
        city=str(raw["city"]),
        region=str(raw["region"]),
        country=str(raw["country"]),
        language=str(raw["language"]),
        date_posted=_iso_date(raw["date_posted"], "broken_page"),
        employment_type=str(raw["employment_type"]),
        description_html=str(raw["description_html"]).strip(),
        keep_fraction=fraction,
    )


def _apply_update(posting: DemoPosting, change: Mapping[str, Any]) -> DemoPosting:
    where = f"edition update of {posting.slug!r}"
    raw = {f.name: getattr(posting, f.name) for f in dataclasses.fields(posting)}
    raw["salary"] = None if posting.salary is None else dataclasses.asdict(posting.salary)
    raw["greenhouse"] = dict(posting.greenhouse)
    html = posting.description_html
    for pair in change.get("replace") or []:
        old, new = pair["old"], pair["new"]
        if html.count(old) != 1:
            raise DemoDataError(f"{where}: {old[:40]!r} does not occur exactly once")
        html = html.replace(old, new)
    raw["description_html"] = html
    raw.update({k: v for k, v in change.items() if k != "replace"})
    if "date_modified" not in change:
        raise DemoDataError(f"{where}: an update needs a date_modified")
    return parse_posting(raw)


def _apply_edition(
    postings: list[DemoPosting], spec: Mapping[str, Any], number: int
) -> list[DemoPosting]:
    slugs = {p.slug for p in postings}
    removed = set(spec.get("removed") or [])
    updated: Mapping[str, Any] = spec.get("updated") or {}
    for slug in removed | set(updated):
        if slug not in slugs:
            raise DemoDataError(f"edition {number}: unknown slug {slug!r}")
    result = [
        _apply_update(p, updated[p.slug]) if p.slug in updated else p
        for p in postings
        if p.slug not in removed
    ]
    result.extend(parse_posting(raw) for raw in spec.get("added") or [])
    return result


def _check_unique(postings: list[DemoPosting], where: str) -> None:
    slugs = [p.slug for p in postings]
    if len(set(slugs)) != len(slugs) or BROKEN_SLUG in slugs:
        raise DemoDataError(f"{where}: duplicate or reserved slugs")
    ids = [p.greenhouse_id for p in postings]
    if len(set(ids)) != len(ids):
        raise DemoDataError(f"{where}: two slugs map to the same Greenhouse id")


@lru_cache(maxsize=1)
def _raw_data() -> dict[str, Any]:
    text = resources.files(__package__).joinpath("postings.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    if not isinstance(data, dict) or not isinstance(data.get("postings"), list):
        raise DemoDataError("postings.yaml: expected a mapping with a `postings` list")
    return data


def available_editions() -> tuple[int, ...]:
    """Edition numbers the board can serve (1 is the postings as written)."""
    return (1, *sorted(int(k) for k in (_raw_data().get("editions") or {})))


@lru_cache(maxsize=8)
def load_board(edition: int = 1) -> DemoBoard:
    """The board of one edition: edition 1 as written, later ones with their changes applied."""
    if edition not in available_editions():
        raise DemoDataError(f"no edition {edition}; known: {available_editions()}")
    data = _raw_data()
    postings = [parse_posting(raw) for raw in data["postings"]]
    _check_unique(postings, "edition 1")
    specs = data.get("editions") or {}
    for number in sorted(int(k) for k in specs):
        if number > edition:
            break
        postings = _apply_edition(postings, specs[number], number)
        _check_unique(postings, f"edition {number}")
    return DemoBoard(
        edition=edition, postings=tuple(postings), broken=_parse_broken(data["broken_page"])
    )


def load_demo_postings(edition: int = 1) -> list[DemoPosting]:
    """Every posting of an edition (site, Greenhouse and both)."""
    return list(load_board(edition).postings)


def expected_labels(edition: int = 1) -> dict[str, str]:
    """Answer key for tests: slug -> label, decided by duties per ROLES.md."""
    return {p.slug: p.expected_label for p in load_board(edition).postings}


def expected_labels_by_external_id(edition: int = 1) -> dict[str, str]:
    """Answer key keyed the way spiders set ``external_id``.

    Site postings carry their slug (JSON-LD ``identifier``), Greenhouse jobs
    their numeric id as a string; a ``both`` posting appears under both keys.
    """
    labels: dict[str, str] = {}
    for p in load_board(edition).postings:
        if p.on_site:
            labels[p.slug] = p.expected_label
        if p.on_greenhouse:
            labels[str(p.greenhouse_id)] = p.expected_label
    return labels
