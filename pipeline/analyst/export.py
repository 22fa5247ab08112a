"""Parquet export of the analyst views, partitioned by month, for other tools.

Each dataset lands in ``<dir>/<dataset>/month=YYYY-MM/*.parquet`` (Hive partitioning, read
back with ``read_parquet('<dir>/<dataset>/*/*.parquet', hive_partitioning = true)``). A
dataset is written next to its final place and moved in when complete, so a reader never
sees half an export of it.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

# dataset name -> the view it is read from (each has a posting_month column)
DATASETS: dict[str, str] = {
    "postings": "labelled_postings",
    "distinct_ads": "distinct_ads",
    "mentions": "posting_mentions",
}


@dataclass(frozen=True)
class ExportedDataset:
    """One exported dataset: where, how many rows, which months."""

    name: str
    view: str
    path: str
    rows: int
    months: list[str]


def export_dataset(
    con: duckdb.DuckDBPyConnection, name: str, view: str, output_dir: Path
) -> ExportedDataset:
    """Write one view as Parquet partitioned by month into ``output_dir/name``."""
    final = output_dir / name
    staging = output_dir / f".{name}.{os.getpid()}.tmp"
    shutil.rmtree(staging, ignore_errors=True)
    select = f"SELECT *, strftime(posting_month, '%Y-%m') AS month FROM {view}"
    quoted = str(staging).replace("'", "''")
    row = con.execute(
        f"COPY ({select}) TO '{quoted}' (FORMAT parquet, PARTITION_BY (month))"
    ).fetchone()
    rows = int(row[0]) if row else 0
    if rows == 0:
        staging.mkdir(parents=True, exist_ok=True)
    months = sorted(p.name.removeprefix("month=") for p in staging.glob("month=*"))
    if final.exists():
        shutil.rmtree(final)
    staging.rename(final)
    return ExportedDataset(name, view, str(final), rows, months)


def export_all(con: duckdb.DuckDBPyConnection, output_dir: Path) -> list[ExportedDataset]:
    """Export every dataset and write ``manifest.json`` describing them."""
    output_dir.mkdir(parents=True, exist_ok=True)
    exported = [export_dataset(con, name, view, output_dir) for name, view in DATASETS.items()]
    manifest = {
        "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "partitioning": "hive, month=YYYY-MM (posting_month)",
        "datasets": [asdict(d) for d in exported],
    }
    (output_dir / "manifest.json").write_text(
        json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return exported
