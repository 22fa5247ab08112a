"""Publish stage: refresh the analyst copy and read the figures for the summary."""

from __future__ import annotations

from pathlib import Path

from pipeline.stages.summary import role_counts_query
from pipeline.warehouse import open_warehouse


def publish_analyst_copy(warehouse_path: Path, analyst_path: Path) -> dict[str, int]:
    """Write the analyst copy atomically; return current postings per role."""
    with open_warehouse(warehouse_path) as store:
        counts = {label: int(n) for label, n in store.query(role_counts_query())}
        store.publish(analyst_path)
    return counts
