"""Build the shipped classifier artifact: ``python -m models.training [--copies N]``.

Trains on the written corpus (its fixed training split), scores the held-out
split, cross-validates on the corpus, and writes ``models/artifacts/
role_classifier.skops`` with its JSON metadata.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from models.classifier import SHIPPED_ARTIFACT, save_model
from models.evaluation.classifier_eval import default_extract
from models.training.loader import label_counts, load_corpus
from models.training.train import AUGMENT_COPIES, corpus_examples, cross_validate, train


def main(argv: list[str] | None = None) -> None:
    """Train, evaluate and save the shipped model."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--copies", type=int, default=AUGMENT_COPIES)
    parser.add_argument("--output", type=Path, default=SHIPPED_ARTIFACT)
    parser.add_argument("--cv", type=int, default=5, help="cross-validation folds (0: skip)")
    args = parser.parse_args(argv)
    corpus = load_corpus()
    examples = corpus_examples(corpus)
    extract, extractor_version = default_extract()
    extra: dict[str, object] = {
        "extractor_version": extractor_version,
        "corpus_label_counts": label_counts(corpus),
    }
    if args.cv:
        started = time.perf_counter()
        extra["cross_validation"] = cross_validate(
            examples, extract, folds=args.cv, copies=args.copies
        )
        extra["cross_validation_seconds"] = round(time.perf_counter() - started, 1)
    started = time.perf_counter()
    result = train(examples, extract, copies=args.copies, extra_metadata=extra)
    result.model.metadata["training_seconds"] = round(time.perf_counter() - started, 1)
    save_model(result.model, args.output)
    summary = {
        k: result.model.metadata[k]
        for k in ("version", "n_training", "training_seconds", "artifact_bytes")
    }
    summary["heldout_macro_f1"] = result.heldout.macro_f1 if result.heldout else None
    summary["cross_validation"] = extra.get("cross_validation")
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
