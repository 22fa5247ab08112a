"""Crawl bookkeeping a killed run leaves behind never confuses the next run.

The rule (pipeline/stages/load.py, ``recover_leftovers``): a whole staged batch (final name,
with its outcome manifest) that no run loaded is loaded by the next run, first, under the
interrupted run's id and crawl time; ``.part`` files are never loaded; a leftover older than
a batch of the same source that a later run already loaded is marked ``abandoned`` instead.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from pipeline.stages.crawl import CrawlOutcome, manifest_path, staged_path, stats_path_of
from pipeline.stages.load import find_leftovers, load_outcome, recover_leftovers
from pipeline.warehouse import ABANDONED, open_warehouse
from spiders.items import JobPosting, QuarantineRecord, to_staged_line
from tests.helpers import make_posting

T0 = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)
RUN_A, RUN_B, RUN_C = (
    "20261120T020000Z-aaaaaa",
    "20261121T020000Z-bbbbbb",
    "20261122T020000Z-cccccc",
)


def stage(
    staging: Path, run_id: str, source: str, records: list[JobPosting | QuarantineRecord]
) -> CrawlOutcome:
    """Write a whole staged batch the way ``run_crawl`` does: stats, manifest, then the batch."""
    final = staged_path(staging, run_id, source)
    final.parent.mkdir(parents=True, exist_ok=True)
    stats = {"finish_reason": "finished", "rolescope/postings": len(records)}
    stats_path_of(final).write_text(json.dumps(stats), encoding="utf-8")
    outcome = CrawlOutcome(
        source,
        "complete",
        T0,
        T0 + timedelta(minutes=1),
        "finished",
        len(records),
        0,
        final,
        stats,
        f"{len(records)} postings",
    )
    manifest = outcome.to_manifest("jsonld", {"name": source, "type": "jsonld"})
    manifest_path(final).write_text(json.dumps(manifest), encoding="utf-8")
    final.write_text("".join(to_staged_line(r) + "\n" for r in records), encoding="utf-8")
    return outcome


def crawl_rows(db: Path) -> list[tuple[str, str, str, bool]]:
    with open_warehouse(db) as store:
        return [
            (r[0], r[1], r[2], bool(r[3]))
            for r in store.query(
                "SELECT run_id, source_id, status, loaded_at IS NOT NULL FROM crawl_runs ORDER BY 1"
            )
        ]


def test_an_unrecorded_whole_batch_is_loaded_by_the_next_run(tmp_path: Path) -> None:
    staging, db = tmp_path / "staging", tmp_path / "w.duckdb"
    bad = QuarantineRecord(
        source="s", url="https://x/1", reason="truncated JSON-LD", raw_payload="{"
    )
    stage(staging, RUN_A, "s", [make_posting("a", source="s"), bad])
    # a killed crawl's .part file and a manifest whose batch never got its final name
    (staging / RUN_A / ".t.jsonl.part").write_text(to_staged_line(make_posting("z", source="t")))
    (staging / RUN_A / "u.outcome.json").write_text("{}")
    [summary] = recover_leftovers(db, staging, RUN_B)
    assert (summary.source_id, summary.new, summary.quarantined) == (
        f"s (leftover of run {RUN_A})",
        1,
        1,
    )
    assert summary.message.startswith(f"loaded the staged batch of interrupted run {RUN_A}")
    assert crawl_rows(db) == [(RUN_A, "s", "complete", True)]
    with open_warehouse(db) as store:
        assert store.query("SELECT count(*), min(last_seen) FROM postings") == [
            (1, (T0 + timedelta(minutes=1)).replace(tzinfo=None))
        ]
    # the next run finds nothing more to do
    assert recover_leftovers(db, staging, RUN_C) == []


def test_a_recorded_but_unloaded_crawl_is_loaded_without_a_second_row(tmp_path: Path) -> None:
    staging, db = tmp_path / "staging", tmp_path / "w.duckdb"
    outcome = stage(staging, RUN_A, "s", [make_posting("a", source="s")])
    with open_warehouse(db) as store:
        store.register_source("s", "jsonld", {})
        store.record_crawl(
            RUN_A,
            "s",
            started_at=T0,
            finished_at=T0,
            status="partial",
            finish_reason="finished",
            items_scraped=1,
            errors=1,
            stats={},
        )
    assert crawl_rows(db) == [(RUN_A, "s", "partial", False)]
    [summary] = recover_leftovers(db, staging, RUN_B)
    assert summary.new == 1 and summary.status == outcome.status
    # the recorded verdict (partial: removes nothing) is kept, the row is now loaded
    assert crawl_rows(db) == [(RUN_A, "s", "partial", True)]


def test_a_batch_superseded_by_a_later_load_is_abandoned(tmp_path: Path) -> None:
    staging, db = tmp_path / "staging", tmp_path / "w.duckdb"
    stage(staging, RUN_A, "s", [make_posting("a", source="s", text="ancienne annonce")])
    newer = stage(staging, RUN_B, "s", [make_posting("a", source="s", text="nouvelle annonce")])
    with open_warehouse(db) as store:
        load_outcome(store, RUN_B, "jsonld", {}, newer)
    [summary] = recover_leftovers(db, staging, RUN_C)
    assert summary.status == ABANDONED and RUN_B in summary.message
    assert crawl_rows(db) == [(RUN_A, "s", ABANDONED, False), (RUN_B, "s", "complete", True)]
    with open_warehouse(db) as store:
        assert store.query("SELECT description_text FROM posting_versions") == [
            ("nouvelle annonce",)
        ]
    assert recover_leftovers(db, staging, RUN_C) == []


def test_leftovers_load_oldest_run_first(tmp_path: Path) -> None:
    staging, db = tmp_path / "staging", tmp_path / "w.duckdb"
    stage(staging, RUN_B, "s", [make_posting("a", source="s", text="nouvelle annonce")])
    stage(staging, RUN_A, "s", [make_posting("a", source="s", text="ancienne annonce")])
    assert [(x.run_id, x.source_id) for x in find_leftovers(staging, RUN_C)] == [
        (RUN_A, "s"),
        (RUN_B, "s"),
    ]
    summaries = recover_leftovers(db, staging, RUN_C)
    assert [(s.new, s.updated) for s in summaries] == [(1, 0), (0, 1)]
    with open_warehouse(db) as store:
        assert store.query("SELECT version_count FROM postings") == [(2,)]
    # the current run's own directory is never a leftover
    assert [x.run_id for x in find_leftovers(staging, RUN_B)] == [RUN_A]
