"""Per-class precision / recall / F1, macro-F1 and confusion matrix for role labels."""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from models.types import ROLES


@dataclass(frozen=True)
class ClassScores:
    """Precision, recall, F1 and support of one label."""

    precision: float
    recall: float
    f1: float
    support: int


@dataclass(frozen=True)
class Report:
    """Scores of one set of predictions against gold labels."""

    per_class: dict[str, ClassScores]
    macro_f1: float
    macro_labels: tuple[str, ...]
    accuracy: float
    confusion: dict[str, dict[str, int]]
    n: int

    def as_dict(self) -> dict[str, Any]:
        """JSON-friendly view."""
        return {
            "n": self.n,
            "accuracy": round(self.accuracy, 4),
            "macro_f1": round(self.macro_f1, 4),
            "macro_labels": list(self.macro_labels),
            "per_class": {
                k: {
                    "precision": round(v.precision, 4),
                    "recall": round(v.recall, 4),
                    "f1": round(v.f1, 4),
                    "support": v.support,
                }
                for k, v in self.per_class.items()
            },
            "confusion": self.confusion,
        }


def score(gold: Sequence[str], predicted: Sequence[str], *, min_support: int = 5) -> Report:
    """Scores over :data:`ROLES`; macro-F1 averages labels with >= ``min_support`` gold examples."""
    if len(gold) != len(predicted):
        raise ValueError(f"{len(gold)} gold labels but {len(predicted)} predictions")
    confusion = {g: dict.fromkeys(ROLES, 0) for g in ROLES}
    for g, p in zip(gold, predicted, strict=True):
        if g not in confusion or p not in confusion[g]:
            raise ValueError(f"unknown label in pair ({g!r}, {p!r})")
        confusion[g][p] += 1
    per_class = {}
    for label in ROLES:
        tp = confusion[label][label]
        pred_n = sum(confusion[g][label] for g in ROLES)
        gold_n = sum(confusion[label].values())
        precision = tp / pred_n if pred_n else 0.0
        recall = tp / gold_n if gold_n else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_class[label] = ClassScores(precision, recall, f1, gold_n)
    macro_labels = tuple(r for r in ROLES if per_class[r].support >= min_support)
    macro = sum(per_class[r].f1 for r in macro_labels) / len(macro_labels) if macro_labels else 0.0
    correct = sum(confusion[r][r] for r in ROLES)
    return Report(
        per_class=per_class,
        macro_f1=macro,
        macro_labels=macro_labels,
        accuracy=correct / len(gold) if gold else 0.0,
        confusion=confusion,
        n=len(gold),
    )


@dataclass(frozen=True)
class BootstrapInterval:
    """Percentile intervals of macro-F1 over resamples of the labelled postings.

    Postings are drawn with replacement and the model and the baseline are
    scored on the same draw (a paired bootstrap), so ``difference`` is the
    spread of the model's lead over the baseline, not of two independent runs.
    """

    level: float
    rounds: int
    macro_labels: tuple[str, ...]
    model: tuple[float, float]
    baseline: tuple[float, float]
    difference: tuple[float, float]

    def as_dict(self) -> dict[str, Any]:
        """JSON-friendly view."""
        return {
            "level": self.level,
            "rounds": self.rounds,
            "macro_labels": list(self.macro_labels),
            "model": [round(x, 4) for x in self.model],
            "baseline": [round(x, 4) for x in self.baseline],
            "difference": [round(x, 4) for x in self.difference],
        }


def macro_f1_over(gold: Sequence[str], predicted: Sequence[str], labels: Sequence[str]) -> float:
    """Mean F1 of ``labels`` (a label never predicted nor present scores 0)."""
    if not labels:
        return 0.0
    total = 0.0
    for label in labels:
        tp = sum(1 for g, p in zip(gold, predicted, strict=True) if g == p == label)
        pred_n = sum(1 for p in predicted if p == label)
        gold_n = sum(1 for g in gold if g == label)
        if tp:
            precision, recall = tp / pred_n, tp / gold_n
            total += 2 * precision * recall / (precision + recall)
    return total / len(labels)


def paired_bootstrap(
    gold: Sequence[str],
    predicted: Sequence[str],
    baseline: Sequence[str],
    *,
    rounds: int = 2000,
    level: float = 0.95,
    seed: int = 0,
    min_support: int = 5,
) -> BootstrapInterval:
    """How much macro-F1 and the lead over the baseline move with the sample of postings.

    The labels averaged are those with >= ``min_support`` examples in the whole
    sample, as in :func:`score`, kept fixed across resamples.
    """
    if not len(gold) == len(predicted) == len(baseline):
        raise ValueError("gold, predicted and baseline must have the same length")
    if not gold:
        raise ValueError("nothing to resample")
    labels = score(gold, predicted, min_support=min_support).macro_labels
    rng = random.Random(seed)
    n = len(gold)
    model_scores: list[float] = []
    baseline_scores: list[float] = []
    differences: list[float] = []
    for _ in range(rounds):
        picks = [rng.randrange(n) for _ in range(n)]
        g = [gold[i] for i in picks]
        m = macro_f1_over(g, [predicted[i] for i in picks], labels)
        b = macro_f1_over(g, [baseline[i] for i in picks], labels)
        model_scores.append(m)
        baseline_scores.append(b)
        differences.append(m - b)
    tail = (1 - level) / 2
    return BootstrapInterval(
        level=level,
        rounds=rounds,
        macro_labels=labels,
        model=_percentiles(model_scores, tail),
        baseline=_percentiles(baseline_scores, tail),
        difference=_percentiles(differences, tail),
    )


def _percentiles(values: Sequence[float], tail: float) -> tuple[float, float]:
    ordered = sorted(values)
    last = len(ordered) - 1
    return ordered[round(tail * last)], ordered[round((1 - tail) * last)]


def log_loss(gold: Sequence[str], probabilities: Sequence[dict[str, float]]) -> float:
    """Mean negative log-probability the model gave each posting's gold label."""
    if len(gold) != len(probabilities):
        raise ValueError(f"{len(gold)} gold labels but {len(probabilities)} probability rows")
    if not gold:
        return 0.0
    floor = 1e-6  # a probability of 0 for the gold label would make the mean infinite
    pairs = zip(gold, probabilities, strict=True)
    return -sum(math.log(max(p.get(g, 0.0), floor)) for g, p in pairs) / len(gold)
