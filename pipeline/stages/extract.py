"""Extraction stage: read new or changed posting versions, store their mentions, and
score them with the active model in the same pass.

The pending posting versions are cut into chunks, and ``submit`` (see
``pipeline.stages.chunks``) runs ``extract_and_classify_chunk`` on each: the worker
extracts the chunk, then scores it with the extractions it just made, so each text
travels to a worker once and its mentions never make a round trip through the warehouse
(reading them back and shipping them out again cost the writer ~1 ms per ad, half of its
CPU, on the cores the workers need). This process stays the only writer: it reads each chunk's
texts, ships them out, and commits each chunk's extractions, then its predictions, as
soon as they are back, in order. A killed run resumes after the last committed chunk and
never extracts the same version twice; predictions it did not commit are made by the
classification stage (``pipeline.stages.classify``), which scores whatever is extracted
and not yet scored by the active model.

Workers build their extractor (``default_extractor``) and load the model once per
process and keep them for every chunk they get.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from models.extract import EXTRACTOR_VERSION, default_extractor
from models.knowledge import load_knowledge
from models.types import Extraction, PostingText, Prediction
from pipeline.progress import progress_bar
from pipeline.stages.chunks import IN_FLIGHT, Submit, chunk_size_for, in_windows, run_here
from pipeline.stages.classify import classify_chunk, occupation_codes, register_scoring_model
from pipeline.warehouse import open_warehouse

CHUNK_SIZE = 500


# One extractor per process; the thread runner's threads take turns with it (spaCy's
# tokenizer caches are not meant for concurrent writers, and the GIL serialises them anyway).
_EXTRACTOR_LOCK = threading.Lock()


def expected_version() -> str:
    """The version an extractor built from the data files here has, without building one.

    Mirrors ``Extractor.version`` (reading the knowledge base takes 40 ms, building
    the extractor seconds), so this process never builds one; every chunk checks
    its worker's real version against it before extracting anything.
    """
    fingerprint = load_knowledge().fingerprint()
    return hashlib.sha256(f"{EXTRACTOR_VERSION}:{fingerprint}".encode()).hexdigest()[:16]


def extract_chunk(postings: list[PostingText], expected_version: str) -> list[Extraction]:
    """Extract one chunk with this process's extractor, which must be ``expected_version``."""
    with _EXTRACTOR_LOCK:
        extractor = default_extractor()
        if extractor.version != expected_version:
            raise RuntimeError(
                f"worker extractor is {extractor.version}, the run expects {expected_version}: "
                "deploy the same code and data files on every worker"
            )
        return list(extractor.extract_many(postings))


def extract_and_classify_chunk(
    postings: list[PostingText], extractor_version: str, artifact: str | None, model_version: str
) -> tuple[list[Extraction], list[Prediction]]:
    """Extract one chunk, then score it with those extractions (both versions checked)."""
    extractions = extract_chunk(postings, extractor_version)
    return extractions, classify_chunk(artifact, model_version, postings, extractions)


@dataclass(frozen=True)
class ExtractCounts:
    """How many posting versions were read and mentions stored, by which extractor, and how
    many of them the same pass scored, with which model."""

    postings: int = 0
    mentions: int = 0
    skipped: int = 0
    extractor_version: str = ""
    write_s: float = 0.0  # seconds this process spent storing results (the writer's share)
    model_version: str = ""

    @property
    def classified(self) -> int:
        """Posting versions the same pass scored: every one it extracted."""
        return self.postings


def extract_pending(
    warehouse_path: Path,
    *,
    submit: Submit = run_here,
    chunk_size: int = CHUNK_SIZE,
    in_flight: int = IN_FLIGHT,
) -> ExtractCounts:
    """Extract every current posting version the workers' extractor has not read yet, and
    score each one with the active model (registered first, if it is not yet).

    Each chunk commits its extractions, then its predictions, so an interrupted run
    resumes where it stopped and never extracts the same version twice.
    """
    with open_warehouse(warehouse_path) as store:
        version = expected_version()
        total = store.mark_pending_extraction(version)
        if total == 0:
            return ExtractCounts(extractor_version=version)
        artifact, model_version = register_scoring_model(store)
        codes = occupation_codes()
        size = chunk_size_for(total, chunk_size, in_flight)

        def calls() -> Iterator[tuple[list[str], tuple[Any, ...]]]:
            for start in range(0, total, size):
                chunk = store.pending_extraction_chunk(start, start + size)
                postings = [p for p, _ in chunk]
                yield [h for _, h in chunk], (postings, version, artifact, model_version)

        postings = mentions = skipped = 0
        write_s = 0.0
        with progress_bar("extracting and classifying", total) as bar:
            for hashes, (results, predictions) in in_windows(
                submit, extract_and_classify_chunk, calls(), in_flight
            ):
                started = time.perf_counter()
                now = datetime.now(UTC)
                mentions += store.store_extractions(
                    list(zip(results, hashes, strict=True)), version, now
                )
                store.store_predictions(
                    list(zip(predictions, hashes, strict=True)), model_version, codes, now
                )
                write_s += time.perf_counter() - started
                postings += len(results)
                skipped += sum(1 for r in results if r.status != "ok")
                bar.advance(bar.task_ids[0], len(results))
    return ExtractCounts(postings, mentions, skipped, version, write_s, model_version)
