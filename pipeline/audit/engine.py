"""The audit itself: a pure function from what the models said about an ad to a report.

Inputs are the posting (:class:`~models.types.PostingText`), what the
extractor found in it (:class:`~models.types.Extraction`), what the classifier
concluded (:class:`~models.types.Prediction`) and the criteria knowledge base
(:class:`~models.knowledge.KnowledgeBase`). Nothing here reads files other than
the audit's own data, loads a model or touches the network.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from models.features import ClassifierInput, job_extraction
from models.knowledge import Entry, KnowledgeBase
from models.title_rules import title_role
from models.types import ROLES, Extraction, Mention, PostingText, Prediction
from pipeline.audit.completeness import StructuredFacts, completeness_checks
from pipeline.audit.fit import RED_FLAGS_GUIDE, decide_verdict, fit_score, verdict_finding
from pipeline.audit.legal import legal_checks
from pipeline.audit.report import (
    AuditReport,
    CriterionFinding,
    DeclaredRole,
    Finding,
    Quote,
    RoleReading,
    Source,
    same_line,
)
from pipeline.audit.strings import report_language

RED_FLAGS_FILE = Path(__file__).parent / "data" / "red_flags.yaml"
MAX_QUOTES = 3
# Signal families of the knowledge base (models/criteria/families.yaml) that say
# what level of experience the ad asks for.
SENIORITY_SIGNAL_FAMILIES = ("experience", "seniority")


@dataclass(frozen=True)
class AuditContext:
    """Facts about the ad and the run that are not in the models' outputs."""

    structured: StructuredFacts = field(default_factory=StructuredFacts)
    title_from_option: bool = False
    title_from_first_line: bool = False
    model_version: str = ""
    extractor_version: str = ""
    source_url: str | None = None


@lru_cache(maxsize=2)
def _advice(path: Path = RED_FLAGS_FILE) -> dict[str, str]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {str(k): str(v) for k, v in data["advice"].items()}


def advice_for(red_flag_id: str) -> str | None:
    """The advice key (``data/strings.yaml``) for a red flag id, if one is defined."""
    return _advice().get(red_flag_id)


def source_of(entry: Entry) -> Source:
    """Where a knowledge-base entry comes from: its article and quote, else the guide."""
    if entry.source is not None:
        kind = "guide" if entry.source.article == "ROLES.md" else "article"
        return Source(kind, entry.source.article, entry.source.quote)  # type: ignore[arg-type]
    return Source("guide", "ROLES.md", entry.guide or "")


def quote_of(mention: Mention) -> Quote:
    """A mention's evidence as a report quote."""
    return Quote(mention.field, mention.start, mention.end, mention.text, mention.sentence)


def _quotes(mentions: Iterable[Mention]) -> tuple[Quote, ...]:
    out: list[Quote] = []
    for m in sorted(mentions, key=lambda m: (m.field != "title", m.start)):
        # One quote per place and per sentence: the same line twice says nothing more.
        if any(
            q.field == m.field
            and ((q.start < m.end and m.start < q.end) or q.sentence == m.sentence)
            for q in out
        ):
            continue
        out.append(quote_of(m))
        if len(out) >= MAX_QUOTES:
            break
    return tuple(out)


def mentions_by_id(extraction: Extraction, *kinds: str) -> dict[str, list[Mention]]:
    """The extraction's mentions of the given kinds, grouped by knowledge-base id."""
    grouped: dict[str, list[Mention]] = {}
    for mention in extraction.mentions:
        if mention.kind in kinds:
            grouped.setdefault(mention.ref_id, []).append(mention)
    return grouped


def role_criteria(
    role: str, extraction: Extraction, knowledge: KnowledgeBase, *, only_found: bool
) -> tuple[CriterionFinding, ...]:
    """Every criterion that supports or argues against ``role``, found first, heaviest first."""
    found = mentions_by_id(extraction, "criterion", "signal", "skill")
    out = []
    for entry in knowledge.entries:
        if entry.kind == "red_flag" or entry.roles is None:
            continue
        if role in entry.roles.supports:
            stance = "supports"
        elif role in entry.roles.against:
            stance = "against"
        else:
            continue
        quotes = _quotes(found.get(entry.id, ()))
        if only_found and not quotes:
            continue
        out.append(
            CriterionFinding(
                criterion_id=entry.id,
                description=entry.description,
                family=entry.family,
                stance=stance,  # type: ignore[arg-type]
                role=role,
                weight=float(entry.weight),
                quotes=quotes,
                source=source_of(entry),
            )
        )
    out.sort(key=lambda c: (not c.found, c.stance != "supports", -c.weight, c.criterion_id))
    return tuple(out)


def red_flag_findings(extraction: Extraction, knowledge: KnowledgeBase) -> tuple[Finding, ...]:
    """One finding per red flag the extractor found, quoting the ad and citing the article."""
    entries = knowledge.by_id()
    out = []
    for ref_id, mentions in sorted(mentions_by_id(extraction, "red_flag").items()):
        entry = entries.get(ref_id)
        if entry is None:
            continue
        params = [("description", entry.description), ("flag", ref_id)]
        advice = advice_for(ref_id)
        if advice:
            params.append(("advice", advice))
        out.append(
            Finding(
                "red_flag.found",
                "fail",
                tuple(params),
                _quotes(mentions),
                (source_of(entry),),
            )
        )
    return tuple(out)


def seniority_evidence(extraction: Extraction) -> tuple[Quote, ...]:
    """The extractor's evidence of the level asked for: years of experience, seniority, intern."""
    signals = sorted(
        (
            m
            for m in extraction.mentions
            if m.kind == "signal" and m.family in SENIORITY_SIGNAL_FAMILIES
        ),
        # Years of experience say most, then a level in the text, then the title's level.
        key=lambda m: (SENIORITY_SIGNAL_FAMILIES.index(m.family), m.field == "title", m.start),
    )
    return tuple(quote_of(m) for m in signals[:1])


def _locate(sentence: str, posting: PostingText) -> Quote | None:
    """A quote for an evidence sentence the classifier gave, found in the title or text."""
    text = sentence.strip().rstrip("…").strip()
    if not text:
        return None
    for field_name, body in (("description", posting.description), ("title", posting.title)):
        start = body.find(text)
        if start >= 0:
            return Quote(field_name, start, start + len(text), text, text)  # type: ignore[arg-type]
    return None


def verdict_evidence(
    posting: PostingText,
    prediction: Prediction,
    predicted_criteria: Sequence[CriterionFinding],
    red_flag_ids: frozenset[str] = frozenset(),
) -> tuple[tuple[Quote, ...], tuple[Source, ...]]:
    """Quotes for the role the ad describes: the classifier's evidence, then its criteria.

    Red flags the classifier leaned on are left out: they are reported as red
    flags, not as signs that the ad describes a role.
    """
    quotes: list[Quote] = []
    for item in prediction.top_criteria:
        if item.role != prediction.label or item.ref_id in red_flag_ids:
            continue
        for sentence in item.evidence[:1]:
            quote = _locate(sentence, posting)
            if quote and not any(same_line(q, quote) for q in quotes):
                quotes.append(quote)
    for criterion in predicted_criteria:
        if criterion.found and criterion.stance == "supports":
            quotes.extend(
                q for q in criterion.quotes[:1] if all(not same_line(q, o) for o in quotes)
            )
    sources = tuple(
        dict.fromkeys(c.source for c in predicted_criteria if c.found and c.stance == "supports")
    )
    return tuple(quotes[:MAX_QUOTES]), sources[:MAX_QUOTES]


def _notes(
    posting: PostingText, extraction: Extraction, prediction: Prediction, context: AuditContext
) -> tuple[Finding, ...]:
    notes = []
    if context.title_from_first_line:
        notes.append(
            Finding(
                "note.title_first_line",
                "info",
                (),
                (Quote("title", 0, len(posting.title), posting.title, posting.title),),
            )
        )
    if extraction.status == "unsupported_language":
        notes.append(
            Finding("note.language_other", "warn", (), (), (Source("rule", "models/language.py"),))
        )
    elif extraction.status != "ok":
        notes.append(
            Finding(
                "note.extraction_status",
                "warn",
                (("status", extraction.status), ("reason", extraction.reason or "")),
                (),
                (Source("rule", "models/extract.py"),),
            )
        )
    if prediction.low_confidence:
        notes.append(
            Finding(
                "note.low_confidence", "info", (), (), (Source("rule", "models/classifier.py"),)
            )
        )
    return tuple(notes)


def audit_posting(
    posting: PostingText,
    extraction: Extraction,
    prediction: Prediction,
    knowledge: KnowledgeBase,
    *,
    lang: str | None = None,
    context: AuditContext | None = None,
) -> AuditReport:
    """The full audit of one ad.

    The declared role is the one the title implies (``Prediction.title_label``,
    from the title rules); the report's language is ``lang`` when given, else the
    ad's language (French or English), else English.
    """
    context = context or AuditContext()
    # Criteria under a company heading describe the employer, not the job: the
    # classifier leaves them out, and so do the role criteria quoted here.
    job = job_extraction(ClassifierInput(posting, extraction)) or extraction
    posting_lang = extraction.language or posting.language or ""
    report_lang = report_language(lang, posting_lang)
    declared_role = prediction.title_label or title_role(posting.title)
    reading = RoleReading(
        label=prediction.label,
        probabilities={r: float(prediction.probabilities.get(r, 0.0)) for r in ROLES},
        low_confidence=prediction.low_confidence,
        model_version=context.model_version,
    )
    # Per role, the criteria in the ad that speak for it; those that speak against the
    # declared role are the fit score's "contrary" factor.
    criteria = {
        role: tuple(
            c
            for c in role_criteria(role, job, knowledge, only_found=True)
            if c.stance == "supports"
        )
        for role in ROLES
    }
    declared_all = role_criteria(declared_role, job, knowledge, only_found=False)
    # Nothing is "needed" of an ad for another job: its criteria only describe such jobs.
    missing = (
        ()
        if declared_role == "other"
        else tuple(c for c in declared_all if c.stance == "supports" and not c.found)
    )
    red_flags = red_flag_findings(extraction, knowledge)
    verdict = decide_verdict(declared_role, reading)
    red_flag_ids = frozenset(e.id for e in knowledge.entries if e.kind == "red_flag")
    quotes, sources = verdict_evidence(
        posting, prediction, criteria[prediction.label], red_flag_ids
    )
    found_verdict = verdict_finding(
        verdict, posting.title, declared_role, reading, quotes, sources, report_lang
    )
    fit = fit_score(declared_role, reading, declared_all, red_flags, report_lang)
    if not red_flags:
        red_flags_out: tuple[Finding, ...] = (
            Finding("red_flag.none", "ok", (), (), (RED_FLAGS_GUIDE,)),
        )
    else:
        red_flags_out = red_flags
    legal = tuple(legal_checks(posting.title, posting.description)) if posting_lang == "fr" else ()
    # The completeness patterns are French and English; in another language they would
    # report as missing what they cannot read.
    completeness = (
        tuple(
            completeness_checks(
                posting.title,
                posting.description,
                context.structured,
                extracted={"seniority": seniority_evidence(extraction)},
            )
        )
        if posting_lang in ("fr", "en")
        else ()
    )
    return AuditReport(
        posting_id=posting.posting_id,
        title=posting.title,
        posting_language=posting_lang,
        report_language=report_lang,
        declared=DeclaredRole(posting.title, declared_role, context.title_from_option),
        reading=reading,
        verdict=verdict,
        verdict_finding=found_verdict,
        fit=fit,
        criteria=criteria,
        missing=missing,
        red_flags=red_flags_out,
        completeness=completeness,
        legal=legal,
        notes=_notes(posting, extraction, prediction, context),
        extractor_version=context.extractor_version,
        description_chars=len(posting.description),
        source_url=context.source_url,
    )
