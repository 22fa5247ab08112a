"""Extraction against the hand-annotated gold set in models/evaluation/.

The gold set is written for this project (see models/evaluation/README.md), not
taken from ../shared/data, so this test always runs.
"""

from __future__ import annotations

import dataclasses

import pytest

from models.extract import Extractor, default_extractor
from models.extract_eval import (
    FRESH_GOLD_FILES,
    GOLD_FILES,
    GoldPosting,
    format_report,
    load_gold,
    score,
)
from models.types import Extraction

MICRO_F1_FLOOR = 0.80
FRESH_MICRO_F1_FLOOR = 0.78
VALUE_ACCURACY_FLOOR = 0.90


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return default_extractor()


@pytest.fixture(scope="module")
def gold(extractor: Extractor) -> list[GoldPosting]:
    return load_gold(GOLD_FILES + FRESH_GOLD_FILES, extractor.kb)


@pytest.fixture(scope="module")
def predictions(extractor: Extractor, gold: list[GoldPosting]) -> list[Extraction]:
    return list(extractor.extract_many([g.posting for g in gold]))


def test_the_gold_set_is_large_varied_and_complete(gold: list[GoldPosting]) -> None:
    assert len(gold) >= 60
    ids = [g.posting.posting_id for g in gold]
    assert len(set(ids)) == len(ids)
    french = [i for i in ids if i.startswith(("fr", "nf"))]
    english = [i for i in ids if i.startswith(("en", "ne"))]
    assert len(french) >= 30 and len(english) >= 30 and len(french) + len(english) == len(ids)
    assert {g.role for g in gold} == {
        "community_manager",
        "social_media_manager",
        "social_media_strategist",
        "other",
    }
    mentions = [m for g in gold for m in g.mentions]
    assert len(mentions) >= 1000
    assert sum(m.value is not None for m in mentions) >= 100


def test_micro_f1_on_the_whole_gold_set(
    extractor: Extractor, gold: list[GoldPosting], predictions: list[Extraction]
) -> None:
    report = score(gold, predictions, extractor.kb)
    print(format_report(report))
    assert report.micro.tp + report.micro.fn >= 1000
    assert report.micro.f1 >= MICRO_F1_FLOOR, format_report(report)
    assert report.value_accuracy >= VALUE_ACCURACY_FLOOR
    kinds = {key.split(":")[0] for key in report.by_family}
    assert kinds == {"criterion", "red_flag", "skill", "signal"}


def test_micro_f1_on_the_postings_never_used_for_tuning(extractor: Extractor) -> None:
    fresh = load_gold(FRESH_GOLD_FILES, extractor.kb)
    assert len(fresh) >= 20
    report = score(fresh, list(extractor.extract_many([g.posting for g in fresh])), extractor.kb)
    print(format_report(report))
    assert report.micro.f1 >= FRESH_MICRO_F1_FLOOR, format_report(report)


def test_the_score_is_not_trivially_reachable(
    extractor: Extractor, gold: list[GoldPosting], predictions: list[Extraction]
) -> None:
    nothing = [dataclasses.replace(p, mentions=()) for p in predictions]
    assert score(gold, nothing, extractor.kb).micro.f1 == 0.0
    # The right mentions attached to the wrong postings score badly: matching is per posting.
    shifted_ids = [p.posting_id for p in predictions[1:] + predictions[:1]]
    shifted = [
        dataclasses.replace(p, posting_id=i) for p, i in zip(predictions, shifted_ids, strict=True)
    ]
    assert score(gold, shifted, extractor.kb).micro.f1 < 0.3
    # Right ids at the wrong place in the text do not count either.
    moved = [
        dataclasses.replace(
            p,
            mentions=tuple(
                dataclasses.replace(m, start=m.start + 10_000, end=m.end + 10_000)
                for m in p.mentions
            ),
        )
        for p in predictions
    ]
    assert score(gold, moved, extractor.kb).micro.f1 == 0.0
