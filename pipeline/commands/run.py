"""`rolescope run` (one nightly run now) and `rolescope serve` (run it on a schedule)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from pipeline.config import load_settings

console = Console()

HomeOption = Annotated[
    Path | None,
    typer.Option(
        "--home",
        help="Folder for warehouse, analyst copy, staging (env ROLESCOPE_HOME, default ./var).",
    ),
]
SourcesOption = Annotated[
    Path | None,
    typer.Option(
        "--sources",
        help="YAML sources file (env ROLESCOPE_SOURCES, default: the bundled demo board).",
    ),
]


def run(
    source: Annotated[
        str | None, typer.Option("--source", help="Crawl only this source name.")
    ] = None,
    sources: SourcesOption = None,
    home: HomeOption = None,
    demo_edition: Annotated[
        int, typer.Option(help="Which edition of the demo board to serve (1 or 2).", hidden=True)
    ] = 1,
    as_json: Annotated[bool, typer.Option("--json", help="Print the run summary as JSON.")] = False,
) -> None:
    """Run the nightly flow once, now: crawl, load, extract, classify, publish."""
    from pipeline.flows import nightly
    from pipeline.runlock import RunInProgressError
    from pipeline.sources import SourcesFileError
    from pipeline.stages.summary import RunSummary, SourceSummary, paths_line, to_tables
    from pipeline.warehouse import WarehouseLockedError

    try:
        result: dict[str, Any] = nightly(
            home=str(home) if home else None,
            sources_file=str(sources) if sources else None,
            source=source,
            demo_edition=demo_edition,
        )
    except RunInProgressError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from exc
    except (WarehouseLockedError, SourcesFileError) as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(3) from exc
    if as_json:
        print(json.dumps(result, indent=2, default=str))
    summary = RunSummary(**{**result, "sources": [SourceSummary(**s) for s in result["sources"]]})
    if not as_json:
        for table in to_tables(summary):
            console.print(table)
        console.print(
            f"extracted {summary.extracted} posting versions, classified {summary.classified} "
            f"(model {summary.model_version}), {summary.clusters_changed} new cluster ids"
        )
        for line in (s for s in summary.sources if s.status != "complete"):
            console.print(f"[yellow]{line.source_id}: {line.status}: {line.message}[/yellow]")
        console.print(paths_line(Path(summary.warehouse_path), Path(summary.analyst_path)))
    if not summary.ok:
        raise typer.Exit(1)


def build_deployment(cron: str, timezone: str | None, parameters: dict[str, Any]) -> Any:
    """The scheduled Prefect deployment of the nightly flow: one run at a time."""
    from prefect.client.schemas.objects import ConcurrencyLimitConfig, ConcurrencyLimitStrategy
    from prefect.schedules import Cron

    from pipeline.flows import nightly

    return nightly.to_deployment(
        name="nightly",
        schedule=Cron(cron, timezone=timezone),
        concurrency_limit=ConcurrencyLimitConfig(
            limit=1, collision_strategy=ConcurrencyLimitStrategy.CANCEL_NEW
        ),
        parameters=parameters,
        description="rolescope nightly run",
    )


def serve(
    cron: Annotated[
        str | None,
        typer.Option(help="Cron expression (env ROLESCOPE_SCHEDULE, default 02:00 daily)."),
    ] = None,
    timezone: Annotated[
        str | None, typer.Option(help="IANA timezone for the schedule (default: local).")
    ] = None,
    sources: SourcesOption = None,
    home: HomeOption = None,
) -> None:
    """Serve the nightly flow as a Prefect deployment on a cron schedule, never two runs at once."""
    from prefect import serve as prefect_serve

    settings = load_settings()
    schedule = cron or settings.schedule
    parameters = {
        "home": str((home or settings.home).resolve()),
        "sources_file": str(sources) if sources else None,
    }
    deployment = build_deployment(schedule, timezone or settings.timezone, parameters)
    console.print(f"serving rolescope-nightly on schedule [bold]{schedule}[/bold]; Ctrl-C stops")
    prefect_serve(deployment, limit=1)


def register(app: typer.Typer) -> None:
    """Add `run` and `serve` to the CLI."""
    app.command("run")(run)
    app.command("serve")(serve)
