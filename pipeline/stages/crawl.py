"""Crawl stage: one Scrapy subprocess per source, judged by its stats, staged atomically."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from pipeline.faults import fault_point
from pipeline.sources import public_config

CrawlStatus = Literal["complete", "partial", "empty", "failed"]

# Listening sockets stay off whatever a source's `settings:` say: these go last on the
# command line, and command-line settings outrank per-source ones in spiders.run.
FORCED_SETTINGS = {"TELNETCONSOLE_ENABLED": "False", "REMOTE_CONTROL_ENABLED": "False"}

# The spider runs under this bootstrap so that it dies with the flow process: a run
# killed mid-crawl must not leave an orphan crawler hitting the site (Linux prctl;
# elsewhere the spider just runs). The parent's pid comes first on the command line.
_SPIDER_BOOTSTRAP = """
import ctypes, os, runpy, signal, sys
parent = int(sys.argv.pop(1))
try:
    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
except (OSError, AttributeError):
    pass
if os.getppid() != parent:
    sys.exit(137)
sys.argv[0] = "spiders.run"
runpy.run_module("spiders.run", run_name="__main__", alter_sys=True)
"""

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

    def to_manifest(self, source_type: str, config: dict[str, Any]) -> dict[str, Any]:
        """JSON form written next to a staged batch (stats stay in their own file)."""
        return {
            "source_id": self.source_id,
            "source_type": source_type,
            "config": config,
            "status": self.status,
            "started_at": self.started_at.isoformat(),
            "finished_at": self.finished_at.isoformat(),
            "finish_reason": self.finish_reason,
            "items_scraped": self.items_scraped,
            "errors": self.errors,
            "message": self.message,
        }

    @classmethod
    def from_manifest(
        cls, manifest: dict[str, Any], staged: Path, stats: dict[str, Any]
    ) -> CrawlOutcome:
        """The outcome of an earlier run's crawl, read back from its manifest."""
        return cls(
            source_id=manifest["source_id"],
            status=manifest["status"],
            started_at=datetime.fromisoformat(manifest["started_at"]),
            finished_at=datetime.fromisoformat(manifest["finished_at"]),
            finish_reason=manifest["finish_reason"],
            items_scraped=int(manifest["items_scraped"]),
            errors=int(manifest["errors"]),
            staged_path=staged,
            stats=stats,
            message=manifest["message"],
        )


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


def _write_json_atomically(path: Path, data: dict[str, Any]) -> None:
    tmp = path.with_name(f".{path.name}.part")
    tmp.write_text(json.dumps(data, sort_keys=True, indent=1) + "\n", encoding="utf-8")
    _fsync_replace(tmp, path)


def staged_path(staging_dir: Path, run_id: str, source_id: str) -> Path:
    """Where a run's staged batch for one source lives once complete."""
    return staging_dir / run_id / f"{source_id}.jsonl"


def manifest_path(staged: Path) -> Path:
    """The outcome manifest of a staged batch: written before the batch gets its final name."""
    return staged.with_name(f"{staged.stem}.outcome.json")


def stats_path_of(staged: Path) -> Path:
    """Scrapy's final stats of the crawl that produced a staged batch."""
    return staged.with_name(f"{staged.stem}.stats.json")


def spider_command(
    spider_config: dict[str, Any], items: Path, stats: Path, extra_settings: dict[str, str]
) -> list[str]:
    """The command line of one crawl: ``spiders.run`` under the die-with-parent bootstrap."""
    command = [
        sys.executable,
        "-c",
        _SPIDER_BOOTSTRAP,
        str(os.getpid()),
        "--source-json",
        json.dumps(spider_config),
        "--items",
        str(items),
        "--stats",
        str(stats),
    ]
    for key, value in {**extra_settings, **FORCED_SETTINGS}.items():
        command += ["--setting", f"{key}={value}"]
    return command


def _run_spider(command: list[str], timeout_s: float) -> tuple[str, int | None]:
    """Run the spider; (stderr tail, exit status or None when it was killed for time)."""
    with subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    ) as proc:
        fault_point("crawl.spider_running")
        try:
            _, stderr = proc.communicate(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
            return f"crawl exceeded {timeout_s:.0f}s and was killed", None
    return stderr[-2000:], proc.returncode


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
    and its stats are read is the outcome manifest written and then the file
    renamed to its final name, so a killed crawl never leaves a staged batch
    that looks whole, and every whole batch has its manifest (a later run
    loads it if this one dies before doing so: see ``load.recover_leftovers``).
    """
    source_id = spider_config["name"]
    final = staged_path(staging_dir, run_id, source_id)
    final.parent.mkdir(parents=True, exist_ok=True)
    part = final.with_name(f".{final.name}.part")
    stats_path = stats_path_of(final)
    part.unlink(missing_ok=True)
    stats_path.unlink(missing_ok=True)
    command = spider_command(spider_config, part, stats_path, extra_settings or {})
    started = datetime.now(UTC)
    stderr_tail, returncode = _run_spider(command, timeout_s)
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
    outcome = CrawlOutcome(
        source_id=source_id,
        status=status,
        started_at=started,
        finished_at=finished,
        finish_reason=stats.get("finish_reason"),
        items_scraped=int(stats.get("rolescope/postings", stats.get("item_scraped_count", 0))),
        errors=count_errors(stats),
        staged_path=None,
        stats=stats,
        message=message,
    )
    if not part.exists():
        return outcome
    fault_point("crawl.before_stage")
    manifest = outcome.to_manifest(spider_config["type"], public_config(spider_config))
    _write_json_atomically(manifest_path(final), manifest)
    _fsync_replace(part, final)
    fault_point("crawl.after_stage")
    return replace(outcome, staged_path=final)
