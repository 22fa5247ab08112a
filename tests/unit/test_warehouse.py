"""Warehouse: schema, migrations, batch upsert, removal, quarantine, publish."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from pipeline import warehouse as wh
from spiders.items import QuarantineRecord
from tests.helpers import make_posting, record_complete_crawl

T0 = datetime(2026, 11, 1, 2, 0)
T1 = datetime(2026, 11, 2, 2, 0)


@pytest.fixture
def store(tmp_path: Path) -> wh.Warehouse:
    w = wh.open_warehouse(tmp_path / "w.duckdb")
    yield w
    w.close()


def _crawl(store: wh.Warehouse, run_id: str, source: str = "test") -> None:
    record_complete_crawl(store, run_id, source, T0)


def test_schema_is_versioned(store: wh.Warehouse) -> None:
    assert store.query("SELECT max(version) FROM schema_version") == [(wh.SCHEMA_VERSION,)]
    tables = {r[0] for r in store.query("SELECT table_name FROM information_schema.tables")}
    for name in (
        "sources",
        "crawl_runs",
        "postings",
        "posting_versions",
        "skill_mentions",
        "classifications",
        "model_versions",
        "quarantine",
        "labels",
        "extractions",
    ):
        assert name in tables


def test_migration_upgrades_without_losing_rows(tmp_path: Path) -> None:
    path = tmp_path / "old.duckdb"
    store = wh.open_warehouse(path)
    _crawl(store, "r1")
    store.load_batch("r1", "test", [make_posting("a")], [], complete=True, now=T0)
    store.close()
    migrations = tmp_path / "migrations"
    migrations.mkdir()
    (migrations / "0002_add_note.sql").write_text("ALTER TABLE postings ADD COLUMN note VARCHAR;")
    con = wh.connect(path)
    assert wh.apply_schema(con, migrations_dir=migrations, target_version=2) == 2
    assert con.execute("SELECT count(*), count(note) FROM postings").fetchall() == [(1, 0)]
    assert con.execute("SELECT max(version) FROM schema_version").fetchall() == [(2,)]
    # a file newer than the code is refused, not downgraded
    with pytest.raises(RuntimeError, match="newer"):
        wh.apply_schema(con, migrations_dir=migrations, target_version=1)
    con.close()


def test_new_unchanged_updated_removed(store: wh.Warehouse) -> None:
    _crawl(store, "r1")
    first = store.load_batch(
        "r1", "test", [make_posting("a"), make_posting("b")], [], complete=True, now=T0
    )
    assert (first.new, first.updated, first.unchanged, first.removed) == (2, 0, 0, 0)
    _crawl(store, "r2")
    changed = make_posting("a", text="Définir la stratégie social media et les KPI.")
    second = store.load_batch("r2", "test", [changed], [], complete=True, now=T1)
    assert (second.new, second.updated, second.unchanged, second.removed) == (0, 1, 0, 1)
    rows = store.query(
        "SELECT posting_id, version_count, removed_at IS NOT NULL, last_seen "
        "FROM postings ORDER BY external_id"
    )
    assert [(r[1], r[2]) for r in rows] == [(2, False), (1, True)]
    assert rows[0][3] == T1
    assert store.query("SELECT count(*) FROM posting_versions") == [(3,)]


def test_partial_crawl_removes_nothing(store: wh.Warehouse) -> None:
    _crawl(store, "r1")
    store.load_batch(
        "r1", "test", [make_posting("a"), make_posting("b")], [], complete=True, now=T0
    )
    _crawl(store, "r2")
    counts = store.load_batch("r2", "test", [make_posting("a")], [], complete=False, now=T1)
    assert counts.removed == 0
    assert store.query("SELECT count(*) FROM postings WHERE removed_at IS NULL") == [(2,)]


def test_same_batch_twice_is_idempotent(store: wh.Warehouse) -> None:
    _crawl(store, "r1")
    batch = [make_posting("a"), make_posting("b")]
    quarantined = [
        QuarantineRecord(source="test", url="https://x/1", reason="bad", raw_payload="{")
    ]
    store.load_batch("r1", "test", batch, quarantined, complete=True, now=T0)
    snapshot = store.query("SELECT * FROM postings ORDER BY 1")
    again = store.load_batch("r1", "test", batch, quarantined, complete=True, now=T1)
    assert again.skipped
    assert store.query("SELECT * FROM postings ORDER BY 1") == snapshot
    assert store.query("SELECT occurrences FROM quarantine") == [(1,)]


def test_duplicate_key_in_batch_resolves_deterministically(store: wh.Warehouse) -> None:
    older = make_posting("a", text="ancienne version", date_posted=datetime(2026, 1, 1).date())
    newer = make_posting("a", text="nouvelle version", date_posted=datetime(2026, 2, 1).date())
    assert wh.dedupe_batch([older, newer]) == wh.dedupe_batch([newer, older]) == [newer]
    _crawl(store, "r1")
    store.load_batch("r1", "test", [newer, older], [], complete=True, now=T0)
    assert store.query("SELECT description_text FROM posting_versions") == [("nouvelle version",)]


def test_quarantine_counts_runs_not_reloads(store: wh.Warehouse) -> None:
    bad = QuarantineRecord(
        source="test",
        url="https://x/1",
        reason="truncated JSON-LD",
        raw_payload='{"@type": "JobPosting"',
    )
    for run in ("r1", "r2"):
        _crawl(store, run)
        store.load_batch(run, "test", [], [bad], complete=False, now=T0)
    assert store.query("SELECT occurrences, reason FROM quarantine") == [(2, "truncated JSON-LD")]


def test_the_same_bad_page_on_another_host_or_port_is_the_same_quarantine_row(
    store: wh.Warehouse,
) -> None:
    def bad(url: str) -> QuarantineRecord:
        return QuarantineRecord(source="demo", url=url, reason="truncated JSON-LD", raw_payload="{")

    # the demo board listens on a new port each run
    for run, url in (
        ("r1", "http://127.0.0.1:41234/jobs/7"),
        ("r2", "http://127.0.0.1:52345/jobs/7"),
    ):
        _crawl(store, run)
        store.load_batch(run, "test", [], [bad(url)], complete=False, now=T0)
    assert store.query("SELECT occurrences FROM quarantine") == [(2,)]
    assert bad("http://a/jobs/7?x=1").quarantine_key != bad("http://a/jobs/7").quarantine_key
    assert bad("http://a/jobs/8").quarantine_key != bad("http://a/jobs/7").quarantine_key


def test_publish_makes_a_readable_copy_while_writer_is_open(
    store: wh.Warehouse, tmp_path: Path
) -> None:
    _crawl(store, "r1")
    store.load_batch("r1", "test", [make_posting("a")], [], complete=True, now=T0)
    analyst = store.publish(tmp_path / "analyst.duckdb")
    # another process can open the analyst copy while this one holds the warehouse
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            f"import duckdb; print(duckdb.connect({str(analyst)!r}, read_only=True)"
            ".execute('select count(*) from postings').fetchone()[0])",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == "1"


def test_locked_warehouse_gives_bounded_retries_and_names_holder(tmp_path: Path) -> None:
    path = tmp_path / "locked.duckdb"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import duckdb, time; c = duckdb.connect({str(path)!r}); print('ready', flush=True); "
            "time.sleep(30)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        with pytest.raises(wh.WarehouseLockedError, match=r"locked by .*PID"):
            wh.connect(path, retries=2, backoff_s=0.01)
    finally:
        holder.kill()
        holder.wait()
    duckdb.connect(str(path)).close()
