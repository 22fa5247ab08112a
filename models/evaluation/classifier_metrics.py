"""Per-class precision / recall / F1, macro-F1 and confusion matrix for role labels."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

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
    codes = {label: i for i, label in enumerate(ROLES)}
    g_all, m_all, b_all = (
        np.asarray([codes.get(x, -1) for x in seq]) for seq in (gold, predicted, baseline)
    )
    rng = np.random.default_rng(seed)
    n = len(gold)
    model_scores: list[np.ndarray] = []
    baseline_scores: list[np.ndarray] = []
    chunk = max(1, min(rounds, 2_000_000 // n))  # bounded memory for large files
    for done in range(0, rounds, chunk):
        picks = rng.integers(0, n, size=(min(chunk, rounds - done), n))
        g = g_all[picks]
        model_scores.append(_macro_f1_rows(g, m_all[picks], labels, codes))
        baseline_scores.append(_macro_f1_rows(g, b_all[picks], labels, codes))
    m_scores, b_scores = np.concatenate(model_scores), np.concatenate(baseline_scores)
    tail = (1 - level) / 2
    return BootstrapInterval(
        level=level,
        rounds=rounds,
        macro_labels=labels,
        model=_percentiles(m_scores, tail),
        baseline=_percentiles(b_scores, tail),
        difference=_percentiles(m_scores - b_scores, tail),
    )


def _macro_f1_rows(
    gold: np.ndarray, predicted: np.ndarray, labels: Sequence[str], codes: dict[str, int]
) -> np.ndarray:
    """Macro-F1 of each row (one resample per row); F1 = 2·TP / (predicted + gold)."""
    total = np.zeros(gold.shape[0])
    for label in labels:
        c = codes[label]
        g, p = gold == c, predicted == c
        tp = (g & p).sum(axis=1)
        denominator = g.sum(axis=1) + p.sum(axis=1)
        total += np.divide(2 * tp, denominator, out=np.zeros_like(total), where=denominator > 0)
    return total / max(len(labels), 1)


def _percentiles(values: np.ndarray, tail: float) -> tuple[float, float]:
    ordered = np.sort(values)
    last = len(ordered) - 1
    return float(ordered[round(tail * last)]), float(ordered[round((1 - tail) * last)])


def log_loss(gold: Sequence[str], probabilities: Sequence[dict[str, float]]) -> float:
    """Mean negative log-probability the model gave each posting's gold label."""
    if len(gold) != len(probabilities):
        raise ValueError(f"{len(gold)} gold labels but {len(probabilities)} probability rows")
    if not gold:
        return 0.0
    floor = 1e-6  # a probability of 0 for the gold label would make the mean infinite
    pairs = zip(gold, probabilities, strict=True)
    return -sum(math.log(max(p.get(g, 0.0), floor)) for g, p in pairs) / len(gold)
