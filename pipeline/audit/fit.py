"""Verdict (matches / reads as another role / ambiguous) and the 0-100 role-fit score."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from pipeline.audit.report import (
    CriterionFinding,
    Finding,
    FitFactor,
    FitScore,
    Quote,
    RoleReading,
    Source,
    Verdict,
    distinct_lines,
)
from pipeline.audit.strings import percent

SCORING_FILE = Path(__file__).parent / "data" / "scoring.yaml"
GUIDE = Source(
    kind="guide",
    ref="ROLES.md",
    quote=(
        "A posting gets exactly one label, decided by what the job holder will do "
        "(duties, decision rights, scope, seniority), never by the title alone."
    ),
)
RED_FLAGS_GUIDE = Source(
    kind="guide",
    ref="ROLES.md",
    quote=(
        "Red flags the articles name, for the audit rather than the label: a posting that "
        "values a personal Facebook account as experience (001), hands the public voice of "
        "the company to a young intern (004), expects a community manager to handle crises "
        "alone (001), or promises a number of followers (000, comment 25)."
    ),
)


@dataclass(frozen=True)
class Scoring:
    """Thresholds and points from ``scoring.yaml``."""

    match_min_probability: float
    other_role_margin: float
    model_points: float
    coverage_points: float
    contrary_points_per_weight: float
    contrary_points_max: float
    red_flag_points: float
    red_flag_points_max: float


@lru_cache(maxsize=2)
def scoring(path: Path = SCORING_FILE) -> Scoring:
    """Load ``scoring.yaml``."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return Scoring(**{k: float(v) for k, v in {**data["verdict"], **data["fit"]}.items()})


def decide_verdict(declared: str, reading: RoleReading, rules: Scoring | None = None) -> Verdict:
    """The verdict from the declared role and the classifier's reading."""
    rules = rules or scoring()
    p = reading.probabilities
    if reading.low_confidence:
        return "ambiguous"
    if reading.label == declared:
        return "matches" if p.get(declared, 0.0) >= rules.match_min_probability else "ambiguous"
    if p.get(reading.label, 0.0) - p.get(declared, 0.0) >= rules.other_role_margin:
        return "reads_as_other_role"
    return "ambiguous"


def verdict_finding(
    verdict: Verdict,
    title: str,
    declared: str,
    reading: RoleReading,
    quotes: Sequence[Quote],
    sources: Sequence[Source],
    lang: str,
) -> Finding:
    """The sentence that states the verdict, with the ad's evidence for the role described."""
    p = reading.probabilities
    ranked = sorted(p, key=lambda r: -p[r])
    second = next((r for r in ranked if r != reading.label), reading.label)
    params = {
        "title": title,
        "declared": declared,
        "predicted": reading.label,
        "prob": percent(p.get(reading.label, 0.0), lang),
        "declared_prob": percent(p.get(declared, 0.0), lang),
        "second": second,
        "second_prob": percent(p.get(second, 0.0), lang),
    }
    key = f"verdict.{verdict}"
    if verdict == "matches" and declared == "other":
        key = "verdict.matches_other"
    elif verdict == "reads_as_other_role" and declared == "other":
        key = "verdict.reads_as_role"
    status = {"matches": "ok", "reads_as_other_role": "fail", "ambiguous": "warn"}[verdict]
    return Finding(
        key,
        status,  # type: ignore[arg-type]
        tuple(params.items()),
        tuple(quotes),
        (GUIDE, *sources),
    )


def _penalty(points: float) -> float:
    """Points taken off, as a negative number (``0.0``, never ``-0.0``)."""
    return -round(points, 1) if points else 0.0


def _role_criteria(criteria: Sequence[CriterionFinding], stance: str) -> list[CriterionFinding]:
    return [c for c in criteria if c.stance == stance]


def fit_score(
    declared: str,
    reading: RoleReading,
    declared_criteria: Sequence[CriterionFinding],
    red_flags: Sequence[Finding],
    lang: str,
    rules: Scoring | None = None,
) -> FitScore:
    """The 0-100 fit between the ad and its declared role, with its factors ranked.

    ``declared_criteria`` holds every criterion of the knowledge base that
    supports or argues against the declared role, found (with quotes) or not.
    """
    rules = rules or scoring()
    supports = _role_criteria(declared_criteria, "supports")
    against_found = [c for c in _role_criteria(declared_criteria, "against") if c.found]
    total_weight = sum(c.weight for c in supports)
    model_max = rules.model_points + (0.0 if total_weight else rules.coverage_points)
    prob = reading.probabilities.get(declared, 0.0)
    factors: list[FitFactor] = []
    found_quotes = distinct_lines([q for c in supports if c.found for q in c.quotes[:1]])
    factors.append(
        FitFactor(
            "model",
            round(prob * model_max, 1),
            model_max,
            Finding(
                "fit.model",
                "info",
                (("declared", declared), ("prob", percent(prob, lang))),
                found_quotes[:3],
                (GUIDE,),
            ),
        )
    )
    if total_weight:
        found = [c for c in supports if c.found]
        share = sum(c.weight for c in found) / total_weight
        factors.append(
            FitFactor(
                "coverage",
                round(share * rules.coverage_points, 1),
                rules.coverage_points,
                Finding(
                    "fit.coverage",
                    "info",
                    (
                        ("found", str(len(found))),
                        ("total", str(len(supports))),
                        ("declared", declared),
                    ),
                    distinct_lines([q for c in found for q in c.quotes[:1]]),
                    # With nothing found, the articles' expectations are the evidence.
                    () if found else tuple(dict.fromkeys(c.source for c in supports))[:3],
                ),
            )
        )
    else:
        factors.append(
            FitFactor(
                "coverage",
                0.0,
                0.0,
                Finding("fit.coverage_none", "info", (("declared", declared),), (), (GUIDE,)),
            )
        )
    contrary_weight = sum(c.weight for c in against_found)
    contrary = min(rules.contrary_points_max, contrary_weight * rules.contrary_points_per_weight)
    if against_found:
        contrary_finding = Finding(
            "fit.contrary",
            "warn",
            (("count", str(len(against_found))), ("declared", declared)),
            distinct_lines([q for c in against_found for q in c.quotes[:1]]),
            tuple(dict.fromkeys(c.source for c in against_found)),
        )
    else:
        contrary_finding = Finding(
            "fit.contrary_none", "ok", (("declared", declared),), (), (GUIDE,)
        )
    factors.append(
        FitFactor("contrary", _penalty(contrary), rules.contrary_points_max, contrary_finding)
    )
    flag_points = min(rules.red_flag_points_max, rules.red_flag_points * len(red_flags))
    if red_flags:
        flag_finding = Finding(
            "fit.red_flags",
            "fail",
            (("count", str(len(red_flags))),),
            tuple(q for f in red_flags for q in f.quotes[:1]),
            tuple(dict.fromkeys(s for f in red_flags for s in f.sources)),
        )
    else:
        flag_finding = Finding("fit.red_flags_none", "ok", (), (), (RED_FLAGS_GUIDE,))
    factors.append(
        FitFactor("red_flags", _penalty(flag_points), rules.red_flag_points_max, flag_finding)
    )
    total = sum(f.points for f in factors)
    ranked = sorted(factors, key=lambda f: (-abs(f.points), f.name))
    return FitScore(score=round(max(0.0, min(100.0, total))), factors=tuple(ranked))
