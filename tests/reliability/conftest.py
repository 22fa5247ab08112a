"""Fixtures of the reliability tests: the demo board on a fixed address, a pinned model, the
session's Prefect API for flow subprocesses, and one clean reference run."""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.reliability.harness import (
    FlowRun,
    content_rows,
    finish_flow,
    run_flow,
    start_flow,
    write_sources,
)


@dataclass(frozen=True)
class Site:
    """The demo board served by this test process, and a sources file naming it."""

    sources: Path
    base_url: str


@dataclass(frozen=True)
class Reference:
    """One clean nightly run on a fresh home, and a second run refused while it went."""

    home: Path
    run: FlowRun
    rows: dict[str, list[str]]
    analyst_rows: dict[str, list[str]]
    overlap: FlowRun
    overlap_holder: str


@pytest.fixture(scope="session")
def prefect_api_url(prefect_harness: None) -> str:
    """The Prefect test server's API URL, for flows run in subprocesses."""
    from prefect.settings import PREFECT_API_URL

    url = PREFECT_API_URL.value()
    assert url, "the Prefect test harness did not set an API URL"
    return str(url)


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The demo board (edition 1), on one address for the whole session.

    Served here rather than by the flow's ``demo`` source so that every run sees the
    same URLs: the port is part of canonical URLs, raw payloads and source configs.
    """
    from pipeline.demo.server import serve_demo

    with serve_demo(edition=1) as demo:
        path = tmp_path_factory.mktemp("site") / "sources.yaml"
        yield Site(write_sources(path, demo.sitemap_url, demo.greenhouse_api_base), demo.base_url)


@pytest.fixture(scope="session")
def pinned_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the shipped classifier taken once, so all runs score with the same model."""
    from models.classifier import SHIPPED_ARTIFACT, metadata_path

    if not SHIPPED_ARTIFACT.exists():
        pytest.skip(f"no shipped model at {SHIPPED_ARTIFACT}")
    folder = tmp_path_factory.mktemp("model")
    copy = folder / SHIPPED_ARTIFACT.name
    shutil.copy2(SHIPPED_ARTIFACT, copy)
    if metadata_path(SHIPPED_ARTIFACT).exists():
        shutil.copy2(metadata_path(SHIPPED_ARTIFACT), metadata_path(copy))
    return copy


def _lock_holder(home: Path, timeout: float = 60.0) -> str:
    """Wait until a run has taken the run lock; return what the lock file says."""
    lock = home / "nightly.lock"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if lock.exists() and lock.read_text(encoding="utf-8").strip():
            return lock.read_text(encoding="utf-8")
        time.sleep(0.1)
    raise AssertionError(f"no run took {lock} within {timeout}s")


@pytest.fixture(scope="session")
def reference(
    tmp_path_factory: pytest.TempPathFactory, site: Site, prefect_api_url: str, pinned_model: Path
) -> Reference:
    """One clean run on a fresh home; while it runs, a second run on the same home is tried."""
    home = tmp_path_factory.mktemp("reference")
    first = start_flow(home, site.sources, prefect_api_url, model=pinned_model)
    holder = _lock_holder(home)
    overlap = run_flow(home, site.sources, prefect_api_url, model=pinned_model)
    still_running = first.poll() is None
    run = finish_flow(first)
    assert run.returncode == 0 and run.summary is not None, run.describe()
    assert still_running, "the reference run ended before the overlapping run was refused"
    return Reference(
        home=home,
        run=run,
        rows=content_rows(home / "rolescope.duckdb"),
        analyst_rows=content_rows(home / "rolescope-analyst.duckdb"),
        overlap=overlap,
        overlap_holder=holder,
    )
