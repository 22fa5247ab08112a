"""Prefect tasks: small, retried, idempotent wrappers around the stages."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from prefect import task
from prefect.cache_policies import NONE

from pipeline.sources import public_config
from pipeline.stages.classify import ClassifyCounts, classify_pending
from pipeline.stages.crawl import CrawlOutcome, run_crawl
from pipeline.stages.dedup import cluster_postings
from pipeline.stages.extract import ExtractCounts, extract_pending
from pipeline.stages.load import read_staged
from pipeline.stages.publish import publish_analyst_copy
from pipeline.stages.summary import SourceSummary
from pipeline.warehouse import open_warehouse


@task(name="crawl", retries=1, retry_delay_seconds=30, cache_policy=NONE)
def crawl_task(
    spider_config: dict[str, Any], staging_dir: Path, run_id: str, timeout_s: float
) -> CrawlOutcome:
    """Crawl one source in its own process and stage what it found."""
    return run_crawl(spider_config, staging_dir=staging_dir, run_id=run_id, timeout_s=timeout_s)


@task(name="load", retries=3, retry_delay_seconds=10, cache_policy=NONE)
def load_task(
    warehouse_path: Path, run_id: str, spider_config: dict[str, Any], outcome: CrawlOutcome
) -> SourceSummary:
    """Record the crawl and load its staged batch in one transaction."""
    source_id = outcome.source_id
    with open_warehouse(warehouse_path) as store:
        store.register_source(source_id, spider_config["type"], public_config(spider_config))
        store.record_crawl(
            run_id,
            source_id,
            started_at=outcome.started_at,
            finished_at=outcome.finished_at,
            status=outcome.status,
            finish_reason=outcome.finish_reason,
            items_scraped=outcome.items_scraped,
            errors=outcome.errors,
            stats=outcome.stats,
        )
        if outcome.staged_path is None:
            return SourceSummary(source_id, outcome.status, message=outcome.message)
        batch = read_staged(outcome.staged_path, source_id)
        counts = store.load_batch(
            run_id,
            source_id,
            batch.postings,
            batch.quarantined,
            complete=outcome.removals_allowed,
            now=outcome.finished_at,
        )
    return SourceSummary(
        source_id,
        outcome.status,
        scraped=counts.scraped,
        new=counts.new,
        updated=counts.updated,
        unchanged=counts.unchanged,
        removed=counts.removed,
        quarantined=counts.quarantined,
        message=outcome.message,
    )


@task(name="deduplicate", retries=2, retry_delay_seconds=10, cache_policy=NONE)
def dedup_task(warehouse_path: Path) -> int:
    """Give every posting a duplicate-cluster id."""
    return cluster_postings(warehouse_path)


@task(name="extract", retries=1, retry_delay_seconds=10, cache_policy=NONE)
def extract_task(warehouse_path: Path) -> tuple[ExtractCounts, str]:
    """Extract criteria and skills from new or changed postings."""
    from models.extract import Extractor

    extractor = Extractor()
    return extract_pending(warehouse_path, extractor), extractor.version


@task(name="classify", retries=1, retry_delay_seconds=10, cache_policy=NONE)
def classify_task(warehouse_path: Path, extractor_version: str) -> ClassifyCounts:
    """Label postings the active model has not scored yet."""
    return classify_pending(warehouse_path, extractor_version)


@task(name="publish", retries=2, retry_delay_seconds=5, cache_policy=NONE)
def publish_task(warehouse_path: Path, analyst_path: Path) -> dict[str, int]:
    """Refresh the read-only analyst copy."""
    return publish_analyst_copy(warehouse_path, analyst_path)


def new_run_id() -> str:
    """A sortable, unique run id."""
    import uuid

    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ") + "-" + uuid.uuid4().hex[:6]
