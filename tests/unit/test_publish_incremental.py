"""Publishing: the analyst copy is the checkpointed warehouse file, prepared in one
transaction; the search index it carries is refreshed in the warehouse for the postings
whose text changed only, and answers exactly as a full rebuild does."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest

from pipeline import warehouse as wh
from pipeline.analyst.search import tokenizer_fingerprint
from tests.helpers import load_complete_crawl, make_posting

T0 = datetime(2026, 11, 1, 2, 0)
T1 = datetime(2026, 11, 2, 2, 0)
TEXTS = [
    "Animer la communauté Instagram et répondre aux commentaires des abonnés.",
    "Piloter la stratégie social media, les budgets et les agences partenaires.",
    "Rédiger les newsletters, suivre les statistiques et les réseaux sociaux.",
    "Community manager junior : modération, calendrier éditorial, veille.",
    "Social media strategist: brand platform, audience research, paid social.",
]


def _load(store: wh.Warehouse, run_id: str, texts: dict[str, str], now: datetime) -> None:
    postings = [make_posting(key, text=text) for key, text in texts.items()]
    load_complete_crawl(store, run_id, "test", postings, now)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[wh.Warehouse]:
    w = wh.open_warehouse(tmp_path / "rolescope.duckdb")
    _load(w, "r1", {f"p{n}": text for n, text in enumerate(TEXTS)}, T0)
    yield w
    w.close()


def _second_run(store: wh.Warehouse) -> None:
    """p1 changes its text, p4 is no longer listed (removed, still indexed), p5 is new."""
    texts = {f"p{n}": text for n, text in enumerate(TEXTS[:4])}
    texts["p1"] = "Piloter la stratégie TikTok et LinkedIn, reporting hebdomadaire."
    texts["p5"] = "Chargé de communication interne : intranet, événements, vidéos."
    _load(store, "r2", texts, T1)


def _index(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return {
            # physical order included: the terms are stored sorted for lookups
            "terms": con.sql("SELECT term, posting_id, tf FROM search.terms").fetchall(),
            "layout": con.sql("SELECT * FROM search.layout").fetchall(),
            "documents": con.sql("SELECT * FROM search.documents ORDER BY ALL").fetchall(),
            "hits": con.sql(
                "SELECT posting_id, score FROM search_postings('stratégie')"
            ).fetchall(),
            "postings": con.sql("SELECT * FROM postings ORDER BY posting_id").fetchall(),
        }
    finally:
        con.close()


def _posting_id(key: str) -> str:
    return make_posting(key).posting_key


def _tamper(path: Path, sql: str) -> None:
    con = duckdb.connect(str(path))
    try:
        con.execute(sql)
    finally:
        con.close()


def _rebuilt(store: wh.Warehouse, destination: Path) -> dict[str, list[tuple[Any, ...]]]:
    """The index a full rebuild gives (the warehouse's index marked as built by another
    tokenizer), published to ``destination``."""
    store.con.execute("UPDATE search.layout SET tokenizer = 'another tokenizer'")
    return _index(store.publish(destination))


def test_incremental_publish_equals_a_full_rebuild(store: wh.Warehouse, tmp_path: Path) -> None:
    analyst = tmp_path / "analyst" / "rolescope-analyst.duckdb"
    store.publish(analyst)
    _second_run(store)
    store.publish(analyst)  # tokenizes only p1 (changed) and p5 (new)
    incremental = _index(analyst)
    assert incremental == _rebuilt(store, tmp_path / "fresh" / "rolescope-analyst.duckdb")
    assert not list(analyst.parent.glob(".*.tmp*"))
    indexed = {r[1] for r in incremental["terms"]}
    assert indexed == {_posting_id(f"p{n}") for n in range(6)}


def test_only_postings_whose_text_changed_are_tokenized_again(
    store: wh.Warehouse, tmp_path: Path
) -> None:
    analyst = tmp_path / "rolescope-analyst.duckdb"
    store.publish(analyst)
    # mark every stored term frequency: whatever is not tokenized again keeps the mark
    store.con.execute("UPDATE search.terms SET tf = tf + 1000")
    _second_run(store)
    store.publish(analyst)
    marked = {r[1] for r in _index(analyst)["terms"] if r[2] > 1000}
    tokenized = {r[1] for r in _index(analyst)["terms"] if r[2] < 1000}
    assert marked == {_posting_id(k) for k in ("p0", "p2", "p3", "p4")}
    assert tokenized == {_posting_id(k) for k in ("p1", "p5")}  # changed and new


def test_another_tokenizer_or_stopword_list_rebuilds_the_whole_index(
    store: wh.Warehouse, tmp_path: Path
) -> None:
    analyst = tmp_path / "rolescope-analyst.duckdb"
    store.publish(analyst)
    store.con.execute(
        "UPDATE search.terms SET tf = tf + 1000; UPDATE search.layout SET tokenizer = 'old'"
    )
    _second_run(store)
    store.publish(analyst)
    assert max(r[2] for r in _index(analyst)["terms"]) < 1000
    assert store.query("SELECT tokenizer FROM search.layout") == [(tokenizer_fingerprint(),)]


def test_commits_closed_without_a_checkpoint_reach_the_analyst_copy(tmp_path: Path) -> None:
    path = tmp_path / "rolescope.duckdb"
    with wh.open_warehouse(path) as first:
        _load(first, "r1", {"p0": TEXTS[0]}, T0)
    wal = path.with_name(path.name + ".wal")
    assert wal.exists() and wal.stat().st_size > 0  # closing left the commit in the log
    with wh.open_warehouse(path) as second:
        _load(second, "r2", {"p0": TEXTS[0], "p1": TEXTS[1]}, T1)
    with wh.open_warehouse(path) as third:
        analyst = tmp_path / "rolescope-analyst.duckdb"
        third.publish(analyst)  # checkpoints, then copies the whole file
        assert not wal.exists() or wal.stat().st_size == 0
    ids = [row[0] for row in _index(analyst)["postings"]]
    assert ids == sorted(_posting_id(key) for key in ("p0", "p1"))


def _night(store: wh.Warehouse, run_id: str, texts: dict[str, str], analyst: Path) -> None:
    _load(store, run_id, texts, T1)
    store.publish(analyst)


def test_a_small_night_appends_its_terms_until_they_pass_a_tenth_then_all_is_sorted_again(
    tmp_path: Path,
) -> None:
    """Each night one of 24 postings changes: its terms are appended (sorted among
    themselves) after the others, which keep their order; once the appended rows pass a
    tenth of the table, everything is sorted again. The index always answers as a full
    rebuild does."""
    texts = {f"p{n:02}": f"{TEXTS[n % 5]} Annonce {n}." for n in range(24)}
    analyst = tmp_path / "analyst" / "rolescope-analyst.duckdb"
    with (
        wh.open_warehouse(tmp_path / "rolescope.duckdb") as store,
        wh.open_warehouse(tmp_path / "rebuilt" / "rolescope.duckdb") as twin,
    ):
        _night(store, "r1", texts, analyst)
        layouts = []
        for night in range(2, 6):
            texts[f"p{night:02}"] = f"Nuit {night} : modération, live, TikTok, Discord, CRM."
            _night(store, f"r{night}", texts, analyst)
            _load(twin, f"r{night}", texts, T1)
            index, rebuilt = _index(analyst), _rebuilt(twin, tmp_path / f"rebuilt{night}.duckdb")
            assert sorted(index["terms"]) == rebuilt["terms"]
            assert (index["documents"], index["hits"]) == (rebuilt["documents"], rebuilt["hits"])
            layouts.append(index["layout"][0][1:])
            appended, total = layouts[-1]
            if appended:
                head = index["terms"][: total - appended]
                assert head == sorted(head) and head != index["terms"]
            else:
                assert index["terms"] == rebuilt["terms"]
    appended = [a for a, _ in layouts]
    assert appended[0] > 0 and 0 in appended[1:]  # appended, then sorted again
    assert all(a <= 0.1 * t for a, t in layouts)
