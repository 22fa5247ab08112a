"""Deduplication stage: give every posting a duplicate-cluster id."""

from __future__ import annotations

from pathlib import Path

from pipeline.dedup import assign_clusters
from pipeline.warehouse import open_warehouse


def cluster_postings(warehouse_path: Path) -> int:
    """Cluster postings that have no cluster id yet against those that do; return how many."""
    with open_warehouse(warehouse_path) as store:
        documents = store.cluster_documents()
        existing = [d for d in documents if d["cluster_id"] is not None]
        new = [
            {k: v for k, v in d.items() if k != "cluster_id"}
            for d in documents
            if d["cluster_id"] is None
        ]
        if not new:
            return 0
        return store.set_clusters(assign_clusters(existing, new))
