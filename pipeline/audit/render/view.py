"""An audit report as plain data in one language: what every renderer shows.

All wording is resolved here from ``data/strings.yaml``; the renderers only lay
it out. The JSON output is this view as it is.
"""

from __future__ import annotations

from typing import Any

from models.types import ROLES
from pipeline.audit.report import AuditReport, CriterionFinding, Finding, Quote, Source
from pipeline.audit.strings import Texts, percent

SCHEMA_VERSION = 1


def quote_view(quote: Quote, texts: Texts) -> dict[str, Any]:
    """A quote of the ad, with the name of the part of the ad it comes from."""
    return {
        "field": quote.field,
        "field_label": texts.get("fields", quote.field),
        "start": quote.start,
        "end": quote.end,
        "text": quote.text,
        "sentence": quote.sentence,
    }


def source_view(source: Source, texts: Texts) -> dict[str, Any]:
    """A source (article, guide, law, rule file) with its label."""
    return {
        "kind": source.kind,
        "kind_label": texts.heading(source.kind),
        "ref": source.ref,
        "quote": source.quote,
    }


def statement(finding: Finding, texts: Texts) -> dict[str, Any]:
    """A finding as a sentence with its status, quotes and sources."""
    params = finding.param_dict
    out: dict[str, Any] = {
        "key": finding.key,
        "status": finding.status,
        "status_label": texts.get("status", finding.status),
        "text": texts.message(finding.key, params),
        "quotes": [quote_view(q, texts) for q in finding.quotes],
        "sources": [source_view(s, texts) for s in finding.sources],
    }
    if params.get("advice"):
        out["advice"] = texts.message(params["advice"], {})
    if params.get("flag"):
        out["id"] = params["flag"]
    return out


def criterion_view(criterion: CriterionFinding, texts: Texts, declared: str) -> dict[str, Any]:
    """A criterion, found (with quotes) or missing (with its article)."""
    key = "criterion.found" if criterion.found else "criterion.missing"
    return {
        "id": criterion.criterion_id,
        "text": texts.message(key, {"description": criterion.description, "declared": declared}),
        "family": criterion.family,
        "stance": criterion.stance,
        "stance_label": texts.heading(criterion.stance),
        "weight": criterion.weight,
        "found": criterion.found,
        "quotes": [quote_view(q, texts) for q in criterion.quotes],
        "sources": [source_view(criterion.source, texts)],
    }


def build_view(report: AuditReport, lang: str | None = None) -> dict[str, Any]:
    """The report as language-resolved plain data (the JSON output)."""
    texts = Texts(lang or report.report_language)
    declared = report.declared.role
    probabilities = sorted(
        ((r, report.reading.probabilities.get(r, 0.0)) for r in ROLES), key=lambda rp: -rp[1]
    )
    return {
        "schema_version": SCHEMA_VERSION,
        "language": texts.lang,
        "headings": texts.headings(),
        "posting": {
            "id": report.posting_id,
            "title": report.title,
            "language": report.posting_language,
            "characters": report.description_chars,
            "url": report.source_url,
        },
        "declared": {
            "role": declared,
            "name": texts.role(declared),
            "detail": texts.role_detail(declared),
            "title": report.declared.title,
            "from_option": report.declared.from_option,
        },
        "predicted": {
            "role": report.reading.label,
            "name": texts.role(report.reading.label),
            "detail": texts.role_detail(report.reading.label),
            "low_confidence": report.reading.low_confidence,
            "probabilities": [
                {
                    "role": role,
                    "name": texts.role(role),
                    "probability": round(p, 4),
                    "percent": percent(p, texts.lang),
                }
                for role, p in probabilities
            ],
        },
        "verdict": {
            "id": report.verdict,
            "label": texts.get("verdicts", report.verdict),
            "statement": statement(report.verdict_finding, texts),
        },
        "fit": {
            "score": report.fit.score,
            "factors": [
                {
                    "name": f.name,
                    "points": f.points,
                    "max_points": f.max_points,
                    "statement": statement(f.finding, texts),
                }
                for f in report.fit.factors
            ],
        },
        "criteria": [
            {
                "role": role,
                "name": texts.role(role),
                "items": [criterion_view(c, texts, declared) for c in report.criteria[role]],
            }
            for role in ROLES
            if role in report.criteria
        ],
        "missing": [criterion_view(c, texts, declared) for c in report.missing],
        "red_flags": [statement(f, texts) for f in report.red_flags],
        "completeness": [statement(f, texts) for f in report.completeness],
        "legal": [statement(f, texts) for f in report.legal],
        "notes": [statement(f, texts) for f in report.notes],
        "versions": {
            "model": report.reading.model_version,
            "extractor": report.extractor_version,
        },
    }
