"""Evaluation figures: per-class scores, macro-F1, the paired bootstrap and log-loss."""

from __future__ import annotations

import math

import pytest

from models.evaluation.classifier_metrics import (
    log_loss,
    paired_bootstrap,
    score,
)

CM, SMM, OTHER = "community_manager", "social_media_manager", "other"
GOLD = [CM] * 6 + [SMM] * 5 + [OTHER] * 20


def test_score_counts_and_macro_labels() -> None:
    predicted = [CM] * 5 + [OTHER] + [SMM] * 5 + [OTHER] * 19 + [CM]
    report = score(GOLD, predicted)
    assert report.macro_labels == (CM, SMM, OTHER)  # the strategist has no example
    assert report.per_class[CM].precision == pytest.approx(5 / 6)
    assert report.per_class[CM].recall == pytest.approx(5 / 6)
    assert report.confusion[CM][OTHER] == 1 and report.confusion[OTHER][CM] == 1
    expected = (5 / 6 + 1.0 + report.per_class[OTHER].f1) / 3  # SMM: all 5 right
    assert report.macro_f1 == pytest.approx(expected)


def test_bootstrap_of_a_model_equal_to_the_baseline_has_no_lead() -> None:
    predicted = [CM] * 4 + [OTHER] * 2 + [SMM] * 5 + [OTHER] * 20
    interval = paired_bootstrap(GOLD, predicted, predicted, rounds=300, seed=1)
    assert interval.difference == (0.0, 0.0)
    assert interval.model == interval.baseline


def test_bootstrap_interval_brackets_the_figure_and_narrows_with_more_ads() -> None:
    predicted = [CM] * 5 + [SMM] + [SMM] * 4 + [CM] + [OTHER] * 18 + [CM, SMM]
    baseline = [CM] * 2 + [OTHER] * 4 + [SMM] * 3 + [OTHER] * 2 + [OTHER] * 20
    point = score(GOLD, predicted).macro_f1 - score(GOLD, baseline).macro_f1
    small = paired_bootstrap(GOLD, predicted, baseline, rounds=500, seed=3)
    assert small.difference[0] < point < small.difference[1]
    assert small.model[0] <= score(GOLD, predicted).macro_f1 <= small.model[1]
    # The same ads four times over: the same figure, a narrower interval.
    large = paired_bootstrap(GOLD * 4, predicted * 4, baseline * 4, rounds=500, seed=3)
    assert large.difference[1] - large.difference[0] < small.difference[1] - small.difference[0]
    # Seeded: the same draw gives the same interval.
    assert paired_bootstrap(GOLD, predicted, baseline, rounds=500, seed=3) == small


def test_bootstrap_refuses_mismatched_or_empty_input() -> None:
    with pytest.raises(ValueError):
        paired_bootstrap(GOLD, GOLD[:-1], GOLD)
    with pytest.raises(ValueError):
        paired_bootstrap([], [], [])


def test_log_loss_is_the_mean_surprise_at_the_gold_label() -> None:
    probabilities = [{CM: 0.5, OTHER: 0.5}, {SMM: 1.0}, {CM: 1.0}]
    expected = -(math.log(0.5) + math.log(1.0) + math.log(1e-6)) / 3
    assert log_loss([CM, SMM, OTHER], probabilities) == pytest.approx(expected)
    assert log_loss([], []) == 0.0
    with pytest.raises(ValueError):
        log_loss([CM], [])
