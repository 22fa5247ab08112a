"""The flow on a Dask LocalCluster (2 worker processes) extracts and classifies exactly
what the default thread runner does, on the same demo warehouse."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import duckdb
import pytest

pytestmark = [pytest.mark.e2e]

WAREHOUSE = "rolescope.duckdb"
MENTIONS = """SELECT posting_id, content_hash, extractor_version, mention_index, kind, ref_id,
                     family, field, start_char, end_char, matched_text, sentence, value
              FROM skill_mentions ORDER BY ALL"""
EXTRACTIONS = """SELECT posting_id, content_hash, extractor_version, language, status, reason,
                        mention_count
                 FROM extractions ORDER BY ALL"""
LABELS = """SELECT posting_id, content_hash, model_version, label, prob_community_manager,
                   prob_social_media_manager, prob_social_media_strategist, prob_other,
                   confidence, low_confidence, title_label, title_mismatch, top_criteria,
                   esco_uri, isco_code, rome_code, onet_code
            FROM classifications ORDER BY ALL"""


def _rows(warehouse: Path) -> dict[str, list[tuple[Any, ...]]]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return {
            "mentions": con.execute(MENTIONS).fetchall(),
            "extractions": con.execute(EXTRACTIONS).fetchall(),
            "labels": con.execute(LABELS).fetchall(),
        }
    finally:
        con.close()


def _wipe_model_outputs(warehouse: Path) -> None:
    con = duckdb.connect(str(warehouse))
    try:
        for table in ("classifications", "skill_mentions", "extractions"):
            con.execute(f"DELETE FROM {table}")
    finally:
        con.close()


def test_dask_local_cluster_matches_the_thread_runner(
    prefect_harness: None, tmp_path: Path
) -> None:
    from prefect_dask import DaskTaskRunner

    from models.extract import default_extractor
    from pipeline.flows import nightly
    from pipeline.stages import classify

    runner = DaskTaskRunner(
        cluster_kwargs={"n_workers": 2, "threads_per_worker": 1, "processes": True}
    )
    before = (default_extractor.cache_info(), classify._load.cache_info())
    dask_home = tmp_path / "dask"
    summary = nightly.with_options(task_runner=runner)(home=str(dask_home))  # type: ignore[arg-type]
    # this process never built or used an extractor or a model: the workers did
    assert (default_extractor.cache_info(), classify._load.cache_info()) == before
    on_dask = _rows(dask_home / WAREHOUSE)
    assert on_dask["mentions"] and on_dask["labels"]
    assert summary["extracted"] == len(on_dask["extractions"])
    assert summary["classified"] == len(on_dask["labels"])

    # the same warehouse, its extraction and classification outputs taken out, on threads
    threads_home = tmp_path / "threads"
    threads_home.mkdir()
    shutil.copy(dask_home / WAREHOUSE, threads_home / WAREHOUSE)
    _wipe_model_outputs(threads_home / WAREHOUSE)
    again = nightly(home=str(threads_home))
    assert again["extracted"] == summary["extracted"]
    assert _rows(threads_home / WAREHOUSE) == on_dask
