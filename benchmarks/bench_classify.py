"""Benchmark: the shipped role classifier on many postings.

Times (1) extraction + classification end to end and (2) classification alone
on already extracted postings, for ``--postings`` postings built from the
written corpus (cycled, ids made unique), and prints postings per second and
the peak RSS of the process.

    .venv/bin/python benchmarks/bench_classify.py [--postings 2000] [--batch 500]
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from models.classifier import load_model  # noqa: E402
from models.evaluation.classifier_eval import default_extract  # noqa: E402
from models.training import load_corpus  # noqa: E402


def main() -> None:
    """Run the benchmark and print a JSON summary."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--postings", type=int, default=2000)
    parser.add_argument("--batch", type=int, default=500)
    args = parser.parse_args()
    corpus = [p.text() for p in load_corpus()]
    postings = [
        replace(corpus[i % len(corpus)], posting_id=f"bench-{i}") for i in range(args.postings)
    ]
    started = time.perf_counter()
    model = load_model(None)
    extract, _ = default_extract()
    load_s = time.perf_counter() - started
    extract_s = classify_s = 0.0
    for i in range(0, len(postings), args.batch):
        chunk = postings[i : i + args.batch]
        t0 = time.perf_counter()
        extractions = extract(chunk)
        t1 = time.perf_counter()
        model.predict(chunk, extractions)
        t2 = time.perf_counter()
        extract_s += t1 - t0
        classify_s += t2 - t1
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {
                "postings": len(postings),
                "load_seconds": round(load_s, 1),
                "extract_seconds": round(extract_s, 1),
                "classify_seconds": round(classify_s, 1),
                "classify_per_second": round(len(postings) / classify_s, 1),
                "end_to_end_per_second": round(len(postings) / (extract_s + classify_s), 1),
                "peak_rss_mb": round(rss_mb),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
