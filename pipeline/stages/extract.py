"""Extraction stage: read new or changed posting versions and store their mentions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path

from models.extract import Extractor
from pipeline.progress import progress_bar
from pipeline.warehouse import open_warehouse


@dataclass(frozen=True)
class ExtractCounts:
    """How many posting versions were read and mentions stored."""

    postings: int = 0
    mentions: int = 0
    skipped: int = 0


def extract_pending(
    warehouse_path: Path, extractor: Extractor, *, chunk_size: int = 500
) -> ExtractCounts:
    """Extract every current posting version this extractor has not read yet.

    Each chunk commits on its own, so an interrupted run resumes where it
    stopped and never extracts the same version twice.
    """
    with open_warehouse(warehouse_path) as store:
        pending = store.pending_extraction(extractor.version)
        postings = mentions = skipped = 0
        with progress_bar("extracting", len(pending)) as bar:
            iterator = iter(pending)
            while chunk := list(islice(iterator, chunk_size)):
                results = list(extractor.extract_many(text for text, _ in chunk))
                hashes = [content_hash for _, content_hash in chunk]
                mentions += store.store_extractions(
                    list(zip(results, hashes, strict=True)), extractor.version, datetime.now(UTC)
                )
                postings += len(chunk)
                skipped += sum(1 for r in results if r.status != "ok")
                bar.advance(bar.task_ids[0], len(chunk))
    return ExtractCounts(postings=postings, mentions=mentions, skipped=skipped)
