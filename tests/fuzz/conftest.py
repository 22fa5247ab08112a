"""Report how many generated cases the fuzz tests ran (and fail below the required minimum)."""

from __future__ import annotations

import pytest

from tests.fuzz.budget import MIN_CASES, TALLY


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Cases per property test and in all."""
    if not TALLY:
        return
    terminalreporter.section("fuzz cases")
    for name, n in sorted(TALLY.items()):
        terminalreporter.write_line(f"{n:8d}  {name}")
    terminalreporter.write_line(f"{sum(TALLY.values()):8d}  in all")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """With ``ROLESCOPE_FUZZ_MIN_CASES`` set, too few generated cases fail the run."""
    if MIN_CASES and sum(TALLY.values()) < MIN_CASES:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
        print(f"\nfuzz: only {sum(TALLY.values())} generated cases, {MIN_CASES} required")
