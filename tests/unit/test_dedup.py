"""Deduplication: behaviour of assign_clusters and its quality against JobFunnel's TF-IDF rule."""

from __future__ import annotations

import random
import time
from pathlib import Path
from typing import Any

import pytest
import yaml

from pipeline.dedup import (
    DedupConfig,
    assign_clusters,
    candidate_sets,
    duplicate_pairs,
    text_tokens,
    tfidf_duplicate_pairs,
    title_tokens,
)

PAIRS = Path(__file__).resolve().parents[1] / "fixtures" / "dedup" / "pairs.yaml"


def _doc(spec: dict[str, Any], posting_id: str) -> dict[str, Any]:
    return {
        "posting_id": posting_id,
        "title": spec["title"],
        "company": spec.get("company"),
        "location": spec.get("location"),
        "text": "\n\n".join(spec["text"]),
    }


def _pairs() -> list[dict[str, Any]]:
    return yaml.safe_load(PAIRS.read_text(encoding="utf-8"))["pairs"]


def precision_recall(truth: list[bool], predicted: list[bool]) -> tuple[float, float]:
    """Precision and recall of the 'duplicate' class."""
    tp = sum(t and p for t, p in zip(truth, predicted, strict=True))
    fp = sum(p and not t for t, p in zip(truth, predicted, strict=True))
    fn = sum(t and not p for t, p in zip(truth, predicted, strict=True))
    return (tp / (tp + fp) if tp + fp else 0.0), (tp / (tp + fn) if tp + fn else 0.0)


def evaluate() -> dict[str, tuple[float, float]]:
    """Precision/recall of assign_clusters and of the TF-IDF >= 0.75 baseline on the pairs."""
    truth, mine, texts, index = [], [], [], []
    for n, pair in enumerate(_pairs()):
        a, b = _doc(pair["a"], f"a{n}"), _doc(pair["b"], f"b{n}")
        clusters = assign_clusters([{**a, "cluster_id": "EXISTING"}], [b])
        mine.append(clusters[b["posting_id"]] == "EXISTING")
        truth.append(bool(pair["duplicate"]))
        index.append((len(texts), len(texts) + 1))
        texts += [a["text"], b["text"]]
    baseline = tfidf_duplicate_pairs(texts, index, threshold=0.75)
    return {"mine": precision_recall(truth, mine), "tfidf": precision_recall(truth, baseline)}


def test_fixture_has_hard_cases() -> None:
    kinds = [p["kind"] for p in _pairs()]
    assert sum(p["duplicate"] for p in _pairs()) >= 8
    assert sum(not p["duplicate"] for p in _pairs()) >= 10
    assert kinds.count("same_template_different_role") >= 4


def test_precision_beats_jobfunnel_tfidf_rule() -> None:
    scores = evaluate()
    (precision, recall), (base_precision, _) = scores["mine"], scores["tfidf"]
    assert precision > base_precision, scores
    assert recall >= 0.8, scores  # not bought by refusing to match


def test_recrawl_keeps_cluster_ids() -> None:
    existing = [
        {
            "posting_id": "p1",
            "cluster_id": "c1",
            "title": "Community Manager",
            "company": "A",
            "text": "x " * 20,
        },
        {
            "posting_id": "p2",
            "cluster_id": "c2",
            "title": "Press Officer",
            "company": "B",
            "text": "y " * 20,
        },
    ]
    new = [{k: v for k, v in d.items() if k != "cluster_id"} for d in existing]
    assert assign_clusters(existing, new) == {"p1": "c1", "p2": "c2"}


def test_repost_joins_existing_cluster_and_new_ad_gets_own_id() -> None:
    pair = next(p for p in _pairs() if p["kind"] == "repost_new_date")
    other = next(p for p in _pairs() if p["kind"] == "unrelated")
    existing = [
        {**_doc(pair["a"], "old-cm"), "cluster_id": "cluster-cm"},
        {**_doc(other["a"], "old-tilleul"), "cluster_id": "cluster-tilleul"},
    ]
    new = [_doc(pair["b"], "new-cm"), _doc(other["b"], "new-northwind")]
    assert assign_clusters(existing, new) == {
        "new-cm": "cluster-cm",
        "new-northwind": "new-northwind",
    }


def test_new_duplicates_of_each_other_share_smallest_id() -> None:
    pair = next(p for p in _pairs() if p["kind"] == "board_copy_without_about")
    new = [_doc(pair["b"], "zz-board"), _doc(pair["a"], "aa-career-page")]
    assert assign_clusters([], new) == {
        "zz-board": "aa-career-page",
        "aa-career-page": "aa-career-page",
    }


def test_hard_negative_stays_apart_even_with_a_shared_duplicate() -> None:
    cm = next(p for p in _pairs() if p["kind"] == "repost_new_date")
    pr = next(p for p in _pairs() if p["kind"] == "same_template_different_role")
    existing = [{**_doc(cm["a"], "cm"), "cluster_id": "k-cm"}]
    new = [_doc(cm["b"], "cm-repost"), _doc(pr["b"], "pr")]
    clusters = assign_clusters(existing, new)
    assert clusters["cm-repost"] == "k-cm" and clusters["pr"] == "pr"


def test_normalisation() -> None:
    assert title_tokens("Chargé(e) de communication (H/F)") == {"charge", "communication"}
    assert title_tokens("Content Creator m/w/d") == {"content", "creator"}
    assert text_tokens("Publiée le 02/04/2024 !") == ["publiee", "le", "0", "0", "0"]


def _synthetic(n: int, seed: int = 7) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    letters = "abcdefghijklmnopqrstuvwxyz"
    words = sorted({"".join(rng.choice(letters) for _ in range(6)) for _ in range(5000)})
    docs = []
    for i in range(n):
        text = " ".join(rng.choice(words) for _ in range(120))
        title, company = f"{words[i % 50]} manager", f"company {words[100 + i % 300]}"
        docs.append({"posting_id": f"d{i:06d}", "title": title, "company": company, "text": text})
    return docs


@pytest.mark.slow
def test_scales_without_quadratic_blowup() -> None:
    docs = _synthetic(6000)
    existing = [{**d, "cluster_id": d["posting_id"]} for d in docs[:5000]]
    reposts = [
        {**d, "posting_id": d["posting_id"] + "-r", "text": d["text"] + " nouveau"}
        for d in docs[:300]
    ]
    new = docs[5000:] + reposts
    started = time.perf_counter()
    clusters = assign_clusters(existing, new)
    elapsed = time.perf_counter() - started
    assert elapsed < 30
    assert all(clusters[d["posting_id"]] == d["posting_id"][:-2] for d in reposts)
    assert all(clusters[d["posting_id"]] == d["posting_id"] for d in docs[5000:])
    assert len(duplicate_pairs(existing[:500], new[:50])) == 0


def _template_family(rng: random.Random, size: int) -> list[dict[str, Any]]:
    """``size`` ads of one company written on its template: same about / benefits text, a
    role paragraph of their own (the synthetic boards' shape that made candidates explode)."""
    words = [f"w{n}" for n in range(3000)]
    about = " ".join(rng.choice(words) for _ in range(160))
    benefits = " ".join(rng.choice(words) for _ in range(80))
    return [
        {
            "posting_id": f"t{i:03d}",
            "title": f"{rng.choice(words)} {rng.choice(words)} manager",
            "company": "Gabarit SA",
            "location": "Lyon",
            "text": f"{about} {' '.join(rng.choice(words) for _ in range(25))} {benefits}",
        }
        for i in range(size)
    ]


def test_candidates_per_posting_are_capped_without_losing_the_duplicate() -> None:
    family = _template_family(random.Random(3), 120)
    existing = [{**d, "cluster_id": f"c-{d['posting_id']}"} for d in family[:100]]
    original = family[40]
    repost = {**original, "posting_id": "repost", "text": original["text"] + " 2027"}
    new = [repost, *family[100:]]
    config = DedupConfig(max_candidates=8)
    uncapped = candidate_sets(existing, new, DedupConfig(max_candidates=10_000))
    capped = candidate_sets(existing, new, config)
    # the template makes every ad a candidate of dozens of others; the cap bounds that
    assert max(len(c) for c in uncapped.values()) > 50
    assert max(len(c) for c in capped.values()) == 8
    # the ads sharing the most LSH buckets are kept: the repost's original among them
    assert "t040" in capped["repost"]
    assert assign_clusters(existing, new, config) == assign_clusters(
        existing, new, DedupConfig(max_candidates=10_000)
    )
    assert assign_clusters(existing, new, config)["repost"] == "c-t040"
