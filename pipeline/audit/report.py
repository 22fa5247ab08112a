"""What an audit says, as plain frozen data: every statement carries its evidence.

A :class:`Finding` must hold at least one quote from the ad or one source (an
article of ``shared/articles``, the labelling guide, a legal text or one of the
audit's own rule files); the constructor refuses a finding without either, so a
report cannot contain an unsupported statement. Renderers turn findings into
French or English text from their ``key`` and ``params`` (see ``data/strings.yaml``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Verdict = Literal["matches", "reads_as_other_role", "ambiguous"]
Status = Literal["ok", "warn", "fail", "info"]
QuoteField = Literal["title", "description", "structured"]
SourceKind = Literal["article", "guide", "law", "rule"]


@dataclass(frozen=True)
class Quote:
    """Text of the ad that supports a statement, with its place in the ad."""

    field: QuoteField
    start: int
    end: int
    text: str
    sentence: str


_LIST_MARKERS = "-–—•·*▪►➢➤✓✔ "


def _line(quote: Quote) -> str:
    return " ".join(quote.sentence.split()).lstrip(_LIST_MARKERS).strip()


def same_line(a: Quote, b: Quote) -> bool:
    """Two quotes of the same sentence of the ad (list markers and spacing aside)."""
    return a.field == b.field and _line(a) == _line(b)


def distinct_lines(quotes: tuple[Quote, ...] | list[Quote]) -> tuple[Quote, ...]:
    """The quotes, keeping the first of several that quote the same sentence."""
    out: list[Quote] = []
    for quote in quotes:
        if not any(same_line(quote, kept) for kept in out):
            out.append(quote)
    return tuple(out)


@dataclass(frozen=True)
class Source:
    """Where a statement comes from when it is not (only) the ad itself.

    ``ref`` is an article file name (``001_2cdd6e3ebd024108.txt``), ``ROLES.md``,
    a legal citation, or ``<rule file>#<rule id>`` for the audit's own data.
    """

    kind: SourceKind
    ref: str
    quote: str = ""


@dataclass(frozen=True)
class Finding:
    """One statement of the report; rendered from ``key`` and ``params``."""

    key: str
    status: Status
    params: tuple[tuple[str, str], ...] = ()
    quotes: tuple[Quote, ...] = ()
    sources: tuple[Source, ...] = ()

    def __post_init__(self) -> None:
        if not self.quotes and not self.sources:
            raise ValueError(f"finding {self.key!r} has neither a quote from the ad nor a source")

    @property
    def param_dict(self) -> dict[str, str]:
        """The parameters as a dict, for formatting."""
        return dict(self.params)


@dataclass(frozen=True)
class CriterionFinding:
    """A criterion of the knowledge base, found in the ad (with quotes) or missing."""

    criterion_id: str
    description: str
    family: str
    stance: Literal["supports", "against"]
    role: str
    weight: float
    quotes: tuple[Quote, ...]
    source: Source

    @property
    def found(self) -> bool:
        """True when the ad mentions the criterion."""
        return bool(self.quotes)


@dataclass(frozen=True)
class FitFactor:
    """One term of the role-fit score: its points and the finding that explains it."""

    name: str
    points: float
    max_points: float
    finding: Finding


@dataclass(frozen=True)
class FitScore:
    """The 0-100 role-fit score and its factors, largest effect first."""

    score: int
    factors: tuple[FitFactor, ...]


@dataclass(frozen=True)
class RoleReading:
    """What the classifier made of the ad."""

    label: str
    probabilities: dict[str, float]
    low_confidence: bool
    model_version: str


@dataclass(frozen=True)
class DeclaredRole:
    """The role the title (or ``--title``) claims."""

    title: str
    role: str
    from_option: bool


@dataclass(frozen=True)
class AuditReport:
    """The whole audit of one ad."""

    posting_id: str
    title: str
    posting_language: str
    report_language: str
    declared: DeclaredRole
    reading: RoleReading
    verdict: Verdict
    verdict_finding: Finding
    fit: FitScore
    criteria: dict[str, tuple[CriterionFinding, ...]]
    missing: tuple[CriterionFinding, ...]
    red_flags: tuple[Finding, ...]
    completeness: tuple[Finding, ...]
    legal: tuple[Finding, ...]
    notes: tuple[Finding, ...] = ()
    extractor_version: str = ""
    description_chars: int = 0
    source_url: str | None = None
