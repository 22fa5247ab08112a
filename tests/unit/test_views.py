"""Every analyst view, run on the fixture warehouse's analyst copy, returns the rows worked
out by hand from tests/fixtures/warehouse/postings.yaml."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest

from pipeline import warehouse as wh
from tests.fixtures.warehouse import FixtureWarehouse, build

CM, SMM, SMS, OTHER = (
    "community_manager",
    "social_media_manager",
    "social_media_strategist",
    "other",
)
R1 = datetime(2026, 3, 15, 2, 0)
R2 = datetime(2026, 3, 25, 2, 0)
VIEW_FILES = sorted((wh.SQL_DIR / "views").glob("*.sql"))


@pytest.fixture(scope="module")
def fixture(tmp_path_factory: pytest.TempPathFactory) -> FixtureWarehouse:
    return build(tmp_path_factory.mktemp("fixture-warehouse"))


@pytest.fixture(scope="module")
def con(fixture: FixtureWarehouse) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect(str(fixture.analyst_path), read_only=True)
    yield connection
    connection.close()


def rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple[Any, ...]]:
    return con.execute(sql).fetchall()


def by_key(
    fixture: FixtureWarehouse, con: duckdb.DuckDBPyConnection, sql: str
) -> dict[str, tuple[Any, ...]]:
    """First column is a posting id: key the rows by fixture name instead."""
    return {fixture.key_of(r[0]): tuple(r[1:]) for r in rows(con, sql)}


def test_every_view_file_creates_a_view_and_every_view_is_tested(
    con: duckdb.DuckDBPyConnection,
) -> None:
    views = {r[0] for r in rows(con, "SELECT view_name FROM duckdb_views() WHERE NOT internal")}
    from_files = {p.stem.split("_", 1)[1] for p in VIEW_FILES}
    assert views == from_files
    source = Path(__file__).read_text(encoding="utf-8")
    untested = [v for v in views if f"FROM {v}" not in source]
    assert not untested


def test_views_are_recreated_idempotently_on_every_open(tmp_path: Path) -> None:
    for _ in range(2):
        with wh.open_warehouse(tmp_path / "w.duckdb") as store:
            count = store.query("SELECT count(*) FROM duckdb_views() WHERE NOT internal")
    assert count == [(len(VIEW_FILES),)]


def test_labelled_postings(fixture: FixtureWarehouse, con: duckdb.DuckDBPyConnection) -> None:
    got = by_key(
        fixture,
        con,
        """SELECT posting_id, label, model_version, is_open, cluster_size,
                  is_cluster_representative, posting_month, human_label, title_mismatch,
                  detected_language
           FROM labelled_postings""",
    )
    jan, feb, mar = date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)
    assert got == {
        # a1: m-old said other, the active m-new says community_manager
        "a1": (CM, "m-new", True, 1, True, jan, None, False, "fr"),
        "a2": (SMS, "m-new", True, 1, True, jan, None, True, "fr"),
        "a3": (SMM, "m-new", True, 2, True, feb, None, False, "en"),
        # b3 is a3 cross-posted later: same cluster, a3 speaks for it
        "b3": (SMM, "m-new", True, 2, False, feb, None, False, "en"),
        "a4": (SMS, "m-new", True, 1, True, feb, None, False, "en"),
        "a5": (CM, "m-new", False, 1, True, date(2025, 12, 1), None, False, "fr"),
        "b1": (OTHER, "m-new", True, 1, True, mar, None, False, "fr"),
        "b2": (SMS, "m-new", True, 1, True, mar, None, True, "fr"),
        "b4": (SMM, "m-new", True, 1, True, mar, SMM, False, "fr"),
        "b5": (CM, "m-new", True, 1, True, mar, None, False, "fr"),
        "c1": (SMS, "m-new", True, 1, True, jan, None, False, "fr"),
        "c2": (CM, "m-new", True, 1, True, feb, None, False, "fr"),
        # c3 changed content in r2 and the new content is not scored yet
        "c3": (None, None, True, 1, True, feb, None, None, "fr"),
    }
    c1 = fixture.ids["c1"]
    assert rows(con, f"SELECT cluster_id FROM labelled_postings WHERE posting_id = '{c1}'") == [
        (c1,)
    ]
    assert rows(
        con,
        f"""SELECT version_count, removed_at, prob_community_manager, confidence
            FROM labelled_postings WHERE posting_id = '{fixture.ids["a5"]}'""",
    ) == [(1, R2, 0.85, 0.85)]


def test_current_postings_are_the_listed_ones(
    fixture: FixtureWarehouse, con: duckdb.DuckDBPyConnection
) -> None:
    got = by_key(fixture, con, "SELECT posting_id, label FROM current_postings")
    assert set(got) == set(fixture.ids) - {"a5"}
    assert rows(con, "SELECT count(*) FROM current_postings WHERE removed_at IS NOT NULL") == [(0,)]
    columns = [r[0] for r in rows(con, "DESCRIBE current_postings")]
    assert "is_open" not in columns and "cluster_id" in columns


def test_distinct_ads(fixture: FixtureWarehouse, con: duckdb.DuckDBPyConnection) -> None:
    got = by_key(
        fixture,
        con,
        """SELECT representative_posting_id, cluster_id, cluster_size, source_count, source_ids,
                  first_seen, last_seen, is_open, label
           FROM distinct_ads""",
    )
    assert set(got) == set(fixture.ids) - {"b3"}
    assert got["a3"] == ("k-a3", 2, 2, ["board-a", "board-b"], R1, R2, True, SMM)
    assert got["a5"] == ("k-a5", 1, 1, ["board-a"], R1, R1, False, CM)
    assert got["c1"] == (fixture.ids["c1"], 1, 1, ["board-c"], R1, R2, True, SMS)
    assert got["c3"] == ("k-c3", 1, 1, ["board-c"], R1, R2, True, None)
    assert rows(con, "SELECT count(*), count(label) FROM distinct_ads") == [(12, 11)]


def test_posting_mentions_read_the_latest_extraction_of_the_current_content(
    fixture: FixtureWarehouse, con: duckdb.DuckDBPyConnection
) -> None:
    got: dict[str, list[str]] = {}
    for posting_id, ref_id in rows(
        con,
        "SELECT posting_id, ref_id FROM posting_mentions ORDER BY posting_id, mention_index",
    ):
        got.setdefault(fixture.key_of(posting_id), []).append(ref_id)
    assert got["a1"] == ["moderation", "canva", "community_engagement"]  # x0's legacy_skill gone
    assert got["c3"] == ["moderation"]  # the old content's canva is gone
    assert got["b5"] == ["moderation", "moderation", "canva"]
    assert sum(len(v) for v in got.values()) == 28
    a4 = fixture.ids["a4"]
    ((text,),) = rows(
        con,
        f"""SELECT v.description_text FROM postings p JOIN posting_versions v
            USING (posting_id, content_hash) WHERE posting_id = '{a4}'""",
    )
    start = text.index("5 years")
    assert rows(
        con,
        f"""SELECT extractor_version, kind, family, matched_text, start_char, end_char, value,
                   label
            FROM posting_mentions WHERE posting_id = '{a4}' AND ref_id = 'years_experience'""",
    ) == [("x1", "signal", "experience", "5 years", start, start + 7, 5.0, SMS)]


def test_role_share_by_month(con: duckdb.DuckDBPyConnection) -> None:
    got = rows(
        con,
        "SELECT posting_month, role, ads, labelled_ads, round(share, 4) "
        "FROM role_share_by_month ORDER BY ALL",
    )
    dec, jan, feb, mar = date(2025, 12, 1), date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)
    assert got == [
        (dec, CM, 1, 1, 1.0),
        (dec, OTHER, 0, 1, 0.0),
        (dec, SMM, 0, 1, 0.0),
        (dec, SMS, 0, 1, 0.0),
        (jan, CM, 1, 3, 0.3333),
        (jan, OTHER, 0, 3, 0.0),
        (jan, SMM, 0, 3, 0.0),
        (jan, SMS, 2, 3, 0.6667),
        (feb, CM, 1, 3, 0.3333),  # c3 is unlabelled, b3 is a3's duplicate
        (feb, OTHER, 0, 3, 0.0),
        (feb, SMM, 1, 3, 0.3333),
        (feb, SMS, 1, 3, 0.3333),
        (mar, CM, 1, 4, 0.25),
        (mar, OTHER, 1, 4, 0.25),
        (mar, SMM, 1, 4, 0.25),
        (mar, SMS, 1, 4, 0.25),
    ]


def test_role_share_by_country(con: duckdb.DuckDBPyConnection) -> None:
    got = rows(
        con,
        "SELECT country, role, ads, labelled_ads, round(share, 4) "
        "FROM role_share_by_country ORDER BY ALL",
    )
    assert got == [
        ("CA", CM, 2, 5, 0.4),
        ("CA", OTHER, 0, 5, 0.0),
        ("CA", SMM, 1, 5, 0.2),
        ("CA", SMS, 2, 5, 0.4),
        ("FR", CM, 2, 6, 0.3333),
        ("FR", OTHER, 1, 6, 0.1667),
        ("FR", SMM, 1, 6, 0.1667),
        ("FR", SMS, 2, 6, 0.3333),
    ]


def test_role_share_by_region(con: duckdb.DuckDBPyConnection) -> None:
    got = sorted(
        rows(
            con,
            "SELECT country, region, role, ads, labelled_ads, round(share, 4) "
            "FROM role_share_by_region WHERE ads > 0",
        )
    )
    assert got == [
        ("CA", "ON", SMS, 1, 1, 1.0),
        ("CA", "QC", CM, 2, 3, 0.6667),
        ("CA", "QC", SMM, 1, 3, 0.3333),
        ("CA", "Québec", SMS, 1, 1, 1.0),
        ("FR", "Auvergne-Rhône-Alpes", CM, 1, 2, 0.5),
        ("FR", "Auvergne-Rhône-Alpes", OTHER, 1, 2, 0.5),
        ("FR", "PACA", CM, 1, 1, 1.0),
        ("FR", "Provence-Alpes-Côte d'Azur", SMM, 1, 1, 1.0),
        ("FR", "Île-de-France", SMS, 2, 2, 1.0),
    ]
    assert rows(con, "SELECT count(*) FROM role_share_by_region") == [(7 * 4,)]


def test_role_skills(con: duckdb.DuckDBPyConnection) -> None:
    got = rows(
        con,
        "SELECT role, kind, rank, ref_id, family, ads, role_ads, share "
        "FROM role_skills ORDER BY role, kind, rank",
    )
    assert got == [
        (CM, "criterion", 1, "community_engagement", "animation", 1, 4, 0.25),
        (CM, "skill", 1, "moderation", "animation", 4, 4, 1.0),  # b5's two count once
        (CM, "skill", 2, "canva", "tool", 2, 4, 0.5),
        (OTHER, "skill", 1, "canva", "tool", 1, 1, 1.0),
        (SMM, "criterion", 1, "campaign_management", "management", 1, 2, 0.5),
        (SMM, "skill", 1, "analytics", "measurement", 2, 2, 1.0),
        (SMM, "skill", 2, "paid_social", "advertising", 2, 2, 1.0),
        (SMS, "criterion", 1, "strategy_definition", "strategy", 4, 4, 1.0),
        (SMS, "criterion", 2, "campaign_management", "management", 1, 4, 0.25),
        (SMS, "signal", 1, "years_experience", "experience", 1, 4, 0.25),
        (SMS, "skill", 1, "analytics", "measurement", 3, 4, 0.75),
        (SMS, "skill", 2, "canva", "tool", 1, 4, 0.25),
    ]


def test_title_mismatches(fixture: FixtureWarehouse, con: duckdb.DuckDBPyConnection) -> None:
    got = by_key(
        fixture,
        con,
        "SELECT representative_posting_id, company, title, title_label, label, confidence "
        "FROM title_mismatches",
    )
    assert got == {
        "a2": ("Agence Nova", "Community Manager", CM, SMS, 0.65),
        "b2": ("Agence Nova", "Community Manager", CM, SMS, 0.55),
    }


def test_title_mismatch_by_company(con: duckdb.DuckDBPyConnection) -> None:
    got = rows(
        con,
        "SELECT company, labelled_ads, titled_ads, mismatched_ads, round(mismatch_rate, 4), "
        "most_common_mismatch FROM title_mismatch_by_company ORDER BY company",
    )
    assert got == [
        ("Agence Nova", 3, 3, 2, 0.6667, f"{CM} -> {SMS}"),
        ("Exemple Média", 2, 2, 0, 0.0, None),
        ("Stratégies Inc", 2, 2, 0, 0.0, None),
        ("Studio Sud", 2, 2, 0, 0.0, None),
        ("Ville de Lyon", 2, 1, 0, 0.0, None),  # b1's title names no role
    ]


def test_salary_by_role(con: duckdb.DuckDBPyConnection) -> None:
    got = rows(con, "SELECT * FROM salary_by_role ORDER BY ALL")
    assert got == [
        (CM, "EUR", "HOUR", 1, 15.0, 18.0, 16.5, 16.5, 16.5),
        (CM, "EUR", "YEAR", 1, 32000.0, 36000.0, 34000.0, 34000.0, 34000.0),
        (OTHER, "EUR", "YEAR", 1, 30000.0, None, 30000.0, 30000.0, 30000.0),
        (SMM, "CAD", "YEAR", 1, 55000.0, 65000.0, 60000.0, 60000.0, 60000.0),
        (SMM, "EUR", "YEAR", 1, 38000.0, 42000.0, 40000.0, 40000.0, 40000.0),
        (SMS, "CAD", "YEAR", 1, 70000.0, 90000.0, 80000.0, 80000.0, 80000.0),
        (SMS, "EUR", "YEAR", 2, 45000.0, 55000.0, 47500.0, 50000.0, 52500.0),
    ]


def test_source_coverage(con: duckdb.DuckDBPyConnection) -> None:
    got = rows(
        con,
        "SELECT * EXCLUDE (first_seen) FROM source_coverage ORDER BY source_id",
    )
    finished = datetime(2026, 3, 25, 2, 1)
    assert got == [
        ("board-a", "jsonld", finished, 2, 2, "complete", 5, 4, 5, 5, 4, 0.8, 1),
        ("board-b", "greenhouse", finished, 2, 1, "partial", 5, 5, 5, 5, 4, 0.8, 0),
        ("board-c", "feed", finished, 2, 2, "complete", 3, 3, 2, 3, 3, 1.0, 0),
    ]


def test_live_views_in_the_warehouse_equal_the_published_snapshots(
    fixture: FixtureWarehouse, con: duckdb.DuckDBPyConnection
) -> None:
    live = duckdb.connect(str(fixture.warehouse_path), read_only=True)
    try:
        for path in VIEW_FILES:
            view = path.stem.split("_", 1)[1]
            sql = f"SELECT * FROM {view} ORDER BY ALL"
            assert live.execute(sql).fetchall() == rows(con, sql), view
        definitions = dict(
            rows(con, "SELECT view_name, sql FROM duckdb_views() WHERE NOT internal")
        )
        for path in VIEW_FILES:
            view = path.stem.split("_", 1)[1]
            assert re.search(rf'FROM "?snapshot"?\.{view};?$', definitions[view]), view
    finally:
        live.close()
