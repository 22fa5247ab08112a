"""Deduplication stage: stored sketches give the clusters a run from the texts gives, and a
missing, stale or unreadable sketch file is rebuilt."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from pipeline.dedup import DedupConfig, assign_clusters, sketches
from pipeline.stages.dedup import (
    MAX_DELTAS,
    SKETCH_FILE,
    cluster_postings,
    delta_files,
    read_sketch_cache,
    read_sketches,
)
from pipeline.warehouse import open_warehouse
from spiders.items import JobPosting
from tests.helpers import load_complete_crawl, make_posting

PAIRS = Path(__file__).resolve().parents[1] / "fixtures" / "dedup" / "pairs.yaml"
T0 = datetime(2026, 11, 1, 2, 0)
T1 = datetime(2026, 11, 2, 2, 0)


def _pairs() -> list[dict[str, Any]]:
    return yaml.safe_load(PAIRS.read_text(encoding="utf-8"))["pairs"]


def _posting(spec: dict[str, Any], key: str, source: str) -> JobPosting:
    return make_posting(key, source=source, title=spec["title"], text="\n\n".join(spec["text"]))


def _load(path: Path, run_id: str, source: str, postings: list[JobPosting], now: datetime) -> None:
    with open_warehouse(path) as store:
        load_complete_crawl(store, run_id, source, postings, now)


def _clusters(path: Path) -> dict[str, str]:
    with open_warehouse(path) as store:
        return dict(store.query("SELECT posting_id, cluster_id FROM postings"))


def _two_runs(home: Path, before_second: Any = None) -> dict[str, str]:
    """Board s1 holds every pair's first ad, then board s2 every second ad."""
    warehouse = home / "rolescope.duckdb"
    pairs = _pairs()
    _load(warehouse, "r1", "s1", [_posting(p["a"], f"a{n}", "s1") for n, p in enumerate(pairs)], T0)
    assert cluster_postings(warehouse) == len(pairs)
    if before_second is not None:
        before_second(home / SKETCH_FILE)
    _load(warehouse, "r2", "s2", [_posting(p["b"], f"b{n}", "s2") for n, p in enumerate(pairs)], T1)
    assert cluster_postings(warehouse) == len(pairs)
    return _clusters(warehouse)


def test_stored_sketches_give_the_clusters_the_texts_give(tmp_path: Path) -> None:
    cached = _two_runs(tmp_path / "cached")
    fresh = _two_runs(tmp_path / "fresh", before_second=lambda f: f.unlink())
    assert cached == fresh
    pairs = _pairs()
    joined = [
        cached[make_posting(f"b{n}", source="s2").posting_key]
        == cached[make_posting(f"a{n}", source="s1").posting_key]
        for n in range(len(pairs))
    ]
    assert any(joined) and not all(joined)  # reposts joined their original, others did not
    stored, complete = read_sketch_cache(tmp_path / "cached" / SKETCH_FILE, DedupConfig())
    assert complete and {k[0] for k in stored} == set(cached)  # every current posting
    # the second run wrote its sketches alone, beside the first run's
    assert len(delta_files(tmp_path / "cached" / SKETCH_FILE)) == 1


def test_stale_or_broken_sketch_files_are_rebuilt(tmp_path: Path) -> None:
    expected = _two_runs(tmp_path / "plain")

    def other_settings(path: Path) -> None:
        # sketches computed with other LSH settings must not be read as these
        stored = read_sketches(path, DedupConfig())
        assert stored and not read_sketches(path, DedupConfig(bands=10))

    assert _two_runs(tmp_path / "stale", before_second=other_settings) == expected

    def garbage(path: Path) -> None:
        path.write_bytes(b"not a sketch file")

    assert _two_runs(tmp_path / "garbage", before_second=garbage) == expected
    assert read_sketches(tmp_path / "garbage" / SKETCH_FILE, DedupConfig())  # rewritten


def test_sketches_stand_in_for_texts() -> None:
    pairs = _pairs()
    existing = [
        {"posting_id": f"a{n}", "cluster_id": f"c{n}", "title": p["a"]["title"],
         "company": p["a"].get("company"), "text": "\n\n".join(p["a"]["text"])}
        for n, p in enumerate(pairs)
    ]  # fmt: skip
    new = [
        {"posting_id": f"b{n}", "title": p["b"]["title"], "company": p["b"].get("company"),
         "text": "\n\n".join(p["b"]["text"])}
        for n, p in enumerate(pairs)
    ]  # fmt: skip
    sketched = [
        {k: v for k, v in d.items() if k != "text"} | {"sketch": s}
        for d, s in zip(existing, sketches(existing), strict=True)
    ]
    assert assign_clusters(sketched, new) == assign_clusters(existing, new)
    assert all(s.signature.dtype == np.uint32 for s in sketches(new))


def test_new_sketches_go_to_deltas_folded_in_once_there_are_too_many(tmp_path: Path) -> None:
    warehouse, cache = tmp_path / "rolescope.duckdb", tmp_path / SKETCH_FILE
    pairs = _pairs()
    postings: list[JobPosting] = []
    for night in range(MAX_DELTAS + 2):
        spec = pairs[night % len(pairs)]["a"]
        postings.append(_posting(spec, f"n{night}", "s1"))
        _load(warehouse, f"r{night}", "s1", postings, T0)
        assert cluster_postings(warehouse) == 1
        # night 0 writes the main file; each later night one delta, until there are too many
        assert len(delta_files(cache)) == (night if night <= MAX_DELTAS else 0)
        stored, complete = read_sketch_cache(cache, DedupConfig())
        assert complete and {k[0] for k in stored} == {p.posting_key for p in postings}
    assert not delta_files(cache)  # folded into the main file
    with open_warehouse(warehouse) as store:
        assert store.query("SELECT count(*) FROM postings WHERE cluster_id IS NULL") == [(0,)]


def test_half_written_sketch_files_of_a_killed_run_are_cleared(tmp_path: Path) -> None:
    leftovers = [
        tmp_path / f".{SKETCH_FILE}.4242.tmp",
        tmp_path / f".{SKETCH_FILE.removesuffix('.npz')}.delta-0003.npz.4242.tmp",
    ]
    for leftover in leftovers:
        leftover.write_bytes(b"cut short")
    _two_runs(tmp_path)
    assert not any(leftover.exists() for leftover in leftovers)
