"""Audit engine, verdict and fit score on hand-built extractions and predictions.

These tests pin the audit's own logic (which criteria count as found or missing,
how the verdict and the score follow from the probabilities, that every
statement carries evidence) independently of the trained models; the fixture
tests in test_audit_fixtures.py run the real extractor and classifier.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from models.knowledge import Entry, KnowledgeBase
from models.types import CriterionEvidence, Extraction, Mention, PostingText, Prediction
from pipeline.audit.engine import AuditContext, audit_posting
from pipeline.audit.fit import decide_verdict, scoring
from pipeline.audit.report import Finding, RoleReading, Source

CM, SMM, STRAT, OTHER = (
    "community_manager",
    "social_media_manager",
    "social_media_strategist",
    "other",
)
A001 = "001_2cdd6e3ebd024108.txt"


def entry(
    ident: str,
    supports: list[str],
    against: list[str] | None = None,
    *,
    kind: str = "criterion",
    weight: float = 1.0,
    article: str = A001,
    quote: str = "une fonction tactique",
) -> Entry:
    family = "red_flag" if kind == "red_flag" else "animation"
    return Entry.model_validate(
        {
            "id": ident,
            "kind": kind,
            "family": family,
            "description": f"about {ident}",
            "weight": weight,
            "roles": {"supports": supports, "against": against or []},
            "source": {"article": article, "quote": quote},
        }
    )


def knowledge(*entries: Entry) -> KnowledgeBase:
    """A knowledge base of these entries only (its other parts empty, whatever they are)."""
    parts = {
        f.name: () if str(f.type).startswith("tuple") else {}
        for f in dataclasses.fields(KnowledgeBase)
        if f.name != "entries"
    }
    return KnowledgeBase(entries=entries, **parts)


KB = knowledge(
    entry("cm.moderates", [CM], weight=1.0),
    entry("cm.publishes", [CM, SMM], weight=1.0),
    entry("cm.escalates", [CM], weight=2.0, quote="faire intervenir la cellule de crise"),
    entry("smm.defines", [SMM], [CM], weight=2.0, quote="une fonction stratégique"),
    entry("strat.roadmap", [STRAT], [CM], weight=2.0, article="004_7027c94529feb35f.txt"),
    entry("rf.personal", [OTHER], [CM], kind="red_flag", quote="leur compte Facebook personnel"),
)

TEXT = (
    "Vous modérez nos pages. Vous définissez la stratégie social media. "
    "Votre compte Instagram personnel est un plus. CDI à Lyon."
)


def mention(kind: str, ref: str, phrase: str, text: str = TEXT) -> Mention:
    start = text.index(phrase)
    sentence = next(s for s in text.split(". ") if phrase in s)
    return Mention(
        kind, ref, "animation", "description", start, start + len(phrase), phrase, sentence
    )  # type: ignore[arg-type]


def prediction(
    label: str, probs: dict[str, float], title_label: str | None, **kw: Any
) -> Prediction:
    return Prediction(
        posting_id="p1",
        label=label,  # type: ignore[arg-type]
        probabilities=probs,
        low_confidence=kw.get("low", False),
        title_label=title_label,  # type: ignore[arg-type]
        title_mismatch=title_label != label,
        top_criteria=kw.get("top", ()),
    )


def probs(cm: float, smm: float, strat: float = 0.0) -> dict[str, float]:
    return {CM: cm, SMM: smm, STRAT: strat, OTHER: round(1 - cm - smm - strat, 6)}


def run(
    title: str = "Community Manager (H/F)",
    mentions: tuple[Mention, ...] = (),
    pred: Prediction | None = None,
    language: str = "fr",
    lang: str | None = None,
) -> Any:
    posting = PostingText("p1", title, TEXT, language)
    extraction = Extraction("p1", language, "ok", mentions)
    pred = pred or prediction(CM, probs(0.8, 0.1), CM)
    return audit_posting(posting, extraction, pred, KB, lang=lang, context=AuditContext())


def test_finding_without_evidence_is_refused() -> None:
    with pytest.raises(ValueError, match="neither a quote"):
        Finding("x", "ok")
    assert Finding("x", "ok", sources=(Source("article", A001),)).key == "x"


@pytest.mark.parametrize(
    ("declared", "label", "p", "low", "expected"),
    [
        (CM, CM, probs(0.8, 0.1), False, "matches"),
        (CM, CM, probs(0.45, 0.3), False, "ambiguous"),  # below match_min_probability
        (CM, CM, probs(0.8, 0.1), True, "ambiguous"),  # model unsure
        (CM, SMM, probs(0.2, 0.7), False, "reads_as_other_role"),
        (CM, SMM, probs(0.4, 0.5), False, "ambiguous"),  # margin 0.1 < 0.2
        (CM, SMM, probs(0.2, 0.7), True, "ambiguous"),
        (SMM, STRAT, probs(0.0, 0.2, 0.75), False, "reads_as_other_role"),
        (OTHER, OTHER, probs(0.05, 0.05), False, "matches"),
        (OTHER, CM, probs(0.7, 0.1), False, "reads_as_other_role"),
    ],
)
def test_verdict_rules(
    declared: str, label: str, p: dict[str, float], low: bool, expected: str
) -> None:
    reading = RoleReading(label, p, low, "m")
    assert decide_verdict(declared, reading) == expected


def test_criteria_found_and_missing_for_the_declared_role() -> None:
    report = run(mentions=(mention("criterion", "cm.moderates", "modérez"),))
    assert [c.criterion_id for c in report.criteria[CM]] == ["cm.moderates"]
    found = report.criteria[CM][0]
    assert found.quotes[0].text == "modérez"
    assert found.quotes[0].sentence == "Vous modérez nos pages"
    assert found.source == Source("article", A001, "une fonction tactique")
    # missing: the declared role's other supporting criteria, heaviest first, with their article
    assert [c.criterion_id for c in report.missing] == ["cm.escalates", "cm.publishes"]
    assert report.missing[0].source.quote == "faire intervenir la cellule de crise"
    assert all(not c.quotes for c in report.missing)


def test_a_criterion_against_the_role_is_listed_under_it_and_costs_points() -> None:
    with_against = run(
        mentions=(
            mention("criterion", "cm.moderates", "modérez"),
            mention("criterion", "smm.defines", "définissez la stratégie"),
        )
    )
    without = run(mentions=(mention("criterion", "cm.moderates", "modérez"),))
    # listed under the role it supports; against the declared role it is a fit factor
    assert [c.criterion_id for c in with_against.criteria[CM]] == ["cm.moderates"]
    assert [c.criterion_id for c in with_against.criteria[SMM]] == ["smm.defines"]
    factor = {f.name: f for f in with_against.fit.factors}["contrary"]
    assert factor.points == -16.0  # weight 2 x 8 points
    assert factor.finding.quotes[0].text == "définissez la stratégie"
    assert with_against.fit.score == without.fit.score - 16


def test_fit_score_is_the_sum_of_its_ranked_factors() -> None:
    report = run(
        mentions=(
            mention("criterion", "cm.moderates", "modérez"),
            mention("red_flag", "rf.personal", "compte Instagram personnel"),
        ),
        pred=prediction(CM, probs(0.8, 0.1), CM),
    )
    factors = {f.name: f.points for f in report.fit.factors}
    rules = scoring()
    assert factors["model"] == pytest.approx(0.8 * rules.model_points)
    assert factors["coverage"] == pytest.approx(1 / 4 * rules.coverage_points)  # weight 1 of 4
    assert factors["contrary"] == 0
    assert factors["red_flags"] == -rules.red_flag_points
    assert report.fit.score == 48 + 10 - 10
    points = [abs(f.points) for f in report.fit.factors]
    assert points == sorted(points, reverse=True)


def test_score_stays_within_0_and_100() -> None:
    low = run(
        mentions=(
            mention("criterion", "smm.defines", "définissez la stratégie"),
            mention("red_flag", "rf.personal", "compte Instagram personnel"),
        ),
        pred=prediction(SMM, probs(0.0, 1.0), CM),
    )
    assert low.fit.score == 0
    high = run(
        mentions=(
            mention("criterion", "cm.moderates", "modérez"),
            mention("criterion", "cm.publishes", "nos pages"),
            mention("criterion", "cm.escalates", "CDI à Lyon"),
        ),
        pred=prediction(CM, probs(1.0, 0.0), CM),
    )
    assert high.fit.score == 100


def test_red_flag_quotes_the_ad_cites_the_article_and_gives_advice() -> None:
    report = run(mentions=(mention("red_flag", "rf.personal", "compte Instagram personnel"),))
    (flag,) = report.red_flags
    assert flag.key == "red_flag.found"
    assert flag.status == "fail"
    assert flag.quotes[0].text == "compte Instagram personnel"
    assert flag.sources == (Source("article", A001, "leur compte Facebook personnel"),)
    # red flags are not role criteria
    assert all(c.criterion_id != "rf.personal" for cs in report.criteria.values() for c in cs)


def test_no_red_flag_is_said_with_the_guide_as_source() -> None:
    (none,) = run().red_flags
    assert none.key == "red_flag.none"
    assert none.sources[0].ref == "ROLES.md"


def test_verdict_quotes_the_classifier_evidence_found_in_the_ad() -> None:
    sentence = "Vous définissez la stratégie social media."
    pred = prediction(
        SMM,
        probs(0.2, 0.7),
        CM,
        top=(CriterionEvidence("duty.define_strategy", SMM, 1.2, (sentence, "not in the ad")),),
    )
    report = run(
        pred=pred, mentions=(mention("criterion", "smm.defines", "définissez la stratégie"),)
    )
    assert report.verdict == "reads_as_other_role"
    finding = report.verdict_finding
    assert finding.key == "verdict.reads_as_other_role"
    assert finding.quotes[0].text == sentence
    assert TEXT[finding.quotes[0].start : finding.quotes[0].end] == sentence
    assert finding.sources[0].ref == "ROLES.md"
    assert Source("article", A001, "une fonction stratégique") in finding.sources
    assert finding.param_dict["declared"] == CM and finding.param_dict["predicted"] == SMM


def test_legal_checks_only_for_french_ads_and_language_follows_the_ad() -> None:
    french = run(language="fr")
    english = run(language="en")
    assert french.report_language == "fr" and french.legal[0].key == "legal.gender.ok"
    assert english.report_language == "en" and english.legal == ()
    assert run(language="fr", lang="en").report_language == "en"


def test_every_statement_has_evidence() -> None:
    report = run(
        mentions=(
            mention("criterion", "cm.moderates", "modérez"),
            mention("red_flag", "rf.personal", "compte Instagram personnel"),
        ),
        pred=prediction(CM, probs(0.6, 0.3), CM, low=True),
    )
    findings = [
        report.verdict_finding,
        *(f.finding for f in report.fit.factors),
        *report.red_flags,
        *report.completeness,
        *report.legal,
        *report.notes,
    ]
    assert all(f.quotes or f.sources for f in findings)
    criteria = [c for cs in report.criteria.values() for c in cs] + list(report.missing)
    assert all(c.quotes or c.source.ref for c in criteria)
    assert [n.key for n in report.notes] == ["note.low_confidence"]


def test_verdict_wording_when_the_title_names_no_social_role() -> None:
    reads = run(title="Chargé de mission", pred=prediction(CM, probs(0.8, 0.1), OTHER))
    assert reads.declared.role == OTHER
    assert reads.verdict_finding.key == "verdict.reads_as_role"
    other = run(title="Comptable", pred=prediction(OTHER, probs(0.05, 0.05), OTHER))
    assert other.verdict_finding.key == "verdict.matches_other"
    assert other.missing == ()  # nothing is "needed" of another job


def test_red_flags_are_not_quoted_as_evidence_of_the_role() -> None:
    flagged = "Votre compte Instagram personnel est un plus."
    pred = prediction(
        CM,
        probs(0.8, 0.1),
        CM,
        top=(
            CriterionEvidence("rf.personal", CM, 2.0, (flagged,)),
            CriterionEvidence("duty.execution", CM, 1.0, ("Vous modérez nos pages.",)),
        ),
    )
    report = run(pred=pred, mentions=(mention("red_flag", "rf.personal", "compte Instagram"),))
    assert [q.text for q in report.verdict_finding.quotes] == ["Vous modérez nos pages."]


def test_criteria_in_the_company_blurb_are_not_quoted_as_the_jobs() -> None:
    # "We are an agency that builds strategies" is the employer, not the job; the
    # classifier leaves such criteria out and so does the audit.
    text = "Qui sommes-nous\nUne agence qui définit des stratégies.\nVos missions\n- Vous modérez."
    posting = PostingText("p1", "Community Manager", text, "fr")
    mentions = (
        mention("criterion", "smm.defines", "définit des stratégies", text),
        mention("criterion", "cm.moderates", "modérez", text),
    )
    extraction = Extraction("p1", "fr", "ok", mentions)
    pred = prediction(CM, probs(0.8, 0.1), CM)
    report = audit_posting(posting, extraction, pred, KB, context=AuditContext())
    assert [c.criterion_id for c in report.criteria[CM]] == ["cm.moderates"]
    assert report.criteria[SMM] == ()
    assert "contrary" not in {f.name for f in report.fit.factors if f.points}
