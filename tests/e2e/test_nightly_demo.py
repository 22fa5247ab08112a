"""End to end: local demo board over HTTP → Prefect flow → DuckDB → SQL checks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pytest

pytestmark = [pytest.mark.e2e]


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("rolescope-home")


@pytest.fixture(scope="module")
def first_run(prefect_harness: None, home: Path) -> dict[str, Any]:
    from pipeline.flows import nightly

    return nightly(home=str(home))


def _analyst(home: Path) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(home / "rolescope-analyst.duckdb"), read_only=True)


def _by_source(summary: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {s["source_id"]: s for s in summary["sources"]}


def test_first_run_lands_every_demo_posting_with_mentions_and_a_label(
    first_run: dict[str, Any], home: Path
) -> None:
    sources = _by_source(first_run)
    assert set(sources) == {"demo-careers", "demo-greenhouse"}
    assert all(s["status"] in ("complete", "partial") for s in sources.values())
    con = _analyst(home)
    (postings,) = con.execute("SELECT count(*) FROM postings WHERE removed_at IS NULL").fetchone()
    assert postings >= 80
    unlabelled = con.execute(
        """SELECT count(*) FROM postings p WHERE NOT EXISTS (
               SELECT 1 FROM classifications c
               WHERE c.posting_id = p.posting_id AND c.content_hash = p.content_hash)"""
    ).fetchone()
    assert unlabelled == (0,)
    without_mentions = con.execute(
        """SELECT count(*) FROM postings p WHERE NOT EXISTS (
               SELECT 1 FROM skill_mentions m WHERE m.posting_id = p.posting_id)"""
    ).fetchone()
    assert without_mentions == (0,)
    labels = dict(con.execute("SELECT label, count(*) FROM classifications GROUP BY 1").fetchall())
    assert set(labels) == {
        "community_manager",
        "social_media_manager",
        "social_media_strategist",
        "other",
    }
    assert sum(first_run["role_counts"].values()) == postings


def test_broken_json_ld_is_quarantined_and_the_run_completes(
    first_run: dict[str, Any], home: Path
) -> None:
    con = _analyst(home)
    rows = con.execute("SELECT url, reason, raw_payload FROM quarantine").fetchall()
    broken = [r for r in rows if "broken-json-ld" in (r[0] or "")]
    assert broken, rows
    assert "json" in broken[0][1].lower()
    assert broken[0][2]
    assert _by_source(first_run)["demo-careers"]["quarantined"] >= 1


def test_cross_source_duplicates_share_a_cluster(first_run: dict[str, Any], home: Path) -> None:
    con = _analyst(home)
    (shared,) = con.execute(
        """SELECT count(*) FROM (
               SELECT cluster_id FROM postings GROUP BY cluster_id
               HAVING count(DISTINCT source_id) > 1)"""
    ).fetchone()
    assert shared >= 1
    assert con.execute("SELECT count(*) FROM postings WHERE cluster_id IS NULL").fetchone() == (0,)


def test_second_run_finds_nothing_new_and_redoes_no_work(
    first_run: dict[str, Any], home: Path
) -> None:
    from pipeline.flows import nightly

    second = nightly(home=str(home))
    for source in second["sources"]:
        assert source["new"] == 0 and source["updated"] == 0 and source["removed"] == 0
        assert source["unchanged"] == _by_source(first_run)[source["source_id"]]["scraped"]
    assert second["extracted"] == 0
    assert second["classified"] == 0


def test_edition_two_reports_new_updated_and_removed(first_run: dict[str, Any], home: Path) -> None:
    from pipeline.flows import nightly

    third = nightly(home=str(home), demo_edition=2)
    totals = {k: sum(s[k] for s in third["sources"]) for k in ("new", "updated", "removed")}
    assert totals["new"] >= 2 and totals["updated"] >= 2 and totals["removed"] >= 3
    assert third["extracted"] == totals["new"] + totals["updated"]
    assert third["classified"] == totals["new"] + totals["updated"]
    con = _analyst(home)
    (removed,) = con.execute(
        "SELECT count(*) FROM postings WHERE removed_at IS NOT NULL"
    ).fetchone()
    assert removed == totals["removed"]
