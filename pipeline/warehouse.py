"""The DuckDB warehouse: the one module that opens it read-write.

Every write the pipeline makes goes through ``Warehouse``. Each method that
changes rows runs in one transaction, so a killed process leaves the file as
it was before the call. Analysts never open this file: ``publish`` writes a
separate analyst copy and swaps it in atomically.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import numpy as np

from models.types import Extraction, Mention, PostingText, Prediction
from pipeline.analyst.publish import prepare_analyst_copy
from pipeline.analyst.search import refresh_search_index
from pipeline.config import duckdb_config
from pipeline.faults import fault_point
from spiders.items import JobPosting, QuarantineRecord

SQL_DIR = Path(__file__).resolve().parent.parent / "sql"
SCHEMA_FILE = SQL_DIR / "schema.sql"
MIGRATIONS_DIR = SQL_DIR / "migrations"
# Bump together with a new sql/migrations/NNNN_*.sql file.
SCHEMA_VERSION = 1

_MIGRATION_NAME = re.compile(r"^(\d{4})_[\w-]+\.sql$")


# crawl_runs.status of a staged batch a later run chose not to load (see load.recover_leftovers)
ABANDONED = "abandoned"


class WarehouseLockedError(RuntimeError):
    """The warehouse file is held by another process."""


@dataclass(frozen=True)
class LoadCounts:
    """What one staged batch did to the warehouse."""

    scraped: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    quarantined: int = 0
    skipped: bool = False


def _lock_holder(message: str) -> str:
    match = re.search(r"Conflicting lock is held in (.+?)(?:\. See also|$)", message)
    return match.group(1) if match else "another process"


def connect(
    path: Path,
    *,
    retries: int = 5,
    backoff_s: float = 1.0,
    read_only: bool = False,
    config: Mapping[str, str] | None = None,
) -> duckdb.DuckDBPyConnection:
    """Open a DuckDB file, retrying a bounded number of times while another process holds it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    for attempt in range(retries + 1):
        try:
            return duckdb.connect(str(path), read_only=read_only, config=dict(config or {}))
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower():
                raise
            if attempt == retries:
                raise WarehouseLockedError(
                    f"warehouse {path} is locked by {_lock_holder(str(exc))}; "
                    f"gave up after {retries + 1} attempts"
                ) from exc
            time.sleep(backoff_s * (2**attempt))
    raise AssertionError("unreachable")


def migration_files(migrations_dir: Path = MIGRATIONS_DIR) -> list[tuple[int, Path]]:
    """Numbered migration scripts, in order."""
    found = []
    for path in sorted(migrations_dir.glob("*.sql")):
        match = _MIGRATION_NAME.match(path.name)
        if match:
            found.append((int(match.group(1)), path))
    return found


def apply_schema(
    con: duckdb.DuckDBPyConnection,
    *,
    schema_file: Path = SCHEMA_FILE,
    migrations_dir: Path = MIGRATIONS_DIR,
    target_version: int = SCHEMA_VERSION,
) -> int:
    """Create or upgrade the schema in one transaction; return the version now applied."""
    con.begin()
    try:
        con.execute(
            "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, "
            "applied_at TIMESTAMP NOT NULL, description VARCHAR NOT NULL)"
        )
        row = con.execute("SELECT max(version) FROM schema_version").fetchone()
        current = row[0] if row and row[0] is not None else None
        if current is not None and current > target_version:
            raise RuntimeError(
                f"warehouse schema v{current} is newer than this rolescope (v{target_version})"
            )
        if current is not None:
            for number, path in migration_files(migrations_dir):
                if current < number <= target_version:
                    con.execute(path.read_text(encoding="utf-8"))
                    _record_version(con, number, f"migration {path.name}")
        con.execute(schema_file.read_text(encoding="utf-8"))
        # analyst views, in file-name order (later files build on earlier ones)
        for view_file in sorted((SQL_DIR / "views").glob("*.sql")):
            con.execute(view_file.read_text(encoding="utf-8"))
        if current is None:
            _record_version(con, target_version, "initial schema")
        con.commit()
    except BaseException:
        con.rollback()
        raise
    return target_version


def _record_version(con: duckdb.DuckDBPyConnection, version: int, description: str) -> None:
    con.execute(
        "INSERT INTO schema_version VALUES (?, now(), ?) ON CONFLICT DO NOTHING",
        [version, description],
    )


def dedupe_batch(postings: Iterable[JobPosting]) -> list[JobPosting]:
    """One posting per key; when a batch holds a key twice, keep a deterministic winner.

    DuckDB keeps the first row of a duplicate-key upsert batch silently, which
    would make the result depend on crawl order; the winner here is the newest
    ``date_posted``, then the greatest content hash.
    """
    best: dict[str, JobPosting] = {}
    for posting in postings:
        key = posting.posting_key
        current = best.get(key)
        if current is None or _rank(posting) > _rank(current):
            best[key] = posting
    return [best[key] for key in sorted(best)]


def _rank(posting: JobPosting) -> tuple[str, str]:
    return (posting.date_posted.isoformat() if posting.date_posted else "", posting.content_hash)


def _posting_columns(
    postings: Sequence[JobPosting], keys: Sequence[str], hashes: Sequence[str], stored: set[str]
) -> dict[str, np.ndarray]:
    """The batch as arrays; postings whose version is already ``stored`` (by key) go without
    their texts and record, which only a new version row needs (serialising the record is
    most of the cost of re-loading an unchanged board)."""

    def col(values: Iterable[Any]) -> np.ndarray:
        return np.array(list(values), dtype=object)

    fresh = [key not in stored for key in keys]

    def heavy(values: Iterable[Any]) -> np.ndarray:
        return col(v if new else None for v, new in zip(values, fresh, strict=True))

    return {
        "posting_id": col(keys),
        "external_id": col(p.external_id for p in postings),
        "canonical_url": col(p.canonical_url for p in postings),
        "content_hash": col(hashes),
        "raw_hash": col(p.raw_hash for p in postings),
        "title": col(p.title for p in postings),
        "company": col(p.company for p in postings),
        "city": col(p.location.city for p in postings),
        "region": col(p.location.region for p in postings),
        "country": col(p.location.country for p in postings),
        "language": col(p.language for p in postings),
        "date_posted": col(p.date_posted.isoformat() if p.date_posted else None for p in postings),
        "valid_through": col(
            p.valid_through.isoformat() if p.valid_through else None for p in postings
        ),
        "employment_type": col(p.employment_type for p in postings),
        "salary_min": col(p.salary.min if p.salary else None for p in postings),
        "salary_max": col(p.salary.max if p.salary else None for p in postings),
        "salary_currency": col(p.salary.currency if p.salary else None for p in postings),
        "salary_period": col(p.salary.period if p.salary else None for p in postings),
        "rome_code": col(p.rome_code for p in postings),
        "company_size": col(p.company_size for p in postings),
        "description_html": heavy(p.description_html for p in postings),
        "description_text": heavy(p.description_text for p in postings),
        "record": col(
            p.model_dump_json() if new else None for p, new in zip(postings, fresh, strict=True)
        ),
    }


def _stored_versions(
    con: duckdb.DuckDBPyConnection, keys: Sequence[str], hashes: Sequence[str]
) -> set[str]:
    """Keys of the postings whose (key, content hash) version is already stored."""
    with _registered(
        con,
        "version_keys",
        {
            "posting_id": np.array(keys, dtype=object),
            "content_hash": np.array(hashes, dtype=object),
        },
    ):
        rows = con.execute(
            "SELECT k.posting_id FROM version_keys k JOIN posting_versions v "
            "ON v.posting_id = k.posting_id AND v.content_hash = k.content_hash"
        ).fetchall()
    return {r[0] for r in rows}


_CONTENT_COLUMNS = (
    "canonical_url",
    "title",
    "company",
    "city",
    "region",
    "country",
    "language",
    "date_posted",
    "valid_through",
    "employment_type",
    "salary_min",
    "salary_max",
    "salary_currency",
    "salary_period",
    "rome_code",
    "company_size",
)

# every column cast, so that an empty batch (all postings unchanged) still has its types
_BATCH_SELECT = """
    SELECT COLUMNS(lambda c: c NOT IN ('date_posted', 'valid_through', 'salary_min',
                                       'salary_max'))::VARCHAR,
           CAST(date_posted AS DATE) AS date_posted, CAST(valid_through AS DATE) AS valid_through,
           CAST(salary_min AS DOUBLE) AS salary_min, CAST(salary_max AS DOUBLE) AS salary_max
    FROM batch_arrays
"""


# -- extraction and classification: pending lists and set-based writes -----------------

_PENDING_EXTRACTION = """
    CREATE OR REPLACE TEMP TABLE pending_extraction AS
    SELECT (row_number() OVER (ORDER BY p.posting_id) - 1) AS n, p.posting_id, p.content_hash
    FROM postings p
    WHERE EXISTS (SELECT 1 FROM posting_versions v
                  WHERE v.posting_id = p.posting_id AND v.content_hash = p.content_hash)
      AND NOT EXISTS (SELECT 1 FROM extractions e
                      WHERE e.posting_id = p.posting_id AND e.content_hash = p.content_hash
                        AND e.extractor_version = ?)
"""

_PENDING_EXTRACTION_CHUNK = """
    SELECT p.posting_id, p.title, v.description_text, p.language, p.company, p.content_hash
    FROM temp.pending_extraction q
    JOIN postings p ON p.posting_id = q.posting_id
    JOIN posting_versions v ON v.posting_id = q.posting_id AND v.content_hash = q.content_hash
    WHERE q.n >= ? AND q.n < ?
    ORDER BY q.n
"""

_PENDING_CLASSIFICATION = """
    CREATE OR REPLACE TEMP TABLE pending_classification AS
    SELECT (row_number() OVER (ORDER BY p.posting_id) - 1) AS n, p.posting_id, p.content_hash
    FROM postings p
    JOIN extractions e
      ON e.posting_id = p.posting_id AND e.content_hash = p.content_hash
     AND e.extractor_version = ?
    WHERE EXISTS (SELECT 1 FROM posting_versions v
                  WHERE v.posting_id = p.posting_id AND v.content_hash = p.content_hash)
      AND NOT EXISTS (SELECT 1 FROM classifications c
                      WHERE c.posting_id = p.posting_id AND c.content_hash = p.content_hash
                        AND c.model_version = ?)
"""

_PENDING_CLASSIFICATION_CHUNK = """
    SELECT p.posting_id, p.title, v.description_text, p.language, p.company, p.content_hash,
           e.language, e.status, e.reason
    FROM temp.pending_classification q
    JOIN postings p ON p.posting_id = q.posting_id
    JOIN posting_versions v ON v.posting_id = q.posting_id AND v.content_hash = q.content_hash
    JOIN extractions e
      ON e.posting_id = q.posting_id AND e.content_hash = q.content_hash
     AND e.extractor_version = ?
    WHERE q.n >= ? AND q.n < ?
    ORDER BY q.n
"""

_PENDING_CLASSIFICATION_MENTIONS = """
    SELECT s.posting_id, s.kind, s.ref_id, s.family, s.field, s.start_char, s.end_char,
           s.matched_text, s.sentence, s.value
    FROM temp.pending_classification q
    JOIN skill_mentions s
      ON s.posting_id = q.posting_id AND s.content_hash = q.content_hash
     AND s.extractor_version = ?
    WHERE q.n >= ? AND q.n < ?
    ORDER BY s.posting_id, s.mention_index
"""

_DELETE_MENTIONS = """
    DELETE FROM skill_mentions AS s USING extraction_arrays AS a
    WHERE s.posting_id = a.posting_id AND s.content_hash = a.content_hash
      AND s.extractor_version = ?
"""

_UPSERT_EXTRACTIONS = """
    INSERT INTO extractions (posting_id, content_hash, extractor_version, extracted_at,
                             language, status, reason, mention_count)
    SELECT posting_id, content_hash, $1, $2, language, status, reason, mention_count
    FROM extraction_arrays
    ON CONFLICT DO UPDATE SET extracted_at = excluded.extracted_at,
      language = excluded.language, status = excluded.status,
      reason = excluded.reason, mention_count = excluded.mention_count
"""

_INSERT_MENTIONS = """
    INSERT INTO skill_mentions (posting_id, content_hash, extractor_version, mention_index,
                                kind, ref_id, family, field, start_char, end_char,
                                matched_text, sentence, value)
    SELECT posting_id, content_hash, ?, mention_index, kind, ref_id, family, field,
           start_char, end_char, matched_text, sentence, CAST(value AS DOUBLE)
    FROM mention_arrays
"""

_INSERT_PREDICTIONS = """
    INSERT INTO classifications (posting_id, content_hash, model_version, classified_at,
                                 label, prob_community_manager, prob_social_media_manager,
                                 prob_social_media_strategist, prob_other, confidence,
                                 low_confidence, title_label, title_mismatch, top_criteria,
                                 esco_uri, isco_code, rome_code, onet_code)
    SELECT posting_id, content_hash, $1, $2, label, prob_community_manager,
           prob_social_media_manager, prob_social_media_strategist, prob_other, confidence,
           low_confidence, CAST(title_label AS VARCHAR), CAST(title_mismatch AS BOOLEAN),
           top_criteria, CAST(esco_uri AS VARCHAR), CAST(isco_code AS VARCHAR),
           CAST(rome_code AS VARCHAR), CAST(onet_code AS VARCHAR)
    FROM prediction_arrays
    ON CONFLICT DO NOTHING
"""


def _objects(values: Iterable[Any]) -> np.ndarray:
    return np.array(list(values), dtype=object)


@contextmanager
def _registered(
    con: duckdb.DuckDBPyConnection, name: str, columns: dict[str, np.ndarray]
) -> Iterator[None]:
    """Columns visible to SQL as relation ``name`` for the block."""
    con.register(name, columns)
    try:
        yield
    finally:
        con.unregister(name)


def _mention_columns(
    keys: Sequence[tuple[str, str]], extractions: dict[tuple[str, str], Extraction]
) -> dict[str, np.ndarray]:
    """One array per ``skill_mentions`` column (bar the version) for these extractions."""
    rows = [
        (posting_id, content_hash, index, m)
        for posting_id, content_hash in keys
        for index, m in enumerate(extractions[(posting_id, content_hash)].mentions)
    ]
    return {
        "posting_id": _objects(r[0] for r in rows),
        "content_hash": _objects(r[1] for r in rows),
        "mention_index": np.array([r[2] for r in rows], dtype=np.int32),
        "kind": _objects(r[3].kind for r in rows),
        "ref_id": _objects(r[3].ref_id for r in rows),
        "family": _objects(r[3].family for r in rows),
        "field": _objects(r[3].field for r in rows),
        "start_char": np.array([r[3].start for r in rows], dtype=np.int32),
        "end_char": np.array([r[3].end for r in rows], dtype=np.int32),
        "matched_text": _objects(r[3].text for r in rows),
        "sentence": _objects(r[3].sentence for r in rows),
        "value": _objects(None if r[3].value is None else float(r[3].value) for r in rows),
    }


def _criteria_json(prediction: Prediction) -> str:
    return json.dumps(
        [
            {
                "criterion": c.ref_id,
                "role": c.role,
                "contribution": round(c.contribution, 4),
                "evidence": list(c.evidence),
            }
            for c in prediction.top_criteria
        ],
        ensure_ascii=False,
    )


def _prediction_columns(
    keys: Sequence[tuple[str, str]],
    predictions: dict[tuple[str, str], Prediction],
    codes: dict[str, dict[str, str | None]],
) -> dict[str, np.ndarray]:
    """One array per ``classifications`` column (bar the version and time)."""
    chosen = [predictions[k] for k in keys]
    found = [codes.get(p.label, {}) for p in chosen]

    def prob(role: str) -> np.ndarray:
        return np.array([p.probabilities[role] for p in chosen], dtype=np.float64)

    return {
        "posting_id": _objects(k[0] for k in keys),
        "content_hash": _objects(k[1] for k in keys),
        "label": _objects(p.label for p in chosen),
        "prob_community_manager": prob("community_manager"),
        "prob_social_media_manager": prob("social_media_manager"),
        "prob_social_media_strategist": prob("social_media_strategist"),
        "prob_other": prob("other"),
        "confidence": np.array([max(p.probabilities.values()) for p in chosen], dtype=np.float64),
        "low_confidence": np.array([p.low_confidence for p in chosen], dtype=bool),
        "title_label": _objects(p.title_label for p in chosen),
        "title_mismatch": _objects(p.title_mismatch for p in chosen),
        "top_criteria": _objects(_criteria_json(p) for p in chosen),
        "esco_uri": _objects(c.get("esco_uri") for c in found),
        "isco_code": _objects(c.get("isco_code") for c in found),
        "rome_code": _objects(c.get("rome_code") for c in found),
        "onet_code": _objects(c.get("onet_code") for c in found),
    }


class Warehouse:
    """An open read-write warehouse with the schema applied."""

    def __init__(self, con: duckdb.DuckDBPyConnection, path: Path) -> None:
        self.con = con
        self.path = path

    # -- transactions -------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """Run the block in one transaction; roll back on any error."""
        self.con.begin()
        try:
            yield self.con
            self.con.commit()
        except BaseException:
            self.con.rollback()
            raise

    def close(self) -> None:
        """Close the file; commits not yet checkpointed stay in its write-ahead log."""
        try:
            # A checkpoint rewrites the whole last row group (up to ~123k rows, descriptions
            # included) of every table appended to; once per stage and source it cost a
            # small rerun more than its work. DuckDB still checkpoints big commits and every
            # 16 MiB of log, and publishing checkpoints before it copies the file.
            self.con.execute("PRAGMA disable_checkpoint_on_shutdown")
        finally:
            self.con.close()

    def __enter__(self) -> Warehouse:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def query(self, sql: str, params: Sequence[Any] | None = None) -> list[tuple[Any, ...]]:
        """Run a read query and fetch every row."""
        return self.con.execute(sql, params or []).fetchall()

    def _count(self, relation: str) -> int:
        rows = self.query(f"SELECT count(*) FROM {relation}")
        return int(rows[0][0])

    # -- sources and crawl runs -----------------------------------------------

    def register_source(self, source_id: str, source_type: str, config: dict[str, Any]) -> None:
        """Record a configured source (its config with secrets left out)."""
        self.con.execute(
            """INSERT INTO sources (source_id, source_type, config, first_seen)
               VALUES (?, ?, ?, now())
               ON CONFLICT (source_id) DO UPDATE SET
                 source_type = excluded.source_type, config = excluded.config""",
            [source_id, source_type, json.dumps(config, sort_keys=True)],
        )

    def record_crawl(
        self,
        run_id: str,
        source_id: str,
        *,
        started_at: datetime,
        finished_at: datetime,
        status: str,
        finish_reason: str | None,
        items_scraped: int,
        errors: int,
        stats: dict[str, Any],
    ) -> None:
        """Record a finished crawl of one source, before its batch is loaded."""
        with self.transaction() as con:
            con.execute(
                """INSERT INTO crawl_runs (run_id, source_id, started_at, finished_at, status,
                       finish_reason, items_scraped, errors, stats)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                   ON CONFLICT (run_id, source_id) DO UPDATE SET
                     started_at = excluded.started_at, finished_at = excluded.finished_at,
                     status = excluded.status, finish_reason = excluded.finish_reason,
                     items_scraped = excluded.items_scraped, errors = excluded.errors,
                     stats = excluded.stats""",
                [
                    run_id,
                    source_id,
                    started_at,
                    finished_at,
                    status,
                    finish_reason,
                    items_scraped,
                    errors,
                    json.dumps(stats, sort_keys=True, default=str),
                ],
            )
            con.execute(
                "UPDATE sources SET last_crawled = ? WHERE source_id = ?", [finished_at, source_id]
            )

    def settled_crawls(self) -> set[tuple[str, str]]:
        """(run_id, source_id) of every crawl whose batch was loaded or abandoned."""
        rows = self.query(
            "SELECT run_id, source_id FROM crawl_runs WHERE loaded_at IS NOT NULL OR status = ?",
            [ABANDONED],
        )
        return {(r[0], r[1]) for r in rows}

    def loaded_after(self, source_id: str, run_id: str) -> str | None:
        """The latest run after ``run_id`` that loaded a batch of this source, if any."""
        rows = self.query(
            "SELECT max(run_id) FROM crawl_runs "
            "WHERE source_id = ? AND run_id > ? AND loaded_at IS NOT NULL",
            [source_id, run_id],
        )
        return rows[0][0] if rows else None

    def abandon_crawl(self, run_id: str, source_id: str) -> None:
        """Mark a recorded crawl's batch as never to be loaded (a later batch superseded it)."""
        with self.transaction() as con:
            con.execute(
                "UPDATE crawl_runs SET status = ? WHERE run_id = ? AND source_id = ? "
                "AND loaded_at IS NULL",
                [ABANDONED, run_id, source_id],
            )

    def crawl_state(self, run_id: str, source_id: str) -> tuple[str, bool] | None:
        """(status, loaded) of one source's crawl in one run, or None if not recorded."""
        rows = self.query(
            "SELECT status, loaded_at IS NOT NULL FROM crawl_runs "
            "WHERE run_id = ? AND source_id = ?",
            [run_id, source_id],
        )
        return (rows[0][0], bool(rows[0][1])) if rows else None

    # -- loading ----------------------------------------------------------------

    def current_hashes(self, source_id: str) -> dict[str, str]:
        """Posting key -> current content hash, for every stored posting of the source."""
        rows = self.query(
            "SELECT posting_id, content_hash FROM postings WHERE source_id = ?", [source_id]
        )
        return dict(rows)

    def load_batch(
        self,
        run_id: str,
        source_id: str,
        postings: Sequence[JobPosting],
        quarantined: Sequence[QuarantineRecord],
        *,
        complete: bool,
        now: datetime,
        unchanged: Sequence[str] = (),
    ) -> LoadCounts:
        """Upsert one source's staged batch in a single transaction.

        New postings are inserted, known ones get ``last_seen`` refreshed (and a
        new version when their content changed). ``unchanged``: keys of postings of the
        source the crawl listed again without reading them in full because their content
        hash is the stored one (see ``current_hashes``); they are seen like the others.
        When the crawl was complete, postings of the source that it no longer lists get
        ``removed_at``. Loading the same (run, source) twice changes nothing the second time.
        """
        state = self.crawl_state(run_id, source_id)
        if state is None:
            raise ValueError(f"no crawl recorded for run {run_id} source {source_id}")
        if state[1]:
            return LoadCounts(skipped=True)
        batch = dedupe_batch(p for p in postings if p.source == source_id)
        unchanged = list(dict.fromkeys(unchanged))  # a key listed twice is one posting seen
        both = set(unchanged) & {p.posting_key for p in batch}
        if both:
            raise ValueError(f"postings both read and left unread: {sorted(both)[:5]}")
        with self.transaction() as con:
            counts = self._upsert_postings(con, run_id, source_id, batch, now, unchanged)
            removed = self._mark_removed(con, source_id, now) if complete else 0
            n_quarantined = self._upsert_quarantine(con, run_id, quarantined, now)
            con.execute(
                """UPDATE crawl_runs SET loaded_at = ?, items_new = ?, items_updated = ?,
                       items_unchanged = ?, items_removed = ?, items_quarantined = ?
                   WHERE run_id = ? AND source_id = ?""",
                [
                    now,
                    counts.new,
                    counts.updated,
                    counts.unchanged,
                    removed,
                    n_quarantined,
                    run_id,
                    source_id,
                ],
            )
            fault_point("load.before_commit")
        return LoadCounts(
            scraped=len(batch) + len(unchanged),
            new=counts.new,
            updated=counts.updated,
            unchanged=counts.unchanged,
            removed=removed,
            quarantined=n_quarantined,
        )

    def _upsert_postings(
        self,
        con: duckdb.DuckDBPyConnection,
        run_id: str,
        source_id: str,
        batch: Sequence[JobPosting],
        now: datetime,
        seen_unchanged: Sequence[str] = (),
    ) -> LoadCounts:
        con.execute("DROP TABLE IF EXISTS temp.batch")
        if not batch and not seen_unchanged:
            con.execute("CREATE TEMP TABLE batch (posting_id VARCHAR)")
            return LoadCounts()
        keys = [p.posting_key for p in batch]
        hashes = [p.content_hash for p in batch]
        stored = _stored_versions(con, keys, hashes)
        con.register("batch_arrays", _posting_columns(batch, keys, hashes, stored))
        try:
            con.execute(f"CREATE TEMP TABLE batch AS {_BATCH_SELECT}")
        finally:
            con.unregister("batch_arrays")
        if seen_unchanged:
            # seen again as they are: their stored hash makes every statement below treat
            # them as unchanged postings
            unread = np.array(seen_unchanged, dtype=object)
            with _registered(con, "unchanged_keys", {"posting_id": unread}):
                added = con.execute(
                    "INSERT INTO temp.batch (posting_id, content_hash) "
                    "SELECT p.posting_id, p.content_hash FROM postings p "
                    "JOIN unchanged_keys u USING (posting_id) WHERE p.source_id = ?",
                    [source_id],
                ).fetchall()
            if added[0][0] != len(set(seen_unchanged)):
                raise ValueError(
                    f"{len(set(seen_unchanged)) - added[0][0]} postings called unchanged are not "
                    f"stored for source {source_id}"
                )
        row = con.execute(
            """SELECT count(*) FILTER (WHERE p.posting_id IS NULL),
                      count(*) FILTER (WHERE p.posting_id IS NOT NULL
                                       AND p.content_hash <> b.content_hash),
                      count(*) FILTER (WHERE p.content_hash = b.content_hash)
               FROM batch b LEFT JOIN postings p USING (posting_id)"""
        ).fetchone()
        assert row is not None
        new, updated, unchanged = (int(v) for v in row)
        con.execute(
            """INSERT INTO posting_versions (posting_id, content_hash, first_seen, run_id, raw_hash,
                   title, description_html, description_text, record)
               SELECT b.posting_id, b.content_hash, ?, ?, b.raw_hash, b.title,
                      b.description_html, b.description_text, b.record
               FROM batch b
               WHERE NOT EXISTS (SELECT 1 FROM posting_versions v
                                 WHERE v.posting_id = b.posting_id
                                   AND v.content_hash = b.content_hash)""",
            [now, run_id],
        )
        assignments = ", ".join(f"{c} = b.{c}" for c in _CONTENT_COLUMNS)
        con.execute(
            f"""UPDATE postings AS p SET {assignments},
                    version_count = p.version_count + 1, content_hash = b.content_hash
                FROM batch b
                WHERE p.posting_id = b.posting_id AND p.content_hash <> b.content_hash"""
        )
        con.execute(
            """UPDATE postings AS p SET last_seen = ?, removed_at = NULL
               FROM batch b WHERE p.posting_id = b.posting_id""",
            [now],
        )
        columns = ", ".join(_CONTENT_COLUMNS)
        con.execute(
            f"""INSERT INTO postings (posting_id, source_id, external_id, first_seen, last_seen,
                    content_hash, version_count, {columns})
                SELECT b.posting_id, ?, b.external_id, ?, ?, b.content_hash, 1,
                       {", ".join("b." + c for c in _CONTENT_COLUMNS)}
                FROM batch b
                WHERE NOT EXISTS (SELECT 1 FROM postings p WHERE p.posting_id = b.posting_id)""",
            [source_id, now, now],
        )
        return LoadCounts(new=new, updated=updated, unchanged=unchanged)

    def _mark_removed(self, con: duckdb.DuckDBPyConnection, source_id: str, now: datetime) -> int:
        row = con.execute(
            """UPDATE postings SET removed_at = ?
               WHERE source_id = ? AND removed_at IS NULL
                 AND posting_id NOT IN (SELECT posting_id FROM temp.batch)
               RETURNING posting_id""",
            [now, source_id],
        ).fetchall()
        return len(row)

    def _upsert_quarantine(
        self,
        con: duckdb.DuckDBPyConnection,
        run_id: str,
        records: Sequence[QuarantineRecord],
        now: datetime,
    ) -> int:
        unique = {r.quarantine_key: r for r in records}
        for key in sorted(unique):
            record = unique[key]
            con.execute(
                """INSERT INTO quarantine (quarantine_id, source_id, url, reason, raw_payload,
                       first_run_id, last_run_id, first_seen, last_seen, occurrences)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1)
                   ON CONFLICT (quarantine_id) DO UPDATE SET
                     occurrences = CASE WHEN quarantine.last_run_id = excluded.last_run_id
                                        THEN quarantine.occurrences
                                        ELSE quarantine.occurrences + 1 END,
                     last_run_id = excluded.last_run_id, last_seen = excluded.last_seen""",
                [
                    key,
                    record.source,
                    record.url,
                    record.reason,
                    record.raw_payload,
                    run_id,
                    run_id,
                    now,
                    now,
                ],
            )
        return len(unique)

    # -- deduplication ------------------------------------------------------------

    def cluster_documents(self, *, with_text: bool = True) -> list[dict[str, Any]]:
        """Every posting's current version with its cluster id (None when not yet clustered):
        posting_id, cluster_id, content_hash, title, company, location, and (unless
        ``with_text`` is False) text."""
        text = "v.description_text" if with_text else "NULL"
        rows = self.query(
            f"""SELECT p.posting_id, p.cluster_id, p.content_hash, p.title, p.company,
                       concat_ws(', ', p.city, p.region, p.country), {text}
                FROM postings p JOIN posting_versions v
                  ON v.posting_id = p.posting_id AND v.content_hash = p.content_hash
                ORDER BY p.posting_id"""
        )
        keys = ("posting_id", "cluster_id", "content_hash", "title", "company", "location")
        return [
            {**dict(zip(keys, row[:6], strict=True)), **({"text": row[6]} if with_text else {})}
            for row in rows
        ]

    def current_texts(
        self, posting_ids: Sequence[str], chunk: int = 5_000
    ) -> Iterator[list[tuple[str, str]]]:
        """(posting id, current description text) of these postings, ``chunk`` at a time,
        so a caller never holds every text of a large warehouse at once."""
        if not posting_ids:
            return
        with _registered(self.con, "wanted_ids", {"posting_id": _objects(posting_ids)}):
            result = self.con.execute(
                """SELECT p.posting_id, v.description_text
                   FROM wanted_ids w JOIN postings p ON p.posting_id = w.posting_id
                   JOIN posting_versions v
                     ON v.posting_id = p.posting_id AND v.content_hash = p.content_hash"""
            )
            while rows := result.fetchmany(chunk):
                yield rows

    def set_clusters(self, clusters: dict[str, str]) -> int:
        """Store duplicate-cluster ids; returns how many postings changed cluster."""
        if not clusters:
            return 0
        ids = sorted(clusters)
        with self.transaction() as con:
            con.register(
                "cluster_arrays",
                {
                    "posting_id": np.array(ids, dtype=object),
                    "cluster_id": np.array([clusters[i] for i in ids], dtype=object),
                },
            )
            try:
                changed = con.execute(
                    """UPDATE postings AS p SET cluster_id = c.cluster_id
                       FROM cluster_arrays c
                       WHERE p.posting_id = c.posting_id
                         AND p.cluster_id IS DISTINCT FROM c.cluster_id
                       RETURNING p.posting_id"""
                ).fetchall()
            finally:
                con.unregister("cluster_arrays")
            fault_point("dedup.before_commit")
        return len(changed)

    # -- extraction ---------------------------------------------------------------

    def mark_pending_extraction(self, extractor_version: str) -> int:
        """List the current posting versions ``extractor_version`` has not read; how many.

        The list is a temporary table of this connection, numbered in posting order,
        so the stage reads it chunk by chunk (``pending_extraction_chunk``) while it
        commits each chunk's results.
        """
        self.con.execute(_PENDING_EXTRACTION, [extractor_version])
        return self._count("temp.pending_extraction")

    def pending_extraction_chunk(self, start: int, stop: int) -> list[tuple[PostingText, str]]:
        """Listed pending versions ``start``..``stop - 1`` with the content hash they are at."""
        return [
            (
                PostingText(
                    posting_id=r[0], title=r[1], description=r[2], language=r[3], company=r[4]
                ),
                r[5],
            )
            for r in self.query(_PENDING_EXTRACTION_CHUNK, [start, stop])
        ]

    def store_extractions(
        self,
        results: Sequence[tuple[Extraction, str]],
        extractor_version: str,
        now: datetime,
    ) -> int:
        """Store extraction results (with the content hash they read) in one transaction.

        Set-based: the chunk goes in as registered arrays, one ``DELETE ... USING`` of
        the mentions it replaces and one ``INSERT ... SELECT`` per table, whatever its
        size. Storing the same results again leaves the same rows (``extracted_at``
        aside, which is ``now``); returns how many mentions were stored.
        """
        latest: dict[tuple[str, str], Extraction] = {}
        for extraction, content_hash in results:
            # one row per key (an ON CONFLICT batch keeps its first duplicate silently);
            # the last result wins, as with one upsert per result
            latest[(extraction.posting_id, content_hash)] = extraction
        keys = list(latest)
        extraction_columns = {
            "posting_id": _objects(k[0] for k in keys),
            "content_hash": _objects(k[1] for k in keys),
            "language": _objects(latest[k].language for k in keys),
            "status": _objects(latest[k].status for k in keys),
            "reason": _objects(latest[k].reason for k in keys),
            "mention_count": np.array([len(latest[k].mentions) for k in keys], dtype=np.int32),
        }
        mention_columns = _mention_columns(keys, latest)
        mentions = int(mention_columns["mention_index"].size)
        with self.transaction() as con:
            if keys:
                with _registered(con, "extraction_arrays", extraction_columns):
                    con.execute(_DELETE_MENTIONS, [extractor_version])
                    con.execute(_UPSERT_EXTRACTIONS, [extractor_version, now])
            if mentions:
                with _registered(con, "mention_arrays", mention_columns):
                    con.execute(_INSERT_MENTIONS, [extractor_version])
            fault_point("extract.before_commit")
        fault_point("extract.after_commit")
        return mentions

    # -- classification -------------------------------------------------------------

    def register_model(
        self,
        model_version: str,
        *,
        artifact_path: str,
        created_at: datetime,
        training_data_hash: str | None,
        sklearn_version: str | None,
        metrics: dict[str, Any],
        metadata: dict[str, Any],
        activate: bool,
    ) -> None:
        """Record a model version; when ``activate``, it becomes the only active one."""
        with self.transaction() as con:
            if activate:
                con.execute("UPDATE model_versions SET is_active = FALSE WHERE is_active")
            con.execute(
                """INSERT INTO model_versions VALUES (?, ?, now(), ?, ?, ?, ?, ?, ?)
                   ON CONFLICT (model_version) DO UPDATE SET
                     artifact_path = excluded.artifact_path,
                     is_active = excluded.is_active OR model_versions.is_active""",
                [
                    model_version,
                    created_at,
                    artifact_path,
                    training_data_hash,
                    sklearn_version,
                    json.dumps(metrics, sort_keys=True),
                    json.dumps(metadata, sort_keys=True),
                    activate,
                ],
            )
        fault_point("classify.after_register")

    def active_model(self) -> tuple[str, str] | None:
        """(model_version, artifact_path) of the active registered model, if any."""
        rows = self.query(
            "SELECT model_version, artifact_path FROM model_versions WHERE is_active "
            "ORDER BY registered_at DESC LIMIT 1"
        )
        return (rows[0][0], rows[0][1]) if rows else None

    def model_metrics(self, model_version: str) -> dict[str, Any] | None:
        """Stored evaluation metrics of a registered model version."""
        rows = self.query(
            "SELECT metrics FROM model_versions WHERE model_version = ?", [model_version]
        )
        return json.loads(rows[0][0]) if rows and rows[0][0] else None

    def record_label(
        self,
        posting_id: str,
        label: str,
        *,
        labelled_by: str | None,
        note: str | None,
        now: datetime,
    ) -> str:
        """Record a person's label for a posting; returns the label id."""
        if not self.query("SELECT 1 FROM postings WHERE posting_id = ?", [posting_id]):
            raise KeyError(f"no posting with id {posting_id!r}")
        label_id = f"{posting_id}:{now.strftime('%Y%m%dT%H%M%S%f')}"
        self.con.execute(
            "INSERT INTO labels VALUES (?, ?, ?, ?, ?, ?)",
            [label_id, posting_id, label, labelled_by, now, note],
        )
        return label_id

    def labelled_postings(self) -> list[tuple[PostingText, str]]:
        """Postings people labelled, with their most recent label, as the text was then current."""
        rows = self.query(
            """SELECT p.posting_id, p.title, v.description_text, p.language, p.company, l.label
               FROM (SELECT posting_id, label,
                            row_number() OVER (PARTITION BY posting_id
                                               ORDER BY labelled_at DESC) AS rn
                     FROM labels) l
               JOIN postings p ON p.posting_id = l.posting_id
               JOIN posting_versions v
                 ON v.posting_id = p.posting_id AND v.content_hash = p.content_hash
               WHERE l.rn = 1
               ORDER BY p.posting_id"""
        )
        return [
            (
                PostingText(
                    posting_id=r[0], title=r[1], description=r[2], language=r[3], company=r[4]
                ),
                r[5],
            )
            for r in rows
        ]

    def mark_pending_classification(self, model_version: str, extractor_version: str) -> int:
        """List the extracted current postings ``model_version`` has not scored; how many.

        Like ``mark_pending_extraction``: a numbered temporary table of this connection,
        read chunk by chunk with ``pending_classification_chunk``.
        """
        self.con.execute(_PENDING_CLASSIFICATION, [extractor_version, model_version])
        return self._count("temp.pending_classification")

    def pending_classification_chunk(
        self, extractor_version: str, start: int, stop: int
    ) -> list[tuple[PostingText, Extraction, str]]:
        """Listed pending postings ``start``..``stop - 1`` with their extraction and hash."""
        mentions: dict[str, list[Mention]] = {}
        for m in self.query(_PENDING_CLASSIFICATION_MENTIONS, [extractor_version, start, stop]):
            mentions.setdefault(m[0], []).append(
                Mention(
                    kind=m[1],
                    ref_id=m[2],
                    family=m[3] or "",
                    field=m[4],
                    start=m[5],
                    end=m[6],
                    text=m[7],
                    sentence=m[8] or "",
                    value=m[9],
                )
            )
        return [
            (
                PostingText(
                    posting_id=r[0], title=r[1], description=r[2], language=r[3], company=r[4]
                ),
                Extraction(
                    posting_id=r[0],
                    language=r[6] or "",
                    status=r[7],
                    reason=r[8],
                    mentions=tuple(mentions.get(r[0], ())),
                ),
                r[5],
            )
            for r in self.query(_PENDING_CLASSIFICATION_CHUNK, [extractor_version, start, stop])
        ]

    def store_predictions(
        self,
        predictions: Sequence[tuple[Prediction, str]],
        model_version: str,
        codes: dict[str, dict[str, str | None]],
        now: datetime,
    ) -> int:
        """Store classifier outputs (with the content hash they scored) in one transaction.

        Set-based: one ``INSERT ... SELECT`` from registered arrays per chunk. A
        (posting, content hash, model) already scored keeps its stored row, so storing
        the same chunk twice changes nothing; returns how many predictions were given.
        """
        first: dict[tuple[str, str], Prediction] = {}
        for prediction, content_hash in predictions:
            # one row per key, the first one, as with one INSERT ... DO NOTHING per row
            first.setdefault((prediction.posting_id, content_hash), prediction)
        keys = list(first)
        with self.transaction() as con:
            if keys:
                with _registered(con, "prediction_arrays", _prediction_columns(keys, first, codes)):
                    con.execute(_INSERT_PREDICTIONS, [model_version, now])
            fault_point("classify.before_commit")
        return len(predictions)

    # -- publishing -------------------------------------------------------------------

    def publish(self, destination: Path) -> Path:
        """Write a complete copy for analysts next to ``destination`` and swap it in atomically.

        Readers that already have the old copy open keep reading it; new
        readers see the new one; nobody ever sees a half-written file.

        The search index is first brought up to date here (for the postings whose text
        changed); the copy is then the checkpointed warehouse file copied as it is
        (``COPY FROM DATABASE`` replays every row through the new file's write-ahead log:
        ~30 s at 10k ads, against well under a second), then prepared in one transaction.
        """
        destination.parent.mkdir(parents=True, exist_ok=True)
        tmp = destination.with_name(f".{destination.name}.{os.getpid()}.tmp")
        # Half-written copies of publishes that were killed (any pid): only the process
        # holding this warehouse read-write publishes from it, so none is in use.
        for leftover in destination.parent.glob(f".{destination.name}.*.tmp*"):
            leftover.unlink(missing_ok=True)
        with self.transaction() as con:
            refresh_search_index(con)
        self.con.execute("CHECKPOINT")
        wal = self.path.with_name(self.path.name + ".wal")
        # this connection is the file's only one, so after CHECKPOINT every committed row is
        # in the file; were the log not empty, copy row by row instead
        whole_file = not wal.exists() or wal.stat().st_size == 0
        if whole_file:
            shutil.copyfile(self.path, tmp)
        self.con.execute(f"ATTACH '{tmp}' AS analyst_copy")
        try:
            if not whole_file:
                source_db = self.con.execute("SELECT current_database()").fetchone()
                assert source_db is not None
                self.con.execute(f'COPY FROM DATABASE "{source_db[0]}" TO analyst_copy')
            prepare_analyst_copy(self.con, "analyst_copy")
        finally:
            self.con.execute("DETACH analyst_copy")
        with open(tmp, "rb") as handle:
            os.fsync(handle.fileno())
        fault_point("publish.before_replace")
        os.replace(tmp, destination)
        directory = os.open(destination.parent, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)
        fault_point("publish.after_replace")
        return destination


# (file, SQL) pairs this process applied the schema and views to: every stage and every
# source's load opens the warehouse, and re-running schema.sql and the view files costs
# 0.1-0.3 s per open (the version is still checked on every open).
_APPLIED: set[tuple[str, int, int, str]] = set()


def _schema_key(path: Path) -> tuple[str, int, int, str]:
    """The file's identity (path, device, inode) and a fingerprint of the SQL applied to it."""
    info = path.stat()
    digest = hashlib.sha256()
    for sql_file in [SCHEMA_FILE, *sorted(MIGRATIONS_DIR.glob("*.sql"))]:
        digest.update(sql_file.read_bytes())
    for sql_file in sorted((SQL_DIR / "views").glob("*.sql")):
        digest.update(sql_file.read_bytes())
    return str(path.resolve()), info.st_dev, info.st_ino, digest.hexdigest()


def _at_version(con: duckdb.DuckDBPyConnection) -> bool:
    try:
        row = con.execute("SELECT max(version) FROM schema_version").fetchone()
    except duckdb.Error:
        return False
    return row is not None and row[0] == SCHEMA_VERSION


def open_warehouse(path: Path, *, retries: int = 5, backoff_s: float = 1.0) -> Warehouse:
    """Open (creating or upgrading) the read-write warehouse.

    DuckDB gets a ``memory_limit`` and a spill directory under the warehouse's home
    (``pipeline.config.duckdb_config``), so a load, a dedup read or a publish of a
    large warehouse spills to disk rather than growing without bound. The schema is
    applied on the first open of the file in this process (and whenever its version
    or the SQL files differ from what was applied).
    """
    con = connect(path, retries=retries, backoff_s=backoff_s, config=duckdb_config(path.parent))
    try:
        if _schema_key(path) not in _APPLIED or not _at_version(con):
            apply_schema(con)
            _APPLIED.add(_schema_key(path))
    except BaseException:
        con.close()
        raise
    return Warehouse(con, path)
