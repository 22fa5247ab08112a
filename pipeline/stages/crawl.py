"""Crawl stage: one Scrapy subprocess per source, judged by its stats, staged atomically."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

CrawlStatus = Literal["complete", "partial", "empty", "failed"]

# Scrapy closes with these when a limit, not an error, ended the crawl early.
_EARLY_STOP_REASONS = {"closespider_timeout", "closespider_itemcount", "closespider_pagecount"}


@dataclass(frozen=True)
class CrawlOutcome:
    """What one source's crawl produced and how it went."""

    source_id: str
    status: CrawlStatus
    started_at: datetime
    finished_at: datetime
    finish_reason: str | None
    items_scraped: int
    errors: int
    staged_path: Path | None
    stats: dict[str, Any] = field(default_factory=dict)
    message: str = ""

    @property
    def removals_allowed(self) -> bool:
        """Only a complete crawl that found postings may mark absent postings removed."""
        return self.status == "complete"


def count_errors(stats: dict[str, Any]) -> int:
    """Errors a crawl logged or raised, from Scrapy's stats."""
    errors = int(stats.get("log_count/ERROR", 0))
    errors += sum(int(v) for k, v in stats.items() if k.startswith("spider_exceptions/"))
    return errors


def judge_crawl(stats: dict[str, Any]) -> tuple[CrawlStatus, str]:
    """Decide a crawl's status from Scrapy's final stats (never from its exit code)."""
    reason = stats.get("finish_reason")
    postings = int(stats.get("rolescope/postings", stats.get("item_scraped_count", 0)))
    errors = count_errors(stats)
    if reason is None:
        return "failed", "the crawler stopped before Scrapy finished (no finish_reason)"
    if reason != "finished" and reason not in _EARLY_STOP_REASONS:
        return "failed", f"Scrapy closed the spider with finish_reason={reason!r}"
    if postings == 0:
        if errors:
            return "failed", f"no postings and {errors} error(s)"
        return "empty", "the source listed no postings; nothing will be marked removed"
    if errors or reason != "finished":
        return "partial", f"{postings} postings, {errors} error(s), finish_reason={reason!r}"
    return "complete", f"{postings} postings"


def _fsync_replace(tmp: Path, final: Path) -> None:
    with open(tmp, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(tmp, final)
    directory = os.open(final.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


def staged_path(staging_dir: Path, run_id: str, source_id: str) -> Path:
    """Where a run's staged batch for one source lives once complete."""
    return staging_dir / run_id / f"{source_id}.jsonl"


def run_crawl(
    spider_config: dict[str, Any],
    *,
    staging_dir: Path,
    run_id: str,
    timeout_s: float = 3600.0,
    extra_settings: dict[str, str] | None = None,
) -> CrawlOutcome:
    """Crawl one source in a subprocess and stage its items atomically.

    The spider writes to a ``.part`` file; only after the process has exited
    and its stats are read is the file renamed to its final name, so a killed
    crawl never leaves a staged batch that looks whole.
    """
    source_id = spider_config["name"]
    final = staged_path(staging_dir, run_id, source_id)
    final.parent.mkdir(parents=True, exist_ok=True)
    part = final.with_name(f".{final.name}.part")
    stats_path = final.with_name(f"{source_id}.stats.json")
    part.unlink(missing_ok=True)
    stats_path.unlink(missing_ok=True)
    command = [
        sys.executable,
        "-m",
        "spiders.run",
        "--source-json",
        json.dumps(spider_config),
        "--items",
        str(part),
        "--stats",
        str(stats_path),
    ]
    for key, value in (extra_settings or {}).items():
        command += ["--setting", f"{key}={value}"]
    started = datetime.now(UTC)
    try:
        proc = subprocess.run(command, capture_output=True, text=True, timeout=timeout_s)
        stderr_tail = proc.stderr[-2000:]
        returncode: int | None = proc.returncode
    except subprocess.TimeoutExpired:
        stderr_tail, returncode = f"crawl exceeded {timeout_s:.0f}s and was killed", None
    finished = datetime.now(UTC)
    stats: dict[str, Any] = {}
    if stats_path.exists():
        stats = json.loads(stats_path.read_text(encoding="utf-8"))
    if returncode not in (0, None) and not stats:
        return CrawlOutcome(
            source_id,
            "failed",
            started,
            finished,
            None,
            0,
            1,
            None,
            {},
            f"crawler exited {returncode}: {stderr_tail.strip()[-500:]}",
        )
    status, message = judge_crawl(stats) if stats else ("failed", stderr_tail.strip()[-500:])
    staged: Path | None = None
    if part.exists():
        _fsync_replace(part, final)
        staged = final
    return CrawlOutcome(
        source_id=source_id,
        status=status,
        started_at=started,
        finished_at=finished,
        finish_reason=stats.get("finish_reason"),
        items_scraped=int(stats.get("rolescope/postings", stats.get("item_scraped_count", 0))),
        errors=count_errors(stats),
        staged_path=staged,
        stats=stats,
        message=message,
    )
