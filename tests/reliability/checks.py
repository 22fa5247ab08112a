"""What must hold after a run was killed, whatever the point: shared by the crash tests."""

from __future__ import annotations

import json
import time
from pathlib import Path

from pipeline.runlock import exclusive_run
from tests.reliability.harness import assert_same_code, content_rows, processes_mentioning

# Tables whose committed rows must always be rows of the clean run (nothing half-made,
# nothing wrong). Postings are compared without cluster_id, which is NULL until dedup.
SUBSET_TABLES = (
    "posting_versions",
    "extractions",
    "skill_mentions",
    "classifications",
    "model_versions",
    "quarantine",
    "sources",
)


def _without_cluster(rows: list[str]) -> set[str]:
    out = set()
    for line in rows:
        values = json.loads(line)
        values[7] = None  # cluster_id, 8th column of CONTENT_QUERIES["postings"]
        out.add(json.dumps(values))
    return out


def assert_lock_free(home: Path) -> None:
    """The killed run's lock went with it: a new run may start at once."""
    with exclusive_run(home / "nightly.lock", "probe-after-kill"):
        pass


def assert_no_orphans(home: Path, timeout: float = 3.0) -> None:
    """No process (a spider above all) outlives the killed flow while naming its home.

    A crawl of the demo board takes longer than ``timeout`` even on an idle machine, so an
    orphaned spider would still be there; one killed with its parent is gone at once.
    """
    deadline = time.monotonic() + timeout
    while alive := processes_mentioning(str(home)):
        if time.monotonic() > deadline:
            raise AssertionError(f"processes outlived the killed run: {alive}")
        time.sleep(0.2)


def assert_committed_rows_are_clean_rows(
    home: Path, reference: dict[str, list[str]]
) -> dict[str, list[str]]:
    """Every row the killed run left is a row the clean run has; returns the rows found."""
    db = home / "rolescope.duckdb"
    if not db.exists():
        return {}
    found = content_rows(db)
    assert_same_code(reference, found)
    for table in SUBSET_TABLES:
        extra = set(found.get(table, [])) - set(reference[table])
        assert not extra, f"{table}: rows the clean run does not have: {sorted(extra)[:2]}"
    extra = _without_cluster(found.get("postings", [])) - _without_cluster(reference["postings"])
    assert not extra, f"postings: rows the clean run does not have: {sorted(extra)[:2]}"
    return found


def assert_killed_safely(home: Path, reference: dict[str, list[str]]) -> dict[str, list[str]]:
    """The checks every kill gets: no orphans, lock free, warehouse readable and clean."""
    assert_no_orphans(home)
    assert_lock_free(home)
    return assert_committed_rows_are_clean_rows(home, reference)


def analyst_leftovers(home: Path) -> list[Path]:
    """Half-written analyst copies (``.rolescope-analyst.duckdb.<pid>.tmp*``)."""
    return sorted(home.glob(".rolescope-analyst.duckdb.*.tmp*"))
