"""Deduplication stage: give every posting a duplicate-cluster id.

Each posting's sketch (content key, shingle hashes, MinHash signature: see
``pipeline.dedup``) is kept in ``<home>/dedup-sketches.npz``, keyed by posting and content
hash, so a run reads and sketches only the texts it has not sketched yet instead of every
stored text. The file is a cache: a missing, unreadable or stale one (other sketch
settings) is rebuilt from the warehouse, and it is replaced atomically.
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

SketchKey = tuple[str, str]  # (posting id, content hash)


def cluster_postings(warehouse_path: Path, config: DedupConfig | None = None) -> int:
    """Cluster postings that have no cluster id yet against those that do; return how many."""
    config = config or DedupConfig()
    cache = warehouse_path.parent / SKETCH_FILE
    with open_warehouse(warehouse_path) as store:
        documents = store.cluster_documents(with_text=False)
        if all(d["cluster_id"] is not None for d in documents):
            return 0
        known = read_sketches(cache, config)
        by_id = {d["posting_id"]: d for d in documents}
        missing = [d["posting_id"] for d in documents if _key(d) not in known]
        for rows in store.current_texts(missing):
            docs = [{**by_id[posting_id], "text": text} for posting_id, text in rows]
            for doc, sketch in zip(docs, sketches(docs, config), strict=True):
                known[_key(doc)] = sketch
        current = {(d["posting_id"], d["content_hash"]) for d in documents}
        docs = [{**d, "sketch": known[_key(d)]} for d in documents]
        existing = [d for d in docs if d["cluster_id"] is not None]
        new = [
            {k: v for k, v in d.items() if k != "cluster_id"}
            for d in docs
            if d["cluster_id"] is None
        ]
        changed = store.set_clusters(assign_clusters(existing, new, config))
    if missing or len(known) != len(current):
        write_sketches(cache, config, {k: v for k, v in known.items() if k in current})
    return changed


def _key(doc: Mapping[str, Any]) -> SketchKey:
    return doc["posting_id"], doc["content_hash"]


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
    for leftover in path.parent.glob(f".{path.name}.*.tmp"):  # of a killed run
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
