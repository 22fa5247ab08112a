"""Read-only queries on the analyst copy, and their output as a table, CSV, JSON or Parquet.

The analyst copy is opened with ``read_only=True``; on top of that only one query
statement (SELECT, WITH, FROM, VALUES, DESCRIBE, SHOW, SUMMARIZE, EXPLAIN) is accepted, so
a write is refused with a clear message before it reaches DuckDB.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

import duckdb

from pipeline.analyst.queries import find_query

FORMATS = ("table", "csv", "json", "parquet")
_ALLOWED = {duckdb.StatementType.SELECT, duckdb.StatementType.EXPLAIN}
_VARIABLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_EXPLAIN = re.compile(r"(?is)^\s*explain\b(?:\s*\([^)]*\))?(?:\s*analy[sz]e\b)?(?P<inner>.*)$")


class ReadOnlyQueryError(ValueError):
    """The SQL given is not a single read-only query."""


class AnalystCopyMissingError(FileNotFoundError):
    """No analyst copy has been published yet."""


@dataclass(frozen=True)
class QueryResult:
    """Column names and every row of a query."""

    columns: list[str]
    rows: list[tuple[Any, ...]]


def resolve_sql(query: str) -> str:
    """SQL from a ``.sql`` file path, a documented query's name, or the text itself."""
    candidate = Path(query)
    if query.endswith(".sql") and "\n" not in query:
        if not candidate.is_file():
            raise FileNotFoundError(f"no such SQL file: {query}")
        return candidate.read_text(encoding="utf-8")
    if re.fullmatch(r"[\w.-]+", query):
        documented = find_query(query)
        if documented is not None:
            return documented.read_text(encoding="utf-8")
    return query


def read_only_statement(sql: str) -> str:
    """The one query statement in ``sql``, or ReadOnlyQueryError saying why not."""
    try:
        statements = duckdb.extract_statements(sql)
    except duckdb.Error as exc:
        raise ReadOnlyQueryError(f"could not parse the SQL: {exc}") from exc
    if not statements:
        raise ReadOnlyQueryError("no SQL statement given")
    if len(statements) > 1:
        raise ReadOnlyQueryError(
            f"one statement per run, got {len(statements)}; use --var for variables"
        )
    statement = statements[0]
    if statement.type is duckdb.StatementType.EXPLAIN and not _explains_a_query(statement.query):
        raise ReadOnlyQueryError(
            "the analyst copy is read-only: EXPLAIN ANALYZE runs the statement it explains, "
            "so only EXPLAIN [ANALYZE] of a query is allowed"
        )
    if statement.type not in _ALLOWED:
        kind = statement.type.name
        raise ReadOnlyQueryError(
            f"the analyst copy is read-only: {kind} statements are not allowed, only queries "
            "(SELECT, WITH, FROM, DESCRIBE, SHOW, EXPLAIN). Changes go through the nightly flow."
        )
    return statement.query.strip().rstrip(";").rstrip()


def _explains_a_query(explain: str) -> bool:
    """True when an EXPLAIN statement explains one plain query (anything else is refused)."""
    match = _EXPLAIN.match(explain)
    try:
        inner = duckdb.extract_statements(match["inner"]) if match else []
    except duckdb.Error:
        return False
    return len(inner) == 1 and inner[0].type is duckdb.StatementType.SELECT


def open_analyst(path: Path) -> duckdb.DuckDBPyConnection:
    """Open the published analyst copy read-only (never the read-write warehouse)."""
    if not path.is_file():
        raise AnalystCopyMissingError(
            f"no analyst copy at {path}; run `rolescope run` once to publish it"
        )
    return duckdb.connect(str(path), read_only=True)


def set_variables(con: duckdb.DuckDBPyConnection, variables: dict[str, str]) -> None:
    """Make ``getvariable(name)`` return each value (as text) in the queries that follow."""
    for name, value in variables.items():
        if not _VARIABLE.match(name):
            raise ValueError(f"bad variable name {name!r}")
        con.execute(f"SET VARIABLE {name} = ?", [value])


def run_query(
    con: duckdb.DuckDBPyConnection, sql: str, variables: dict[str, str] | None = None
) -> QueryResult:
    """Run one read-only query and fetch every row."""
    statement = read_only_statement(sql)
    set_variables(con, variables or {})
    cursor = con.execute(statement)
    columns = [d[0] for d in cursor.description or []]
    return QueryResult(columns, cursor.fetchall())


def copy_query(
    con: duckdb.DuckDBPyConnection,
    sql: str,
    output: Path,
    fmt: str,
    variables: dict[str, str] | None = None,
) -> int:
    """Write one read-only query's rows to ``output`` as csv, json or parquet; return rows."""
    statement = read_only_statement(sql)
    options = {"csv": "FORMAT csv, HEADER true", "json": "FORMAT json, ARRAY true"}.get(
        fmt, "FORMAT parquet"
    )
    set_variables(con, variables or {})
    output.parent.mkdir(parents=True, exist_ok=True)
    # the newline keeps a trailing "-- comment" of the query from swallowing the parenthesis
    row = con.execute(f"COPY (\n{statement}\n) TO '{_quote(output)}' ({options})").fetchone()
    return int(row[0]) if row else 0


def _quote(path: Path) -> str:
    return str(path).replace("'", "''")


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, bytes):
        return value.hex()
    return value


def write_csv(result: QueryResult, stream: IO[str]) -> None:
    """Write a result as CSV with a header line."""
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(result.columns)
    for row in result.rows:
        writer.writerow(
            json.dumps(_plain(v), ensure_ascii=False) if isinstance(v, list | dict) else v
            for v in row
        )


def to_records(result: QueryResult) -> list[dict[str, Any]]:
    """A result as JSON-ready objects, one per row."""
    return [{c: _plain(v) for c, v in zip(result.columns, row, strict=True)} for row in result.rows]


def write_json(result: QueryResult, stream: IO[str]) -> None:
    """Write a result as a JSON array of objects."""
    json.dump(to_records(result), stream, ensure_ascii=False, indent=2)
    stream.write("\n")


def display_value(value: Any) -> str:
    """How one value reads in the terminal table."""
    if value is None:
        return "NULL"
    if isinstance(value, float):
        return f"{value:.4g}" if abs(value) < 1e6 else f"{value:,.0f}"
    if isinstance(value, list | tuple | dict):
        return json.dumps(_plain(value), ensure_ascii=False)
    return str(value)


def display_rows(result: QueryResult, limit: int) -> Sequence[list[str]]:
    """The first ``limit`` rows as text cells."""
    return [[display_value(v) for v in row] for row in result.rows[:limit]]
