"""No overlap, no blocking: a second nightly run while one is going is refused at once with
a message naming the running one, and leaves no trace; a stage that finds the warehouse held
by another process retries a bounded number of times, then fails naming the holder.

(Lower-level checks already in the suite: tests/unit/test_sources_and_lock.py for the run
lock, including its release when the holder is SIGKILLed; tests/unit/test_warehouse.py for
``connect``'s bounded retries; tests/unit/test_sql_command.py for analysts reading the copy.)
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import pipeline.warehouse as wh
from pipeline.stages.dedup import cluster_postings
from tests.reliability.conftest import Reference
from tests.reliability.harness import count


@pytest.mark.e2e
def test_a_second_run_is_refused_with_a_clear_message_and_leaves_no_trace(
    reference: Reference,
) -> None:
    holder = json.loads(reference.overlap_holder)
    refused = reference.overlap
    assert refused.returncode != 0 and refused.summary is None
    assert "another rolescope run is in progress" in refused.stderr
    assert holder["run_id"] in refused.stderr and f'"pid": {holder["pid"]}' in refused.stderr
    assert reference.run.summary is not None
    assert reference.run.summary["run_id"] == holder["run_id"]
    runs = [p.name for p in (reference.home / "staging").iterdir()]
    assert runs == [holder["run_id"]], "the refused run staged nothing"
    db = reference.home / "rolescope.duckdb"
    assert count(db, "SELECT count(DISTINCT run_id) FROM crawl_runs") == 1


def test_a_stage_facing_a_held_warehouse_retries_then_names_the_holder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "rolescope.duckdb"
    wh.open_warehouse(path).close()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import duckdb, time; c = duckdb.connect({str(path)!r}); print('ready', flush=True); "
            "time.sleep(60)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    waits: list[float] = []
    monkeypatch.setattr(wh.time, "sleep", waits.append)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        with pytest.raises(wh.WarehouseLockedError) as error:
            cluster_postings(path)  # the dedup stage, opening the warehouse as the flow does
    finally:
        holder.kill()
        holder.wait()
    assert waits == [1.0, 2.0, 4.0, 8.0, 16.0], "bounded: five waits, doubling"
    message = str(error.value)
    assert f"PID {holder.pid}" in message and "gave up after 6 attempts" in message
    assert cluster_postings(path) == 0, "once the holder is gone the stage runs"
