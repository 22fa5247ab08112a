"""The extraction pass scores what it extracts; what it leaves is scored by the classification
stage from the stored mentions, and both give the same rows."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from models.classifier import SHIPPED_ARTIFACT
from models.training.loader import load_corpus
from pipeline import warehouse as wh
from pipeline.stages.classify import classify_pending
from pipeline.stages.extract import extract_pending
from spiders.items import JobPosting, Location, sha256_text
from tests.helpers import load_complete_crawl

pytestmark = pytest.mark.skipif(not SHIPPED_ARTIFACT.exists(), reason="no shipped model")

NOW = datetime(2026, 11, 20, 2, 0)
CLASSIFICATIONS = "SELECT * EXCLUDE (classified_at) FROM classifications ORDER BY posting_id"


def _postings(count: int) -> list[JobPosting]:
    """Written corpus ads of every label and both languages, as loaded postings."""
    corpus = load_corpus()
    picked = corpus[:: max(1, len(corpus) // count)][:count]
    return [
        JobPosting(
            source="test",
            external_id=ad.posting_id,
            canonical_url=f"https://jobs.example.org/test/{ad.posting_id}",
            title=ad.title,
            company=ad.company,
            location=Location(city="Lyon", country="FR"),
            language=ad.language,
            description_html=f"<p>{ad.description}</p>",
            description_text=ad.description,
            raw_hash=sha256_text(ad.posting_id + ad.description),
        )
        for ad in picked
    ]


def test_one_pass_scores_what_it_extracts_like_the_classification_stage(tmp_path: Path) -> None:
    path = tmp_path / "rolescope.duckdb"
    with wh.open_warehouse(path) as store:
        load_complete_crawl(store, "r1", "test", _postings(60), NOW)
    extracted = extract_pending(path, chunk_size=25)
    assert extracted.postings == extracted.classified == 60
    assert extracted.model_version
    with wh.open_warehouse(path) as store:
        one_pass = store.query(CLASSIFICATIONS)
        assert len(one_pass) == 60
        labels = {row[0] for row in store.query("SELECT DISTINCT label FROM classifications")}
        assert len(labels) >= 3, labels
        store.con.execute("DELETE FROM classifications")
    # what a killed run leaves unscored, the classification stage scores from the stored
    # mentions: the same rows, probabilities and evidence included
    left = classify_pending(path, extracted.extractor_version, chunk_size=25)
    assert (left.postings, left.model_version) == (60, extracted.model_version)
    with wh.open_warehouse(path) as store:
        assert store.query(CLASSIFICATIONS) == one_pass
    again = classify_pending(path, extracted.extractor_version)
    assert again.postings == 0
