"""``rolescope extract``: run the spaCy extractor over a JSONL file and report counts."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from models.extract_report import ExtractionSummary, mention_record
from models.types import Extraction, PostingText

console = Console()
err_console = Console(stderr=True)


def read_postings(path: Path, problems: list[str]) -> Iterator[PostingText]:
    """Postings of a JSONL file (id, title, description; language and company optional).

    Lines that are not JSON objects with an id are skipped and described in ``problems``.
    """
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                row: Any = json.loads(line)
            except json.JSONDecodeError as error:
                problems.append(f"line {number}: invalid JSON ({error.msg})")
                continue
            if not isinstance(row, dict) or not str(row.get("id") or "").strip():
                problems.append(f"line {number}: no id")
                continue
            yield PostingText(
                posting_id=str(row["id"]),
                title=str(row.get("title") or ""),
                description=str(row.get("description") or ""),
                language=row.get("language") if isinstance(row.get("language"), str) else None,
                company=row.get("company") if isinstance(row.get("company"), str) else None,
            )


def _count_lines(path: Path) -> int:
    with path.open(encoding="utf-8") as handle:
        return sum(1 for line in handle if line.strip())


def _status_table(summary: ExtractionSummary) -> Table:
    table = Table(title=f"{summary.postings} postings", title_justify="left")
    table.add_column("status")
    table.add_column("postings", justify="right")
    for status, count in summary.statuses.most_common():
        table.add_row(status, str(count))
    for language, count in summary.languages.most_common():
        table.add_row(f"  language {language}", str(count))
    return table


def _family_table(summary: ExtractionSummary) -> Table:
    table = Table(title="Mentions per family", title_justify="left")
    for column in ("kind", "family"):
        table.add_column(column)
    for column in ("mentions", "postings"):
        table.add_column(column, justify="right")
    for (kind, family), count in sorted(summary.mentions_by_family.items()):
        table.add_row(kind, family, str(count), str(summary.postings_by_family[(kind, family)]))
    return table


def _ref_table(summary: ExtractionSummary, kinds: tuple[str, ...], limit: int) -> Table:
    table = Table(title=f"Mentions per {' / '.join(kinds)}", title_justify="left")
    for column in ("id", "family"):
        table.add_column(column)
    for column in ("mentions", "postings"):
        table.add_column(column, justify="right")
    rows = [(key, n) for key, n in summary.mentions_by_ref.items() if key[0] in kinds]
    rows.sort(key=lambda row: (-summary.postings_by_ref[row[0]], row[0][2]))
    for (kind, family, ref_id), count in rows[:limit]:
        table.add_row(
            ref_id, family, str(count), str(summary.postings_by_ref[(kind, family, ref_id)])
        )
    if len(rows) > limit:
        table.caption = f"{len(rows) - limit} more not shown (--top)"
    return table


def extract_command(
    input_path: Annotated[
        Path, typer.Option("--input", "-i", help="JSONL lines with id, title, description.")
    ],
    output_path: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write one JSON line per mention here.")
    ] = None,
    batch_size: Annotated[int, typer.Option("--batch-size", min=1)] = 64,
    processes: Annotated[int, typer.Option("--processes", min=1, help="Worker processes.")] = 1,
    top: Annotated[int, typer.Option("--top", min=1, help="Rows per id table.")] = 60,
) -> None:
    """Extract criteria, skills and signals from every posting; print counts per id and family."""
    from models.extract import default_extractor
    from models.extract_report import ExtractionSummary
    from pipeline.progress import progress_bar

    if not input_path.is_file():
        err_console.print(f"[red]No such file: {input_path}[/red]")
        raise typer.Exit(code=2)
    extractor = default_extractor()
    problems: list[str] = []
    summary = ExtractionSummary()
    out = output_path.open("w", encoding="utf-8") if output_path is not None else None
    try:
        with progress_bar("extracting", _count_lines(input_path)) as bar:
            postings = read_postings(input_path, problems)
            for extraction in extractor.extract_many(postings, batch_size, processes):
                summary.add(extraction)
                if out is not None:
                    _write_mentions(out, extraction, extractor.version)
                bar.advance(bar.task_ids[0], 1)
    finally:
        if out is not None:
            out.close()
    console.print(_status_table(summary))
    console.print(_family_table(summary))
    console.print(_ref_table(summary, ("criterion", "red_flag"), top))
    console.print(_ref_table(summary, ("signal",), top))
    console.print(_ref_table(summary, ("skill",), top))
    for problem in problems:
        err_console.print(f"[yellow]skipped {problem}[/yellow]")
    console.print(f"extractor version {extractor.version}")


def _write_mentions(out: Any, extraction: Extraction, version: str) -> None:
    for mention in extraction.mentions:
        record = mention_record(extraction.posting_id, mention, version)
        out.write(json.dumps(record, ensure_ascii=False) + "\n")


def register(app: typer.Typer) -> None:
    """Add ``rolescope extract`` to the CLI."""
    app.command("extract")(extract_command)
