"""Dedup benchmark: quality on the hand-written pairs, and speed/memory at 100k postings.

    .venv/bin/python benchmarks/bench_dedup.py [--existing 90000] [--new 10000]

Quality: precision/recall of ``assign_clusters`` against JobFunnel's rule
(TF-IDF cosine >= 0.75) on tests/fixtures/dedup/pairs.yaml.
Scale: synthetic companies, each with a shared about/benefits template and
many roles; the new batch holds fresh ads plus reposts (new date, one edit)
of existing ones. Reports wall time, peak memory, repost recall and false
merges on that synthetic set.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import sys
import time
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from pipeline.dedup import assign_clusters, tfidf_duplicate_pairs  # noqa: E402


def quality() -> dict[str, Any]:
    """Pairwise precision/recall on the hand-written pairs, mine vs the TF-IDF baseline."""
    pairs = yaml.safe_load((REPO / "tests/fixtures/dedup/pairs.yaml").read_text("utf-8"))["pairs"]

    def doc(spec: dict[str, Any], pid: str) -> dict[str, Any]:
        return {
            "posting_id": pid,
            "title": spec["title"],
            "company": spec.get("company"),
            "location": spec.get("location"),
            "text": "\n\n".join(spec["text"]),
        }

    truth: list[bool] = []
    mine: list[bool] = []
    texts: list[str] = []
    index: list[tuple[int, int]] = []
    for n, pair in enumerate(pairs):
        a, b = doc(pair["a"], f"a{n}"), doc(pair["b"], f"b{n}")
        mine.append(assign_clusters([{**a, "cluster_id": "X"}], [b])[b["posting_id"]] == "X")
        truth.append(bool(pair["duplicate"]))
        index.append((len(texts), len(texts) + 1))
        texts += [a["text"], b["text"]]
    base = tfidf_duplicate_pairs(texts, index)

    def score(pred: list[bool]) -> dict[str, float]:
        tp = sum(t and p for t, p in zip(truth, pred, strict=True))
        fp = sum(p and not t for t, p in zip(truth, pred, strict=True))
        fn = sum(t and not p for t, p in zip(truth, pred, strict=True))
        return {
            "precision": round(tp / (tp + fp), 3) if tp + fp else 0.0,
            "recall": round(tp / (tp + fn), 3) if tp + fn else 0.0,
            "tp": tp,
            "fp": fp,
            "fn": fn,
        }

    return {"pairs": len(pairs), "mine": score(mine), "tfidf_0.75": score(base)}


def synthetic(
    existing: int, new: int, seed: int = 11
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], dict[str, str]]:
    """Existing docs (with cluster ids), new docs, and the true cluster of each repost."""
    rng = random.Random(seed)
    letters = "abcdefghijklmnopqrstuvwxyz"
    vocab = sorted(
        {"".join(rng.choice(letters) for _ in range(rng.randint(3, 9))) for _ in range(30000)}
    )
    roles = [
        "community manager",
        "social media manager",
        "attache de presse",
        "content designer",
        "charge de communication",
        "brand manager",
        "influence manager",
        "redacteur web",
    ]
    companies = []
    for c in range(max(1, (existing + new) // 50)):
        about = " ".join(rng.choice(vocab) for _ in range(45))
        perks = " ".join(rng.choice(vocab) for _ in range(40))
        companies.append((f"company {c} {rng.choice(vocab)}", about, perks))

    def ad(i: int) -> dict[str, Any]:
        name, about, perks = companies[i % len(companies)]
        body = " ".join(rng.choice(vocab) for _ in range(80))
        title = f"{roles[i % len(roles)]} {rng.choice(['', 'senior', 'junior'])}".strip()
        return {
            "posting_id": f"p{i:07d}",
            "title": title,
            "company": name,
            "text": f"{about}\n\n{body}\n\nPubliee le 0{i % 9 + 1}/05/2024\n\n{perks}",
        }

    old = [{**ad(i), "cluster_id": f"c{i:07d}"} for i in range(existing)]
    reposts = new // 10
    fresh = [ad(existing + i) for i in range(new - reposts)]
    truth = {}
    for k in range(reposts):
        source = old[rng.randrange(existing)]
        words = source["text"].split(" ")
        words[rng.randrange(len(words))] = rng.choice(vocab)
        text = " ".join(words).replace("/05/2024", "/06/2024")
        repost = {
            "posting_id": f"r{k:07d}",
            "title": source["title"],
            "company": source["company"],
            "text": text,
        }
        fresh.append(repost)
        truth[repost["posting_id"]] = source["cluster_id"]
    return old, fresh, truth


def main() -> int:
    """Run both parts and print a JSON summary."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--existing", type=int, default=90_000)
    parser.add_argument("--new", type=int, default=10_000)
    args = parser.parse_args()
    summary: dict[str, Any] = {"quality": quality()}
    old, fresh, truth = synthetic(args.existing, args.new)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started = time.perf_counter()
    clusters = assign_clusters(old, fresh)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    found = sum(clusters[pid] == cluster for pid, cluster in truth.items())
    false_merges = sum(
        1
        for d in fresh
        if d["posting_id"] not in truth and clusters[d["posting_id"]] != d["posting_id"]
    )
    summary["scale"] = {
        "existing": len(old),
        "new": len(fresh),
        "seconds": round(seconds, 1),
        "docs_per_second": round((len(old) + len(fresh)) / seconds),
        "peak_rss_mb": round(peak),
        "rss_mb_before_call": round(before),
        "reposts_found": f"{found}/{len(truth)}",
        "fresh_ads_wrongly_merged": false_merges,
    }
    print(json.dumps(summary, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
