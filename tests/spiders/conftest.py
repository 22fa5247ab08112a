"""Shared helpers for spider tests: a mock server per test and a subprocess crawl runner."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from spiders.items import JobPosting, QuarantineRecord, from_staged_line
from tests.spiders.mockserver import MockServer

REPO = Path(__file__).resolve().parents[2]
CONTACT = "mailto:crawler-tests@rolescope.example"
# Tests run against loopback: no throttling, short backoff; robots.txt still obeyed.
FAST = [
    "AUTOTHROTTLE_ENABLED=False",
    "DOWNLOAD_DELAY=0",
    "RETRY_BACKOFF_BASE=0.05",
    "LOG_LEVEL=INFO",
]


@dataclass
class Crawl:
    """What one ``python -m spiders.run`` produced."""

    returncode: int
    stdout: str
    stderr: str
    stats: dict[str, Any]
    records: list[JobPosting | QuarantineRecord]
    items_path: Path

    @property
    def postings(self) -> list[JobPosting]:
        """The postings, in output order."""
        return [r for r in self.records if isinstance(r, JobPosting)]

    @property
    def quarantined(self) -> list[QuarantineRecord]:
        """The quarantine records, in output order."""
        return [r for r in self.records if isinstance(r, QuarantineRecord)]

    def by_title(self) -> dict[str, JobPosting]:
        """Postings keyed by title."""
        return {p.title: p for p in self.postings}


def run_crawl(
    source: dict[str, Any],
    workdir: Path,
    *settings: str,
    env: dict[str, str] | None = None,
    httpcache: Path | None = None,
    fast: bool = True,
) -> Crawl:
    """Run one crawl in a subprocess (Scrapy's reactor cannot restart in-process)."""
    workdir.mkdir(parents=True, exist_ok=True)
    items, stats = workdir / "items.jsonl", workdir / "stats.json"
    command = [sys.executable, "-m", "spiders.run", "--source-json", json.dumps(source)]
    command += ["--items", str(items), "--stats", str(stats)]
    if httpcache is not None:
        command += ["--httpcache", str(httpcache)]
    for setting in [*(FAST if fast else []), *settings]:
        command += ["--setting", setting]
    full_env = {**os.environ, "ROLESCOPE_CONTACT": CONTACT, **(env or {})}
    proc = subprocess.run(
        command, cwd=REPO, env=full_env, capture_output=True, text=True, timeout=180, check=False
    )
    loaded = json.loads(stats.read_text(encoding="utf-8")) if stats.exists() else {}
    records = []
    if items.exists():
        records = [from_staged_line(line) for line in items.read_text("utf-8").splitlines() if line]
    return Crawl(proc.returncode, proc.stdout, proc.stderr, loaded, records, items)


@pytest.fixture
def server() -> Iterator[MockServer]:
    """A fresh loopback server for one test."""
    with MockServer() as mock:
        yield mock
