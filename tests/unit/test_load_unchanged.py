"""Loading a rerun without reading the postings the warehouse already holds unchanged:
staged lines declare their key and content hash, the load skips the matching ones and
ends with exactly the rows a full read gives."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest

from pipeline import warehouse as wh
from pipeline.stages.load import read_staged
from spiders.items import JobPosting, QuarantineRecord, staged_identity, to_staged_line
from tests.helpers import make_posting, record_complete_crawl

T0 = datetime(2026, 11, 1, 2, 0)
T1 = datetime(2026, 11, 2, 2, 0)


def _write(path: Path, records: list[JobPosting | QuarantineRecord | str]) -> Path:
    lines = [r if isinstance(r, str) else to_staged_line(r) for r in records]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_posting_line_declares_its_key_and_hash_up_front() -> None:
    posting = make_posting("a")
    assert staged_identity(to_staged_line(posting)) == (posting.posting_key, posting.content_hash)
    quarantined = QuarantineRecord(source="test", url="https://x", reason="broken")
    assert staged_identity(to_staged_line(quarantined)) is None
    assert staged_identity('{"kind": "posting", "record": {}}') is None  # an older line
    assert staged_identity("not json") is None


def test_only_postings_stored_with_the_same_hash_are_left_unread(tmp_path: Path) -> None:
    a, b, c = make_posting("a"), make_posting("b"), make_posting("c")
    b_now = make_posting("b", text="Piloter la stratégie social media et ses KPI.")
    path = _write(tmp_path / "s.jsonl", [a, b_now, c, "not json"])
    stored = {a.posting_key: a.content_hash, b.posting_key: b.content_hash}

    batch = read_staged(path, "test", stored)

    assert batch.unchanged == [a.posting_key]
    assert [p.external_id for p in batch.postings] == ["b", "c"]
    assert batch.quarantined[0].reason.startswith("staged line 4 unreadable")
    assert read_staged(path, "test").unchanged == []  # nothing stored: everything read


def test_a_key_listed_twice_is_read_in_full_both_times(tmp_path: Path) -> None:
    a = make_posting("a")
    a_newer = make_posting("a", text="Autre texte.", date_posted=date(2026, 11, 5))
    stored = {a.posting_key: a.content_hash}

    twice_unchanged = read_staged(_write(tmp_path / "1.jsonl", [a, a]), "test", stored)
    unchanged_then_changed = read_staged(_write(tmp_path / "2.jsonl", [a, a_newer]), "test", stored)

    assert twice_unchanged.unchanged == [] and len(twice_unchanged.postings) == 2
    assert unchanged_then_changed.unchanged == []
    assert {p.content_hash for p in unchanged_then_changed.postings} == {
        a.content_hash,
        a_newer.content_hash,
    }


def test_the_declaration_is_trusted_only_for_what_is_stored_unchanged(tmp_path: Path) -> None:
    """A line is skipped on its declaration alone, so nothing after it is read: a damaged
    record behind a stored key and hash counts as seen (its content is already stored);
    the same damage behind any other key is parsed and quarantined."""
    a = make_posting("a")
    damaged = to_staged_line(a)[:200]
    stored = {a.posting_key: a.content_hash}

    assert read_staged(_write(tmp_path / "1.jsonl", [damaged]), "test", stored).unchanged == [
        a.posting_key
    ]
    unknown = read_staged(_write(tmp_path / "2.jsonl", [damaged]), "test", {})
    assert unknown.unchanged == [] and len(unknown.quarantined) == 1


@pytest.fixture
def store(tmp_path: Path) -> Iterator[wh.Warehouse]:
    with wh.open_warehouse(tmp_path / "w.duckdb") as opened:
        yield opened


def _load(store: wh.Warehouse, run_id: str, path: Path, now: datetime, skip: bool) -> None:
    record_complete_crawl(store, run_id, "test", now)
    stored = store.current_hashes("test") if skip else None
    batch = read_staged(path, "test", stored)
    store.load_batch(
        run_id,
        "test",
        batch.postings,
        batch.quarantined,
        complete=True,
        now=now,
        unchanged=batch.unchanged,
    )


def _state(store: wh.Warehouse) -> tuple[list[tuple[object, ...]], ...]:
    return (
        store.query("SELECT * FROM postings ORDER BY posting_id"),
        store.query(
            "SELECT posting_id, content_hash, first_seen, run_id, title, description_text, "
            "record FROM posting_versions ORDER BY ALL"
        ),
        store.query(
            "SELECT run_id, items_new, items_updated, items_unchanged, items_removed "
            "FROM crawl_runs ORDER BY run_id"
        ),
    )


def test_skipping_unchanged_postings_stores_what_reading_everything_stores(
    tmp_path: Path,
) -> None:
    first = [make_posting(x) for x in "abcdef"]
    second = [
        make_posting("a"),  # unchanged
        make_posting("b", text="Définir la stratégie social media."),  # updated
        make_posting("c"),
        make_posting("c", text="Même annonce, autre texte.", date_posted=date(2026, 11, 9)),
        make_posting("d"),
        make_posting("g"),  # new; e and f are gone
    ]
    run1 = _write(tmp_path / "run1.jsonl", list(first))
    run2 = _write(tmp_path / "run2.jsonl", list(second))
    states = []
    for skip in (False, True):
        with wh.open_warehouse(tmp_path / f"skip-{skip}.duckdb") as store:
            _load(store, "r1", run1, T0, skip)
            _load(store, "r2", run2, T1, skip)
            states.append(_state(store))
    assert states[0] == states[1]
    postings, _, runs = states[1]
    assert runs[1][1:] == (1, 2, 2, 2)  # g new; b and c updated; a and d unchanged; e, f gone
    assert {p[0] for p in postings if p[5] == T1} == {make_posting(x).posting_key for x in "abcdg"}


def test_unchanged_keys_must_be_stored_and_not_also_read(store: wh.Warehouse) -> None:
    a, b = make_posting("a"), make_posting("b")
    record_complete_crawl(store, "r1", "test", T0)
    store.load_batch("r1", "test", [a], [], complete=True, now=T0)
    record_complete_crawl(store, "r2", "test", T1)
    with pytest.raises(ValueError, match="both read and left unread"):
        store.load_batch("r2", "test", [a], [], complete=True, now=T1, unchanged=[a.posting_key])
    with pytest.raises(ValueError, match="not stored"):
        store.load_batch("r2", "test", [], [], complete=True, now=T1, unchanged=[b.posting_key])
    # A key given twice is one posting seen, in the counts as in the warehouse.
    counts = store.load_batch(
        "r2", "test", [], [], complete=True, now=T1, unchanged=[a.posting_key, a.posting_key]
    )
    assert (counts.scraped, counts.unchanged, counts.removed) == (1, 1, 0)
    assert store.query("SELECT last_seen FROM postings") == [(T1,)]
