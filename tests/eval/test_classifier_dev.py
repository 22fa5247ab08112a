"""The shipped classifier on the real labelled dev set (skipped when ../shared is absent).

Guards the level reached on ``../shared/data/dev.jsonl`` so it cannot silently
regress: macro-F1 over the labels with at least five examples there (community
manager, social media manager, other), its margin over the title-keyword
baseline on the same file, and every line classified.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from models.classifier import load_model
from models.evaluation.classifier_eval import default_extract, evaluate_lines, read_lines

pytestmark = pytest.mark.eval

# Measured for the shipped model (800 written postings): macro-F1 0.863 (community
# manager 0.815, social media manager 0.800, other 0.974) against 0.792 for the
# title-keyword baseline (+0.071). The macro-F1 target (>= 0.85) is reached
# and guarded here; its margin target (>= baseline + 0.15) is NOT, so the margin
# floor guards the level reached, a little under it.
MACRO_FLOOR = 0.85
MARGIN_FLOOR = 0.05


@pytest.fixture(scope="module")
def evaluation(request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    dev: Path = request.getfixturevalue("dev_set")
    extract, _ = default_extract()
    lines = list(read_lines(dev))
    return lines, evaluate_lines(load_model(None), lines, extract)


@pytest.fixture(scope="module")
def dev_set() -> Path:
    from tests.conftest import DEV_SET

    if not DEV_SET.exists():
        pytest.skip(f"{DEV_SET} not available")
    return DEV_SET


def test_every_line_is_classified(evaluation) -> None:  # type: ignore[no-untyped-def]
    lines, result = evaluation
    assert not result.errors
    assert result.model.n == len(lines)


def test_macro_f1_holds(evaluation) -> None:  # type: ignore[no-untyped-def]
    _, result = evaluation
    assert set(result.model.macro_labels) == {
        "community_manager",
        "social_media_manager",
        "other",
    }
    assert result.model.macro_f1 >= MACRO_FLOOR, result.model.as_dict()


def test_beats_the_title_keyword_baseline(evaluation) -> None:  # type: ignore[no-untyped-def]
    _, result = evaluation
    margin = result.model.macro_f1 - result.baseline.macro_f1
    assert margin >= MARGIN_FLOOR, (result.model.macro_f1, result.baseline.macro_f1)
