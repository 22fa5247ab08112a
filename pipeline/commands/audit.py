"""`rolescope audit`: does a job ad describe the role its title claims?"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

FORMATS = ("terminal", "markdown", "html", "json")
LANGS = ("fr", "en")


def audit(
    source: Annotated[
        str | None,
        typer.Argument(
            help="The ad: a text or HTML file, or '-' for standard input.",
            show_default=False,
        ),
    ] = None,
    posting_id: Annotated[
        str | None, typer.Option("--id", help="A posting id in the analyst copy.")
    ] = None,
    url: Annotated[
        str | None, typer.Option("--url", help="Fetch the ad once from this http(s) URL.")
    ] = None,
    title: Annotated[
        str | None,
        typer.Option(
            "--title",
            help='The declared job title, e.g. "Community Manager" (default: the ad\'s title, '
            "or the first line of a text file).",
        ),
    ] = None,
    fmt: Annotated[
        str, typer.Option("--format", "-f", help="terminal, markdown, html or json.")
    ] = "terminal",
    lang: Annotated[
        str | None,
        typer.Option("--lang", help="Report language, fr or en (default: the ad's language)."),
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the report to this file.")
    ] = None,
    home: Annotated[
        Path | None,
        typer.Option("--home", help="rolescope home for --id (env ROLESCOPE_HOME, default ./var)."),
    ] = None,
    model: Annotated[
        Path | None,
        typer.Option(
            "--model",
            help="Classifier artifact (.skops) to use (default: the model active in the "
            "analyst copy, else the one shipped with rolescope).",
        ),
    ] = None,
) -> None:
    """Audit a job ad: the role it really describes, with evidence from the ad and the articles.

    Examples: `rolescope audit my_ad.txt --title "Community Manager"`,
    `pbpaste | rolescope audit - --format markdown`, `rolescope audit --id <posting id>`.
    """
    from pipeline.audit import inputs
    from pipeline.audit.render import build_view, render_terminal, render_text
    from pipeline.audit.runner import ModelUnavailableError, active_model_path, shared_auditor
    from pipeline.config import load_settings

    err = Console(stderr=True)
    if fmt not in FORMATS:
        err.print(f"--format must be one of {', '.join(FORMATS)}, not {fmt!r}.", markup=False)
        raise typer.Exit(2)
    if lang is not None and lang not in LANGS:
        err.print(f"--lang must be fr or en, not {lang!r}.", markup=False)
        raise typer.Exit(2)
    chosen = [x for x in (source, posting_id, url) if x]
    if len(chosen) != 1:
        err.print("Give exactly one ad: a FILE (or '-' for standard input), --id or --url.")
        raise typer.Exit(2)
    settings = load_settings()
    if home is not None:
        settings = settings.with_overrides(home=home.resolve())
    try:
        if url:
            ad = inputs.from_url(url, title=title)
        elif posting_id:
            ad = inputs.from_warehouse(posting_id, settings.analyst_path, title=title)
        elif source == "-":
            data = sys.stdin.buffer.read(inputs.MAX_TEXT_BYTES + 1)
            ad = inputs.from_bytes(data, title=title, origin="stdin")
        else:
            ad = inputs.from_file(Path(str(source)), title=title)
        auditor = shared_auditor(model or active_model_path(settings.analyst_path))
        report = auditor.audit(ad, lang=lang)
    except inputs.InputError as exc:
        err.print(str(exc), markup=False, highlight=False)
        raise typer.Exit(1) from exc
    except ModelUnavailableError as exc:
        err.print(f"Cannot audit: {exc}", markup=False, highlight=False)
        raise typer.Exit(3) from exc
    view = build_view(report, lang)
    if output is not None:
        output.write_text(render_text(view, fmt), encoding="utf-8")
        err.print(f"Report written to {output}", markup=False, highlight=False)
    elif fmt == "terminal":
        render_terminal(view, Console())
    else:
        sys.stdout.write(render_text(view, fmt))


def register(app: typer.Typer) -> None:
    """Add `audit` to the CLI."""
    app.command("audit")(audit)
