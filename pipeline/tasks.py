"""Prefect tasks: small, retried, idempotent wrappers around the stages."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from prefect import Task, task
from prefect.cache_policies import NONE
from prefect.context import FlowRunContext
from prefect.task_runners import TaskRunner, ThreadPoolTaskRunner

from pipeline.sources import public_config
from pipeline.stages.chunks import run_here
from pipeline.stages.classify import ClassifyCounts, classify_pending
from pipeline.stages.crawl import CrawlOutcome, run_crawl
from pipeline.stages.dedup import cluster_postings
from pipeline.stages.extract import ExtractCounts, extract_pending
from pipeline.stages.load import load_outcome, recover_leftovers
from pipeline.stages.publish import publish_analyst_copy
from pipeline.stages.summary import SourceSummary
from pipeline.warehouse import open_warehouse


@task(name="crawl", retries=1, retry_delay_seconds=30, cache_policy=NONE)
def crawl_task(
    spider_config: dict[str, Any], staging_dir: Path, run_id: str, timeout_s: float
) -> CrawlOutcome:
    """Crawl one source in its own process and stage what it found."""
    return run_crawl(spider_config, staging_dir=staging_dir, run_id=run_id, timeout_s=timeout_s)


@task(name="recover", retries=1, retry_delay_seconds=10, cache_policy=NONE)
def recover_task(warehouse_path: Path, staging_dir: Path, run_id: str) -> list[SourceSummary]:
    """Load the whole staged batches that interrupted earlier runs left unloaded."""
    return recover_leftovers(warehouse_path, staging_dir, run_id)


@task(name="load", retries=3, retry_delay_seconds=10, cache_policy=NONE)
def load_task(
    warehouse_path: Path, run_id: str, spider_config: dict[str, Any], outcome: CrawlOutcome
) -> SourceSummary:
    """Record the crawl, then load its staged batch in one transaction."""
    with open_warehouse(warehouse_path) as store:
        return load_outcome(
            store, run_id, spider_config["type"], public_config(spider_config), outcome
        )


@task(name="deduplicate", retries=2, retry_delay_seconds=10, cache_policy=NONE)
def dedup_task(warehouse_path: Path) -> int:
    """Give every posting a duplicate-cluster id."""
    return cluster_postings(warehouse_path)


@task(name="extract", retries=1, retry_delay_seconds=10, cache_policy=NONE)
def extract_task(warehouse_path: Path) -> tuple[ExtractCounts, str]:
    """Extract criteria and skills from new or changed postings and score them, chunks on
    the task runner."""
    counts = extract_pending(warehouse_path, submit=on_task_runner)
    return counts, counts.extractor_version


@task(name="classify", retries=1, retry_delay_seconds=10, cache_policy=NONE)
def classify_task(warehouse_path: Path, extractor_version: str) -> ClassifyCounts:
    """Label what extraction left unscored (a resumed run, a new model), chunks on the task
    runner."""
    return classify_pending(warehouse_path, extractor_version, submit=on_task_runner)


@task(name="publish", retries=2, retry_delay_seconds=5, cache_policy=NONE)
def publish_task(warehouse_path: Path, analyst_path: Path) -> dict[str, int]:
    """Refresh the read-only analyst copy."""
    return publish_analyst_copy(warehouse_path, analyst_path)


def new_run_id() -> str:
    """A sortable, unique run id."""
    import uuid

    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ") + "-" + uuid.uuid4().hex[:6]


# -- where chunks run: the flow's task runner ---------------------------------------------

DASK_ADDRESS_ENV = "ROLESCOPE_DASK_ADDRESS"  # a running Dask scheduler, e.g. tcp://10.0.0.5:8786
TASK_RUNNER_ENV = "ROLESCOPE_TASK_RUNNER"  # "threads" (default) or "dask"
DASK_WORKERS_ENV = "ROLESCOPE_DASK_WORKERS"  # worker processes of a local Dask cluster


def task_runner_from_env() -> TaskRunner[Any]:
    """The nightly flow's task runner: threads, or Dask (a scheduler's address or a LocalCluster).

    ``ROLESCOPE_DASK_ADDRESS`` set: Dask workers of that cluster run crawls and
    extraction / classification chunks. ``ROLESCOPE_TASK_RUNNER=dask`` alone: a
    LocalCluster of ``ROLESCOPE_DASK_WORKERS`` (default: one per core)
    single-threaded worker processes. Otherwise two threads of this process.
    """
    address = os.environ.get(DASK_ADDRESS_ENV)
    if not address and os.environ.get(TASK_RUNNER_ENV, "threads") != "dask":
        return ThreadPoolTaskRunner(max_workers=2)
    from prefect_dask import DaskTaskRunner

    if address:
        return DaskTaskRunner(address=address)
    workers = int(os.environ.get(DASK_WORKERS_ENV) or os.cpu_count() or 1)
    return DaskTaskRunner(
        cluster_kwargs={"n_workers": workers, "threads_per_worker": 1, "processes": True}
    )


class ChunkArgs:
    """A chunk task's arguments as one opaque value: Prefect does not walk thousands of
    postings and mentions looking for futures (its ``quote`` does not survive Dask)."""

    def __init__(self, args: tuple[Any, ...]) -> None:
        self.args = args


@task(name="chunk", retries=2, retry_delay_seconds=5, cache_policy=NONE)
def chunk_task(fn: Callable[..., Any], args: ChunkArgs) -> Any:
    """Run one piece of a stage's work (a chunk, or building a worker's model)."""
    return fn(*args.args)


@functools.cache
def _named(fn: Callable[..., Any]) -> Task[..., Any]:
    return chunk_task.with_options(name=fn.__name__.replace("_", "-"))


def on_task_runner(fn: Callable[..., Any], *args: Any) -> Any:
    """A stage's ``submit``: run ``fn(*args)`` as a task on the flow's task runner.

    Outside a flow run it runs here and now.
    """
    if FlowRunContext.get() is None:
        return run_here(fn, *args)
    return _named(fn).submit(fn, ChunkArgs(args))
