"""Run summary: what each source brought, and the role counts after the run."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from rich.table import Table

from models.types import ROLES


@dataclass(frozen=True)
class SourceSummary:
    """One source's line in the run summary."""

    source_id: str
    status: str
    scraped: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    quarantined: int = 0
    message: str = ""


@dataclass(frozen=True)
class RunSummary:
    """Everything an operator needs to know about one nightly run."""

    run_id: str
    sources: list[SourceSummary]
    extracted: int
    classified: int
    model_version: str | None
    clusters_changed: int
    role_counts: dict[str, int]
    warehouse_path: str
    analyst_path: str
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when no source failed."""
        return all(s.status != "failed" for s in self.sources)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return asdict(self)


_COLUMNS = ("new", "updated", "unchanged", "removed", "quarantined")


def to_markdown(summary: RunSummary) -> str:
    """The summary as a Markdown document (the Prefect artifact)."""
    lines = [
        f"# rolescope run `{summary.run_id}`",
        "",
        "| source | status | scraped | " + " | ".join(_COLUMNS) + " |",
        "|---|---|---:|" + "---:|" * len(_COLUMNS),
    ]
    for s in summary.sources:
        values = " | ".join(str(getattr(s, c)) for c in _COLUMNS)
        lines.append(f"| {s.source_id} | {s.status} | {s.scraped} | {values} |")
    lines += [
        "",
        f"Extracted {summary.extracted} posting versions; classified {summary.classified} "
        f"with model `{summary.model_version}`; {summary.clusters_changed} cluster assignments.",
        "",
        "| role | current postings |",
        "|---|---:|",
    ]
    lines += [f"| {role} | {summary.role_counts.get(role, 0)} |" for role in ROLES]
    killed = summary.extra.get("interrupted_runs") or []
    if killed:
        lines += [
            "",
            "Killed before they finished (their Prefect flow runs are now marked Crashed): "
            + ", ".join(f"`{run}`" for run in killed),
        ]
    lines += ["", f"Analyst copy: `{summary.analyst_path}`"]
    return "\n".join(lines) + "\n"


def to_tables(summary: RunSummary) -> list[Table]:
    """The summary as rich tables for the terminal."""
    sources = Table(title=f"rolescope run {summary.run_id}")
    for column in ("source", "status", "scraped", *_COLUMNS):
        sources.add_column(column, justify="left" if column in ("source", "status") else "right")
    for s in summary.sources:
        style = {"failed": "red", "partial": "yellow", "empty": "yellow"}.get(s.status)
        sources.add_row(
            s.source_id,
            s.status,
            str(s.scraped),
            *(str(getattr(s, c)) for c in _COLUMNS),
            style=style,
        )
    roles = Table(title="current postings by role")
    roles.add_column("role")
    roles.add_column("postings", justify="right")
    for role in ROLES:
        roles.add_row(role, str(summary.role_counts.get(role, 0)))
    return [sources, roles]


def role_counts_query() -> str:
    """SQL counting current (not removed) postings by their label from the active model."""
    return """
        SELECT c.label, count(*)
        FROM postings p
        JOIN classifications c
          ON c.posting_id = p.posting_id AND c.content_hash = p.content_hash
        JOIN model_versions m ON m.model_version = c.model_version AND m.is_active
        WHERE p.removed_at IS NULL
        GROUP BY c.label
    """


def paths_line(warehouse: Path, analyst: Path) -> str:
    """Where the files are, for the operator."""
    return f"warehouse: {warehouse}\nanalyst copy (open this one): {analyst}"
