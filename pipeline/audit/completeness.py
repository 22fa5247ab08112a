"""Does the ad tell candidates the salary, the place, the contract and the level?"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from pipeline.audit.report import Finding, Quote, Source
from pipeline.audit.textscan import Field, compile_patterns, find_quotes

COMPLETENESS_FILE = Path(__file__).parent / "data" / "completeness.yaml"
RULE_FILE_REF = "pipeline/audit/data/completeness.yaml"
ITEMS: tuple[str, ...] = ("salary", "location", "contract", "seniority")


@dataclass(frozen=True)
class ItemRules:
    """Patterns that show one item is stated, or only vaguely mentioned."""

    stated: tuple[re.Pattern[str], ...]
    vague: tuple[re.Pattern[str], ...]


@lru_cache(maxsize=2)
def completeness_rules(path: Path = COMPLETENESS_FILE) -> dict[str, ItemRules]:
    """Load and compile ``completeness.yaml``; every item of :data:`ITEMS` must be there."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))["items"]
    missing = [item for item in ITEMS if item not in data]
    if missing:
        raise ValueError(f"{path.name}: items missing: {', '.join(missing)}")
    return {
        item: ItemRules(
            stated=compile_patterns(data[item].get("stated") or []),
            vague=compile_patterns(data[item].get("vague") or []),
        )
        for item in ITEMS
    }


@dataclass(frozen=True)
class StructuredFacts:
    """What structured data (JSON-LD, warehouse columns) says, as display text per item."""

    salary: str | None = None
    location: str | None = None
    contract: str | None = None
    seniority: str | None = None

    def get(self, item: str) -> str | None:
        """The structured value for an item, if any."""
        value = getattr(self, item, None)
        return str(value) if value else None


def completeness_checks(
    title: str,
    description: str,
    structured: StructuredFacts | None = None,
    rules: dict[str, ItemRules] | None = None,
    extracted: dict[str, tuple[Quote, ...]] | None = None,
) -> list[Finding]:
    """One finding per item: stated (quoted), vague (quoted) or missing (rule cited).

    ``extracted`` holds evidence the extractor already found for an item (its
    experience and seniority signals); it is used before the patterns of
    ``completeness.yaml``, which are the fallback.
    """
    rules = rules or completeness_rules()
    structured = structured or StructuredFacts()
    extracted = extracted or {}
    fields = (Field("title", title), Field("description", description))
    out = []
    for item in ITEMS:
        rule_source = Source(kind="rule", ref=f"{RULE_FILE_REF}#{item}")
        value = structured.get(item)
        if value:
            quote = Quote("structured", 0, len(value), value, value)
            out.append(Finding(f"completeness.{item}.ok", "ok", (("text", value),), (quote,), ()))
            continue
        stated = extracted.get(item, ())[:1] or find_quotes(rules[item].stated, fields, limit=1)
        if stated:
            out.append(
                Finding(f"completeness.{item}.ok", "ok", (("text", stated[0].text),), stated, ())
            )
            continue
        vague = find_quotes(rules[item].vague, fields, limit=1)
        if vague:
            out.append(
                Finding(
                    f"completeness.{item}.vague",
                    "warn",
                    (("text", vague[0].text),),
                    vague,
                    (rule_source,),
                )
            )
            continue
        out.append(Finding(f"completeness.{item}.missing", "warn", (), (), (rule_source,)))
    return out
