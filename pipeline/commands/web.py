"""`rolescope web`: the local page where a recruiter pastes an ad and reads its audit."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

HOST = "127.0.0.1"


def web(
    port: Annotated[
        int, typer.Option("--port", help="Port on 127.0.0.1.", min=1, max=65535)
    ] = 8000,
    model: Annotated[
        Path | None,
        typer.Option(
            "--model",
            help="Classifier artifact (.skops) to use (default: the model active in the "
            "analyst copy, else the one shipped with rolescope).",
        ),
    ] = None,
) -> None:
    """Serve the audit page on http://127.0.0.1:PORT (this computer only)."""
    import uvicorn

    from pipeline.audit.runner import ModelUnavailableError, active_model_path, shared_auditor
    from pipeline.config import load_settings
    from pipeline.web.app import create_app

    console = Console(stderr=True)
    auditor = shared_auditor(model or active_model_path(load_settings().analyst_path))
    try:
        auditor.warm_up()
    except ModelUnavailableError as exc:
        console.print(f"Cannot start the audit page: {exc}", markup=False, highlight=False)
        raise typer.Exit(3) from exc
    console.print(f"rolescope audit page on http://{HOST}:{port}/ (Ctrl+C to stop)", markup=False)
    uvicorn.run(
        create_app(auditor),
        host=HOST,
        port=port,
        log_level="warning",
        proxy_headers=False,
        server_header=False,
    )


def register(app: typer.Typer) -> None:
    """Add `web` to the CLI."""
    app.command("web")(web)
