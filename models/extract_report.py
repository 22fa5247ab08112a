"""Aggregate counts over extractions: statuses, languages, mentions per entry and family."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from models.types import Extraction, Mention


@dataclass
class ExtractionSummary:
    """Counts over a set of extractions (mentions, and postings with at least one)."""

    postings: int = 0
    statuses: Counter[str] = field(default_factory=Counter)
    languages: Counter[str] = field(default_factory=Counter)
    mentions_by_ref: Counter[tuple[str, str, str]] = field(default_factory=Counter)
    postings_by_ref: Counter[tuple[str, str, str]] = field(default_factory=Counter)
    mentions_by_family: Counter[tuple[str, str]] = field(default_factory=Counter)
    postings_by_family: Counter[tuple[str, str]] = field(default_factory=Counter)

    def add(self, extraction: Extraction) -> None:
        """Count one extraction."""
        self.postings += 1
        self.statuses[extraction.status] += 1
        self.languages[extraction.language] += 1
        refs: set[tuple[str, str, str]] = set()
        for m in extraction.mentions:
            key = _key(m)
            self.mentions_by_ref[key] += 1
            self.mentions_by_family[key[:2]] += 1
            refs.add(key)
        for key in refs:
            self.postings_by_ref[key] += 1
        for family in {key[:2] for key in refs}:
            self.postings_by_family[family] += 1


def _key(mention: Mention) -> tuple[str, str, str]:
    return (mention.kind, mention.family, mention.ref_id)


def summarise(extractions: Iterable[Extraction]) -> ExtractionSummary:
    """Counts over ``extractions``."""
    summary = ExtractionSummary()
    for extraction in extractions:
        summary.add(extraction)
    return summary


def mention_record(posting_id: str, mention: Mention, extractor_version: str) -> dict[str, object]:
    """One mention as a flat JSON-ready row (the shape of the warehouse's skill_mentions)."""
    return {
        "posting_id": posting_id,
        "kind": mention.kind,
        "ref_id": mention.ref_id,
        "family": mention.family,
        "field": mention.field,
        "start": mention.start,
        "end": mention.end,
        "text": mention.text,
        "sentence": mention.sentence,
        "value": mention.value,
        "extractor_version": extractor_version,
    }
