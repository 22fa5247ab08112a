"""Audits of the postings in tests/fixtures/audit/, with the real extractor and classifier.

Each fixture states what a careful reader expects of its audit (``expect``): the
declared role, the verdict (for the verdict fixtures), the red flags with their
evidence and article, criteria found and missing, completeness and, for French
ads, the legal checks. The classifier is the shipped one (or the artifact named
by ``ROLESCOPE_AUDIT_MODEL``).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
import yaml

from pipeline.audit.inputs import from_text
from pipeline.audit.render import build_view, render_text
from pipeline.audit.report import AuditReport
from pipeline.audit.runner import Auditor, ModelUnavailableError

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "audit"
FILES = sorted(FIXTURES.glob("*.yaml"))
ARTICLES = Path(__file__).resolve().parents[3] / "shared" / "articles"


def _load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="module")
def auditor() -> Auditor:
    model = os.environ.get("ROLESCOPE_AUDIT_MODEL")
    auditor = Auditor(Path(model) if model else None)
    try:
        auditor.warm_up()
    except ModelUnavailableError as exc:
        pytest.skip(f"models unavailable: {exc}")
    return auditor


@pytest.fixture(scope="module")
def reports(auditor: Auditor) -> dict[str, AuditReport]:
    out = {}
    for path in FILES:
        posting = _load(path)
        out[path.name] = auditor.audit(from_text(posting["text"], title=posting["title"]))
    return out


def _params(path: Path, *, red_flags: bool = False) -> Any:
    posting = _load(path)
    marks = []
    if red_flags and posting.get("known_gap"):
        # A known gap of the knowledge base: strict, so it shows the day it is closed.
        marks.append(pytest.mark.xfail(reason=posting["known_gap"], strict=True))
    return pytest.param(path.name, id=posting["id"], marks=marks)


CASES = [_params(p) for p in FILES]
FLAG_CASES = [_params(p, red_flags=True) for p in FILES]


def test_there_is_a_fixture_for_each_verdict_and_each_red_flag() -> None:
    expects = [_load(p)["expect"] for p in FILES]
    assert {e.get("verdict") for e in expects} >= {"matches", "reads_as_other_role", "ambiguous"}
    flags = {f["id"] for e in expects for f in e.get("red_flags", [])}
    assert flags == {
        "rf.personal_account_experience",
        "rf.intern_public_voice",
        "rf.cm_crisis_alone",
        "rf.promised_followers",
    }


@pytest.mark.parametrize("name", CASES)
def test_declared_role_and_verdict(reports: dict[str, AuditReport], name: str) -> None:
    expect = _load(FIXTURES / name)["expect"]
    report = reports[name]
    assert report.declared.role == expect["declared"]
    assert report.declared.from_option
    if "verdict" in expect:
        assert report.verdict == expect["verdict"], report.reading.probabilities
        assert report.verdict_finding.key.startswith(f"verdict.{expect['verdict']}")
    if "verdict_not" in expect:
        assert report.verdict != expect["verdict_not"], report.reading.probabilities
    if "notes" in expect:
        assert [n.key for n in report.notes] == expect["notes"]
    if "predicted" in expect:
        assert report.reading.label == expect["predicted"]
    if expect.get("verdict") in ("matches", "reads_as_other_role"):
        # the verdict quotes the ad for the role it reads as
        assert report.verdict_finding.quotes
        for quote in report.verdict_finding.quotes:
            text = report.title if quote.field == "title" else _load(FIXTURES / name)["text"]
            assert quote.text in text


@pytest.mark.parametrize("name", FLAG_CASES)
def test_red_flags_with_evidence_and_article(reports: dict[str, AuditReport], name: str) -> None:
    expect = _load(FIXTURES / name)["expect"]
    report = reports[name]
    found = [f for f in report.red_flags if f.key == "red_flag.found"]
    got = [
        {
            "id": f.param_dict["flag"],
            "quote": f.quotes[0].text,
            "article": f.sources[0].ref,
        }
        for f in found
    ]
    assert got == expect["red_flags"]
    for flag in found:
        assert flag.param_dict["advice"].startswith("advice.")
    if not found:
        assert [f.key for f in report.red_flags] == ["red_flag.none"]


@pytest.mark.parametrize("name", CASES)
def test_criteria_found_and_missing(reports: dict[str, AuditReport], name: str) -> None:
    expect = _load(FIXTURES / name)["expect"]
    report = reports[name]
    for role, ids in (expect.get("criteria_found") or {}).items():
        found = {c.criterion_id for c in report.criteria[role] if c.stance == "supports"}
        assert set(ids) <= found, (role, sorted(found))
    contrary = {f.name: f for f in report.fit.factors}["contrary"].finding
    against = {q.text for q in contrary.quotes}
    for ids in (expect.get("criteria_against") or {}).values():
        for criterion_id in ids:
            quotes = {
                q.text
                for cs in report.criteria.values()
                for c in cs
                for q in c.quotes
                if c.criterion_id == criterion_id
            }
            assert quotes & against, (criterion_id, against)
    missing = {c.criterion_id for c in report.missing}
    assert set(expect.get("missing_include", [])) <= missing, sorted(missing)
    found_ids = {c.criterion_id for cs in report.criteria.values() for c in cs}
    assert not missing & found_ids
    for criterion in report.missing:
        assert criterion.source.kind in ("article", "guide")
        assert criterion.source.quote


@pytest.mark.parametrize("name", CASES)
def test_completeness_and_legal(reports: dict[str, AuditReport], name: str) -> None:
    expect = _load(FIXTURES / name)["expect"]
    report = reports[name]
    assert {f.key.split(".")[1]: f.key.split(".")[2] for f in report.completeness} == expect[
        "completeness"
    ]
    legal = expect["legal"]
    if legal is None:
        assert report.legal == ()
        return
    by_key: dict[str, list[str]] = {}
    for f in report.legal:
        by_key.setdefault(f.key, []).append(f.param_dict.get("text", ""))
    if legal["gender"] is None:
        assert "legal.gender.missing" in by_key
    else:
        assert by_key["legal.gender.ok"] == [legal["gender"]]
    assert by_key.get("legal.age.found", []) == legal["age"]
    assert by_key.get("legal.discrimination.found", []) == legal["discrimination"]


@pytest.mark.parametrize("name", CASES)
def test_every_statement_points_to_the_ad_or_a_source(
    reports: dict[str, AuditReport], name: str
) -> None:
    posting = _load(FIXTURES / name)
    view = build_view(reports[name])
    statements = [
        view["verdict"]["statement"],
        *(f["statement"] for f in view["fit"]["factors"]),
        *view["red_flags"],
        *view["completeness"],
        *view["legal"],
        *view["notes"],
        *view["missing"],
        *(item for group in view["criteria"] for item in group["items"]),
    ]
    articles = {p.name for p in ARTICLES.glob("*.txt")}
    bodies = {
        "title": posting["title"],
        "description": posting["text"].strip(),
        "structured": "",
    }
    for item in statements:
        assert item["quotes"] or item["sources"], item
        for q in item["quotes"]:
            # quotes are the ad's own words, at the place they say
            assert q["text"] == bodies[q["field"]][q["start"] : q["end"]]
        for s in item["sources"]:
            if s["kind"] == "article" and articles:
                assert s["ref"] in articles
    assert 0 <= view["fit"]["score"] <= 100
    for fmt in ("terminal", "markdown", "html", "json"):
        assert render_text(view, fmt)
