"""Data passed between extraction, classification and the pipeline.

Plain frozen dataclasses so the pure model code never depends on the
warehouse or on Scrapy; the pipeline converts rows to and from these.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

ROLES: tuple[str, ...] = (
    "community_manager",
    "social_media_manager",
    "social_media_strategist",
    "other",
)
Role = Literal["community_manager", "social_media_manager", "social_media_strategist", "other"]

MentionKind = Literal["criterion", "skill", "signal", "red_flag"]
ExtractionStatus = Literal["ok", "empty", "unsupported_language", "error"]


@dataclass(frozen=True)
class PostingText:
    """What the models read of a posting."""

    posting_id: str
    title: str
    description: str
    language: str | None = None
    company: str | None = None


@dataclass(frozen=True)
class Mention:
    """One criterion / skill / signal found in a posting, with its evidence.

    Offsets are character offsets into ``PostingText.description`` when
    ``field == "description"`` and into the title when ``field == "title"``.
    """

    kind: MentionKind
    ref_id: str
    family: str
    field: Literal["title", "description"]
    start: int
    end: int
    text: str
    sentence: str
    value: float | None = None


@dataclass(frozen=True)
class Extraction:
    """Everything extraction found in one posting, and how it went."""

    posting_id: str
    language: str
    status: ExtractionStatus
    mentions: tuple[Mention, ...] = ()
    reason: str | None = None


@dataclass(frozen=True)
class CriterionEvidence:
    """A criterion that pushed the prediction, with the text that shows it."""

    ref_id: str
    role: str
    contribution: float
    evidence: tuple[str, ...] = ()


@dataclass(frozen=True)
class Prediction:
    """The classifier's answer for one posting."""

    posting_id: str
    label: Role
    probabilities: dict[str, float]
    low_confidence: bool
    title_label: Role | None
    title_mismatch: bool
    top_criteria: tuple[CriterionEvidence, ...] = field(default_factory=tuple)
