"""Benchmark: extraction against the naive ``[nlp(text) for text in texts]`` baseline.

Both run on the same 2,000 postings, built from the hand-written gold postings
of ``models/evaluation/`` (French and English): each benchmark posting joins two
or three gold descriptions of one language with company and benefits paragraphs
written here, so postings are as long as real ads (2-4k characters). The
baseline is the full ``fr_core_news_sm`` pipeline, one ``nlp(text)`` call per
description. Each side runs in its own process so its peak RSS is its own.

    .venv/bin/python benchmarks/bench_extract.py [--postings 2000] [--processes 2]
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from models.types import PostingText  # noqa: E402

BOILERPLATE = {
    "fr": [
        "Qui sommes-nous ? Une entreprise indépendante créée il y a quinze ans, "
        "présente à Lyon, Nantes et Lille, qui place l'humain au cœur de son projet.",
        "Avantages : télétravail deux jours par semaine, tickets restaurant, mutuelle prise en "
        "charge à 70 %, RTT, comité d'entreprise et locaux accessibles en transports.",
        "Processus de recrutement : un premier échange téléphonique avec notre chargée de "
        "recrutement, puis un entretien avec l'équipe et un cas pratique à préparer.",
        "Conformément à la loi, nous étudions toutes les candidatures à compétences égales, "
        "sans distinction d'origine, de genre, d'âge ou de handicap.",
        "Poste en CDI à pourvoir dès que possible, rémunération selon profil et expérience.",
    ],
    "en": [
        "About us: we are an independent, employee-owned company founded in 2009, with "
        "offices in London, Manchester and Bristol and a hybrid working culture.",
        "Benefits: 25 days of holiday plus bank holidays, a pension scheme, private health "
        "insurance, a learning budget and flexible hours.",
        "Our hiring process: a short call with our talent team, a conversation with the hiring "
        "manager and a take-home task, then a final interview.",
        "We are an equal opportunity employer and welcome applications from all backgrounds, "
        "regardless of race, gender, age, religion, sexual orientation or disability.",
        "Full-time, permanent role. Salary depending on experience; visa sponsorship "
        "is not available for this position.",
    ],
}


def build_postings(count: int, seed: int = 7) -> list[PostingText]:
    """``count`` varied postings in French and English from the gold set and boilerplate."""
    from models.extract_eval import FRESH_GOLD_FILES, GOLD_FILES, load_gold
    from models.knowledge import load_knowledge

    gold = load_gold(GOLD_FILES + FRESH_GOLD_FILES, load_knowledge())
    by_language: dict[str, list[PostingText]] = {"fr": [], "en": []}
    for item in gold:
        lang = "fr" if item.posting.posting_id.startswith(("fr", "nf")) else "en"
        by_language[lang].append(item.posting)
    rng = random.Random(seed)
    postings = []
    for number in range(count):
        lang = "fr" if number % 2 == 0 else "en"
        parts = rng.sample(by_language[lang], k=rng.choice((2, 3)))
        paragraphs = [p.description for p in parts] + rng.sample(BOILERPLATE[lang], k=3)
        rng.shuffle(paragraphs)
        postings.append(PostingText(f"b{number}", parts[0].title, "\n\n".join(paragraphs)))
    return postings


def _cpu_seconds() -> float:
    """CPU time of this process and its finished children (user + system)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _peak_rss_mb(workers: int = 0) -> float:
    """Peak RSS of this process plus ``workers`` times the largest worker's (an upper
    bound: forked workers share the parent's pages until they write to them)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return (own + workers * children) / 1024


def run_ours(path: Path, processes: int) -> dict[str, float]:
    """Extraction throughput over the postings in ``path`` (build time reported apart)."""
    from models.extract import Extractor

    postings = [PostingText(**row) for row in map(json.loads, path.read_text().splitlines())]
    started = time.perf_counter()
    extractor = Extractor()
    extractor.extract_one(postings[0])  # lingua and the tokenizer caches warm up
    build = time.perf_counter() - started
    started, cpu = time.perf_counter(), _cpu_seconds()
    results = list(extractor.extract_many(postings, batch_size=64, n_process=processes))
    elapsed, cpu = time.perf_counter() - started, _cpu_seconds() - cpu
    return {
        "seconds": elapsed,
        "postings_per_s": len(postings) / elapsed,
        "postings_per_cpu_s": len(postings) / cpu,
        "build_s": build,
        "mentions": float(sum(len(r.mentions) for r in results)),
        "ok": float(sum(r.status == "ok" for r in results)),
        "peak_rss_mb": _peak_rss_mb(processes if processes > 1 else 0),
    }


def run_baseline(path: Path) -> dict[str, float]:
    """``[nlp(text) for text in texts]`` with the full fr_core_news_sm pipeline."""
    import spacy

    texts = [row["description"] for row in map(json.loads, path.read_text().splitlines())]
    nlp = spacy.load("fr_core_news_sm")
    nlp(texts[0])
    started, cpu = time.perf_counter(), _cpu_seconds()
    docs = [nlp(text) for text in texts]
    elapsed, cpu = time.perf_counter() - started, _cpu_seconds() - cpu
    return {
        "seconds": elapsed,
        "postings_per_s": len(texts) / elapsed,
        "postings_per_cpu_s": len(texts) / cpu,
        "tokens": float(sum(len(d) for d in docs)),
        "peak_rss_mb": _peak_rss_mb(),
    }


def _phase(phase: str, path: Path, processes: int) -> dict[str, float]:
    command = [sys.executable, __file__, "--phase", phase, "--data", str(path)]
    command += ["--processes", str(processes)]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    """Build the corpus, run both sides in their own processes, print the comparison."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postings", type=int, default=2000)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--phase", choices=("ours", "baseline"))
    parser.add_argument("--data", type=Path)
    args = parser.parse_args()
    if args.phase == "ours":
        print(json.dumps(run_ours(args.data, args.processes)))
        return
    if args.phase == "baseline":
        print(json.dumps(run_baseline(args.data)))
        return
    postings = build_postings(args.postings)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "postings.jsonl"
        rows = [
            {"posting_id": p.posting_id, "title": p.title, "description": p.description}
            for p in postings
        ]
        path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows))
        chars = sum(len(p.description) for p in postings) / len(postings)
        print(f"{len(postings)} postings, {chars:.0f} characters on average (fr and en)")
        single = _phase("ours", path, 1)
        multi = _phase("ours", path, args.processes) if args.processes > 1 else single
        baseline = _phase("baseline", path, 1)
    table = [("baseline fr_core_news_sm nlp(t)", baseline), ("extractor, 1 process", single)]
    if args.processes > 1:
        table.append((f"extractor, {args.processes} processes", multi))
    print(f"{'':34} {'postings/s':>11} {'per CPU-s':>10} {'seconds':>8} {'peak RSS MB':>12}")
    for label, row in table:
        print(
            f"{label:34} {row['postings_per_s']:11.1f} {row['postings_per_cpu_s']:10.1f} "
            f"{row['seconds']:8.1f} {row['peak_rss_mb']:12.0f}"
        )
    best = max(single["postings_per_s"], multi["postings_per_s"])
    print(
        f"ratio, wall clock (best extractor / baseline): {best / baseline['postings_per_s']:.1f}x"
    )
    per_cpu = single["postings_per_cpu_s"] / baseline["postings_per_cpu_s"]
    print(f"ratio, per CPU-second (1 process / baseline): {per_cpu:.1f}x")
    print(
        f"extractor build {single['build_s']:.1f} s; {single['mentions']:.0f} mentions; "
        f"{single['ok']:.0f} postings ok; "
        "with workers, peak RSS = parent + workers x largest worker"
    )


if __name__ == "__main__":
    main()
