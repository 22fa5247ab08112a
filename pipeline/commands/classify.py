"""``rolescope classify | eval | label | train``: the role classifier from the command line."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from models.evaluation.classifier_metrics import Report
from models.types import ROLES

console = Console()
err_console = Console(stderr=True)

ModelOption = Annotated[
    Path | None, typer.Option("--model", help="Model artifact (.skops); default: the shipped one.")
]


def _load(model_path: Path | None) -> Any:
    from models.classifier import load_model

    try:
        return load_model(model_path)
    except FileNotFoundError as exc:
        err_console.print(f"[red]{exc}[/red]")
        raise typer.Exit(code=2) from exc


def _report_table(title: str, report: Report) -> Table:
    table = Table(title=title, title_justify="left")
    table.add_column("label")
    for col in ("precision", "recall", "F1", "support"):
        table.add_column(col, justify="right")
    for label in ROLES:
        s = report.per_class[label]
        mark = "" if label in report.macro_labels else " *"
        table.add_row(
            label + mark, f"{s.precision:.3f}", f"{s.recall:.3f}", f"{s.f1:.3f}", str(s.support)
        )
    table.caption = (
        f"macro-F1 {report.macro_f1:.3f} over {', '.join(report.macro_labels)}"
        f" (labels with >= 5 examples; * = left out) · accuracy {report.accuracy:.3f}"
    )
    return table


def _confusion_table(title: str, report: Report) -> Table:
    table = Table(title=title, title_justify="left")
    table.add_column("gold \\ predicted")
    for label in ROLES:
        table.add_column(label[:18], justify="right")
    for gold in ROLES:
        table.add_row(gold, *(str(report.confusion[gold][p]) for p in ROLES))
    return table


def classify_command(
    input_path: Annotated[
        Path, typer.Option("--input", "-i", help="JSONL lines: id, title, description.")
    ],
    output_path: Annotated[Path, typer.Option("--output", "-o", help="JSONL written here.")],
    model_path: ModelOption = None,
    batch_size: Annotated[int, typer.Option("--batch-size", min=1)] = 256,
) -> None:
    """Label every posting of a JSONL file (offline); bad lines become error lines."""
    from models.evaluation.classifier_eval import (
        classify_lines,
        default_extract,
        prediction_record,
        read_lines,
    )
    from pipeline.progress import progress_bar

    if not input_path.exists():
        err_console.print(f"[red]no such file: {input_path}[/red]")
        raise typer.Exit(code=2)
    model = _load(model_path)
    extract, extractor_version = default_extract()
    lines = list(read_lines(input_path))
    counts = dict.fromkeys(ROLES, 0)
    errors = low = mismatches = 0
    output_path.parent.mkdir(parents=True, exist_ok=True)
    with (
        output_path.open("w", encoding="utf-8") as out,
        progress_bar("classifying", len(lines)) as bar,
    ):
        for item, pred, error in classify_lines(
            model,
            lines,
            extract,
            batch_size=batch_size,
            on_batch=lambda n: bar.advance(bar.task_ids[0], n),
        ):
            if pred is None:
                errors += 1
                record: dict[str, Any] = {
                    "id": item.raw_id,
                    "line": item.line_no,
                    "error": error or "unknown error",
                }
            else:
                record = prediction_record(pred)
                counts[pred.label] += 1
                low += pred.low_confidence
                mismatches += pred.title_mismatch
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    table = Table(title=f"{len(lines)} lines -> {output_path}", title_justify="left")
    table.add_column("label")
    table.add_column("postings", justify="right")
    for label in ROLES:
        table.add_row(label, str(counts[label]))
    table.add_row("[red]errors[/red]", str(errors))
    table.caption = (
        f"model {model.version} · extractor {extractor_version or 'unavailable'} · "
        f"{low} low-confidence · {mismatches} title/content mismatches"
    )
    console.print(table)


def eval_command(
    data: Annotated[
        Path, typer.Option("--data", help="Labelled JSONL (id, title, description, label).")
    ],
    model_path: ModelOption = None,
    json_out: Annotated[
        Path | None, typer.Option("--json", help="Also write the figures here.")
    ] = None,
) -> None:
    """Per-class P/R/F1, macro-F1 and confusion matrix, next to the title-keyword baseline."""
    from models.evaluation.classifier_eval import default_extract, evaluate_lines, read_lines

    if not data.exists():
        console.print(f"eval: {data} not found, nothing to evaluate")
        raise typer.Exit(code=0)
    model = _load(model_path)
    extract, extractor_version = default_extract()
    lines = list(read_lines(data))
    result = evaluate_lines(model, lines, extract)
    console.print(f"[bold]{data}[/bold]: {result.n_lines} lines, {len(result.errors)} not scored")
    console.print(_report_table(f"model {model.version}", result.model))
    console.print(_report_table("title-keyword baseline", result.baseline))
    console.print(
        f"macro-F1 model {result.model.macro_f1:.3f} vs baseline {result.baseline.macro_f1:.3f}"
        f" (difference {result.model.macro_f1 - result.baseline.macro_f1:+.3f});"
        f" model log-loss {result.log_loss:.3f}"
    )
    if result.interval is not None:
        ci = result.interval
        console.print(
            f"{ci.level:.0%} bootstrap intervals ({ci.rounds:,} resamples of the ads, paired):"
            f" model {ci.model[0]:.3f}-{ci.model[1]:.3f},"
            f" baseline {ci.baseline[0]:.3f}-{ci.baseline[1]:.3f},"
            f" difference {ci.difference[0]:+.3f} to {ci.difference[1]:+.3f}"
        )
    console.print(_confusion_table("confusion, model", result.model))
    console.print(_confusion_table("confusion, title-keyword baseline", result.baseline))
    strat = Table(title="strategist examples (gold or predicted)", title_justify="left")
    for col in ("id", "gold", "predicted", "p(strategist)", "title says"):
        strat.add_column(col)
    for row in result.strategist_rows:
        strat.add_row(
            row["id"],
            row["gold"],
            row["predicted"],
            f"{row['p_strategist']:.3f}",
            str(row["title_label"]),
        )
    console.print(strat)
    for line_no, reason in result.errors[:20]:
        console.print(f"[yellow]line {line_no}: {reason}[/yellow]")
    if json_out is not None:
        json_out.write_text(
            json.dumps(
                {
                    "data": str(data),
                    "model_version": model.version,
                    "extractor_version": extractor_version,
                    "model": result.model.as_dict(),
                    "baseline": result.baseline.as_dict(),
                    "log_loss": round(result.log_loss, 4),
                    "bootstrap": result.interval.as_dict() if result.interval else None,
                    "errors": result.errors,
                    "strategist": result.strategist_rows,
                },
                indent=2,
            ),
            encoding="utf-8",
        )


def label_command(
    posting_id: Annotated[str, typer.Argument(help="Posting id in the warehouse.")],
    label: Annotated[str, typer.Argument(help=f"One of: {', '.join(ROLES)}.")],
    by: Annotated[str | None, typer.Option("--by", help="Who is labelling.")] = None,
    note: Annotated[str | None, typer.Option("--note", help="Why.")] = None,
) -> None:
    """Record a person's label for a posting (used by ``rolescope train``)."""
    from pipeline.config import load_settings
    from pipeline.warehouse import open_warehouse

    if label not in ROLES:
        err_console.print(f"[red]unknown label {label!r}; expected one of {', '.join(ROLES)}[/red]")
        raise typer.Exit(code=2)
    settings = load_settings()
    with open_warehouse(settings.warehouse_path) as store:
        try:
            label_id = store.record_label(
                posting_id, label, labelled_by=by, note=note, now=datetime.now(UTC)
            )
        except KeyError as exc:
            err_console.print(f"[red]{exc.args[0]}[/red]")
            raise typer.Exit(code=1) from exc
    console.print(f"recorded {label} for {posting_id} ({label_id})")


def _weak_labels(store: Any) -> list[tuple[Any, str]]:
    """Postings whose France Travail ROME code implies a role (noisy, down-weighted)."""
    from models.codes import codes_for
    from models.types import PostingText

    rome_to_role: dict[str, str] = {}
    for role in ("community_manager", "social_media_manager"):
        code = codes_for(role)["rome_code"]
        if code:
            rome_to_role.setdefault(code, role)
    if not rome_to_role:
        return []
    marks = ", ".join("?" for _ in rome_to_role)
    rows = store.query(
        f"""SELECT p.posting_id, p.title, v.description_text, p.language, p.company, p.rome_code
            FROM postings p JOIN posting_versions v
              ON v.posting_id = p.posting_id AND v.content_hash = p.content_hash
            WHERE p.rome_code IN ({marks}) AND p.removed_at IS NULL
              AND NOT EXISTS (SELECT 1 FROM labels l WHERE l.posting_id = p.posting_id)""",
        list(rome_to_role),
    )
    return [
        (
            PostingText(posting_id=r[0], title=r[1], description=r[2], language=r[3], company=r[4]),
            rome_to_role[r[5]],
        )
        for r in rows
    ]


def train_command(
    weak_labels: Annotated[
        bool,
        typer.Option("--weak-labels", help="Also learn (down-weighted) from ROME-coded postings."),
    ] = False,
    copies: Annotated[
        int, typer.Option("--copies", min=0, help="Noisy copies per training posting.")
    ] = 3,
) -> None:
    """Retrain from the written corpus + recorded labels; register only if not worse."""
    from models.classifier import load_model, save_model
    from models.evaluation.classifier_eval import default_extract
    from models.training import load_corpus
    from models.training.train import (
        compare,
        corpus_examples,
        person_examples,
        train,
        weak_examples,
    )
    from pipeline.config import load_settings
    from pipeline.warehouse import open_warehouse

    settings = load_settings()
    examples = corpus_examples(load_corpus())
    with open_warehouse(settings.warehouse_path) as store:
        people = person_examples(store.labelled_postings())
        weak = weak_examples(_weak_labels(store)) if weak_labels else []
        active = store.active_model()
    examples += people + weak
    console.print(
        f"training on {len(examples)} postings: "
        f"{len(examples) - len(people) - len(weak)} written, {len(people)} labelled by people, "
        f"{len(weak)} weak"
    )
    extract, extractor_version = default_extract()
    started = datetime.now(UTC)
    result = train(
        examples, extract, copies=copies, extra_metadata={"extractor_version": extractor_version}
    )
    seconds = (datetime.now(UTC) - started).total_seconds()
    if result.heldout is not None:
        console.print(_report_table("held-out written postings", result.heldout))
    if result.people is not None:
        console.print(_report_table("held-out people's labels", result.people))
    incumbent = None
    if active is not None and Path(active[1]).exists():
        incumbent = load_model(Path(active[1]))
    else:
        try:
            incumbent = load_model(None)
        except FileNotFoundError:
            incumbent = None
    activate, why = compare(result, incumbent, examples, extract)
    model = result.model
    artifact = settings.models_dir / f"{model.version}.skops"
    save_model(model, artifact)
    meta = model.metadata
    with open_warehouse(settings.warehouse_path) as store:
        store.register_model(
            model.version,
            artifact_path=str(artifact.resolve()),
            created_at=datetime.fromisoformat(meta["created_at"]),
            training_data_hash=meta.get("training_data_hash"),
            sklearn_version=meta.get("sklearn_version"),
            metrics=meta.get("metrics", {}),
            metadata={k: v for k, v in meta.items() if k != "metrics"},
            activate=activate,
        )
    console.print(f"saved {artifact} ({artifact.stat().st_size // 1024} KiB, {seconds:.0f} s)")
    verdict = "registered as ACTIVE" if activate else "registered, NOT activated"
    console.print(f"[bold]{model.version}: {verdict}[/bold] — {why}")


def register(app: typer.Typer) -> None:
    """Add classify, eval, label and train to the CLI."""
    app.command("classify")(classify_command)
    app.command("eval")(eval_command)
    app.command("label")(label_command)
    app.command("train")(train_command)
