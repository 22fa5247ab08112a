"""The nightly flow: crawl → stage → load → deduplicate → extract → classify → publish."""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path
from typing import Any

from prefect import flow
from prefect.artifacts import create_markdown_artifact
from prefect.runtime import flow_run as prefect_flow_run

from pipeline.config import Settings, load_settings
from pipeline.interrupted import mark_crashed
from pipeline.runlock import exclusive_run
from pipeline.sources import expand_demo, needs_demo_server, read_sources
from pipeline.stages.summary import RunSummary, to_markdown
from pipeline.tasks import (
    classify_task,
    crawl_task,
    dedup_task,
    extract_task,
    load_task,
    new_run_id,
    publish_task,
    recover_task,
    task_runner_from_env,
)


def _settings(home: str | None, sources_file: str | None) -> Settings:
    settings = load_settings()
    return settings.with_overrides(
        home=Path(home).resolve() if home else None,
        sources_file=Path(sources_file) if sources_file else None,
    )


def _spider_sources(
    stack: ExitStack, entries: list[dict[str, Any]], demo_edition: int
) -> list[dict[str, Any]]:
    if not needs_demo_server(entries):
        return entries
    from pipeline.demo.server import serve_demo

    demo = stack.enter_context(serve_demo(edition=demo_edition))
    return expand_demo(entries, demo.sitemap_url, demo.greenhouse_api_base)


# Threads by default; Dask workers with ROLESCOPE_TASK_RUNNER=dask or ROLESCOPE_DASK_ADDRESS.
@flow(name="rolescope-nightly", task_runner=task_runner_from_env())
def nightly(
    home: str | None = None,
    sources_file: str | None = None,
    source: str | None = None,
    demo_edition: int = 1,
) -> dict[str, Any]:
    """One nightly run over every configured source (or just ``source``)."""
    settings = _settings(home, sources_file)
    run_id = new_run_id()
    flow_run_id = prefect_flow_run.id
    details = {"flow_run_id": str(flow_run_id)} if flow_run_id else None
    with exclusive_run(settings.run_lock_path, run_id, details) as lock:
        interrupted = [str(r.get("run_id")) for r in lock.interrupted]
        if lock.interrupted:
            lock.settle(mark_crashed(lock.interrupted, run_id))
        entries = read_sources(settings.sources_file, only=source)
        # Batches an interrupted run staged but never loaded go in first, in run order.
        recovered = recover_task(settings.warehouse_path, settings.staging_dir, run_id)
        with ExitStack() as stack:
            spider_sources = _spider_sources(stack, entries, demo_edition)
            crawls = [
                crawl_task.submit(cfg, settings.staging_dir, run_id, settings.crawl_timeout_s)
                for cfg in spider_sources
            ]
            # One writer: batches load one after another, in source order.
            loaded = [
                load_task(settings.warehouse_path, run_id, cfg, future.result())
                for cfg, future in zip(spider_sources, crawls, strict=True)
            ]
        clusters_changed = dedup_task(settings.warehouse_path)
        extracted, extractor_version = extract_task(settings.warehouse_path)
        classified = classify_task(settings.warehouse_path, extractor_version)
        role_counts = publish_task(settings.warehouse_path, settings.analyst_path)
    summary = RunSummary(
        run_id=run_id,
        sources=[*recovered, *loaded],
        extracted=extracted.postings,
        classified=extracted.classified + classified.postings,
        model_version=classified.model_version,
        clusters_changed=clusters_changed,
        role_counts=role_counts,
        warehouse_path=str(settings.warehouse_path),
        analyst_path=str(settings.analyst_path),
        extra={
            "mentions": extracted.mentions,
            "extraction_skipped": extracted.skipped,
            "interrupted_runs": interrupted,
        },
    )
    create_markdown_artifact(
        markdown=to_markdown(summary), key="rolescope-run-summary", description="nightly run"
    )
    return summary.to_dict()
