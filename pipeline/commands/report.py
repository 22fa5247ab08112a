"""`rolescope report`: a static HTML report with charts, readable offline."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import duckdb
import typer
from rich.console import Console

from pipeline.commands.sql import AnalystOption, HomeOption, analyst_path

console = Console()


def report(
    output: Annotated[Path, typer.Option("--output", "-o", help="HTML file to write.")] = Path(
        "report.html"
    ),
    home: HomeOption = None,
    analyst: AnalystOption = None,
) -> None:
    """Write a static HTML report: role share, skills per role, mismatches, source coverage."""
    from pipeline.analyst.report import write_report
    from pipeline.analyst.runner import open_analyst

    path = analyst_path(home, analyst)
    try:
        con = open_analyst(path)
    except FileNotFoundError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(3) from exc
    try:
        written = write_report(con, path.name, output)
    except duckdb.Error as exc:
        console.print(f"[red]report failed:[/red] {exc}")
        raise typer.Exit(1) from exc
    finally:
        con.close()
    console.print(f"report written to [bold]{written}[/bold] (open it in any browser, offline)")


def register(app: typer.Typer) -> None:
    """Add `report` to the CLI."""
    app.command("report")(report)
