"""Publish-time preparation of the analyst copy, run inside ``Warehouse.publish`` on the
freshly copied database before it is swapped in.

* Snapshots: the analyst copy never changes once published, so each analyst view
  (sql/views/*.sql, in file order) is evaluated once into ``snapshot.<view>`` and the view
  is redefined as ``SELECT * FROM snapshot.<view>``: same names, same columns, answers in
  the time of a table scan. In the read-write warehouse the views stay live.
* Comments: every table, view and column gets its sql/dictionary.yaml description, so
  ``duckdb_columns()`` / the DuckDB CLI show the data dictionary.
* Full-text search: nothing to do here; the warehouse keeps the index up to date
  (``Warehouse.publish`` refreshes it before the copy: see search.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import yaml

SQL_DIR = Path(__file__).resolve().parent.parent.parent / "sql"
VIEWS_DIR = SQL_DIR / "views"
DICTIONARY = SQL_DIR / "dictionary.yaml"
SNAPSHOT_SCHEMA = "snapshot"


def view_names(views_dir: Path = VIEWS_DIR) -> list[str]:
    """Analyst view names in creation order (file ``NNN_name.sql`` creates view ``name``)."""
    return [re.sub(r"^\d+_", "", p.stem) for p in sorted(views_dir.glob("*.sql"))]


@contextmanager
def using(con: duckdb.DuckDBPyConnection, database: str) -> Iterator[None]:
    """Make ``database`` the default one for the block (macros and views bind there)."""
    row = con.execute("SELECT current_database()").fetchone()
    assert row is not None
    con.execute(f'USE "{database}"')
    try:
        yield
    finally:
        con.execute(f'USE "{row[0]}"')


def snapshot_views(con: duckdb.DuckDBPyConnection, names: list[str]) -> None:
    """Evaluate each view once into the snapshot schema and point the view at it."""
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {SNAPSHOT_SCHEMA}")
    for name in names:
        # later views read the earlier ones' snapshots, so each is computed once
        con.execute(f"CREATE OR REPLACE TABLE {SNAPSHOT_SCHEMA}.{name} AS SELECT * FROM {name}")
        con.execute(f"CREATE OR REPLACE VIEW {name} AS SELECT * FROM {SNAPSHOT_SCHEMA}.{name}")


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def comment_from_dictionary(
    con: duckdb.DuckDBPyConnection, dictionary: dict[str, Any], snapshot_names: list[str]
) -> None:
    """Attach the dictionary's descriptions to the relations and columns that exist."""
    entries = {**dictionary.get("tables", {}), **(dictionary.get("views") or {})}
    entries |= {f"{SNAPSHOT_SCHEMA}.{n}": entries[n] for n in snapshot_names if n in entries}
    relations = {
        _name(r[0], r[1]): r[2]
        for r in con.execute(
            "SELECT schema_name, table_name, 'TABLE' FROM duckdb_tables() "
            "WHERE database_name = current_database() "
            "UNION ALL SELECT schema_name, view_name, 'VIEW' FROM duckdb_views() "
            "WHERE database_name = current_database() AND NOT internal"
        ).fetchall()
    }
    for name, kind in relations.items():
        entry = entries.get(name)
        if not entry:
            continue
        con.execute(f"COMMENT ON {kind} {name} IS {_quote(entry['description'])}")
        columns = {
            r[0]
            for r in con.execute(
                "SELECT column_name FROM duckdb_columns() WHERE database_name = current_database()"
                " AND (CASE WHEN schema_name = 'main' THEN table_name"
                "      ELSE schema_name || '.' || table_name END) = ?",
                [name],
            ).fetchall()
        }
        for column, description in (entry.get("columns") or {}).items():
            if column in columns:
                con.execute(f'COMMENT ON COLUMN {name}."{column}" IS {_quote(description)}')


def _name(schema: str, relation: str) -> str:
    return relation if schema == "main" else f"{schema}.{relation}"


def prepare_analyst_copy(con: duckdb.DuckDBPyConnection, database: str) -> None:
    """Snapshot the views and comment everything in ``database``, in one transaction (one
    commit instead of one per statement)."""
    names = view_names()
    dictionary = yaml.safe_load(DICTIONARY.read_text(encoding="utf-8"))
    with using(con, database):
        con.begin()
        try:
            snapshot_views(con, names)
            comment_from_dictionary(con, dictionary, names)
            con.commit()
        except BaseException:
            con.rollback()
            raise
