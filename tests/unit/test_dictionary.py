"""Every table, view and column of the warehouse is described in sql/dictionary.yaml."""

from __future__ import annotations

from pathlib import Path

import yaml

from pipeline import warehouse as wh

DICTIONARY = Path(wh.SQL_DIR) / "dictionary.yaml"


def test_every_column_is_described(tmp_path: Path) -> None:
    described = yaml.safe_load(DICTIONARY.read_text(encoding="utf-8"))
    entries = {**described["tables"], **(described.get("views") or {})}
    with wh.open_warehouse(tmp_path / "w.duckdb") as store:
        columns = store.query(
            "SELECT CASE table_schema WHEN 'main' THEN table_name "
            "ELSE table_schema || '.' || table_name END, column_name "
            "FROM information_schema.columns WHERE table_schema IN ('main', 'search') "
            "ORDER BY ALL"
        )
    missing = [
        f"{table}.{column}"
        for table, column in columns
        if not (entries.get(table) or {}).get("columns", {}).get(column)
    ]
    assert not missing, f"describe these in sql/dictionary.yaml: {missing}"
    undocumented_tables = {t for t, _ in columns} - set(entries)
    assert not undocumented_tables
    for name, entry in entries.items():
        assert entry.get("description"), name
