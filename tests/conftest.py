"""Shared fixtures: one Prefect test server per session, only for tests that ask for it."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"
DEV_SET = SHARED / "data" / "dev.jsonl"

os.environ.setdefault("SCRAPY_CHECK_UPDATES", "false")


@pytest.fixture(scope="session")
def prefect_harness() -> Iterator[None]:
    """A throwaway Prefect API for flows run in tests (its server takes ~14 s to start)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture
def dev_set() -> Path:
    """The real labelled dev set, or skip when ../shared is absent."""
    if not DEV_SET.exists():
        pytest.skip(f"{DEV_SET} not available")
    return DEV_SET
