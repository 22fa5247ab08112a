"""Per-class precision / recall / F1, macro-F1 and confusion matrix for role labels."""

from __future__ import annotations

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
