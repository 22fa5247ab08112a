"""`rolescope sql`: run a query on the analyst copy, read-only, as a table, CSV, JSON or Parquet."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import duckdb
import typer
from rich.console import Console
from rich.table import Table

from pipeline.config import load_settings

console = Console()
errors = Console(stderr=True)


class OutputFormat(StrEnum):
    """Output formats of `rolescope sql`."""

    table = "table"
    csv = "csv"
    json = "json"
    parquet = "parquet"


HomeOption = Annotated[
    Path | None,
    typer.Option("--home", help="rolescope folder (env ROLESCOPE_HOME, default ./var)."),
]
AnalystOption = Annotated[
    Path | None,
    typer.Option(
        "--analyst", help="Analyst copy to read (default: <home>/rolescope-analyst.duckdb)."
    ),
]


def analyst_path(home: Path | None, analyst: Path | None) -> Path:
    """The analyst copy named on the command line, else the configured one."""
    if analyst is not None:
        return analyst
    settings = load_settings()
    return settings.with_overrides(home=home.resolve() if home else None).analyst_path


def parse_variables(pairs: list[str] | None) -> dict[str, str]:
    """``NAME=VALUE`` options as a dict."""
    variables: dict[str, str] = {}
    for pair in pairs or []:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise typer.BadParameter(f"expected NAME=VALUE, got {pair!r}", param_hint="--var")
        variables[name.strip()] = value
    return variables


def _list_queries() -> None:
    from pipeline.analyst.queries import list_queries

    table = Table(title="Documented queries (sql/queries/)", show_lines=True)
    table.add_column("name", style="bold")
    table.add_column("question")
    table.add_column("columns")
    for doc in list_queries():
        table.add_row(doc.name, doc.question, ", ".join(name for name, _ in doc.columns))
    console.print(table)


def sql(
    query: Annotated[
        str | None,
        typer.Argument(
            help="SQL text, a .sql file, or the name of a documented query (see --list)."
        ),
    ] = None,
    fmt: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="Output format.")
    ] = OutputFormat.table,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write to this file (required for parquet)."),
    ] = None,
    var: Annotated[
        list[str] | None,
        typer.Option("--var", help="NAME=VALUE, read in SQL with getvariable('NAME')."),
    ] = None,
    limit: Annotated[int, typer.Option(help="Rows shown by the table format.")] = 200,
    list_queries: Annotated[
        bool, typer.Option("--list", help="List the documented queries and exit.")
    ] = False,
    home: HomeOption = None,
    analyst: AnalystOption = None,
) -> None:
    """Run one read-only query on the analyst copy (never blocks the nightly flow)."""
    from pipeline.analyst import runner

    if list_queries:
        _list_queries()
        return
    if query is None:
        raise typer.BadParameter("give a query, a .sql file or a query name", param_hint="QUERY")
    if fmt is OutputFormat.parquet and output is None:
        raise typer.BadParameter("parquet output needs --output PATH", param_hint="--format")
    variables = parse_variables(var)
    try:
        text = runner.resolve_sql(query)
        runner.read_only_statement(text)
        con = runner.open_analyst(analyst_path(home, analyst))
    except runner.ReadOnlyQueryError as exc:
        errors.print(f"[red]refused:[/red] {exc}")
        raise typer.Exit(2) from exc
    except FileNotFoundError as exc:
        errors.print(f"[red]{exc}[/red]")
        raise typer.Exit(3) from exc
    try:
        if output is not None and fmt is not OutputFormat.table:
            count = runner.copy_query(con, text, output, fmt.value, variables)
            errors.print(f"wrote {count} rows to {output}")
            return
        result = runner.run_query(con, text, variables)
    except duckdb.Error as exc:
        message = str(exc)
        if "read-only" in message:
            message = f"the analyst copy is read-only: {message}"
        errors.print(f"[red]query failed:[/red] {message}")
        raise typer.Exit(1) from exc
    finally:
        con.close()
    _print_result(result, fmt, output, limit)


def _print_result(result: object, fmt: OutputFormat, output: Path | None, limit: int) -> None:
    from pipeline.analyst import runner

    assert isinstance(result, runner.QueryResult)
    if fmt is OutputFormat.csv:
        runner.write_csv(result, sys.stdout)
    elif fmt is OutputFormat.json:
        runner.write_json(result, sys.stdout)
    else:
        table = Table(*result.columns, caption=f"{len(result.rows)} rows")
        for row in runner.display_rows(result, limit):
            table.add_row(*row)
        target = Console(file=output.open("w", encoding="utf-8")) if output else console
        target.print(table)
        if len(result.rows) > limit:
            errors.print(
                f"[yellow]showing {limit} of {len(result.rows)} rows; "
                "use --limit, or --format csv/json/parquet --output PATH[/yellow]"
            )


def register(app: typer.Typer) -> None:
    """Add `sql` to the CLI."""
    app.command("sql")(sql)
