"""`rolescope export`: the analyst views as Parquet files partitioned by month."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import duckdb
import typer
from rich.console import Console
from rich.table import Table

from pipeline.commands.sql import AnalystOption, HomeOption, analyst_path

console = Console()


def export(
    output: Annotated[
        Path, typer.Option("--output", "-o", help="Folder to write the Parquet datasets to.")
    ],
    home: HomeOption = None,
    analyst: AnalystOption = None,
) -> None:
    """Export postings, distinct ads and mentions as Parquet, partitioned by month."""
    from pipeline.analyst.export import export_all
    from pipeline.analyst.runner import open_analyst

    try:
        con = open_analyst(analyst_path(home, analyst))
    except FileNotFoundError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(3) from exc
    try:
        exported = export_all(con, output)
    except duckdb.Error as exc:
        console.print(f"[red]export failed:[/red] {exc}")
        raise typer.Exit(1) from exc
    finally:
        con.close()
    table = Table("dataset", "from view", "rows", "months", "path", title="Parquet export")
    for d in exported:
        months = f"{d.months[0]} .. {d.months[-1]} ({len(d.months)})" if d.months else "-"
        table.add_row(d.name, d.view, str(d.rows), months, d.path)
    console.print(table)
    console.print(f"manifest: {output / 'manifest.json'}")


def register(app: typer.Typer) -> None:
    """Add `export` to the CLI."""
    app.command("export")(export)
