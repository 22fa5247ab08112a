"""Crash-test harness: run the real flow in a subprocess (optionally killed at a fault point)
and compare warehouses by content hashes.

What the content hashes leave out, and why (everything else is compared):

* ``postings.first_seen``, ``last_seen`` and the value of ``removed_at`` (its being NULL or
  not is compared): wall-clock times of the runs, different in any two runs.
* ``posting_versions.first_seen`` and ``run_id``: the run that first stored a version; a
  crashed-then-rerun history has other run ids by construction.
* ``extractions.extracted_at``, ``classifications.classified_at``,
  ``model_versions.registered_at``, ``sources.first_seen`` / ``last_crawled``: times.
* ``quarantine.first_run_id``, ``last_run_id``, ``first_seen``, ``last_seen`` and
  ``occurrences``: bookkeeping of how many runs saw a bad record. A run that was killed
  after loading its batch did see it, so a crash-and-rerun counts two sightings where a
  single clean run counts one; the quarantined record itself (id, source, url, reason,
  payload) must be identical.
* ``crawl_runs`` and ``schema_version``: run bookkeeping (one row per run and source, run
  ids and times). It is checked separately by ``unsettled_batches``: after the rerun every
  whole staged batch of every run is either loaded or abandoned.

The analyst copy holds the same tables, plus the ``snapshot`` schema (the analyst views,
evaluated) and the ``search`` index: compared whole, except that their timestamp columns
count only as NULL or not, and ``snapshot.source_coverage``'s ``crawl_runs`` and
``complete_runs`` (counts of run bookkeeping) are left out. ``uncompared_tables`` lists any
other table, so that a table added later cannot escape the comparison unnoticed.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import yaml

from pipeline.faults import FAULT_ENV
from tests.reliability.flow_driver import SUMMARY_MARKER

REPO = Path(__file__).resolve().parents[2]

CONTENT_QUERIES: dict[str, str] = {
    "postings": """SELECT posting_id, source_id, external_id, canonical_url,
                          removed_at IS NOT NULL AS removed, content_hash, version_count,
                          cluster_id, title, company, city, region, country, language,
                          date_posted, valid_through, employment_type, salary_min, salary_max,
                          salary_currency, salary_period, rome_code, company_size
                   FROM postings""",
    "posting_versions": """SELECT posting_id, content_hash, raw_hash, title, description_html,
                                  description_text, record
                           FROM posting_versions""",
    "extractions": """SELECT posting_id, content_hash, extractor_version, language, status,
                             reason, mention_count
                      FROM extractions""",
    "skill_mentions": "SELECT * FROM skill_mentions",
    "classifications": "SELECT * EXCLUDE (classified_at) FROM classifications",
    "model_versions": "SELECT * EXCLUDE (registered_at) FROM model_versions",
    "quarantine": "SELECT quarantine_id, source_id, url, reason, raw_payload FROM quarantine",
    "sources": "SELECT source_id, source_type, config FROM sources",
    "labels": "SELECT * FROM labels",
}


BOOKKEEPING_TABLES = frozenset({"main.crawl_runs", "main.schema_version"})
DERIVED_SCHEMAS = ("snapshot", "search")
DERIVED_LEFT_OUT: dict[str, tuple[str, ...]] = {
    "snapshot.source_coverage": ("crawl_runs", "complete_runs"),
    # how the terms happen to be laid out (appended or sorted), not what they are
    "search.layout": ("appended_rows",),
}
# the search index lives in the warehouse (refreshed by each publish), the snapshots only in
# the analyst copy
WAREHOUSE_DERIVED = ("search.documents", "search.layout", "search.stopwords", "search.terms")


def _derived_queries(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """A query per snapshot/search table: every column, timestamps only as NULL or not."""
    columns = con.execute(
        "SELECT schema_name, table_name, list(column_name ORDER BY column_index), "
        "list(data_type ORDER BY column_index) FROM duckdb_columns() "
        "WHERE schema_name IN ? AND database_name = current_database() GROUP BY ALL",
        [list(DERIVED_SCHEMAS)],
    ).fetchall()
    queries = {}
    for schema, table, names, types in columns:
        name = f"{schema}.{table}"
        picked = [
            f'"{c}" IS NOT NULL AS "{c}"' if t.startswith("TIMESTAMP") else f'"{c}"'
            for c, t in zip(names, types, strict=True)
            if c not in DERIVED_LEFT_OUT.get(name, ())
        ]
        queries[name] = f'SELECT {", ".join(picked)} FROM "{schema}"."{table}"'
    return queries


def uncompared_tables(db: Path) -> list[str]:
    """Tables of a warehouse or analyst copy that ``content_rows`` neither compares nor skips."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        tables = con.execute(
            "SELECT schema_name || '.' || table_name FROM duckdb_tables() "
            "WHERE database_name = current_database()"
        ).fetchall()
    finally:
        con.close()
    known = {f"main.{name}" for name in CONTENT_QUERIES} | BOOKKEEPING_TABLES
    return sorted(t for (t,) in tables if t not in known and t.split(".")[0] not in DERIVED_SCHEMAS)


@dataclass(frozen=True)
class FlowRun:
    """One flow subprocess: how it ended and what it printed."""

    returncode: int
    stdout: str
    stderr: str
    summary: dict[str, Any] | None

    @property
    def killed(self) -> bool:
        """True when the process died of SIGKILL."""
        return self.returncode == -9

    def describe(self) -> str:
        """The tail of the output, for assertion messages."""
        return (
            f"exit {self.returncode}\n--- stdout\n{self.stdout[-3000:]}\n--- stderr\n"
            + (self.stderr[-5000:])
        )


def write_sources(path: Path, sitemap_url: str, greenhouse_api_base: str) -> Path:
    """A sources file naming the demo board's two spider sources on a fixed address."""
    from pipeline.sources import expand_demo

    entries = expand_demo([{"name": "demo", "type": "demo"}], sitemap_url, greenhouse_api_base)
    path.write_text(yaml.safe_dump({"sources": entries}, sort_keys=False), encoding="utf-8")
    return path


def flow_env(
    api_url: str, fault: str | None, extra: dict[str, str] | None = None
) -> dict[str, str]:
    """Environment of a flow subprocess: the session's Prefect API, quiet, maybe a fault."""
    env = {k: v for k, v in os.environ.items() if k != FAULT_ENV}
    env.update(
        {
            "PREFECT_API_URL": api_url,
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
            "SCRAPY_CHECK_UPDATES": "false",
            "PYTHONPATH": str(REPO),
        }
    )
    if fault:
        env[FAULT_ENV] = fault
    env.update(extra or {})
    return env


def start_flow(
    home: Path,
    sources: Path,
    api_url: str,
    *,
    model: Path | None = None,
    fault: str | None = None,
    env: dict[str, str] | None = None,
) -> subprocess.Popen[str]:
    """Start the real nightly flow in a subprocess."""
    command = [sys.executable, "-m", "tests.reliability.flow_driver"]
    command += ["--home", str(home), "--sources", str(sources)]
    if model is not None:
        command += ["--model", str(model)]
    return subprocess.Popen(
        command,
        cwd=REPO,
        env=flow_env(api_url, fault, env),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish_flow(proc: subprocess.Popen[str], timeout: float = 300) -> FlowRun:
    """Wait for a flow subprocess and parse its summary line."""
    try:
        stdout, stderr = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        stdout, stderr = proc.communicate()
    summary = None
    for line in stdout.splitlines():
        if line.startswith(SUMMARY_MARKER):
            summary = json.loads(line[len(SUMMARY_MARKER) :])
    return FlowRun(proc.returncode, stdout, stderr, summary)


def run_flow(
    home: Path,
    sources: Path,
    api_url: str,
    *,
    model: Path | None = None,
    fault: str | None = None,
    env: dict[str, str] | None = None,
) -> FlowRun:
    """Run the real nightly flow once in a subprocess and wait for it."""
    return finish_flow(start_flow(home, sources, api_url, model=model, fault=fault, env=env))


def _row_text(row: tuple[Any, ...]) -> str:
    return json.dumps(row, default=str, ensure_ascii=False)


def content_rows(db: Path) -> dict[str, list[str]]:
    """Each content table's rows (as JSON text, sorted), read through a read-only connection."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        tables = {
            r[0]
            for r in con.execute(
                "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main'"
            ).fetchall()
        }
        queries = {n: sql for n, sql in CONTENT_QUERIES.items() if n in tables}
        queries |= _derived_queries(con)
        return {
            name: sorted(_row_text(r) for r in con.execute(sql).fetchall())
            for name, sql in queries.items()
        }
    finally:
        con.close()


def digest(rows: dict[str, list[str]]) -> dict[str, tuple[int, str]]:
    """(row count, SHA-256 of the sorted rows) per content table."""
    return {
        name: (len(lines), hashlib.sha256("\n".join(lines).encode()).hexdigest())
        for name, lines in rows.items()
    }


def versions(rows: dict[str, list[str]]) -> set[str]:
    """Extractor and model versions found in a warehouse's rows."""
    found = {json.loads(r)[2] for r in rows.get("extractions", [])}
    return found | {json.loads(r)[0] for r in rows.get("model_versions", [])}


def assert_same_code(reference: dict[str, list[str]], rows: dict[str, list[str]]) -> None:
    """Fail clearly when rows come from another extractor or model than the reference's.

    That happens only when the working tree (extraction rules, model files) changes while
    the session runs, and says nothing about crash recovery.
    """
    other = versions(rows) - versions(reference)
    if other:
        raise AssertionError(
            f"extractor/model versions {sorted(other)} are not the reference run's "
            f"{sorted(versions(reference))}: the code changed during the test session"
        )


def difference(expected: dict[str, list[str]], actual: dict[str, list[str]]) -> str:
    """A short, readable account of how two warehouses' content differs."""
    out = []
    for name in sorted(set(expected) | set(actual)):
        want, got = set(expected.get(name, [])), set(actual.get(name, []))
        if want == got and len(expected.get(name, [])) == len(actual.get(name, [])):
            continue
        out.append(f"{name}: {len(expected.get(name, []))} rows expected, {len(got)} found")
        out += [f"  missing: {r[:300]}" for r in sorted(want - got)[:3]]
        out += [f"  extra:   {r[:300]}" for r in sorted(got - want)[:3]]
    return "\n".join(out)


def count(db: Path, sql: str, params: list[Any] | None = None) -> Any:
    """One value from a read-only query (the file may hold a crashed writer's WAL)."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        row = con.execute(sql, params or []).fetchone()
        return row[0] if row else None
    finally:
        con.close()


def unsettled_batches(home: Path) -> list[tuple[str, str]]:
    """Whole staged batches whose crawl is neither loaded nor abandoned in the warehouse."""
    from pipeline.stages.load import find_leftovers

    settled: set[tuple[str, str]] = set()
    db = home / "rolescope.duckdb"
    if db.exists():
        con = duckdb.connect(str(db), read_only=True)
        try:
            settled = {
                (r[0], r[1])
                for r in con.execute(
                    "SELECT run_id, source_id FROM crawl_runs "
                    "WHERE loaded_at IS NOT NULL OR status = 'abandoned'"
                ).fetchall()
            }
        finally:
            con.close()
    return [
        (left.run_id, left.source_id)
        for left in find_leftovers(home / "staging", current_run_id="")
        if (left.run_id, left.source_id) not in settled
    ]


def processes_mentioning(text: str) -> list[int]:
    """Pids of live processes whose command line contains ``text`` (Linux /proc)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            raw = (entry / "cmdline").read_bytes()
            cmdline = raw.replace(b"\0", b" ").decode("utf-8", "ignore")
            status = (entry / "status").read_text()
        except OSError:
            continue
        if text in cmdline and "\nState:\tZ" not in status:
            pids.append(int(entry.name))
    return pids
