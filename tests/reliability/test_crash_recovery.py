"""SIGKILL the real nightly flow at every fault point, rerun, and compare with one clean run.

Two ways to run the same fault points (pipeline/faults.py):

* ``test_crash_chain``: one home, one run killed at each point in stage order, each run
  recovering what the previous kill left; after every kill the state is checked (what must
  be there, what must have been rolled back, plus ``assert_killed_safely``), and a final
  clean run must give the clean run's warehouse and analyst copy, row for row. In CI the
  chain kills at one or two points per stage (``CI_POINTS``: crawl, staging, load, dedup,
  extraction, classification, publishing); with ``ROLESCOPE_CRASH_MATRIX=full``
  (``make crash``) at every point.
* ``test_crash_at_one_point_then_rerun`` (full matrix only): each point from a fresh home,
  killed once, then rerun and compared with the clean run.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from uuid import UUID

import pytest

from pipeline.faults import FAULT_POINTS
from tests.reliability.checks import (
    analyst_leftovers,
    assert_killed_safely,
)
from tests.reliability.conftest import Reference, Site
from tests.reliability.harness import (
    CONTENT_QUERIES,
    REPO,
    WAREHOUSE_DERIVED,
    FlowRun,
    assert_same_code,
    content_rows,
    count,
    difference,
    digest,
    run_flow,
    uncompared_tables,
    unsettled_batches,
)

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

FULL_MATRIX = os.environ.get("ROLESCOPE_CRASH_MATRIX") == "full"
DB = "rolescope.duckdb"
ANALYST = "rolescope-analyst.duckdb"


CI_POINTS = (
    "crawl.spider_running",
    "crawl.after_stage",
    "load.after_record",
    "load.before_commit",
    "dedup.before_commit",
    "extract.before_commit",
    "classify.before_commit",
    "publish.before_replace",
)


@dataclass
class Chain:
    """What the chain test carries from one kill to the next."""

    home: Path
    reference: Reference
    runs: dict[str, str]  # fault point -> id of the run killed there

    @property
    def current(self) -> str:
        """The run killed last."""
        return list(self.runs.values())[-1]

    @property
    def leftover_run(self) -> str:
        """The run that staged a batch and died before recording it."""
        return self.runs["crawl.after_stage"]

    @property
    def db(self) -> Path:
        """The warehouse file."""
        return self.home / DB

    def final_batches(self, run_id: str) -> list[Path]:
        """Whole staged batches of one run."""
        return sorted((self.home / "staging" / run_id).glob("*.jsonl"))

    def crawl_rows(self) -> list[tuple[str, str, bool]]:
        """(run_id, source_id, loaded) of every recorded crawl."""
        import duckdb

        con = duckdb.connect(str(self.db), read_only=True)
        try:
            return [
                (r[0], r[1], bool(r[2]))
                for r in con.execute(
                    "SELECT run_id, source_id, loaded_at IS NOT NULL FROM crawl_runs ORDER BY 1, 2"
                ).fetchall()
            ]
        finally:
            con.close()


def _run_id(home: Path) -> str:
    text = (home / "nightly.lock").read_text(encoding="utf-8")
    match = re.search(r'"run_id": "([^"]+)"', text)
    assert match, text
    return match.group(1)


def _flow_run_id(home: Path) -> str:
    record = json.loads((home / "nightly.lock").read_text(encoding="utf-8"))
    return str(record["flow_run_id"])


def _prefect_state(flow_run_id: str) -> str:
    """The state Prefect's API gives the flow run (the test server of the session)."""
    from prefect.client.orchestration import get_client

    with get_client(sync_client=True) as client:
        state = client.read_flow_run(UUID(flow_run_id)).state
    return state.type.value if state else "NONE"


def _table(found: dict[str, list[str]], name: str) -> list[str]:
    return found.get(name, [])


# -- what each kill must leave (chain order) -------------------------------------------


def after_spider_running(chain: Chain, found: dict[str, list[str]]) -> None:
    run = chain.current
    assert chain.final_batches(run) == [], "a crawl killed mid-way must stage nothing"
    stats = list((chain.home / "staging" / run).glob("*.stats.json"))
    assert stats == [], "no spider lived on to finish its crawl"
    assert not chain.db.exists(), "nothing to load, so nothing may have opened the warehouse"


def after_before_stage(chain: Chain, found: dict[str, list[str]]) -> None:
    run = chain.current
    parts = list((chain.home / "staging" / run).glob(".*.jsonl.part"))
    assert parts, "the spider's output was written to a .part file"
    assert chain.final_batches(run) == [], "an unjudged crawl never gets its final name"


def after_after_stage(chain: Chain, found: dict[str, list[str]]) -> None:
    run = chain.current
    staged = chain.final_batches(run)
    assert len(staged) == 1, staged
    assert staged[0].with_name(staged[0].stem + ".outcome.json").exists()
    assert not chain.db.exists(), "the staged batch is not recorded yet"


def after_load_after_record(chain: Chain, found: dict[str, list[str]]) -> None:
    left_by = chain.leftover_run
    # the leftover of the previous kill is recorded (under its own run id) before anything
    # of this run happens: this run has not even started crawling
    assert [(r, loaded) for r, _, loaded in chain.crawl_rows()] == [(left_by, False)]
    assert not (chain.home / "staging" / chain.current).exists()
    assert _table(found, "postings") == []


def after_load_before_commit(chain: Chain, found: dict[str, list[str]]) -> None:
    assert [(r, loaded) for r, _, loaded in chain.crawl_rows()] == [(chain.leftover_run, False)]
    for table in ("postings", "posting_versions", "quarantine"):
        assert _table(found, table) == [], f"{table} was not rolled back"


def after_load_after_commit(chain: Chain, found: dict[str, list[str]]) -> None:
    [(run, source, loaded)] = chain.crawl_rows()
    assert (run, loaded) == (chain.leftover_run, True)
    postings = _table(found, "postings")
    assert postings and all(f'"{source}"' in row for row in postings)
    assert count(chain.db, "SELECT count(*) FROM postings WHERE cluster_id IS NOT NULL") == 0


def after_dedup_before_commit(chain: Chain, found: dict[str, list[str]]) -> None:
    run = chain.current
    assert [loaded for r, _, loaded in chain.crawl_rows() if r == run] == [True, True]
    assert len(_table(found, "postings")) == len(chain.reference.rows["postings"])
    assert count(chain.db, "SELECT count(*) FROM postings WHERE cluster_id IS NOT NULL") == 0


def after_classify_after_register(chain: Chain, found: dict[str, list[str]]) -> None:
    # the extraction pass registers the model before its first chunk
    assert _table(found, "postings") == chain.reference.rows["postings"], "clusters committed"
    assert _table(found, "model_versions") == chain.reference.rows["model_versions"]
    assert _table(found, "extractions") == [] and _table(found, "classifications") == []


def after_extract_before_commit(chain: Chain, found: dict[str, list[str]]) -> None:
    assert _table(found, "postings") == chain.reference.rows["postings"], "clusters committed"
    assert _table(found, "extractions") == [] and _table(found, "skill_mentions") == []
    assert _table(found, "classifications") == []


def after_extract_after_commit(chain: Chain, found: dict[str, list[str]]) -> None:
    extractions = _table(found, "extractions")
    assert extractions, "one chunk of extractions committed"
    assert len(extractions) < len(chain.reference.rows["extractions"]), "only one chunk"
    assert _table(found, "classifications") == [], "its predictions were not committed"
    assert _table(found, "model_versions") == chain.reference.rows["model_versions"]


def after_classify_before_commit(chain: Chain, found: dict[str, list[str]]) -> None:
    assert _table(found, "model_versions") == chain.reference.rows["model_versions"]
    assert _table(found, "classifications") == [], "predictions were not rolled back"


def after_publish_before_replace(chain: Chain, found: dict[str, list[str]]) -> None:
    assert digest(found) == digest(chain.reference.rows), difference(chain.reference.rows, found)
    assert not (chain.home / ANALYST).exists(), "a half-published copy must not be visible"
    assert analyst_leftovers(chain.home), "the killed publish left its temporary file"


def after_publish_after_replace(chain: Chain, found: dict[str, list[str]]) -> None:
    analyst = content_rows(chain.home / ANALYST)
    assert digest(analyst) == digest(chain.reference.analyst_rows)
    assert analyst_leftovers(chain.home) == [], "the earlier killed publish's file was cleared"


CHAIN: list[tuple[str, Callable[[Chain, dict[str, list[str]]], None]]] = [
    ("crawl.spider_running", after_spider_running),
    ("crawl.before_stage", after_before_stage),
    ("crawl.after_stage", after_after_stage),
    ("load.after_record", after_load_after_record),
    ("load.before_commit", after_load_before_commit),
    ("load.after_commit", after_load_after_commit),
    ("dedup.before_commit", after_dedup_before_commit),
    ("classify.after_register", after_classify_after_register),
    ("extract.before_commit", after_extract_before_commit),
    ("extract.after_commit", after_extract_after_commit),
    ("classify.before_commit", after_classify_before_commit),
    ("publish.before_replace", after_publish_before_replace),
    ("publish.after_replace", after_publish_after_replace),
]


def _assert_same_as_reference(home: Path, reference: Reference, run: FlowRun) -> None:
    assert run.returncode == 0 and run.summary is not None, run.describe()
    rows = content_rows(home / DB)
    assert_same_code(reference.rows, rows)
    assert digest(rows) == digest(reference.rows), difference(reference.rows, rows)
    analyst = content_rows(home / ANALYST)
    assert digest(analyst) == digest(reference.analyst_rows), difference(
        reference.analyst_rows, analyst
    )
    assert unsettled_batches(home) == []
    assert analyst_leftovers(home) == []


def _kill(home: Path, site: Site, api_url: str, model: Path, point: str) -> FlowRun:
    run = run_flow(home, site.sources, api_url, model=model, fault=point)
    assert run.killed, f"the run was not killed at {point}:\n{run.describe()}"
    assert f"SIGKILL at {point}" in run.stderr
    return run


def test_every_fault_point_is_placed_and_in_the_chain() -> None:
    placed = set()
    for path in (REPO / "pipeline").rglob("*.py"):
        placed |= set(re.findall(r'fault_point\("([\w.]+)"\)', path.read_text(encoding="utf-8")))
    assert placed == set(FAULT_POINTS)
    assert [point for point, _ in CHAIN] == list(FAULT_POINTS)
    assert set(CI_POINTS) <= set(FAULT_POINTS)
    stages = {point.split(".")[0] for point in CI_POINTS}
    assert stages == {"crawl", "load", "dedup", "extract", "classify", "publish"}


def test_reference_run_is_complete(reference: Reference) -> None:
    summary = reference.run.summary
    assert summary is not None
    assert {s["status"] for s in summary["sources"]} == {"complete"}
    assert len(reference.rows["postings"]) >= 80
    assert len(reference.rows["classifications"]) == len(reference.rows["postings"])
    assert reference.rows["quarantine"], "the demo board's broken JSON-LD page is quarantined"
    assert unsettled_batches(reference.home) == []
    # every table is compared: none missing (a renamed table would compare as absent in both)
    # and none unknown (a new table must be compared or named bookkeeping in the harness)
    assert set(reference.rows) == set(CONTENT_QUERIES) | set(WAREHOUSE_DERIVED)
    assert uncompared_tables(reference.home / DB) == []
    assert uncompared_tables(reference.home / ANALYST) == []
    derived = {name.split(".")[0] for name in reference.analyst_rows if "." in name}
    assert derived == {"snapshot", "search"}, sorted(reference.analyst_rows)
    assert reference.analyst_rows["search.terms"], "the search index is built"
    assert reference.analyst_rows["snapshot.distinct_ads"], "the views are evaluated"


def test_crash_chain(
    tmp_path: Path, site: Site, prefect_api_url: str, pinned_model: Path, reference: Reference
) -> None:
    chain = Chain(tmp_path / "home", reference, {})
    killed_flow_runs = []
    for point, check in CHAIN:
        if not FULL_MATRIX and point not in CI_POINTS:
            continue
        _kill(chain.home, site, prefect_api_url, pinned_model, point)
        chain.runs[point] = _run_id(chain.home)
        killed_flow_runs.append(_flow_run_id(chain.home))
        found = assert_killed_safely(chain.home, reference.rows)
        check(chain, found)
    final = run_flow(chain.home, site.sources, prefect_api_url, model=pinned_model)
    _assert_same_as_reference(chain.home, reference, final)
    # SIGKILL left each killed run's flow run "Running" in Prefect; the next run marked it
    assert {_prefect_state(f) for f in killed_flow_runs} == {"CRASHED"}
    assert final.summary is not None
    assert final.summary["extra"]["interrupted_runs"] == [list(chain.runs.values())[-1]]


@pytest.mark.skipif(not FULL_MATRIX, reason="full matrix: make crash")
@pytest.mark.parametrize("point", FAULT_POINTS)
def test_crash_at_one_point_then_rerun(
    tmp_path: Path,
    site: Site,
    prefect_api_url: str,
    pinned_model: Path,
    reference: Reference,
    point: str,
) -> None:
    home = tmp_path / "home"
    killed = _kill(home, site, prefect_api_url, pinned_model, point)
    killed_run, killed_flow_run = _run_id(home), _flow_run_id(home)
    assert _prefect_state(killed_flow_run) == "RUNNING"  # what SIGKILL leaves in Prefect
    assert_killed_safely(home, reference.rows)
    rerun = run_flow(home, site.sources, prefect_api_url, model=pinned_model)
    _assert_same_as_reference(home, reference, rerun)
    assert _prefect_state(killed_flow_run) == "CRASHED"
    assert rerun.summary is not None and rerun.summary["extra"]["interrupted_runs"] == [killed_run]
    if point in ("crawl.after_stage", "load.after_record", "load.before_commit"):
        assert rerun.summary is not None
        notes = [s["message"] for s in rerun.summary["sources"]]
        assert any("staged batch of interrupted run" in n for n in notes), (notes, killed.stderr)
