"""Legal and inclusion checks for French ads, from the term lists in ``data/legal_fr.yaml``."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml

from pipeline.audit.report import Finding, Source
from pipeline.audit.textscan import Field, compile_patterns, find_quotes

LEGAL_FILE = Path(__file__).parent / "data" / "legal_fr.yaml"
RULE_FILE_REF = "pipeline/audit/data/legal_fr.yaml"


@dataclass(frozen=True)
class TermRule:
    """One forbidden or discriminatory formulation."""

    rule_id: str
    pattern: re.Pattern[str]
    ground: str
    citation: str
    severity: Literal["fail", "warn"]


@dataclass(frozen=True)
class LegalRules:
    """The compiled contents of ``legal_fr.yaml``."""

    gender_patterns: tuple[re.Pattern[str], ...]
    gender_citation: str
    age_rules: tuple[TermRule, ...]
    term_rules: tuple[TermRule, ...]


def _term_rules(section: dict[str, object], default_ground: str) -> tuple[TermRule, ...]:
    citation = str(section["citation"])
    rules = []
    for entry in section["rules"]:  # type: ignore[attr-defined]
        severity = entry.get("severity", "fail")
        if severity not in ("fail", "warn"):
            raise ValueError(f"{entry['id']}: severity must be fail or warn")
        (pattern,) = compile_patterns([entry["pattern"]])
        rules.append(
            TermRule(
                rule_id=str(entry["id"]),
                pattern=pattern,
                ground=str(entry.get("ground", default_ground)),
                citation=str(entry.get("citation", citation)),
                severity=severity,
            )
        )
    return tuple(rules)


@lru_cache(maxsize=2)
def legal_rules(path: Path = LEGAL_FILE) -> LegalRules:
    """Load and compile the legal term lists."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return LegalRules(
        gender_patterns=compile_patterns(data["gender_mention"]["patterns"]),
        gender_citation=str(data["gender_mention"]["citation"]),
        age_rules=_term_rules(data["age_limits"], "age"),
        term_rules=_term_rules(data["discriminatory_terms"], ""),
    )


def _rule(rule_id: str) -> Source:
    return Source(kind="rule", ref=f"{RULE_FILE_REF}#{rule_id}")


def legal_checks(title: str, description: str, rules: LegalRules | None = None) -> list[Finding]:
    """Findings for a French ad: gender mention, age limits, discriminatory wording.

    Every finding either quotes the ad or cites the legal text and the rule
    file entry that was checked.
    """
    rules = rules or legal_rules()
    fields = (Field("title", title), Field("description", description))
    out: list[Finding] = []
    law = Source(kind="law", ref=rules.gender_citation)
    gender = find_quotes(rules.gender_patterns, fields, limit=1)
    if gender:
        out.append(Finding("legal.gender.ok", "ok", (("text", gender[0].text),), gender, (law,)))
    else:
        out.append(Finding("legal.gender.missing", "warn", (), (), (law, _rule("gender_mention"))))
    out.extend(_term_findings(rules.age_rules, fields, "legal.age.found", "legal.age.found"))
    if not any(f.key == "legal.age.found" for f in out):
        citation = rules.age_rules[0].citation if rules.age_rules else "Code du travail"
        out.append(
            Finding("legal.age.none", "ok", (), (), (Source("law", citation), _rule("age_limits")))
        )
    terms = _term_findings(
        rules.term_rules, fields, "legal.discrimination.found", "legal.discrimination.warn"
    )
    out.extend(terms)
    if not terms:
        citation = rules.term_rules[0].citation if rules.term_rules else "Code du travail"
        out.append(
            Finding(
                "legal.discrimination.none",
                "ok",
                (),
                (),
                (Source("law", citation), _rule("discriminatory_terms")),
            )
        )
    return out


def _term_findings(
    rules: tuple[TermRule, ...], fields: tuple[Field, ...], fail_key: str, warn_key: str
) -> list[Finding]:
    out = []
    taken: list[tuple[str, int, int]] = []
    for rule in rules:
        for quote in find_quotes((rule.pattern,), fields, limit=3):
            # One finding per place in the ad, even when two rules match it.
            if any(f == quote.field and s < quote.end and quote.start < e for f, s, e in taken):
                continue
            taken.append((quote.field, quote.start, quote.end))
            out.append(
                Finding(
                    fail_key if rule.severity == "fail" else warn_key,
                    rule.severity,
                    (("text", quote.text), ("ground", rule.ground), ("rule", rule.rule_id)),
                    (quote,),
                    (Source("law", rule.citation), _rule(rule.rule_id)),
                )
            )
    return out
