"""Load stage: read a staged batch and hand it to the warehouse in one transaction;
load the whole batches that interrupted runs left behind."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from pipeline.faults import fault_point
from pipeline.stages.crawl import CrawlOutcome, stats_path_of
from pipeline.stages.summary import SourceSummary
from pipeline.warehouse import ABANDONED, Warehouse, open_warehouse
from spiders.items import JobPosting, QuarantineRecord, from_staged_line, staged_identity

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class StagedBatch:
    """The records of one staged JSONL file: the postings read in full, the keys of those
    left unread because the warehouse holds them unchanged, and the quarantined lines."""

    postings: list[JobPosting]
    quarantined: list[QuarantineRecord]
    unchanged: list[str] = field(default_factory=list)


def read_staged(path: Path, source_id: str, stored: Mapping[str, str] | None = None) -> StagedBatch:
    """Parse a staged JSONL file; unreadable lines become quarantine records, never errors.

    ``stored``: posting key -> current content hash of the postings the warehouse holds for
    this source. A line that declares one of those keys with the same hash (see
    ``staged_identity``) is only counted as seen, not parsed: on a nightly rerun that is
    nearly every line. A key the file holds more than once is always parsed, so the
    warehouse picks the winner among full records.
    """
    stored = stored or {}
    postings: list[JobPosting] = []
    quarantined: list[QuarantineRecord] = []
    unchanged: dict[str, int] = {}  # key -> its line number
    reparse: set[int] = set()
    for number, line in _lines(path):
        identity = staged_identity(line)
        if identity is not None and stored.get(identity[0]) == identity[1]:
            if identity[0] in unchanged:
                reparse |= {unchanged[identity[0]], number}
            else:
                unchanged[identity[0]] = number
            continue
        _parse_into(line, number, source_id, postings, quarantined)
    reparse |= {unchanged[p.posting_key] for p in postings if p.posting_key in unchanged}
    if reparse:
        for number, line in _lines(path):
            if number in reparse:
                _parse_into(line, number, source_id, postings, quarantined)
    skipped = sorted(key for key, number in unchanged.items() if number not in reparse)
    return StagedBatch(postings, quarantined, skipped)


def _lines(path: Path) -> Iterator[tuple[int, str]]:
    with path.open(encoding="utf-8", errors="replace") as handle:
        for number, line in enumerate(handle, start=1):
            if line.strip():
                yield number, line


def _parse_into(
    line: str,
    number: int,
    source_id: str,
    postings: list[JobPosting],
    quarantined: list[QuarantineRecord],
) -> None:
    try:
        record = from_staged_line(line)
    except (ValueError, KeyError, TypeError, ValidationError, RecursionError) as exc:
        problem = (str(exc).splitlines() or [type(exc).__name__])[0][:300]
        quarantined.append(
            QuarantineRecord(
                source=source_id,
                url=None,
                reason=f"staged line {number} unreadable: {problem}",
                raw_payload=line[:100_000],
            )
        )
        return
    if isinstance(record, JobPosting):
        postings.append(record)
    else:
        quarantined.append(record)


def load_outcome(
    store: Warehouse,
    run_id: str,
    source_type: str,
    config: dict[str, Any],
    outcome: CrawlOutcome,
    *,
    record: bool = True,
    note: str = "",
) -> SourceSummary:
    """Record one crawl (unless ``record`` is False) and load its staged batch, if any.

    The crawl row and the batch commit separately: a run killed between the two
    leaves a recorded, unloaded crawl whose staged batch the next run loads.
    """
    source_id = outcome.source_id
    message = f"{note}{outcome.message}"
    store.register_source(source_id, source_type, config)
    if record:
        _record(store, run_id, outcome)
    fault_point("load.after_record")
    if outcome.staged_path is None:
        return SourceSummary(source_id, outcome.status, message=message)
    batch = read_staged(outcome.staged_path, source_id, store.current_hashes(source_id))
    counts = store.load_batch(
        run_id,
        source_id,
        batch.postings,
        batch.quarantined,
        complete=outcome.removals_allowed,
        now=outcome.finished_at,
        unchanged=batch.unchanged,
    )
    fault_point("load.after_commit")
    return SourceSummary(
        source_id,
        outcome.status,
        scraped=counts.scraped,
        new=counts.new,
        updated=counts.updated,
        unchanged=counts.unchanged,
        removed=counts.removed,
        quarantined=counts.quarantined,
        message=message,
    )


@dataclass(frozen=True)
class Leftover:
    """A whole staged batch of an earlier run, with the outcome manifest written before it."""

    run_id: str
    staged: Path
    manifest: dict[str, Any]

    @property
    def source_id(self) -> str:
        """The source the batch came from."""
        return str(self.manifest["source_id"])


def find_leftovers(staging_dir: Path, current_run_id: str) -> list[Leftover]:
    """Whole staged batches of other runs, oldest run first.

    Only files under their final name count (a ``.part`` file is an
    interrupted crawl and is never loaded); each has a manifest, because
    ``run_crawl`` writes the manifest before it renames the batch.
    """
    found: list[Leftover] = []
    if not staging_dir.is_dir():
        return found
    for run_dir in sorted(p for p in staging_dir.iterdir() if p.is_dir()):
        if run_dir.name == current_run_id:
            continue
        for manifest_file in sorted(run_dir.glob("*.outcome.json")):
            staged = run_dir / manifest_file.name.replace(".outcome.json", ".jsonl")
            if not staged.exists():
                continue
            try:
                manifest = json.loads(manifest_file.read_text(encoding="utf-8"))
            except (OSError, ValueError) as error:
                logger.warning("skipping unreadable manifest %s: %s", manifest_file, error)
                continue
            found.append(Leftover(run_dir.name, staged, manifest))
    return found


def recover_leftovers(
    warehouse_path: Path, staging_dir: Path, current_run_id: str
) -> list[SourceSummary]:
    """Load the staged batches that earlier, interrupted runs never loaded.

    A run killed after a crawl was staged (or recorded) but before its batch
    committed leaves a whole batch behind. The next run loads it first, under
    the interrupted run's id and crawl time, so nothing crawled is lost and
    the history keeps its order. A leftover is abandoned instead (its crawl
    row gets status ``abandoned``) when a later run already loaded a batch of
    the same source: loading it would roll the source back in time.
    """
    leftovers = find_leftovers(staging_dir, current_run_id)
    if not leftovers:
        return []
    summaries: list[SourceSummary] = []
    with open_warehouse(warehouse_path) as store:
        settled = store.settled_crawls()
        for leftover in leftovers:
            run_id, source_id = leftover.run_id, leftover.source_id
            if (run_id, source_id) in settled:
                continue
            stats_file = stats_path_of(leftover.staged)
            stats = json.loads(stats_file.read_text("utf-8")) if stats_file.exists() else {}
            outcome = CrawlOutcome.from_manifest(leftover.manifest, leftover.staged, stats)
            recorded = store.crawl_state(run_id, source_id) is not None
            later = store.loaded_after(source_id, run_id)
            if later is not None:
                if not recorded:
                    _record(store, run_id, outcome)
                store.abandon_crawl(run_id, source_id)
                summaries.append(
                    SourceSummary(
                        leftover_label(source_id, run_id),
                        ABANDONED,
                        message=f"staged batch of interrupted run {run_id} not loaded: "
                        f"run {later} already loaded a newer batch",
                    )
                )
                continue
            loaded = load_outcome(
                store,
                run_id,
                str(leftover.manifest["source_type"]),
                dict(leftover.manifest["config"]),
                outcome,
                record=not recorded,
                note=f"loaded the staged batch of interrupted run {run_id}: ",
            )
            summaries.append(replace(loaded, source_id=leftover_label(source_id, run_id)))
    return summaries


def leftover_label(source_id: str, run_id: str) -> str:
    """How a leftover batch shows in the run summary: its source and the run that crawled it."""
    return f"{source_id} (leftover of run {run_id})"


def _record(store: Warehouse, run_id: str, outcome: CrawlOutcome) -> None:
    store.record_crawl(
        run_id,
        outcome.source_id,
        started_at=outcome.started_at,
        finished_at=outcome.finished_at,
        status=outcome.status,
        finish_reason=outcome.finish_reason,
        items_scraped=outcome.items_scraped,
        errors=outcome.errors,
        stats=outcome.stats,
    )
