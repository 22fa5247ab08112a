"""Builders shared by tests."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING

from spiders.items import JobPosting, Location, QuarantineRecord, sha256_text

if TYPE_CHECKING:
    from pipeline.warehouse import Warehouse


def make_posting(
    external_id: str,
    *,
    source: str = "test",
    title: str = "Community Manager",
    text: str = "Animer la communauté et répondre aux commentaires.",
    date_posted: date | None = date(2026, 11, 1),
) -> JobPosting:
    """A valid posting with the given id and content."""
    return JobPosting(
        source=source,
        external_id=external_id,
        canonical_url=f"https://jobs.example.org/{source}/{external_id}",
        title=title,
        company="Exemple SA",
        location=Location(city="Lyon", country="FR"),
        language="fr",
        date_posted=date_posted,
        description_html=f"<p>{text}</p>",
        description_text=text,
        raw_hash=sha256_text(f"{external_id}{title}{text}"),
    )


def record_complete_crawl(
    store: Warehouse, run_id: str, source: str, now: datetime, items_scraped: int = 0
) -> None:
    """Register ``source`` and record a complete crawl of it (nothing loaded yet)."""
    store.register_source(source, "jsonld", {})
    store.record_crawl(
        run_id,
        source,
        started_at=now,
        finished_at=now,
        status="complete",
        finish_reason="finished",
        items_scraped=items_scraped,
        errors=0,
        stats={},
    )


def load_complete_crawl(
    store: Warehouse,
    run_id: str,
    source: str,
    postings: Sequence[JobPosting],
    now: datetime,
    quarantined: Sequence[QuarantineRecord] = (),
) -> None:
    """Register ``source``, record a complete crawl of it and load ``postings`` (and
    ``quarantined``) as its batch."""
    record_complete_crawl(store, run_id, source, now, len(postings))
    store.load_batch(run_id, source, list(postings), list(quarantined), complete=True, now=now)
