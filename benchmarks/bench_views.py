"""Analyst views benchmark: every view's latency on a synthetic 1,000,000-posting warehouse.

    .venv/bin/python benchmarks/bench_views.py [--postings 1000000] [--dir DIR] [--reuse]

Builds the warehouse with plain INSERT ... SELECT into a fresh schema (the views come from
``apply_schema``), publishes the analyst copy through ``Warehouse.publish`` (search index
built in the warehouse, file copy, snapshots), then opens the copy read-only, as an
analyst does, and times for every view:

* ``full``: every row and every column computed (``bit_xor(hash(COLUMNS(*)))`` over the
  view, so nothing is pruned; no client-side conversion),
* ``fetch``: the view's rows fetched into Python (all rows for aggregated views, the first
  1,000 for the row-level ones).

Each figure is the median of 3 runs after a warm-up run. The target is < 1 s per view.
Also times the documented queries and a few full-text searches.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import duckdb  # noqa: E402

from pipeline.analyst.queries import list_queries  # noqa: E402
from pipeline.analyst.runner import open_analyst, run_query  # noqa: E402
from pipeline.warehouse import open_warehouse  # noqa: E402

ROW_LEVEL = {"labelled_postings", "current_postings", "distinct_ads", "posting_mentions"}
TARGET_S = 1.0

TITLES = [
    "Community Manager",
    "Community Manager H/F",
    "Social Media Manager",
    "Social Media Manager (CDI)",
    "Social Media Strategist",
    "Responsable stratégie social media",
    "Chargé(e) de communication digitale",
    "Content Manager",
    "Gestionnaire de communauté",
    "Digital Marketing Manager",
    "Brand Manager",
    "Community & Social Media Manager",
]
DOMAIN_WORDS = [
    "stratégie",
    "communauté",
    "modération",
    "animation",
    "analytics",
    "canva",
    "tiktok",
    "instagram",
    "linkedin",
    "campagne",
    "marque",
    "contenu",
    "éditorial",
    "influence",
    "budget",
    "reporting",
    "kpi",
    "veille",
    "réseaux",
    "sociaux",
    "engagement",
    "publicité",
    "paid",
    "social",
    "calendrier",
    "création",
    "visuels",
    "vidéo",
    "stories",
    "audience",
    "benchmark",
    "roadmap",
    "leadership",
    "conseil",
    "client",
    "agence",
    "annonceur",
    "crise",
    "e-réputation",
]
REFS = [  # kind, ref_id, family
    *[("skill", f"skill_{n:02d}", f"family_{n % 6}") for n in range(40)],
    *[("criterion", f"criterion_{n:02d}", f"family_{n % 4}") for n in range(24)],
    *[("signal", f"signal_{n}", "signal") for n in range(4)],
    *[("red_flag", f"red_flag_{n}", "red_flag") for n in range(4)],
]


def _exec(con: duckdb.DuckDBPyConnection, label: str, sql: str, params: Any = None) -> None:
    started = time.perf_counter()
    con.execute(sql, params or [])
    print(f"  {label:<22} {time.perf_counter() - started:6.1f} s", flush=True)


def build(path: Path, n: int) -> None:
    """Fill a fresh warehouse with ``n`` synthetic postings and everything around them."""
    store = open_warehouse(path)
    con = store.con
    con.execute("CREATE TEMP MACRO ix(h, n) AS CAST(h % n AS BIGINT) + 1")
    con.execute("CREATE TEMP TABLE vocab AS SELECT unnest(?::VARCHAR[]) AS w", [DOMAIN_WORDS])
    con.execute(
        "INSERT INTO temp.vocab SELECT 'mot' || i FROM range(2000 - ?) AS r(i)",
        [len(DOMAIN_WORDS)],
    )
    con.execute(
        "CREATE TEMP TABLE refs AS SELECT unnest(?::VARCHAR[]) AS kind, "
        "unnest(?::VARCHAR[]) AS ref_id, unnest(?::VARCHAR[]) AS family",
        [[r[0] for r in REFS], [r[1] for r in REFS], [r[2] for r in REFS]],
    )
    _exec(
        con,
        "sources, crawl runs",
        """
        INSERT INTO sources
        SELECT 'src-' || lpad(i::VARCHAR, 2, '0'),
               (['jsonld', 'greenhouse', 'lever', 'feed', 'france_travail'])[i % 5 + 1],
               '{}', TIMESTAMP '2024-01-01', TIMESTAMP '2026-11-20 02:10'
        FROM range(30) AS r(i);
        INSERT INTO crawl_runs (run_id, source_id, started_at, finished_at, status,
                                finish_reason, loaded_at, items_scraped, errors, stats)
        SELECT 'run-' || lpad(d::VARCHAR, 4, '0'), 'src-' || lpad(s::VARCHAR, 2, '0'),
               TIMESTAMP '2024-01-01 02:00' + to_days(CAST(d AS INTEGER)),
               TIMESTAMP '2024-01-01 02:10' + to_days(CAST(d AS INTEGER)),
               CASE WHEN hash(d, s) % 25 = 0 THEN 'partial'
                    WHEN hash(d, s) % 97 = 0 THEN 'failed' ELSE 'complete' END,
               'finished', TIMESTAMP '2024-01-01 02:20' + to_days(CAST(d AS INTEGER)),
               1000, 0, '{}'
        FROM range(1050) AS a(d), range(30) AS b(s);
        """,
    )
    _exec(
        con,
        "postings",
        """
        INSERT INTO postings
        WITH base AS (
            SELECT i, hash(i, 'country') % 100 AS c, hash(i, 'salary') % 100 AS s,
                   DATE '2024-01-01' + CAST(hash(i, 'date') % 1050 AS INTEGER) AS posted
            FROM range(?) AS r(i)
        )
        SELECT
            'p' || lpad(i::VARCHAR, 7, '0'),
            'src-' || lpad((i % 30)::VARCHAR, 2, '0'),
            'ext-' || i,
            'https://jobs.example.org/' || i,
            posted + INTERVAL 2 HOUR,
            posted + to_days(CAST(hash(i, 'seen') % 60 AS INTEGER)) + INTERVAL 2 HOUR,
            CASE WHEN posted < DATE '2026-09-01'
                 THEN posted + to_days(CAST(hash(i, 'seen') % 60 AS INTEGER) + 1) END,
            md5(i::VARCHAR || CASE WHEN i % 10 = 0 THEN 'v2' ELSE 'v1' END),
            CASE WHEN i % 10 = 0 THEN 2 ELSE 1 END,
            CASE WHEN i % 20 IN (0, 1) THEN 'd' || (i // 20)
                 WHEN i % 20 = 2 THEN NULL ELSE 'k' || i END,
            (?::VARCHAR[])[ix(hash(i, 'title'), 12)],
            'Company ' || hash(i, 'company') % 20000,
            'City ' || hash(i, 'city') % 500,
            CASE WHEN c < 60 THEN (['Île-de-France', 'Auvergne-Rhône-Alpes', 'Occitanie',
                                    'Nouvelle-Aquitaine', 'Hauts-de-France', 'Bretagne',
                                    'PACA'])[ix(hash(i, 'region'), 7)]
                 WHEN c < 85 THEN (['QC', 'ON', 'BC', 'AB', 'Québec'])[ix(hash(i, 'region'), 5)]
                 WHEN c < 93 THEN 'Bruxelles' WHEN c < 98 THEN 'Genève' END,
            CASE WHEN c < 60 THEN 'FR' WHEN c < 85 THEN 'CA' WHEN c < 93 THEN 'BE'
                 WHEN c < 98 THEN 'CH' END,
            CASE WHEN c BETWEEN 60 AND 74 THEN 'en' ELSE 'fr' END,
            posted,
            posted + 45,
            (['FULL_TIME', 'PART_TIME', 'CONTRACTOR', 'INTERN'])[ix(hash(i, 'type'), 4)],
            CASE WHEN s < 30 THEN 25000 + hash(i, 'min') % 40000
                 WHEN s < 33 THEN 14 + hash(i, 'min') % 10 END,
            CASE WHEN s < 25 THEN 35000 + hash(i, 'min') % 40000
                 WHEN s < 33 THEN 25 + hash(i, 'min') % 10 END,
            CASE WHEN s < 33 THEN CASE WHEN c BETWEEN 60 AND 84 THEN 'CAD'
                                       WHEN c BETWEEN 93 AND 97 THEN 'CHF' ELSE 'EUR' END END,
            CASE WHEN s < 30 THEN 'YEAR' WHEN s < 33 THEN 'HOUR' END,
            NULL, NULL
        FROM base
        """,
        [n, TITLES],
    )
    _exec(
        con,
        "posting versions",
        """
        INSERT INTO posting_versions
        WITH vocab_list AS (SELECT list(w) AS words FROM temp.vocab),
        versions AS (
            SELECT posting_id, content_hash, first_seen, title,
                   CAST(substr(posting_id, 2) AS BIGINT) AS i, 1 AS v FROM postings
            UNION ALL
            SELECT posting_id, md5(substr(posting_id, 2) || 'v1'), first_seen, title,
                   CAST(substr(posting_id, 2) AS BIGINT), 0 FROM postings WHERE version_count = 2
        )
        SELECT posting_id, content_hash, first_seen, 'run-0000', md5(content_hash), title,
               NULL,
               array_to_string(list_transform(range(CAST(40 + hash(i, v) % 40 AS BIGINT)),
                   lambda k: words[CAST(floor(pow(2000, (hash(i, v, k) % 10000) / 10000.0))
                                        AS INTEGER)]), ' '),
               '{}'
        FROM versions, vocab_list
        """,
    )
    _exec(
        con,
        "extractions",
        """
        INSERT INTO extractions
        SELECT posting_id, content_hash, 'x1', first_seen + INTERVAL 1 HOUR,
               CASE WHEN language = 'en' THEN 'en' ELSE 'fr' END, 'ok', NULL, 12
        FROM postings;
        INSERT INTO extractions
        SELECT posting_id, content_hash, 'x0', first_seen + INTERVAL 30 MINUTE, 'fr', 'ok', NULL, 0
        FROM postings WHERE hash(posting_id) % 10 = 0;
        """,
    )
    _exec(
        con,
        "skill mentions",
        """
        INSERT INTO skill_mentions
        WITH ref_list AS (SELECT list(ref_id ORDER BY ref_id) AS ids FROM temp.refs),
        picks AS (
            SELECT p.posting_id, p.content_hash, k,
                   ids[CAST(floor(pow(72, (hash(p.posting_id, k) % 10000) / 10000.0))
                            AS INTEGER)] AS ref_id
            FROM postings AS p, range(12) AS r(k), ref_list
        )
        SELECT x.posting_id, x.content_hash, 'x1', CAST(x.k AS INTEGER), r.kind, r.ref_id,
               r.family, 'description', CAST(x.k * 20 AS INTEGER), CAST(x.k * 20 + 9 AS INTEGER),
               'evidence', 'the sentence around the evidence.',
               CASE WHEN r.kind = 'signal' THEN 3 END
        FROM picks AS x JOIN temp.refs AS r USING (ref_id)
        """,
    )
    _exec(
        con,
        "models, classifications",
        """
        INSERT INTO model_versions VALUES
          ('m-old', TIMESTAMP '2025-01-01', TIMESTAMP '2025-01-02', 'a/m-old.skops', NULL,
           '1.9', '{}', '{}', FALSE),
          ('m-new', TIMESTAMP '2026-01-01', TIMESTAMP '2026-01-02', 'a/m-new.skops', NULL,
           '1.9', '{}', '{}', TRUE);
        INSERT INTO classifications
        WITH raw AS (
            SELECT p.posting_id, p.content_hash, p.title, m.model_version, p.first_seen,
                   1 + hash(p.posting_id, m.model_version, 1) % 100
                     + CASE WHEN p.title ILIKE '%community%' THEN 120 ELSE 0 END AS a,
                   1 + hash(p.posting_id, m.model_version, 2) % 100
                     + CASE WHEN p.title ILIKE '%social media manager%' THEN 120 ELSE 0 END AS b,
                   1 + hash(p.posting_id, m.model_version, 3) % 100
                     + CASE WHEN p.title ILIKE '%strat%' THEN 120 ELSE 0 END AS c,
                   1 + hash(p.posting_id, m.model_version, 4) % 100 AS d
            FROM postings AS p, model_versions AS m
        ),
        probs AS (
            SELECT *, a / (a + b + c + d) AS pa, b / (a + b + c + d) AS pb,
                   c / (a + b + c + d) AS pc, d / (a + b + c + d) AS pd
            FROM raw
        ),
        labelled AS (
            SELECT *, greatest(pa, pb, pc, pd) AS top,
                   CASE greatest(pa, pb, pc, pd) WHEN pa THEN 'community_manager'
                        WHEN pb THEN 'social_media_manager'
                        WHEN pc THEN 'social_media_strategist' ELSE 'other' END AS label,
                   CASE WHEN title ILIKE '%community%' THEN 'community_manager'
                        WHEN title ILIKE '%social media manager%' THEN 'social_media_manager'
                        WHEN title ILIKE '%strat%' THEN 'social_media_strategist' END AS tl
            FROM probs
        )
        SELECT posting_id, content_hash, model_version, first_seen + INTERVAL 2 HOUR, label,
               pa, pb, pc, pd, top, top < 0.45, tl, tl IS NOT NULL AND tl <> label,
               '[]', NULL, NULL, NULL, NULL
        FROM labelled
        """,
    )
    _exec(
        con,
        "labels",
        """
        INSERT INTO labels
        SELECT 'l' || i, 'p' || lpad((hash(i) % ?)::VARCHAR, 7, '0'),
               (['community_manager', 'social_media_manager', 'social_media_strategist',
                 'other'])[i % 4 + 1], 'analyst', TIMESTAMP '2026-06-01' + to_minutes(i), NULL
        FROM range(5000) AS r(i)
        """,
        [n],
    )
    _exec(
        con,
        "quarantine",
        """
        INSERT INTO quarantine
        SELECT 'q' || i, 'src-' || lpad((i % 30)::VARCHAR, 2, '0'), 'https://x/' || i,
               'truncated JSON-LD', '{', 'run-0001', 'run-0002', TIMESTAMP '2026-01-01',
               TIMESTAMP '2026-01-02', 1 + i % 3
        FROM range(2000) AS r(i)
        """,
    )
    store.close()


def timed(fn: Callable[[], object], runs: int = 3) -> float:
    """Median wall time of ``runs`` calls after one warm-up call."""
    fn()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def _fetch(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None) -> list[Any]:
    return con.execute(sql, params or []).fetchall()


def measure(analyst: Path) -> dict[str, Any]:
    """Latency of every view, documented query and a few searches on the analyst copy."""
    con = open_analyst(analyst)
    views = [
        r[0]
        for r in con.execute(
            "SELECT view_name FROM duckdb_views() WHERE NOT internal ORDER BY view_name"
        ).fetchall()
    ]
    results: dict[str, Any] = {"views": {}, "queries": {}, "search": {}}
    for view in views:
        (rows,) = con.execute(f"SELECT count(*) FROM {view}").fetchone() or (0,)
        full = timed(partial(_fetch, con, f"SELECT bit_xor(hash(COLUMNS(*))) FROM {view}"))
        limit = " LIMIT 1000" if view in ROW_LEVEL else ""
        fetch = timed(partial(_fetch, con, f"SELECT * FROM {view}{limit}"))
        results["views"][view] = {"rows": rows, "full_s": full, "fetch_s": fetch, "limit": limit}
        print(
            f"  {view:<28} rows {rows:>10,}  full {full:6.3f} s  fetch{limit or ' all'}"
            f" {fetch:6.3f} s",
            flush=True,
        )
    for doc in list_queries():
        text = doc.path.read_text(encoding="utf-8")
        seconds = timed(partial(run_query, con, text))
        results["queries"][doc.name] = seconds
        print(f"  query {doc.name:<48} {seconds:6.3f} s", flush=True)
    for query in ("stratégie de marque", "modération communauté tiktok", "mot1999"):
        seconds = timed(partial(_fetch, con, "SELECT * FROM search_postings(?) LIMIT 20", [query]))
        results["search"][query] = seconds
        print(f"  search {query!r:<40} {seconds:6.3f} s", flush=True)
    con.close()
    return results


def main() -> None:
    """Build (or reuse), publish and measure."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postings", type=int, default=1_000_000)
    parser.add_argument("--dir", type=Path, default=None)
    parser.add_argument("--reuse", action="store_true", help="reuse a warehouse built before")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = parser.parse_args()
    folder = args.dir or Path(tempfile.mkdtemp(prefix="bench-views-"))
    folder.mkdir(parents=True, exist_ok=True)
    warehouse, analyst = folder / "rolescope.duckdb", folder / "rolescope-analyst.duckdb"
    figures: dict[str, Any] = {"postings": args.postings, "threads": None}
    if not (args.reuse and warehouse.exists()):
        warehouse.unlink(missing_ok=True)
        print(f"building {args.postings:,} postings in {warehouse}", flush=True)
        started = time.perf_counter()
        build(warehouse, args.postings)
        figures["build_s"] = time.perf_counter() - started
    started = time.perf_counter()
    with open_warehouse(warehouse) as store:
        figures["threads"] = store.query("SELECT current_setting('threads')")[0][0]
        store.publish(analyst)
    figures["publish_s"] = time.perf_counter() - started
    print(f"publish (copy, view snapshots, search index): {figures['publish_s']:.1f} s")
    figures.update(measure(analyst))
    slow = [v for v, f in figures["views"].items() if f["full_s"] >= TARGET_S]
    print("every view under 1 s" if not slow else f"views over 1 s: {slow}")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2, default=str), encoding="utf-8")


if __name__ == "__main__":
    main()
