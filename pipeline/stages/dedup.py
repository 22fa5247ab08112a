"""Deduplication stage: give every posting a duplicate-cluster id.

Each posting's sketch (content key, shingle hashes, MinHash signature, title block: see
``pipeline.dedup``) is kept in ``<home>/dedup-sketches.npz``, keyed by posting and content
hash, so a run reads and sketches only the texts it has not sketched yet instead of every
stored text. A run that sketched new texts writes them alone to a delta file beside it
(``dedup-sketches.delta-NNNN.npz``) rather than rewriting every sketch; the deltas are
folded into the main file once there are ``MAX_DELTAS`` of them or a fifth of the stored
sketches are stale (of postings whose content changed). The files are a cache: a missing,
unreadable or stale one (other sketch settings) is rebuilt from the warehouse, and each is
replaced atomically.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from pipeline.dedup import DedupConfig, Sketch, assign_clusters, sketch_fingerprint, sketches
from pipeline.warehouse import open_warehouse

SKETCH_FILE = "dedup-sketches.npz"
MAX_DELTAS = 8
MAX_STALE_SHARE = 0.2

SketchKey = tuple[str, str]  # (posting id, content hash)


def cluster_postings(warehouse_path: Path, config: DedupConfig | None = None) -> int:
    """Cluster postings that have no cluster id yet against those that do; return how many."""
    config = config or DedupConfig()
    cache = warehouse_path.parent / SKETCH_FILE
    with open_warehouse(warehouse_path) as store:
        documents = store.cluster_documents(with_text=False)
        if all(d["cluster_id"] is not None for d in documents):
            return 0
        known, complete = read_sketch_cache(cache, config)
        by_id = {d["posting_id"]: d for d in documents}
        missing = [d["posting_id"] for d in documents if _key(d) not in known]
        fresh: dict[SketchKey, Sketch] = {}
        for rows in store.current_texts(missing):
            docs = [{**by_id[posting_id], "text": text} for posting_id, text in rows]
            for doc, sketch in zip(docs, sketches(docs, config), strict=True):
                fresh[_key(doc)] = sketch
        known |= fresh
        existing, new = [], []
        for d in documents:
            d["sketch"] = known[_key(d)]
            if d["cluster_id"] is None:
                del d["cluster_id"]
                new.append(d)
            else:
                existing.append(d)
        changed = store.set_clusters(assign_clusters(existing, new, config))
    current = {_key(d) for d in documents}
    stale = len(known) - len(current)
    if (
        complete
        and stale <= MAX_STALE_SHARE * len(current)
        and (len(delta_files(cache)) < MAX_DELTAS)
    ):
        if fresh:
            write_sketches(next_delta(cache), config, fresh)
    else:
        write_sketches(cache, config, {k: v for k, v in known.items() if k in current})
        for delta in delta_files(cache):
            delta.unlink(missing_ok=True)
    return changed


def _key(doc: Mapping[str, Any]) -> SketchKey:
    return doc["posting_id"], doc["content_hash"]


def _stem(path: Path) -> str:
    """The name the main sketch file and its deltas share ("dedup-sketches")."""
    return path.name.split(".delta-")[0].removesuffix(".npz")


def delta_files(path: Path) -> list[Path]:
    """The delta files written beside the main sketch file, oldest first."""
    return sorted(path.parent.glob(f"{_stem(path)}.delta-[0-9][0-9][0-9][0-9].npz"))


def next_delta(path: Path) -> Path:
    """Where the next delta file goes."""
    deltas = delta_files(path)
    number = int(deltas[-1].name.rsplit("-", 1)[1].removesuffix(".npz")) + 1 if deltas else 1
    return path.with_name(f"{_stem(path)}.delta-{number:04d}.npz")


def read_sketch_cache(path: Path, config: DedupConfig) -> tuple[dict[SketchKey, Sketch], bool]:
    """The sketches of the main file and its deltas (later ones win), and whether every
    file was readable and current (else the next write folds everything again)."""
    known = read_sketches(path, config)
    complete = bool(known)
    for delta in delta_files(path):
        found = read_sketches(delta, config)
        complete = complete and bool(found)
        known |= found
    return known, complete


def read_sketches(path: Path, config: DedupConfig) -> dict[SketchKey, Sketch]:
    """The sketches stored in ``path``; none when it is missing, unreadable or stale."""
    try:
        with np.load(path, allow_pickle=False) as data:
            if str(data["fingerprint"]) != sketch_fingerprint(config):
                return {}
            ids, hashes, keys = data["posting_ids"], data["content_hashes"], data["keys"]
            offsets, shingles, signatures = data["offsets"], data["shingles"], data["signatures"]
            blocks = data["title_blocks"]
            if not (
                len(ids) == len(hashes) == len(keys) == len(signatures) == len(blocks)
                and len(offsets) == len(ids) + 1
            ):
                return {}
            ids, hashes, keys, blocks = (a.tolist() for a in (ids, hashes, keys, blocks))
            return {
                (ids[i], hashes[i]): Sketch(
                    keys[i], shingles[offsets[i] : offsets[i + 1]], signatures[i], blocks[i]
                )
                for i in range(len(ids))
            }
    except (OSError, ValueError, KeyError):
        return {}


def write_sketches(path: Path, config: DedupConfig, known: Mapping[SketchKey, Sketch]) -> None:
    """Store ``known`` in ``path``, replacing it atomically."""
    order = sorted(known)
    lengths = [known[k].shingles.size for k in order]
    perms = config.bands * config.rows
    # half-written files of a killed run, the main file's or any delta's
    for leftover in path.parent.glob(f".{_stem(path)}.*.tmp"):
        leftover.unlink(missing_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with tmp.open("wb") as handle:
        np.savez(
            handle,
            fingerprint=np.array(sketch_fingerprint(config)),
            posting_ids=np.array([k[0] for k in order], dtype=str),
            content_hashes=np.array([k[1] for k in order], dtype=str),
            keys=np.array([known[k].key for k in order], dtype=str),
            title_blocks=np.array([known[k].title_key for k in order], dtype=str),
            offsets=np.concatenate(([0], np.cumsum(lengths, dtype=np.int64))),
            shingles=np.concatenate(
                [known[k].shingles for k in order] or [np.array([], np.uint64)]
            ),
            signatures=np.array([known[k].signature for k in order], dtype=np.uint32).reshape(
                len(order), perms
            ),
        )
    os.replace(tmp, path)
