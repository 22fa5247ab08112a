"""Publish-time preparation of the analyst copy, run inside ``Warehouse.publish`` on the
freshly copied database before it is swapped in.

* Snapshots: the analyst copy never changes once published, so each analyst view
  (sql/views/*.sql, in file order) is evaluated once into ``snapshot.<view>`` and the view
  is redefined as ``SELECT * FROM snapshot.<view>``: same names, same columns, answers in
  the time of a table scan. In the read-write warehouse the views stay live.
* Comments: every table, view and column gets its sql/dictionary.yaml description, so
  ``duckdb_columns()`` / the DuckDB CLI show the data dictionary.
* Full-text search: the BM25 index and ``search_postings`` (see search.py), reusing the
  previous copy's terms for postings whose text did not change.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import yaml

from pipeline.analyst.search import PREVIOUS, build_search_index

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


def prepare_analyst_copy(
    con: duckdb.DuckDBPyConnection, database: str, previous: Path | None = None
) -> bool:
    """Snapshot the views, comment everything and build the search index in ``database``,
    in one transaction (one commit instead of one per statement).

    ``previous``: the analyst copy being replaced, if any; the search index reuses its
    terms for postings whose text it already indexed. Returns whether it did.
    """
    names = view_names()
    dictionary = yaml.safe_load(DICTIONARY.read_text(encoding="utf-8"))
    attached = _attach_previous(con, previous)
    try:
        with using(con, database):
            con.begin()
            try:
                snapshot_views(con, names)
                reused = build_search_index(con, PREVIOUS if attached else None)
                comment_from_dictionary(con, dictionary, names)
                con.commit()
            except BaseException:
                con.rollback()
                raise
    finally:
        if attached:
            con.execute(f"DETACH {PREVIOUS}")
    return reused


def _attach_previous(con: duckdb.DuckDBPyConnection, previous: Path | None) -> bool:
    """Attach the previous analyst copy read-only as ``PREVIOUS``; False when there is none
    or it cannot be read (the index is then built from scratch)."""
    if previous is None or not previous.exists():
        return False
    try:
        con.execute(f"ATTACH {_quote(str(previous))} AS {PREVIOUS} (READ_ONLY)")
    except duckdb.Error:
        return False
    return True
