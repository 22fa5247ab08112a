"""`rolescope sql`: read-only queries on the analyst copy, in every output format; writes are
refused clearly; the analyst copy stays readable while the flow holds the warehouse and a
publish never shows a reader a half-written state."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from pipeline import warehouse as wh
from pipeline.analyst import runner
from pipeline.cli import app
from tests.fixtures.warehouse import FixtureWarehouse, build

cli = CliRunner()
SHARE_SQL = "SELECT role, ads FROM role_share_by_country WHERE country = 'CA' ORDER BY role"
CA_SHARE = [
    ("community_manager", 2),
    ("other", 0),
    ("social_media_manager", 1),
    ("social_media_strategist", 2),
]


@pytest.fixture(scope="module")
def fixture(tmp_path_factory: pytest.TempPathFactory) -> FixtureWarehouse:
    return build(tmp_path_factory.mktemp("fixture-sql"))


def sql(fixture: FixtureWarehouse, *args: str) -> tuple[int, str, str]:
    result = cli.invoke(app, ["sql", *args, "--analyst", str(fixture.analyst_path)])
    return result.exit_code, result.stdout, result.stderr


def test_csv_to_stdout(fixture: FixtureWarehouse) -> None:
    code, out, _ = sql(fixture, SHARE_SQL, "--format", "csv")
    assert code == 0
    parsed = list(csv.reader(io.StringIO(out)))
    assert parsed[0] == ["role", "ads"]
    assert [(r[0], int(r[1])) for r in parsed[1:]] == CA_SHARE


def test_json_to_stdout(fixture: FixtureWarehouse) -> None:
    code, out, _ = sql(
        fixture,
        "SELECT cluster_id, source_ids, posting_month FROM distinct_ads WHERE cluster_size > 1",
        "-f",
        "json",
    )
    assert code == 0
    assert json.loads(out) == [
        {"cluster_id": "k-a3", "source_ids": ["board-a", "board-b"], "posting_month": "2026-02-01"}
    ]


def test_table_shows_the_rows(fixture: FixtureWarehouse) -> None:
    code, out, _ = sql(fixture, SHARE_SQL)
    assert code == 0
    assert "social_media_strategist" in out and "4 rows" in out


@pytest.mark.parametrize("fmt", ["csv", "json", "parquet"])
def test_file_outputs_hold_the_same_rows(
    fixture: FixtureWarehouse, tmp_path: Path, fmt: str
) -> None:
    target = tmp_path / f"share.{fmt}"
    code, _, err = sql(fixture, SHARE_SQL + " -- trailing comment", "-f", fmt, "-o", str(target))
    assert code == 0, err
    assert "wrote 4 rows" in err
    reader = {"csv": "read_csv", "json": "read_json", "parquet": "read_parquet"}[fmt]
    back = duckdb.connect().execute(f"SELECT * FROM {reader}('{target}') ORDER BY role")
    assert [(r[0], int(r[1])) for r in back.fetchall()] == CA_SHARE


def test_parquet_needs_an_output_file(fixture: FixtureWarehouse) -> None:
    code, _, err = sql(fixture, SHARE_SQL, "-f", "parquet")
    assert code == 2 and "--output" in err


def test_documented_query_by_name_or_file_with_variables(fixture: FixtureWarehouse) -> None:
    path = Path(wh.SQL_DIR) / "queries" / "01_strategist_share_this_year_by_month.sql"
    for query in ("strategist_share_this_year_by_month", str(path)):
        code, out, err = sql(fixture, query, "--var", "as_of=2026-02-15", "-f", "json")
        assert code == 0, err
        assert json.loads(out) == [
            {"posting_month": "2026-01-01", "strategist_ads": 2, "labelled_ads": 3, "share": 2 / 3},
            {"posting_month": "2026-02-01", "strategist_ads": 1, "labelled_ads": 3, "share": 1 / 3},
        ]


def test_list_shows_the_documented_queries(fixture: FixtureWarehouse) -> None:
    result = cli.invoke(app, ["sql", "--list"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    assert "skills_separating_cm_from_smm_in_quebec" in result.stdout


@pytest.mark.parametrize(
    ("statement", "kind"),
    [
        ("INSERT INTO labels VALUES ('x', 'y', 'other', NULL, now(), NULL)", "INSERT"),
        ("DELETE FROM postings", "DELETE"),
        ("UPDATE postings SET title = 'x'", "UPDATE"),
        ("DROP VIEW distinct_ads", "DROP"),
        ("CREATE TABLE t AS SELECT 1", "CREATE"),
        ("COPY postings TO '/tmp/x.csv'", "COPY"),
        ("ATTACH '/tmp/other.duckdb' AS other", "ATTACH"),
    ],
)
def test_writes_are_refused_with_a_clear_message(
    fixture: FixtureWarehouse, statement: str, kind: str
) -> None:
    before = duckdb.connect(str(fixture.analyst_path), read_only=True)
    counts = before.execute("SELECT (SELECT count(*) FROM postings), (SELECT count(*) FROM labels)")
    snapshot = counts.fetchall()
    before.close()
    code, _, err = sql(fixture, statement)
    assert code == 2
    assert "read-only" in err and kind in err
    after = duckdb.connect(str(fixture.analyst_path), read_only=True)
    again = after.execute("SELECT (SELECT count(*) FROM postings), (SELECT count(*) FROM labels)")
    assert again.fetchall() == snapshot
    after.close()


def test_several_statements_are_refused(fixture: FixtureWarehouse) -> None:
    code, _, err = sql(fixture, "SELECT 1; DELETE FROM postings")
    assert code == 2 and "one statement" in err


def test_the_connection_itself_is_read_only(fixture: FixtureWarehouse) -> None:
    con = runner.open_analyst(fixture.analyst_path)
    with pytest.raises(duckdb.Error, match="read-only"):
        con.execute("DELETE FROM postings")
    con.close()


def test_sql_errors_and_missing_copy_are_reported(
    fixture: FixtureWarehouse, tmp_path: Path
) -> None:
    code, _, err = sql(fixture, "SELECT no_such_column FROM postings")
    assert code == 1 and "no_such_column" in err
    result = cli.invoke(app, ["sql", "SELECT 1", "--home", str(tmp_path)])
    assert result.exit_code == 3 and "rolescope run" in result.stderr


def test_readable_while_the_flow_holds_the_warehouse(fixture: FixtureWarehouse) -> None:
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); "
            "print('ready', flush=True); time.sleep(30)",
            str(fixture.warehouse_path),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        code, out, err = sql(fixture, "SELECT count(*) AS n FROM current_postings", "-f", "csv")
        assert code == 0, err
        assert out.splitlines() == ["n", "12"]
    finally:
        holder.kill()
        holder.wait()


def test_a_publish_swaps_the_copy_under_open_readers(tmp_path: Path) -> None:
    fixture = build(tmp_path / "own")  # this test writes to its warehouse
    analyst = tmp_path / "published" / "analyst.duckdb"
    with wh.open_warehouse(fixture.warehouse_path) as store:
        store.publish(analyst)
        reader = duckdb.connect(str(analyst), read_only=True)
        assert reader.execute("SELECT count(human_label) FROM labelled_postings").fetchone() == (1,)
        store.record_label(
            fixture.ids["a2"],
            "social_media_strategist",
            labelled_by="analyst",
            note=None,
            now=datetime(2026, 3, 27),
        )
        store.publish(analyst)
    # the reader that was open keeps its consistent snapshot; a new reader sees the new one
    assert reader.execute("SELECT count(human_label) FROM labelled_postings").fetchone() == (1,)
    reader.close()
    fresh = duckdb.connect(str(analyst), read_only=True)
    assert fresh.execute("SELECT count(human_label) FROM labelled_postings").fetchone() == (2,)
    assert fresh.execute("SELECT count(*) FROM search.documents").fetchone() == (13,)
    fresh.close()
    assert sorted(p.name for p in analyst.parent.iterdir()) == ["analyst.duckdb"]
