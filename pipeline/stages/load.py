"""Load stage: read a staged batch and hand it to the warehouse in one transaction."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from spiders.items import JobPosting, QuarantineRecord, from_staged_line


@dataclass(frozen=True)
class StagedBatch:
    """The records of one staged JSONL file."""

    postings: list[JobPosting]
    quarantined: list[QuarantineRecord]


def read_staged(path: Path, source_id: str) -> StagedBatch:
    """Parse a staged JSONL file; unreadable lines become quarantine records, never errors."""
    postings: list[JobPosting] = []
    quarantined: list[QuarantineRecord] = []
    with path.open(encoding="utf-8", errors="replace") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                record = from_staged_line(line)
            except (ValueError, KeyError, TypeError, ValidationError) as exc:
                quarantined.append(
                    QuarantineRecord(
                        source=source_id,
                        url=None,
                        reason=f"staged line {number} unreadable: {str(exc).splitlines()[0][:300]}",
                        raw_payload=line[:100_000],
                    )
                )
                continue
            if isinstance(record, JobPosting):
                postings.append(record)
            else:
                quarantined.append(record)
    return StagedBatch(postings, quarantined)
