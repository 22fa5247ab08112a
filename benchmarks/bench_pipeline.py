"""Pipeline benchmark: extraction + classification against the naive baseline, the cost of
incremental nightly reruns, and the peak memory of every stage.

    .venv/bin/python -m benchmarks.bench_pipeline [--postings 10000] [--sample 300] [--workers 2]

* **Throughput, same postings, one core each**: the first ``--sample`` synthetic ads
  through our path (``Extractor.extract_many`` then ``RoleModel.predict`` on chunks)
  and through the naive one (``[nlp(t) for t in texts]`` with the full
  ``fr_core_news_sm`` pipeline, then ``predict`` called once per posting, given the
  same extractions; the naive side is not charged for any matching, so the ratio is
  a lower bound). Model loading is timed apart on both sides.
* **Full run at scale**: ``--postings`` ads staged as JSONL, then the stages the flow
  runs after the crawl (load, dedup, extract, classify, publish) on a fresh
  warehouse, extraction and classification on ``--workers`` Dask worker processes
  (a LocalCluster; ``--workers 1``: in the stage's own process). As in the flow, the
  extract stage scores each chunk it extracts and the classify stage scores what is left
  (nothing, on a run that was not interrupted). Stage times include building the models
  and starting the cluster.
* **Incremental reruns**: the same stages again with the same ads (0 % new), then
  with 1 % new ads; their cost against the full run's. Then 1 % new ads once more on
  warm workers: a Dask cluster that outlives the run (as in the several-machines
  deployment), whose workers already hold the extractor and the model.

Every stage runs in its own subprocess (``--stage``), so each peak RSS is that
stage's own; Dask workers report theirs.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
STAGES = ("load", "dedup", "extract", "classify", "publish")
PREDICT_CHUNK = 500


def _own_cpu_s() -> float:
    """CPU seconds (user + system) the calling process has used so far."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _own_peak_rss_mb() -> float:
    """Peak resident memory of the calling process, in MB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _local_cluster(workers: int) -> Any:
    from distributed import LocalCluster

    return LocalCluster(
        n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
    )


@contextmanager
def _submitter(
    workers: int, scheduler: str | None = None
) -> Iterator[tuple[Any, Callable[[], float], Callable[[], float]]]:
    """A stage ``submit`` (here, on a new Dask LocalCluster, or on the running cluster at
    ``scheduler``), and how to read the workers' peak RSS and CPU seconds."""
    from pipeline.stages.chunks import run_here

    if workers <= 1:
        yield run_here, lambda: 0.0, lambda: 0.0
        return
    from distributed import Client

    with ExitStack() as stack:
        if scheduler:
            client = stack.enter_context(Client(scheduler))
        else:
            client = stack.enter_context(Client(stack.enter_context(_local_cluster(workers))))

        def submit(fn: Callable[..., Any], *args: Any) -> Any:
            return client.submit(fn, *args, pure=False)

        def workers_peak() -> float:
            return float(max(client.run(_own_peak_rss_mb).values()))

        def workers_cpu() -> float:
            return float(sum(client.run(_own_cpu_s).values()))

        yield submit, workers_peak, workers_cpu


def _sample(count: int, seed: int) -> list[Any]:
    from benchmarks.synthetic import synthetic_postings

    return [ad.text() for ad in synthetic_postings(count, seed=seed)]


def stage_ours_sample(count: int, seed: int) -> dict[str, Any]:
    """Our extraction + classification of the sample in this process, one core."""
    from models.classifier import load_model
    from models.extract import Extractor

    postings = _sample(count, seed)
    started = time.perf_counter()
    extractor = Extractor()
    model = load_model(None)
    build_s = time.perf_counter() - started
    model.predict(postings[:2], list(extractor.extract_many(postings[:2])))  # warm caches
    extract_s = classify_s = 0.0
    labels: list[str] = []
    cpu = time.process_time()
    for start in range(0, len(postings), PREDICT_CHUNK):
        chunk = postings[start : start + PREDICT_CHUNK]
        t0 = time.perf_counter()
        extractions = list(extractor.extract_many(chunk))
        t1 = time.perf_counter()
        labels += [p.label for p in model.predict(chunk, extractions)]
        classify_s += time.perf_counter() - t1
        extract_s += t1 - t0
    cpu_s = time.process_time() - cpu
    return {
        "cpu_s": cpu_s,
        "postings_per_cpu_s": len(postings) / cpu_s,
        "postings": len(postings),
        "build_s": build_s,
        "extract_s": extract_s,
        "classify_s": classify_s,
        "postings_per_s": len(postings) / (extract_s + classify_s),
        "labels": labels,
        "peak_rss_mb": _own_peak_rss_mb(),
    }


def stage_baseline(count: int, seed: int) -> dict[str, Any]:
    """The naive path on the same sample: full fr_core_news_sm, then one predict per posting."""
    import spacy

    from models.classifier import load_model
    from models.extract import Extractor

    postings = _sample(count, seed)
    extractions = list(Extractor().extract_many(postings))  # given to the baseline, untimed
    started = time.perf_counter()
    nlp = spacy.load("fr_core_news_sm")
    model = load_model(None)
    build_s = time.perf_counter() - started
    nlp(postings[0].description)
    model.predict(postings[:1], extractions[:1])
    cpu = time.process_time()
    started = time.perf_counter()
    docs = [nlp(f"{p.title}\n\n{p.description}") for p in postings]
    nlp_s = time.perf_counter() - started
    started = time.perf_counter()
    labels = [model.predict([p], [e])[0].label for p, e in zip(postings, extractions, strict=True)]
    predict_s = time.perf_counter() - started
    cpu_s = time.process_time() - cpu
    return {
        "cpu_s": cpu_s,
        "postings_per_cpu_s": len(postings) / cpu_s,
        "postings": len(postings),
        "tokens": sum(len(d) for d in docs),
        "build_s": build_s,
        "nlp_s": nlp_s,
        "predict_s": predict_s,
        "postings_per_s": len(postings) / (nlp_s + predict_s),
        "labels": labels,
        "peak_rss_mb": _own_peak_rss_mb(),
    }


def _import_stages() -> None:
    """Import everything the stages use, so stage times leave out Python start-up."""
    import pipeline.stages.classify
    import pipeline.stages.dedup
    import pipeline.stages.extract
    import pipeline.stages.publish  # noqa: F401


def run_stage(stage: str, home: Path, staged: Path | None, run_id: str, submit: Any) -> Any:
    """Run one pipeline stage against the warehouse in ``home``; its result, JSON-ready."""
    from benchmarks.bench_load import load_staged
    from pipeline.stages.classify import classify_pending
    from pipeline.stages.dedup import cluster_postings
    from pipeline.stages.extract import expected_version, extract_pending
    from pipeline.stages.publish import publish_analyst_copy

    warehouse, analyst = home / "rolescope.duckdb", home / "rolescope-analyst.duckdb"
    if stage == "load":
        assert staged is not None
        files = {p.stem: p for p in sorted(staged.glob("*.jsonl"))}
        loaded, _ = load_staged(warehouse, files, run_id)
        return {"new": loaded.new, "unchanged": loaded.unchanged, "scraped": loaded.scraped}
    if stage == "dedup":
        return {"clustered": cluster_postings(warehouse)}
    if stage == "extract":
        extracted = extract_pending(warehouse, submit=submit)
        return {"postings": extracted.postings, "write_s": extracted.write_s}
    if stage == "classify":
        done = classify_pending(warehouse, expected_version(), submit=submit)
        return {"postings": done.postings, "write_s": done.write_s}
    if stage == "publish":
        return {"roles": publish_analyst_copy(warehouse, analyst)}
    raise ValueError(f"unknown stage {stage!r}")


def _stage_main(args: argparse.Namespace) -> dict[str, Any]:
    """One phase in this (sub)process: imports and cluster start timed apart from the work."""
    started = time.perf_counter()
    if args.stage in ("ours_sample", "baseline"):
        run = stage_ours_sample if args.stage == "ours_sample" else stage_baseline
        result = run(args.count, args.seed)
        return {"seconds": time.perf_counter() - started, "result": result}
    _import_stages()
    imports_s = time.perf_counter() - started
    workers = args.workers if args.stage in ("extract", "classify") else 1
    started = time.perf_counter()
    with _submitter(workers, args.scheduler) as (submit, workers_peak, workers_cpu):
        cluster_s = time.perf_counter() - started
        own, others = _own_cpu_s(), workers_cpu()
        started = time.perf_counter()
        result = run_stage(args.stage, args.home, args.staged, args.run_id, submit)
        seconds = time.perf_counter() - started
        own, others = _own_cpu_s() - own, workers_cpu() - others
        result["cpu_s"] = own + others
        if workers > 1:
            result["writer_cpu_s"] = own  # this process: reads chunks, ships them, stores results
        if workers > 1:
            result["workers_peak_rss_mb"] = workers_peak()
    return {"seconds": seconds, "imports_s": imports_s, "cluster_s": cluster_s, "result": result}


def _phase(*args: str) -> dict[str, Any]:
    """Run this module with ``args`` in a subprocess; its last stdout line as JSON."""
    command = [sys.executable, "-m", "benchmarks.bench_pipeline", *args]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed:\n{done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _run(
    home: Path, staged: Path, run_id: str, workers: int, scheduler: str | None = None
) -> dict[str, dict[str, Any]]:
    stages = {}
    on = ["--scheduler", scheduler] if scheduler else []
    for stage in STAGES:
        stages[stage] = _phase(
            "--stage", stage, "--home", str(home), "--staged", str(staged),
            "--run-id", run_id, "--workers", str(workers), *on,
        )  # fmt: skip
        print(
            f"  {run_id:<10} {stage:<9} {stages[stage]['seconds']:8.1f} s "
            f"peak {stages[stage]['peak_rss_mb']:6.0f} MB  {stages[stage]['result']}",
            file=sys.stderr,
            flush=True,
        )
    return stages


def measure(
    postings: int, sample: int, workers: int, folder: Path, seed: int = 7
) -> dict[str, Any]:
    """Every figure of this benchmark (see the module docstring)."""
    from benchmarks.bench_load import stage_postings

    home = folder / "home"
    home.mkdir(parents=True, exist_ok=True)
    figures: dict[str, Any] = {"postings": postings, "sample": sample, "workers": workers}

    sample_args = ["--count", str(sample), "--seed", str(seed)]
    ours = _phase("--stage", "ours_sample", *sample_args)
    naive = _phase("--stage", "baseline", *sample_args)
    figures["ours_sample"] = {k: v for k, v in ours["result"].items() if k != "labels"}
    figures["baseline"] = {k: v for k, v in naive["result"].items() if k != "labels"}
    figures["same_labels"] = ours["result"]["labels"] == naive["result"]["labels"]

    first = stage_postings(folder / "staged-1", postings, seed=seed)
    figures["full"] = _run(home, first.popitem()[1].parent, "run-1", workers)
    figures["rerun_0"] = _run(home, folder / "staged-1", "run-2", workers)
    shutil.rmtree(folder / "staged-1")
    grown = stage_postings(folder / "staged-2", postings + postings // 100, seed=seed)
    figures["rerun_1"] = _run(home, grown.popitem()[1].parent, "run-3", workers)
    shutil.rmtree(folder / "staged-2")
    if workers > 1:
        # a long-lived cluster whose workers built their models on an earlier night
        from distributed import Client

        from pipeline.stages.classify import shared_model
        from pipeline.stages.extract import expected_version, extract_chunk

        grown = stage_postings(folder / "staged-3", postings + 2 * (postings // 100), seed=seed)
        with _local_cluster(workers) as cluster, Client(cluster) as client:
            client.run(extract_chunk, [], expected_version())
            client.run(shared_model, None)
            figures["rerun_1_warm"] = _run(
                home, grown.popitem()[1].parent, "run-4", workers, cluster.scheduler_address
            )
    full = figures["full"]
    figures["stage_postings_per_s"] = postings / (
        full["extract"]["seconds"] + full["classify"]["seconds"]
    )
    figures["stage_postings_per_cpu_s"] = postings / (
        full["extract"]["result"]["cpu_s"] + full["classify"]["result"]["cpu_s"]
    )
    figures["fixed_s"] = _fixed_s(full)
    for run in ("full", "rerun_0", "rerun_1"):
        stages = sum(s["seconds"] for s in figures[run].values())
        figures[f"{run}_s"] = stages + figures["fixed_s"]
    if "rerun_1_warm" in figures:
        # its fixed part: start-up, and connecting to the running scheduler
        warm = figures["rerun_1_warm"]
        figures["rerun_1_warm_s"] = sum(s["seconds"] for s in warm.values()) + _fixed_s(warm)
    return figures


def _fixed_s(stages: dict[str, dict[str, Any]]) -> float:
    """What a run pays once, not once per stage: Python start-up and reaching the cluster."""
    return float(
        max(s["imports_s"] for s in stages.values()) + max(s["cluster_s"] for s in stages.values())
    )


def main() -> None:
    """Either run every phase and print the figures, or (``--stage``) one phase."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postings", type=int, default=10_000)
    parser.add_argument("--sample", type=int, default=300)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--dir", type=Path, default=None)
    parser.add_argument("--stage", help=argparse.SUPPRESS)
    parser.add_argument("--home", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--staged", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--run-id", default="run", help=argparse.SUPPRESS)
    parser.add_argument("--scheduler", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--count", type=int, default=300, help=argparse.SUPPRESS)
    parser.add_argument("--seed", type=int, default=7, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.stage:
        figures = _stage_main(args)
        print(json.dumps({**figures, "peak_rss_mb": _own_peak_rss_mb()}))
        return
    folder = args.dir or Path(tempfile.mkdtemp(prefix="bench-pipeline-"))
    figures = measure(args.postings, args.sample, args.workers, folder)
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
