"""Train the role classifier from the written corpus (plus people's labels) and evaluate it.

The held-out split is fixed by a hash of each posting id (not by position or a
random draw), so it stays the same as the corpus grows and every model
version — the shipped one and every retrained one — is scored on postings it
never saw. That is what makes "not worse than the active model" a fair test.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from models.classifier import ModelConfig, RoleModel, fit_model, make_inputs
from models.evaluation.classifier_metrics import Report, score
from models.title_rules import baseline_predict
from models.training.augment import perturb
from models.training.loader import CorpusPosting, corpus_hash
from models.types import ROLES, Extraction, PostingText

HELDOUT_BUCKETS = 7  # one posting in seven is held out (~14 %)
AUGMENT_COPIES = 3
AUGMENT_WEIGHT = 0.5
PERSON_LABEL_WEIGHT = 2.0  # a correction made by a person about a real ad
WEAK_LABEL_WEIGHT = 0.3  # e.g. the label implied by a France Travail ROME code

Extract = Callable[[Sequence[PostingText]], list[Extraction | None]]


@dataclass(frozen=True)
class Example:
    """One labelled posting and where its label comes from."""

    posting: PostingText
    label: str
    source: str  # corpus | person | weak
    weight: float = 1.0


@dataclass
class TrainingResult:
    """A fitted model with the figures it was judged on."""

    model: RoleModel
    heldout: Report | None
    heldout_baseline: Report | None
    people: Report | None
    n_train: int
    n_heldout: int
    metrics: dict[str, Any] = field(default_factory=dict)


def is_heldout(posting_id: str, buckets: int = HELDOUT_BUCKETS) -> bool:
    """Whether a posting belongs to the fixed held-out split."""
    digest = hashlib.sha256(posting_id.encode("utf-8")).digest()
    return digest[0] % buckets == 0


def corpus_examples(corpus: Iterable[CorpusPosting]) -> list[Example]:
    """The written corpus as examples."""
    return [Example(p.text(), p.label, "corpus") for p in corpus]


def person_examples(labelled: Iterable[tuple[PostingText, str]]) -> list[Example]:
    """Labels people recorded with ``rolescope label`` (unknown labels skipped)."""
    return [
        Example(p, label, "person", PERSON_LABEL_WEIGHT) for p, label in labelled if label in ROLES
    ]


def weak_examples(items: Iterable[tuple[PostingText, str]]) -> list[Example]:
    """Weakly labelled postings (for instance from their ROME code), down-weighted."""
    return [Example(p, label, "weak", WEAK_LABEL_WEIGHT) for p, label in items if label in ROLES]


def split(examples: Sequence[Example]) -> tuple[list[Example], list[Example]]:
    """(train, held-out); weak labels are never held out (they are not ground truth)."""
    train = [e for e in examples if e.source == "weak" or not is_heldout(e.posting.posting_id)]
    held = [e for e in examples if e.source != "weak" and is_heldout(e.posting.posting_id)]
    return train, held


def no_extraction(postings: Sequence[PostingText]) -> list[Extraction | None]:
    """Used when the extractor is unavailable: the model then reads text features only."""
    return [None] * len(postings)


def training_hash(examples: Sequence[Example]) -> str:
    """Hash of the training examples (text and label)."""
    return corpus_hash((e.posting, f"{e.label}|{e.source}|{e.weight}") for e in examples)


def fit_examples(
    examples: Sequence[Example],
    extract: Extract,
    *,
    config: ModelConfig | None = None,
    copies: int = AUGMENT_COPIES,
    extra_metadata: dict[str, Any] | None = None,
) -> RoleModel:
    """Fit a model on examples plus ``copies`` noisy views of each (see ``augment``)."""
    config = config or ModelConfig()
    rng = random.Random(config.seed)
    postings: list[PostingText] = []
    labels: list[str] = []
    weights: list[float] = []
    groups: list[str] = []
    for e in examples:
        postings.append(e.posting)
        labels.append(e.label)
        weights.append(e.weight)
        groups.append(e.posting.posting_id)
        for k in range(copies):
            postings.append(perturb(e.posting, rng, k))
            labels.append(e.label)
            weights.append(e.weight * AUGMENT_WEIGHT)
            groups.append(e.posting.posting_id)
    items = make_inputs(postings, extract(postings))
    sources = {s: sum(1 for e in examples if e.source == s) for s in ("corpus", "person", "weak")}
    metadata = {"training_sources": sources, "augment_copies": copies}
    metadata.update(extra_metadata or {})
    return fit_model(
        items,
        labels,
        config=config,
        training_data_hash=training_hash(examples),
        extra_metadata=metadata,
        sample_weight=weights,
        groups=groups,
    )


def evaluate(model: RoleModel, examples: Sequence[Example], extract: Extract) -> Report | None:
    """Scores of ``model`` on ``examples`` (None when there are none)."""
    if not examples:
        return None
    postings = [e.posting for e in examples]
    predictions = model.predict(postings, extract(postings))
    return score([e.label for e in examples], [p.label for p in predictions])


def train(
    examples: Sequence[Example],
    extract: Extract,
    *,
    config: ModelConfig | None = None,
    copies: int = AUGMENT_COPIES,
    extra_metadata: dict[str, Any] | None = None,
) -> TrainingResult:
    """Fit on the training split, score on the held-out split (corpus and people's labels)."""
    train_set, held = split(examples)
    model = fit_examples(
        train_set, extract, config=config, copies=copies, extra_metadata=extra_metadata
    )
    held_corpus = [e for e in held if e.source == "corpus"]
    held_people = [e for e in held if e.source == "person"]
    heldout = evaluate(model, held_corpus, extract)
    baseline = (
        score(
            [e.label for e in held_corpus],
            baseline_predict([e.posting.title for e in held_corpus]),
        )
        if held_corpus
        else None
    )
    people = evaluate(model, held_people, extract)
    metrics: dict[str, Any] = {
        "heldout_corpus": heldout.as_dict() if heldout else None,
        "heldout_corpus_title_baseline": baseline.as_dict() if baseline else None,
        "heldout_people": people.as_dict() if people else None,
        "n_train": len(train_set),
        "n_heldout": len(held),
    }
    model.metadata["metrics"] = metrics
    return TrainingResult(
        model=model,
        heldout=heldout,
        heldout_baseline=baseline,
        people=people,
        n_train=len(train_set),
        n_heldout=len(held),
        metrics=metrics,
    )


def compare(
    candidate: TrainingResult,
    incumbent: RoleModel | None,
    examples: Sequence[Example],
    extract: Extract,
) -> tuple[bool, str]:
    """Whether the candidate is not worse than the incumbent on the same held-out data, and why."""
    if incumbent is None:
        return True, "no active or shipped model to compare with"
    _, held = split(examples)
    held_corpus = [e for e in held if e.source == "corpus"]
    held_people = [e for e in held if e.source == "person"]
    reasons = []
    ok = True
    for name, subset, mine in (
        ("held-out corpus", held_corpus, candidate.heldout),
        ("held-out people's labels", held_people, candidate.people),
    ):
        if mine is None or len(subset) < 5:
            continue
        theirs = evaluate(incumbent, subset, extract)
        assert theirs is not None
        verdict = mine.macro_f1 >= theirs.macro_f1 - 1e-9
        ok = ok and verdict
        reasons.append(
            f"{name} ({len(subset)}): macro-F1 {mine.macro_f1:.3f} vs "
            f"{theirs.macro_f1:.3f} for {incumbent.version} -> "
            + ("not worse" if verdict else "worse")
        )
    if not reasons:
        return True, "nothing held out to compare on"
    return ok, "; ".join(reasons)


def cross_validate(
    examples: Sequence[Example],
    extract: Extract,
    *,
    folds: int = 5,
    copies: int = AUGMENT_COPIES,
    config: ModelConfig | None = None,
    seed: int = 0,
) -> dict[str, Any]:
    """Stratified k-fold scores on the examples (noisy copies in training folds only)."""
    from sklearn.model_selection import StratifiedKFold

    labels = [e.label for e in examples]
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    gold: list[str] = []
    predicted: list[str] = []
    for train_idx, test_idx in splitter.split([[0]] * len(examples), labels):
        model = fit_examples(
            [examples[i] for i in train_idx], extract, config=config, copies=copies
        )
        test = [examples[i] for i in test_idx]
        postings = [e.posting for e in test]
        predictions = model.predict(postings, extract(postings))
        gold += [e.label for e in test]
        predicted += [p.label for p in predictions]
    report = score(gold, predicted)
    baseline = score(labels, baseline_predict([e.posting.title for e in examples]))
    return {"folds": folds, "model": report.as_dict(), "title_baseline": baseline.as_dict()}
