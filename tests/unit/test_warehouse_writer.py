"""Warehouse writer of the extraction and classification stages: set-based, same rows as one
statement per posting, idempotent; and the pending lists the stages read chunk by chunk."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest

from models.types import CriterionEvidence, Extraction, Mention, Prediction
from pipeline import warehouse as wh
from tests.helpers import load_complete_crawl, make_posting

T0 = datetime(2026, 11, 1, 2, 0)
T1 = datetime(2026, 11, 2, 2, 0)
VERSION = "ext-1"
CODES: dict[str, dict[str, str | None]] = {
    "community_manager": {"esco_uri": "http://esco/cm", "isco_code": "2432", "rome_code": None},
}
POSTINGS = [make_posting(f"p{n}", text=f"Texte de l'annonce {n}.") for n in range(6)]
KEY = {p.external_id: p.posting_key for p in POSTINGS}
MENTION_COLUMNS = (
    "posting_id, content_hash, extractor_version, mention_index, kind, ref_id, family, field, "
    "start_char, end_char, matched_text, sentence, value"
)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[wh.Warehouse]:
    w = wh.open_warehouse(tmp_path / "w.duckdb")
    load_complete_crawl(w, "r1", "test", POSTINGS, T0)
    yield w
    w.close()


def _hashes(store: wh.Warehouse) -> dict[str, str]:
    return dict(store.query("SELECT posting_id, content_hash FROM postings"))


def _mention(n: int, value: float | None = None, family: str = "") -> Mention:
    return Mention(
        kind="criterion",
        ref_id=f"crit.{n}",
        family=family,
        field="description",
        start=n,
        end=n + 4,
        text=f"m{n}",
        sentence=f"phrase {n}",
        value=value,
    )


def _extractions(store: wh.Warehouse, sizes: dict[str, int]) -> list[tuple[Extraction, str]]:
    hashes = _hashes(store)
    return [
        (
            Extraction(
                posting_id=KEY[pid],
                language="fr",
                status="ok" if size else "empty",
                mentions=tuple(
                    _mention(n, value=None if n % 2 else float(n), family="fam" if n % 3 else "")
                    for n in range(size)
                ),
                reason=None if size else "nothing found",
            ),
            hashes[KEY[pid]],
        )
        for pid, size in sizes.items()
    ]


def _store_one_by_one(
    con: duckdb.DuckDBPyConnection, results: list[tuple[Extraction, str]], now: datetime
) -> None:
    """The reference: one DELETE, one upsert and one INSERT per mention, per posting."""
    for extraction, content_hash in results:
        key = [extraction.posting_id, content_hash, VERSION]
        con.execute(
            "DELETE FROM skill_mentions WHERE posting_id = ? AND content_hash = ? "
            "AND extractor_version = ?",
            key,
        )
        con.execute(
            """INSERT INTO extractions VALUES (?, ?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT DO UPDATE SET extracted_at = excluded.extracted_at,
                 language = excluded.language, status = excluded.status,
                 reason = excluded.reason, mention_count = excluded.mention_count""",
            [*key, now, extraction.language, extraction.status, extraction.reason,
             len(extraction.mentions)],
        )  # fmt: skip
        for index, m in enumerate(extraction.mentions):
            con.execute(
                f"INSERT INTO skill_mentions ({MENTION_COLUMNS}) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [*key, index, m.kind, m.ref_id, m.family, m.field, m.start, m.end, m.text,
                 m.sentence, m.value],
            )  # fmt: skip


def _tables(con: duckdb.DuckDBPyConnection | wh.Warehouse) -> dict[str, list[tuple[Any, ...]]]:
    run = con.query if isinstance(con, wh.Warehouse) else con.sql
    out: dict[str, list[tuple[Any, ...]]] = {}
    for table in ("extractions", "skill_mentions", "classifications"):
        rows = run(f"SELECT * FROM {table} ORDER BY ALL")
        out[table] = rows if isinstance(rows, list) else rows.fetchall()
    return out


def test_extractions_match_the_row_by_row_writer(store: wh.Warehouse) -> None:
    first = _extractions(store, {"p0": 3, "p1": 0, "p2": 7, "p3": 1})
    # a second pass re-reads p2 with fewer mentions: its old mentions must go
    second = _extractions(store, {"p2": 2, "p4": 5})
    assert store.store_extractions(first, VERSION, T0) == 11
    assert store.store_extractions(second, VERSION, T1) == 7

    con = duckdb.connect()
    wh.apply_schema(con)
    _store_one_by_one(con, first, T0)
    _store_one_by_one(con, second, T1)
    assert _tables(store) == _tables(con)
    assert store.query("SELECT count(*) FROM skill_mentions WHERE posting_id = ?", [KEY["p2"]]) == [
        (2,)
    ]


def test_storing_the_same_chunk_again_changes_nothing(store: wh.Warehouse) -> None:
    chunk = _extractions(store, {"p0": 4, "p1": 2, "p5": 0})
    store.store_extractions(chunk, VERSION, T0)
    before = _tables(store)
    store.store_extractions(chunk, VERSION, T0)
    assert _tables(store) == before


def test_duplicate_key_in_a_chunk_keeps_the_last_extraction(store: wh.Warehouse) -> None:
    first, last = _extractions(store, {"p0": 5}), _extractions(store, {"p0": 2})
    assert store.store_extractions([*first, *last], VERSION, T0) == 2
    assert store.query("SELECT mention_count FROM extractions") == [(2,)]
    assert store.query("SELECT count(*) FROM skill_mentions") == [(2,)]


def _prediction(pid: str, label: str, p: float) -> Prediction:
    rest = (1.0 - p) / 3
    probs = {r: rest for r in ("community_manager", "social_media_manager", "other")}
    probs["social_media_strategist"] = rest
    probs[label] = p
    return Prediction(
        posting_id=pid,
        label=label,  # type: ignore[arg-type]
        probabilities=probs,
        low_confidence=p < 0.5,
        title_label=None if p < 0.5 else "community_manager",
        title_mismatch=label != "community_manager",
        top_criteria=(CriterionEvidence("crit.1", label, 0.123456, ("preuve",)),),
    )


def test_predictions_keep_the_first_row_of_a_key(store: wh.Warehouse) -> None:
    hashes = _hashes(store)
    first = [
        (_prediction(KEY["p0"], "community_manager", 0.9), hashes[KEY["p0"]]),
        (_prediction(KEY["p1"], "other", 0.4), hashes[KEY["p1"]]),
        (_prediction(KEY["p1"], "community_manager", 0.8), hashes[KEY["p1"]]),  # duplicate
    ]
    assert store.store_predictions(first, "m1", CODES, T0) == 3
    before = _tables(store)["classifications"]
    # a stored (posting, hash, model) is never overwritten: the same chunk again, or new scores
    store.store_predictions(first, "m1", CODES, T1)
    store.store_predictions(
        [(_prediction(KEY["p0"], "other", 0.7), hashes[KEY["p0"]])], "m1", CODES, T1
    )
    assert _tables(store)["classifications"] == before
    rows = {
        r[0]: r[1:]
        for r in store.query(
            "SELECT posting_id, label, confidence, low_confidence, title_label, title_mismatch, "
            "top_criteria, esco_uri, isco_code, rome_code, onet_code, classified_at "
            "FROM classifications"
        )
    }
    assert rows[KEY["p0"]][:5] == ("community_manager", 0.9, False, "community_manager", False)
    assert json.loads(rows[KEY["p0"]][5]) == [
        {"criterion": "crit.1", "role": "community_manager", "contribution": 0.1235,
         "evidence": ["preuve"]}
    ]  # fmt: skip
    assert rows[KEY["p0"]][6:] == ("http://esco/cm", "2432", None, None, T0)
    assert rows[KEY["p1"]][:5] == ("other", 0.4, True, None, True)
    assert rows[KEY["p1"]][6:] == (None, None, None, None, T0)


def test_pending_lists_shrink_as_chunks_commit(store: wh.Warehouse) -> None:
    in_order = sorted(KEY, key=KEY.__getitem__)  # listed in posting id order
    assert store.mark_pending_extraction(VERSION) == 6
    chunk = store.pending_extraction_chunk(0, 4)
    assert [p.posting_id for p, _ in chunk] == [KEY[n] for n in in_order[:4]]
    first = in_order[0]
    assert chunk[0][0].description == f"Texte de l'annonce {first[1:]}."
    assert chunk[0][1] == _hashes(store)[KEY[first]]
    store.store_extractions(_extractions(store, {n: 2 for n in in_order[:3]}), VERSION, T0)
    # the list is a snapshot: the stage reads on from where it stopped; a rerun lists what is left
    assert [p.posting_id for p, _ in store.pending_extraction_chunk(4, 10)] == [
        KEY[n] for n in in_order[4:]
    ]
    assert store.mark_pending_extraction(VERSION) == 3

    assert store.mark_pending_classification("m1", VERSION) == 3
    listed = store.pending_classification_chunk(VERSION, 0, 10)
    assert [p.posting_id for p, _, _ in listed] == [KEY[n] for n in in_order[:3]]
    posting, extraction, content_hash = listed[2]
    assert extraction == _extractions(store, {in_order[2]: 2})[0][0]
    assert content_hash == _hashes(store)[KEY[in_order[2]]]
    assert posting.title == "Community Manager"
    store.store_predictions(
        [(_prediction(KEY[first], "other", 0.7), _hashes(store)[KEY[first]])], "m1", CODES, T0
    )
    assert store.mark_pending_classification("m1", VERSION) == 2
    assert store.mark_pending_classification("m2", VERSION) == 3


def test_reloading_a_stored_version_keeps_its_texts(store: wh.Warehouse) -> None:
    """A reload does not re-serialise postings whose version is stored; a posting that goes
    back to an older version points at that version's row, texts intact."""
    old = POSTINGS[0]
    changed = make_posting("p0", text="Texte modifié de l'annonce.")
    versions = "SELECT content_hash, description_text, record FROM posting_versions ORDER BY ALL"
    for run_id, posting in (("r2", changed), ("r3", old), ("r4", old)):
        store.record_crawl(
            run_id,
            "test",
            started_at=T1,
            finished_at=T1,
            status="partial",
            finish_reason="finished",
            items_scraped=1,
            errors=0,
            stats={},
        )
        store.load_batch(run_id, "test", [posting], [], complete=False, now=T1)
    rows = store.query(versions)
    assert len(rows) == 7  # six first versions and the changed one
    assert (old.content_hash, old.description_text, json.loads(old.model_dump_json())) in [
        (r[0], r[1], json.loads(r[2])) for r in rows
    ]
    current = store.query(
        "SELECT p.content_hash, p.version_count, v.description_text FROM postings p "
        "JOIN posting_versions v USING (posting_id, content_hash) WHERE p.posting_id = ?",
        [old.posting_key],
    )
    assert current == [(old.content_hash, 3, old.description_text)]
