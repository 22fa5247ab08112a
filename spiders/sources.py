"""Source configurations: one typed model per source type, loaded from a YAML sources file.

A sources file looks like::

    sources:
      - name: acme-careers
        type: jsonld
        sitemap_urls: [https://careers.acme.example/sitemap.xml]
      - name: acme-greenhouse
        type: greenhouse
        company: acme
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, field_validator, model_validator

_NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$"
_SLUG_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$"


def _http_url(value: str) -> str:
    if not value.startswith(("http://", "https://")):
        raise ValueError(f"must be an absolute http(s) URL: {value!r}")
    return value


class SourceBase(BaseModel):
    """Keys every source has."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=_NAME_PATTERN, description="source name, stored as JobPosting.source")
    settings: dict[str, Any] = Field(
        default_factory=dict, description="Scrapy setting overrides for this source only"
    )


class JsonLdSource(SourceBase):
    """Career site or board publishing schema.org JobPosting markup."""

    type: Literal["jsonld"]
    sitemap_urls: list[str] = Field(default_factory=list)
    start_urls: list[str] = Field(default_factory=list)
    allowed_domains: list[str] | None = None
    follow_links: bool = Field(default=True, description="follow links of pages without postings")
    link_allow: list[str] = Field(default_factory=list, description="regexes links must match")
    link_deny: list[str] = Field(default_factory=list, description="regexes links must not match")
    max_depth: int = Field(default=3, ge=0, le=20)

    @field_validator("sitemap_urls", "start_urls")
    @classmethod
    def _urls(cls, values: list[str]) -> list[str]:
        return [_http_url(v) for v in values]

    @model_validator(mode="after")
    def _has_entry_point(self) -> JsonLdSource:
        if not self.sitemap_urls and not self.start_urls:
            raise ValueError("a jsonld source needs sitemap_urls and/or start_urls")
        return self


class _AtsSource(SourceBase):
    company_name: str | None = Field(
        default=None, description="display name when the API does not publish one"
    )

    @field_validator("api_base", check_fields=False)
    @classmethod
    def _api_base(cls, value: str) -> str:
        return _http_url(value).rstrip("/")


class GreenhouseSource(_AtsSource):
    """Greenhouse job board API (``boards-api``), by board token."""

    type: Literal["greenhouse"]
    company: str = Field(pattern=_SLUG_PATTERN, description="board token")
    api_base: str = "https://boards-api.greenhouse.io"


class LeverSource(_AtsSource):
    """Lever postings API v0, by site name."""

    type: Literal["lever"]
    company: str = Field(pattern=_SLUG_PATTERN)
    api_base: str = "https://api.lever.co"
    page_size: int = Field(default=100, ge=1, le=500)


class AshbySource(_AtsSource):
    """Ashby public job posting API, by job board name."""

    type: Literal["ashby"]
    organization: str = Field(pattern=_SLUG_PATTERN)
    api_base: str = "https://api.ashbyhq.com"


class SmartRecruitersSource(_AtsSource):
    """SmartRecruiters Posting API (list + detail), by company identifier."""

    type: Literal["smartrecruiters"]
    company: str = Field(pattern=_SLUG_PATTERN)
    api_base: str = "https://api.smartrecruiters.com"
    page_size: int = Field(default=100, ge=1, le=100)


class WorkableSource(_AtsSource):
    """Workable public account widget API, by account slug."""

    type: Literal["workable"]
    account: str = Field(pattern=_SLUG_PATTERN)
    api_base: str = "https://apply.workable.com"


class RecruiteeSource(_AtsSource):
    """Recruitee careers site offers API, by company subdomain."""

    type: Literal["recruitee"]
    company: str = Field(pattern=_SLUG_PATTERN)
    api_base: str = "https://{company}.recruitee.com"

    @property
    def base_url(self) -> str:
        """The API base with ``{company}`` filled in."""
        return self.api_base.replace("{company}", self.company)


class FeedSource(SourceBase):
    """RSS 2.0 or Atom feed of job ads."""

    type: Literal["feed"]
    url: str
    fields: dict[str, str] = Field(
        default_factory=dict, description="JobPosting field -> feed entry key overrides"
    )
    company: str | None = Field(default=None, description="company when entries do not say")
    language: str | None = Field(default=None, description="language when the feed does not say")

    @field_validator("url")
    @classmethod
    def _url(cls, value: str) -> str:
        return _http_url(value)

    @field_validator("fields")
    @classmethod
    def _known_fields(cls, value: dict[str, str]) -> dict[str, str]:
        from spiders.parsing.feed import MAPPABLE

        unknown = sorted(set(value) - MAPPABLE)
        if unknown:
            raise ValueError(f"unknown feed field(s) {unknown}; known: {sorted(MAPPABLE)}")
        return value


class FranceTravailSource(SourceBase):
    """France Travail Offres d'emploi v2 search, by ROME codes and keywords."""

    type: Literal["france_travail"]
    rome_codes: list[str] = Field(default_factory=lambda: ["E1101", "E1124", "E1103"])
    keywords: list[str] = Field(default_factory=list)
    params: dict[str, str] = Field(
        default_factory=dict, description="extra search parameters, e.g. departement"
    )
    api_base: str = "https://api.francetravail.io/partenaire/offresdemploi"
    token_url: str = (
        "https://entreprise.francetravail.fr/connexion/oauth2/access_token?realm=%2Fpartenaire"
    )
    scope: str = "api_offresdemploiv2 o2dsoffre"
    page_size: int = Field(default=150, ge=1, le=150)
    max_start: int = Field(default=3000, ge=0, le=3000, description="the API's last start index")
    requests_per_second: float = Field(default=10.0, gt=0, le=10.0)

    @field_validator("api_base", "token_url")
    @classmethod
    def _urls(cls, value: str) -> str:
        return _http_url(value).rstrip("/")

    @field_validator("rome_codes")
    @classmethod
    def _rome(cls, values: list[str]) -> list[str]:
        for code in values:
            if len(code) != 5 or not code[0].isalpha() or not code[1:].isdigit():
                raise ValueError(f"not a ROME code: {code!r}")
        return values


Source = Annotated[
    JsonLdSource
    | GreenhouseSource
    | LeverSource
    | AshbySource
    | SmartRecruitersSource
    | WorkableSource
    | RecruiteeSource
    | FeedSource
    | FranceTravailSource,
    Field(discriminator="type"),
]
SOURCE_ADAPTER: TypeAdapter[Source] = TypeAdapter(Source)  # type: ignore[arg-type]
SOURCE_TYPES = (
    "jsonld",
    "greenhouse",
    "lever",
    "ashby",
    "smartrecruiters",
    "workable",
    "recruitee",
    "feed",
    "france_travail",
)


class SourcesFile(BaseModel):
    """A YAML sources file: ``sources: [...]``."""

    model_config = ConfigDict(extra="forbid")

    sources: list[Source]

    @model_validator(mode="after")
    def _unique_names(self) -> SourcesFile:
        names = [s.name for s in self.sources]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"duplicate source names: {dupes}")
        return self


def parse_source(data: Any) -> Source:
    """Validate one source configuration (a dict) into its typed model."""
    return SOURCE_ADAPTER.validate_python(data)


def load_sources(path: str | Path) -> list[Source]:
    """Read and validate a YAML sources file."""
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    return SourcesFile.model_validate(data).sources
