"""The read-write warehouse runs under a DuckDB memory limit and spills under its home."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.config import DUCKDB_MEMORY_LIMIT_ENV
from pipeline.warehouse import open_warehouse


def _settings(path: Path) -> tuple[str, str]:
    with open_warehouse(path) as store:
        rows = store.query(
            "SELECT current_setting('memory_limit'), current_setting('temp_directory')"
        )
    return rows[0][0], rows[0][1]


def test_default_limit_and_spill_directory_under_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(DUCKDB_MEMORY_LIMIT_ENV, raising=False)
    limit, temp = _settings(tmp_path / "home" / "rolescope.duckdb")
    assert limit == "1.3 GiB"  # 1.5GB (10^9 bytes) as DuckDB shows it
    assert Path(temp) == tmp_path / "home" / "duckdb-tmp"


def test_limit_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(DUCKDB_MEMORY_LIMIT_ENV, "512MB")
    assert _settings(tmp_path / "rolescope.duckdb")[0] == "488.2 MiB"
