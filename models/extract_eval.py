"""Score extraction against the hand-annotated gold set in ``models/evaluation/``.

A gold file lists postings (title, description) and, per posting, the mentions a
careful reader marks: the entry id(s) and the exact text (its first occurrence,
or the ``nth``, in the title or the description). Offsets are computed here.

A predicted mention is a true positive when a gold mention of the same entry,
in the same field, overlaps it; each gold mention matches at most one
prediction. Entries that have no patterns of their own (they are only implied
by other entries, e.g. ``strategy_definer``) are left out on both sides: they
would only re-count the entries that imply them.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from models.knowledge import Entry, KnowledgeBase
from models.types import Extraction, PostingText

EVALUATION_DIR = Path(__file__).resolve().parent / "evaluation"
GOLD_FILES: tuple[Path, ...] = (
    EVALUATION_DIR / "gold_extraction_fr.yaml",
    EVALUATION_DIR / "gold_extraction_en.yaml",
)
FRESH_GOLD_FILES: tuple[Path, ...] = (EVALUATION_DIR / "gold_extraction_fresh.yaml",)


class GoldError(ValueError):
    """A gold file refers to an unknown entry or to text that is not in the posting."""


@dataclass(frozen=True)
class GoldMention:
    """One annotated mention, with offsets into its field."""

    ref_id: str
    field: str
    start: int
    end: int
    value: float | None = None


@dataclass(frozen=True)
class GoldPosting:
    """A posting of the gold set and its annotations."""

    posting: PostingText
    role: str
    mentions: tuple[GoldMention, ...]


@dataclass
class Counts:
    """True positives, false positives and false negatives."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        """tp / (tp + fp); 1.0 when nothing was predicted."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        """tp / (tp + fn); 1.0 when nothing was expected."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Report:
    """Scores of one evaluation run."""

    micro: Counts = field(default_factory=Counts)
    by_family: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    by_ref: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    values_checked: int = 0
    values_right: int = 0
    errors: list[tuple[str, str, str, str]] = field(default_factory=list)

    @property
    def value_accuracy(self) -> float:
        """Share of matched gold values the extractor read correctly."""
        return self.values_right / self.values_checked if self.values_checked else 1.0

    def micro_of(self, kinds: Iterable[str]) -> Counts:
        """Micro counts over the families of the given kinds ("criterion", "skill"...)."""
        wanted = tuple(f"{kind}:" for kind in kinds)
        total = Counts()
        for key, counts in self.by_family.items():
            if key.startswith(wanted):
                total.tp += counts.tp
                total.fp += counts.fp
                total.fn += counts.fn
        return total


def scored_ids(kb: KnowledgeBase) -> set[str]:
    """Entries the evaluation scores: those with their own patterns or a posting-level rule."""
    return {e.id for e in kb.entries if e.patterns or e.when is not None}


def _locate(text: str, needle: str, nth: int, where: str) -> int:
    position = -1
    for _ in range(nth):
        position = text.find(needle, position + 1)
        if position < 0:
            raise GoldError(f"{where}: {needle!r} (occurrence {nth}) is not in the text")
    return position


def _gold_mentions(
    raw: dict[str, Any], texts: dict[str, str], ids: set[str], where: str
) -> Iterator[GoldMention]:
    refs = raw["ref"] if isinstance(raw["ref"], list) else [raw["ref"]]
    field_name = raw.get("field", "description")
    if field_name not in texts:
        raise GoldError(f"{where}: unknown field {field_name!r}")
    start = _locate(texts[field_name], raw["text"], int(raw.get("nth", 1)), where)
    value = raw.get("value")
    for ref in refs:
        if ref not in ids:
            raise GoldError(f"{where}: unknown entry id {ref!r}")
        yield GoldMention(
            ref,
            field_name,
            start,
            start + len(raw["text"]),
            None if value is None else float(value),
        )


def load_gold(paths: Sequence[Path], kb: KnowledgeBase) -> list[GoldPosting]:
    """Read gold files; raise GoldError on an unknown id or a text not found."""
    ids = set(kb.by_id())
    postings: list[GoldPosting] = []
    for path in paths:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for item in data["postings"]:
            texts = {"title": item["title"], "description": item["description"]}
            mentions: set[GoldMention] = set()
            for raw in item.get("gold") or []:
                where = f"{path.name}:{item['id']}"
                mentions.update(_gold_mentions(raw, texts, ids, where))
            posting = PostingText(item["id"], item["title"], item["description"])
            ordered = tuple(sorted(mentions, key=lambda m: (m.field, m.start, m.ref_id)))
            postings.append(GoldPosting(posting, item.get("role", ""), ordered))
    return postings


def _family_key(entry: Entry) -> str:
    return f"{entry.kind}:{entry.family}"


def score(
    gold: Sequence[GoldPosting], extractions: Sequence[Extraction], kb: KnowledgeBase
) -> Report:
    """Compare extractions with the gold set (matched by posting id)."""
    entries = kb.by_id()
    scored = scored_ids(kb)
    predicted = {x.posting_id: x for x in extractions}
    report = Report()
    for item in gold:
        extraction = predicted.get(item.posting.posting_id)
        mentions = extraction.mentions if extraction is not None else ()
        groups: dict[tuple[str, str], tuple[list[Any], list[Any]]] = defaultdict(lambda: ([], []))
        for g in item.mentions:
            if g.ref_id in scored:
                groups[(g.ref_id, g.field)][0].append(g)
        for m in mentions:
            if m.ref_id in scored:
                groups[(m.ref_id, m.field)][1].append(m)
        for (ref_id, field_name), (golds, preds) in groups.items():
            counts = _match(golds, preds, report)
            for bucket in (
                report.micro,
                report.by_family[_family_key(entries[ref_id])],
                report.by_ref[ref_id],
            ):
                bucket.tp += counts.tp
                bucket.fp += counts.fp
                bucket.fn += counts.fn
            texts = {"title": item.posting.title, "description": item.posting.description}
            matched_gold = {id(g) for g, _ in _pairs(golds, preds)}
            matched_pred = {id(p) for _, p in _pairs(golds, preds)}
            for g in golds:
                if id(g) not in matched_gold:
                    snippet = texts[field_name][g.start : g.end]
                    report.errors.append((item.posting.posting_id, "FN", ref_id, snippet))
            duplicates = _duplicates(golds, preds, _pairs(golds, preds))
            for p in preds:
                if id(p) not in matched_pred and id(p) not in duplicates:
                    report.errors.append((item.posting.posting_id, "FP", ref_id, p.text))
    return report


def _pairs(golds: Sequence[GoldMention], preds: Sequence[Any]) -> list[tuple[GoldMention, Any]]:
    """One-to-one overlap matching, largest overlaps first."""
    candidates = []
    for g in golds:
        for p in preds:
            overlap = min(g.end, p.end) - max(g.start, p.start)
            if overlap > 0:
                candidates.append((overlap, g, p))
    candidates.sort(key=lambda c: -c[0])
    used_g: set[int] = set()
    used_p: set[int] = set()
    pairs = []
    for _, g, p in candidates:
        if id(g) in used_g or id(p) in used_p:
            continue
        used_g.add(id(g))
        used_p.add(id(p))
        pairs.append((g, p))
    return pairs


def _duplicates(golds: Sequence[GoldMention], preds: Sequence[Any], pairs: list[Any]) -> set[int]:
    """Unmatched predictions inside an already matched gold mention: the same evidence
    split in pieces ("APAC", "EMEA" for "EMEA, APAC and the Americas"), not a false positive."""
    matched_gold = [g for g, _ in pairs]
    matched_pred = {id(p) for _, p in pairs}
    return {
        id(p)
        for p in preds
        if id(p) not in matched_pred
        and any(g.start < p.end and p.start < g.end for g in matched_gold)
    }


def _match(golds: Sequence[GoldMention], preds: Sequence[Any], report: Report) -> Counts:
    pairs = _pairs(golds, preds)
    for g, p in pairs:
        if g.value is not None:
            report.values_checked += 1
            if p.value is not None and math.isclose(g.value, p.value):
                report.values_right += 1
    duplicates = len(_duplicates(golds, preds, pairs))
    return Counts(
        tp=len(pairs), fp=len(preds) - len(pairs) - duplicates, fn=len(golds) - len(pairs)
    )


def _row(label: str, counts: Counts, support: bool = True) -> str:
    line = f"{label:34} {counts.precision:6.3f} {counts.recall:6.3f} {counts.f1:6.3f}"
    if support:
        line += f" {counts.tp + counts.fn:5d} {counts.tp + counts.fp:5d}"
    return line


def format_report(report: Report) -> str:
    """A plain-text table: per family P/R/F1 and support, then the micro averages."""
    lines = [f"{'family':34} {'P':>6} {'R':>6} {'F1':>6} {'gold':>5} {'pred':>5}"]
    lines += [_row(key, report.by_family[key]) for key in sorted(report.by_family)]
    lines.append(_row("micro (all kinds)", report.micro, support=False))
    lines.append(
        _row("micro (criteria + red flags)", report.micro_of(("criterion", "red_flag")), False)
    )
    right, checked = report.values_right, report.values_checked
    lines.append(f"value accuracy: {right}/{checked} = {report.value_accuracy:.3f}")
    return "\n".join(lines)
