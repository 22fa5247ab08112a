"""Run the role classifier over a JSONL file of postings and score it against gold labels.

Shared by ``rolescope classify`` / ``rolescope eval`` and the dev-set test. Input
lines carry at least ``id``, ``title`` and ``description`` (optionally
``language`` and ``company``; ``label`` for evaluation). A line that is not
usable becomes an error record with its reason; it never stops the run.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from models.classifier import RoleModel
from models.evaluation.classifier_metrics import (
    BootstrapInterval,
    Report,
    log_loss,
    paired_bootstrap,
    score,
)
from models.title_rules import baseline_predict
from models.types import ROLES, Extraction, PostingText, Prediction

Extract = Callable[[Sequence[PostingText]], list[Extraction | None]]
MAX_FIELD_CHARS = 500_000


@dataclass(frozen=True)
class InputLine:
    """One input line: a posting (and gold label), or why it could not be read."""

    line_no: int
    posting: PostingText | None
    gold: str | None = None
    error: str | None = None
    raw_id: str | None = None


def parse_line(line_no: int, text: str) -> InputLine:
    """Validate one JSONL line."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        return InputLine(line_no, None, error=f"invalid JSON: {exc.msg}")
    if not isinstance(data, dict):
        return InputLine(line_no, None, error="expected a JSON object")
    raw_id = data.get("id")
    if isinstance(raw_id, bool) or not isinstance(raw_id, str | int) or str(raw_id).strip() == "":
        return InputLine(line_no, None, error="missing or invalid 'id'")
    posting_id = str(raw_id).strip()
    for key in ("title", "description"):
        value = data.get(key)
        if not isinstance(value, str):
            return InputLine(line_no, None, error=f"'{key}' must be a string", raw_id=posting_id)
        if len(value) > MAX_FIELD_CHARS:
            return InputLine(line_no, None, error=f"'{key}' is too long", raw_id=posting_id)
    if not (data["title"].strip() or data["description"].strip()):
        return InputLine(line_no, None, error="empty title and description", raw_id=posting_id)
    optional = {}
    for key in ("language", "company"):
        value = data.get(key)
        if value is not None and not isinstance(value, str):
            return InputLine(line_no, None, error=f"'{key}' must be a string", raw_id=posting_id)
        optional[key] = value or None
    gold = data.get("label")
    if gold is not None and gold not in ROLES:
        return InputLine(line_no, None, error=f"unknown label {gold!r}", raw_id=posting_id)
    posting = PostingText(
        posting_id=posting_id,
        title=data["title"],
        description=data["description"],
        language=optional["language"],
        company=optional["company"],
    )
    return InputLine(line_no, posting, gold=gold, raw_id=posting_id)


def read_lines(path: Path) -> Iterator[InputLine]:
    """Every non-blank line of a JSONL file, parsed (bad lines as errors)."""
    with path.open("r", encoding="utf-8", errors="replace") as handle:
        for line_no, text in enumerate(handle, start=1):
            if text.strip():
                yield parse_line(line_no, text)


def default_extract() -> tuple[Extract, str | None]:
    """(extract function, extractor version): the spaCy extractor when it loads, else none."""
    try:
        from models.extract import Extractor

        extractor = Extractor()
    except Exception:  # the model still classifies from text alone
        return (lambda postings: [None] * len(postings)), None

    def extract(postings: Sequence[PostingText]) -> list[Extraction | None]:
        return list(extractor.extract_many(postings))

    return extract, extractor.version


def prediction_record(prediction: Prediction) -> dict[str, Any]:
    """The output line for one prediction."""
    return {
        "id": prediction.posting_id,
        "label": prediction.label,
        "probabilities": {r: round(prediction.probabilities[r], 6) for r in ROLES},
        "title_label": prediction.title_label,
        "title_mismatch": prediction.title_mismatch,
        "criteria": [c.ref_id for c in prediction.top_criteria],
        "low_confidence": prediction.low_confidence,
    }


def classify_lines(
    model: RoleModel,
    lines: Iterable[InputLine],
    extract: Extract,
    *,
    batch_size: int = 256,
    on_batch: Callable[[int], None] | None = None,
) -> Iterator[tuple[InputLine, Prediction | None, str | None]]:
    """(line, prediction, error) for every line, in input order, in batches."""
    batch: list[InputLine] = []

    def flush() -> Iterator[tuple[InputLine, Prediction | None, str | None]]:
        good = [item for item in batch if item.posting is not None]
        postings = [item.posting for item in good if item.posting is not None]
        predictions: dict[int, Prediction | None] = {}
        errors: dict[int, str] = {}
        if postings:
            try:
                extractions = extract(postings)
            except Exception as exc:  # extraction trouble: classify from text alone
                extractions = [None] * len(postings)
                note = f"extraction failed ({type(exc).__name__})"
                errors.update({item.line_no: note for item in good})
            try:
                for item, pred in zip(good, model.predict(postings, extractions), strict=True):
                    predictions[item.line_no] = pred
                    errors.pop(item.line_no, None)
            except Exception:
                for item, posting, ext in zip(good, postings, extractions, strict=True):
                    try:
                        predictions[item.line_no] = model.predict([posting], [ext])[0]
                        errors.pop(item.line_no, None)
                    except Exception as exc:
                        errors[item.line_no] = f"classification failed: {exc}"
        for item in batch:
            if item.posting is None:
                yield item, None, item.error
            else:
                found = predictions.get(item.line_no)
                yield item, found, None if found is not None else errors.get(item.line_no)
        if on_batch is not None:
            on_batch(len(batch))

    for line in lines:
        batch.append(line)
        if len(batch) >= batch_size:
            yield from flush()
            batch = []
    if batch:
        yield from flush()


@dataclass
class Evaluation:
    """Model and title-baseline scores on one labelled file."""

    model: Report
    baseline: Report
    n_lines: int
    errors: list[tuple[int, str]] = field(default_factory=list)
    strategist_rows: list[dict[str, Any]] = field(default_factory=list)
    predictions: list[Prediction] = field(default_factory=list)
    log_loss: float = 0.0
    interval: BootstrapInterval | None = None


def evaluate_lines(
    model: RoleModel, lines: Sequence[InputLine], extract: Extract, *, batch_size: int = 256
) -> Evaluation:
    """Score the model and the title baseline on the labelled lines."""
    gold: list[str] = []
    predicted: list[str] = []
    titles: list[str] = []
    errors: list[tuple[int, str]] = []
    strategist_rows: list[dict[str, Any]] = []
    predictions: list[Prediction] = []
    for item, pred, error in classify_lines(model, lines, extract, batch_size=batch_size):
        if pred is None or item.posting is None or item.gold is None:
            errors.append((item.line_no, error or "no gold label"))
            continue
        predictions.append(pred)
        gold.append(item.gold)
        predicted.append(pred.label)
        titles.append(item.posting.title)
        if item.gold == "social_media_strategist" or pred.label == "social_media_strategist":
            strategist_rows.append(
                {
                    "id": pred.posting_id,
                    "gold": item.gold,
                    "predicted": pred.label,
                    "p_strategist": round(pred.probabilities["social_media_strategist"], 3),
                    "title_label": pred.title_label,
                }
            )
    baseline = baseline_predict(titles)
    return Evaluation(
        model=score(gold, predicted),
        baseline=score(gold, baseline),
        n_lines=len(lines),
        errors=errors,
        strategist_rows=strategist_rows,
        predictions=predictions,
        log_loss=log_loss(gold, [p.probabilities for p in predictions]),
        interval=paired_bootstrap(gold, predicted, baseline) if gold else None,
    )
