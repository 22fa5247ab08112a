"""`rolescope export`: Parquet datasets partitioned by month, read back equal to the views."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from pipeline.analyst.export import DATASETS
from pipeline.cli import app
from tests.fixtures.warehouse import FixtureWarehouse, build

cli = CliRunner()


@pytest.fixture(scope="module")
def fixture(tmp_path_factory: pytest.TempPathFactory) -> FixtureWarehouse:
    return build(tmp_path_factory.mktemp("fixture-export"))


@pytest.fixture(scope="module")
def exported(fixture: FixtureWarehouse, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("export")
    result = cli.invoke(
        app, ["export", "--output", str(out), "--analyst", str(fixture.analyst_path)]
    )
    assert result.exit_code == 0, result.output
    return out


def test_one_folder_per_month(exported: Path) -> None:
    months = ["month=2025-12", "month=2026-01", "month=2026-02", "month=2026-03"]
    for name in DATASETS:
        assert sorted(p.name for p in (exported / name).iterdir()) == months
        assert all(list((exported / name / m).glob("*.parquet")) for m in months)


def test_datasets_read_back_equal_to_their_views(fixture: FixtureWarehouse, exported: Path) -> None:
    con = duckdb.connect(str(fixture.analyst_path), read_only=True)
    for name, view in DATASETS.items():
        files = f"{exported / name}/*/*.parquet"
        back = con.execute(
            f"""SELECT * EXCLUDE (month) FROM read_parquet('{files}', hive_partitioning = true)
                ORDER BY ALL"""
        ).fetchall()
        assert back == con.execute(f"SELECT * FROM {view} ORDER BY ALL").fetchall(), name
        mismatched = con.execute(
            f"""SELECT count(*) FROM read_parquet('{files}', hive_partitioning = true)
                WHERE month <> strftime(posting_month, '%Y-%m')"""
        ).fetchone()
        assert mismatched == (0,)
    con.close()


def test_manifest_counts(exported: Path) -> None:
    manifest = json.loads((exported / "manifest.json").read_text(encoding="utf-8"))
    counts = {d["name"]: d["rows"] for d in manifest["datasets"]}
    assert counts == {"postings": 13, "distinct_ads": 12, "mentions": 28}
    assert manifest["datasets"][0]["months"] == ["2025-12", "2026-01", "2026-02", "2026-03"]


def test_exporting_again_replaces_the_datasets(fixture: FixtureWarehouse, exported: Path) -> None:
    stale = exported / "postings" / "month=1999-01"
    stale.mkdir()
    result = cli.invoke(
        app, ["export", "-o", str(exported), "--analyst", str(fixture.analyst_path)]
    )
    assert result.exit_code == 0, result.output
    assert not stale.exists()
    assert not [p for p in exported.iterdir() if p.name.startswith(".")]


def test_missing_analyst_copy(tmp_path: Path) -> None:
    result = cli.invoke(app, ["export", "-o", str(tmp_path / "out"), "--home", str(tmp_path)])
    assert result.exit_code == 3
