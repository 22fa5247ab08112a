"""Warehouse load benchmark: the batch upsert (``Warehouse.load_batch``) vs row-by-row INSERT.

Both load the same synthetic postings into fresh warehouses: ours registers each
source's batch as NumPy columns and upserts it set-based in one transaction;
the baseline runs one ``INSERT`` per posting version and one upserting
``INSERT ... ON CONFLICT`` per posting, also in one transaction per source (one
commit per row would only make it slower). The baseline runs on a sample
(``--sample``) of parsed postings, ours on the same sample; then the flow's whole load
stage (``load_outcome``: reading the staged files included) on every posting, and on a
reload of the same files (every posting unchanged: what most nights look like, and
where the stage skips reading the postings it holds unchanged).

    .venv/bin/python -m benchmarks.bench_load [--postings 10000] [--sample 2000]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks.synthetic import synthetic_postings
from pipeline.stages.crawl import CrawlOutcome
from pipeline.stages.load import load_outcome
from pipeline.warehouse import LoadCounts, open_warehouse
from spiders.items import JobPosting, to_staged_line

NOW = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)


def stage_postings(folder: Path, count: int, seed: int = 7, start: int = 0) -> dict[str, Path]:
    """Write ads ``start``..``start + count - 1`` as staged JSONL, one file per source."""
    folder.mkdir(parents=True, exist_ok=True)
    handles: dict[str, Any] = {}
    paths: dict[str, Path] = {}
    try:
        for ad in synthetic_postings(count, seed=seed, start=start):
            source = ad.posting.source
            if source not in handles:
                paths[source] = folder / f"{source}.jsonl"
                handles[source] = paths[source].open("w", encoding="utf-8")
            handles[source].write(to_staged_line(ad.posting) + "\n")
    finally:
        for handle in handles.values():
            handle.close()
    return dict(sorted(paths.items()))


def load_sources(
    warehouse: Path, batches: Mapping[str, Sequence[JobPosting]], run_id: str, now: datetime = NOW
) -> LoadCounts:
    """Record a crawl per source and load its batch with ``load_batch``; summed counts."""
    totals = {"scraped": 0, "new": 0, "updated": 0, "unchanged": 0, "removed": 0}
    with open_warehouse(warehouse) as store:
        for source, postings in batches.items():
            store.register_source(source, "jsonld", {"benchmark": True})
            store.record_crawl(
                run_id,
                source,
                started_at=now,
                finished_at=now,
                status="complete",
                finish_reason="finished",
                items_scraped=len(postings),
                errors=0,
                stats={},
            )
            counts = store.load_batch(run_id, source, postings, [], complete=True, now=now)
            for field in totals:
                totals[field] += getattr(counts, field)
    return LoadCounts(
        scraped=totals["scraped"],
        new=totals["new"],
        updated=totals["updated"],
        unchanged=totals["unchanged"],
        removed=totals["removed"],
    )


def load_staged(
    warehouse: Path, staged: Mapping[str, Path], run_id: str
) -> tuple[LoadCounts, float]:
    """Load staged files one source at a time through the flow's load stage
    (``load_outcome``: read the file, skip what is stored unchanged, upsert the rest).

    Returns the summed counts and the seconds spent, reading the files included.
    """
    totals = {"scraped": 0, "new": 0, "updated": 0, "unchanged": 0, "removed": 0}
    started = time.perf_counter()
    with open_warehouse(warehouse) as store:
        for source, path in staged.items():
            outcome = CrawlOutcome(
                source_id=source,
                status="complete",
                started_at=NOW,
                finished_at=NOW,
                finish_reason="finished",
                items_scraped=0,
                errors=0,
                staged_path=path,
            )
            summary = load_outcome(store, run_id, "jsonld", {"benchmark": True}, outcome)
            for field in totals:
                totals[field] += getattr(summary, field)
    seconds = time.perf_counter() - started
    summed = LoadCounts(
        scraped=totals["scraped"],
        new=totals["new"],
        updated=totals["updated"],
        unchanged=totals["unchanged"],
        removed=totals["removed"],
    )
    return summed, seconds


_NAIVE_VERSION = """INSERT INTO posting_versions (posting_id, content_hash, first_seen, run_id,
    raw_hash, title, description_html, description_text, record)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING"""
_NAIVE_POSTING = """INSERT INTO postings (posting_id, source_id, external_id, canonical_url,
    first_seen, last_seen, content_hash, version_count, title, company, city, region, country,
    language, date_posted, valid_through, employment_type, salary_min, salary_max,
    salary_currency, salary_period, rome_code, company_size)
    VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (posting_id) DO UPDATE SET last_seen = excluded.last_seen"""


def naive_load(warehouse: Path, batches: Mapping[str, Sequence[JobPosting]], run_id: str) -> int:
    """The baseline: one INSERT per posting version and per posting."""
    rows = 0
    with open_warehouse(warehouse) as store:
        for postings in batches.values():
            with store.transaction() as con:
                for p in postings:
                    key, content = p.posting_key, p.content_hash
                    con.execute(
                        _NAIVE_VERSION,
                        [
                            key,
                            content,
                            NOW,
                            run_id,
                            p.raw_hash,
                            p.title,
                            p.description_html,
                            p.description_text,
                            p.model_dump_json(),
                        ],
                    )
                    salary = p.salary
                    con.execute(
                        _NAIVE_POSTING,
                        [
                            key,
                            p.source,
                            p.external_id,
                            p.canonical_url,
                            NOW,
                            NOW,
                            content,
                            p.title,
                            p.company,
                            p.location.city,
                            p.location.region,
                            p.location.country,
                            p.language,
                            p.date_posted,
                            p.valid_through,
                            p.employment_type,
                            salary.min if salary else None,
                            salary.max if salary else None,
                            salary.currency if salary else None,
                            salary.period if salary else None,
                            p.rome_code,
                            p.company_size,
                        ],
                    )
                    rows += 1
    return rows


def _by_source(postings: Iterable[JobPosting]) -> dict[str, list[JobPosting]]:
    out: dict[str, list[JobPosting]] = defaultdict(list)
    for p in postings:
        out[p.source].append(p)
    return dict(sorted(out.items()))


def measure(postings: int, sample: int, folder: Path, seed: int = 7) -> dict[str, Any]:
    """Load figures for ``postings`` synthetic ads (baseline on the first ``sample``)."""
    started = time.perf_counter()
    staged = stage_postings(folder / "staged", postings, seed=seed)
    generate_s = time.perf_counter() - started
    sampled = _by_source(
        p for ad in synthetic_postings(min(sample, postings), seed=seed) for p in [ad.posting]
    )
    n_sample = sum(len(b) for b in sampled.values())

    started = time.perf_counter()
    naive_rows = naive_load(folder / "naive.duckdb", sampled, "run-naive")
    naive_s = time.perf_counter() - started
    started = time.perf_counter()
    load_sources(folder / "ours-sample.duckdb", sampled, "run-sample")
    ours_sample_s = time.perf_counter() - started

    first, ours_s = load_staged(folder / "ours.duckdb", staged, "run-1")
    again, reload_s = load_staged(folder / "ours.duckdb", staged, "run-2")
    return {
        "postings": postings,
        "sample": n_sample,
        "generate_s": generate_s,
        "naive_rows_per_s": naive_rows / naive_s,
        "ours_sample_rows_per_s": n_sample / ours_sample_s,
        "ratio": (n_sample / ours_sample_s) / (naive_rows / naive_s),
        "ours_rows_per_s": postings / ours_s,
        "ours_s": ours_s,
        "new": first.new,
        "reload_rows_per_s": postings / reload_s,
        "reload_unchanged": again.unchanged,
    }


def main() -> None:
    """Run and print the figures as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postings", type=int, default=10_000)
    parser.add_argument("--sample", type=int, default=2_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-load-") as folder:
        print(json.dumps(measure(args.postings, args.sample, Path(folder)), indent=2))


if __name__ == "__main__":
    main()
