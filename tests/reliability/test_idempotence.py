"""Same input, same warehouse: a rerun on unchanged sources, a staged batch in any order or
loaded again, a batch holding the same posting twice; and analysts holding the analyst copy
(read-only or read-write) never block a run, even one killed while publishing."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.stages.load import read_staged
from pipeline.warehouse import open_warehouse
from spiders.items import JobPosting, from_staged_line, to_staged_line
from tests.helpers import load_complete_crawl
from tests.reliability.checks import analyst_leftovers
from tests.reliability.conftest import Reference, Site
from tests.reliability.harness import (
    assert_same_code,
    content_rows,
    difference,
    digest,
    run_flow,
)

ANALYST = "rolescope-analyst.duckdb"
_T0 = datetime(2026, 11, 1, 2, 0)
LOAD_TABLES = ("postings", "posting_versions", "quarantine", "sources")


class Holder:
    """A separate process holding a DuckDB file open, answering a query on request."""

    SCRIPT = (
        "import duckdb, sys\n"
        "con = duckdb.connect(sys.argv[1], read_only=sys.argv[2] == 'ro')\n"
        "for _ in sys.stdin:\n"
        "    row = con.execute('SELECT count(*), sum(hash(posting_id, content_hash)) "
        "FROM postings').fetchone()\n"
        "    print(row[0], row[1], flush=True)\n"
    )

    def __init__(self, path: Path, mode: str) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-c", self.SCRIPT, str(path), mode],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def ask(self) -> str:
        """The holder's answer, from the copy it opened."""
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write("?\n")
        self.proc.stdin.flush()
        return self.proc.stdout.readline().strip()

    def close(self) -> None:
        """Let the holder go."""
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        self.proc.wait(timeout=30)


@pytest.mark.e2e
def test_rerun_with_analysts_holding_the_copy_and_a_killed_publish(
    tmp_path: Path, site: Site, prefect_api_url: str, pinned_model: Path, reference: Reference
) -> None:
    home = tmp_path / "home"
    shutil.copytree(reference.home, home)
    copy = home / ANALYST
    reader = Holder(copy, "ro")
    before = reader.ask()
    inode = os.stat(copy).st_ino
    try:
        killed = run_flow(
            home, site.sources, prefect_api_url, model=pinned_model, fault="publish.before_replace"
        )
        assert killed.killed, killed.describe()
        # the half-written copy stayed aside; the published one is untouched and readable
        assert analyst_leftovers(home)
        assert os.stat(copy).st_ino == inode and reader.ask() == before
        assert digest(content_rows(copy)) == digest(reference.analyst_rows)
    finally:
        reader.close()
    writer = Holder(copy, "rw")  # someone opened the analyst copy without read_only
    try:
        assert writer.ask() == before
        rerun = run_flow(home, site.sources, prefect_api_url, model=pinned_model)
        assert rerun.returncode == 0 and rerun.summary is not None, rerun.describe()
        assert writer.ask() == before, "the holder keeps reading the copy it opened"
    finally:
        writer.close()
    summary = rerun.summary
    for source in summary["sources"]:
        assert (source["new"], source["updated"], source["removed"]) == (0, 0, 0)
        assert source["unchanged"] == source["scraped"] > 0
    assert summary["extracted"] == 0 and summary["classified"] == 0
    rows = content_rows(home / "rolescope.duckdb")
    assert_same_code(reference.rows, rows)
    assert digest(rows) == digest(reference.rows), difference(reference.rows, rows)
    assert digest(content_rows(copy)) == digest(reference.analyst_rows)
    assert os.stat(copy).st_ino != inode, "publish swapped a new file in"
    assert analyst_leftovers(home) == []


# -- staged batches: any order, repeated lines, twins, loaded again ----------------------


def _twin(line: str) -> str:
    """The same posting (same key) with other content and an older date: must lose."""
    posting = from_staged_line(line)
    assert isinstance(posting, JobPosting)
    twin = posting.model_copy(
        update={
            "description_text": posting.description_text + "\n(ancienne version)",
            "date_posted": date(2000, 1, 1),
        }
    )
    return to_staged_line(twin)


@pytest.fixture(scope="module")
def staged_lines(reference: Reference) -> dict[str, list[str]]:
    """Each source's staged lines from the reference run, plus a losing twin of 3 postings."""
    out: dict[str, list[str]] = {}
    for path in sorted((reference.home / "staging").glob("*/*.jsonl")):
        lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line]
        postings = [line for line in lines if json.loads(line)["kind"] == "posting"]
        out[path.stem] = lines + [_twin(line) for line in postings[:3]]
    assert set(out) == {"demo-careers", "demo-greenhouse"}
    return out


def _load(folder: Path, batches: dict[str, list[str]], runs: tuple[str, ...]) -> dict[str, str]:
    """Load the batches (one file per source) once per run id; content hashes of the tables."""
    db = folder / "w.duckdb"
    with open_warehouse(db) as store:
        for run_id in runs:
            for source, lines in sorted(batches.items()):
                path = folder / f"{run_id}-{source}.jsonl"
                path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
                batch = read_staged(path, source)
                load_complete_crawl(store, run_id, source, batch.postings, _T0, batch.quarantined)
                again = store.load_batch(
                    run_id, source, batch.postings, batch.quarantined, complete=True, now=_T0
                )
                assert again.skipped, "the same (run, source) batch is never loaded twice"
    found = content_rows(db)
    return {name: digest({name: found[name]})[name][1] for name in LOAD_TABLES}


@pytest.fixture(scope="module")
def canonical(
    staged_lines: dict[str, list[str]], tmp_path_factory: pytest.TempPathFactory
) -> dict[str, str]:
    """The warehouse from loading each staged file once, in its original order."""
    return _load(tmp_path_factory.mktemp("canonical"), staged_lines, ("r1",))


def test_the_older_twin_loses(
    staged_lines: dict[str, list[str]], canonical: dict[str, str], tmp_path: Path
) -> None:
    # the batches with their twins load exactly as the reference run's own batches
    lines = [line for batch in staged_lines.values() for line in batch]
    assert sum("(ancienne version)" in line for line in lines) == 6, "three twins per source"
    originals = {
        source: [line for line in batch if "(ancienne version)" not in line]
        for source, batch in staged_lines.items()
    }
    assert _load(tmp_path, originals, ("r1",)) == canonical


@settings(
    max_examples=int(os.environ.get("ROLESCOPE_IDEMPOTENCE_EXAMPLES", "12")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_a_staged_batch_in_any_order_with_repeats_loaded_again_gives_the_same_warehouse(
    staged_lines: dict[str, list[str]], canonical: dict[str, str], data: st.DataObject
) -> None:
    batches = {}
    for source, lines in staged_lines.items():
        repeats = data.draw(st.lists(st.sampled_from(lines), max_size=10), label=source)
        batches[source] = data.draw(st.permutations(lines + repeats), label=source)
    runs = data.draw(st.sampled_from([("r1",), ("r1", "r2"), ("r1", "r2", "r3")]), label="runs")
    with tempfile.TemporaryDirectory() as folder:
        assert _load(Path(folder), batches, runs) == canonical


def test_a_clusters_representative_does_not_depend_on_which_crawl_finished_first(
    reference: Reference, tmp_path: Path
) -> None:
    """Two sources' crawls of one night finish in either order: the analyst copy is the same."""
    import duckdb

    answers = []
    for name, careers_delay_s in (("careers-first", -5), ("careers-last", 5)):
        home = tmp_path / name
        home.mkdir()
        shutil.copy2(reference.home / "rolescope.duckdb", home / "rolescope.duckdb")
        con = duckdb.connect(str(home / "rolescope.duckdb"))
        con.execute(
            "UPDATE postings SET first_seen = TIMESTAMP '2026-11-20 01:30:00' + to_seconds("
            "CASE WHEN source_id = 'demo-careers' THEN ? ELSE 0 END)",
            [careers_delay_s],
        )
        con.close()
        with open_warehouse(home / "rolescope.duckdb") as store:
            store.publish(home / ANALYST)
        answers.append(content_rows(home / ANALYST))
    shared = duckdb.connect(str(reference.home / "rolescope.duckdb"), read_only=True)
    try:
        (clusters,) = shared.execute(
            "SELECT count(*) FROM (SELECT cluster_id FROM postings GROUP BY cluster_id "
            "HAVING count(DISTINCT source_id) > 1)"
        ).fetchone() or (0,)
    finally:
        shared.close()
    assert clusters > 0, "the demo board has ads listed by both sources"
    assert digest(answers[0]) == digest(answers[1]), difference(answers[0], answers[1])
