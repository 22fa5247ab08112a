"""The written training corpus: format, labels, ids, size; augmentation and the held-out split."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from models.training import CorpusError, load_corpus
from models.training.augment import drop_intro, drop_lines, excerpt, flatten, perturb
from models.training.loader import corpus_hash, label_counts
from models.training.train import corpus_examples, is_heldout, split
from models.types import ROLES, PostingText


@pytest.fixture(scope="module")
def corpus() -> list:
    return load_corpus()


def test_corpus_is_large_enough_and_has_every_label(corpus: list) -> None:
    assert len(corpus) >= 400
    counts = label_counts(corpus)
    assert all(counts[r] >= 30 for r in ROLES), counts
    assert {p.language for p in corpus} == {"fr", "en"}


def test_corpus_ids_unique_and_labels_valid(corpus: list) -> None:
    ids = [p.posting_id for p in corpus]
    assert len(ids) == len(set(ids))
    assert all(p.label in ROLES for p in corpus)
    assert all(p.description.strip() and p.title.strip() for p in corpus)


def _write(directory: Path, name: str, text: str) -> None:
    (directory / name).write_text(text, encoding="utf-8")


GOOD = """- id: a-1
  title: Community Manager
  language: fr
  label: community_manager
  case: [standard]
  description: Animer la communauté.
"""


def test_loader_reads_a_valid_file(tmp_path: Path) -> None:
    _write(tmp_path, "x_01.yaml", GOOD)
    (posting,) = load_corpus(tmp_path)
    assert posting.cases == ("standard",)
    assert posting.text().title == "Community Manager"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (GOOD.replace("community_manager", "astronaut"), "unknown label"),
        (GOOD.replace("language: fr", "language: de"), "unknown language"),
        (GOOD.replace("  title: Community Manager\n", ""), "missing title"),
        ("{not: a list}", "expected a YAML list"),
        ("- [unclosed", "not valid YAML"),
    ],
)
def test_loader_rejects_malformed_postings(tmp_path: Path, text: str, message: str) -> None:
    _write(tmp_path, "bad_01.yaml", text)
    with pytest.raises(CorpusError, match=message):
        load_corpus(tmp_path)


def test_loader_rejects_duplicate_ids(tmp_path: Path) -> None:
    _write(tmp_path, "a_01.yaml", GOOD)
    _write(tmp_path, "b_01.yaml", GOOD)
    with pytest.raises(CorpusError, match="duplicate id"):
        load_corpus(tmp_path)


def test_corpus_hash_is_order_independent_and_label_sensitive() -> None:
    a = (PostingText("1", "t", "d"), "other")
    b = (PostingText("2", "t", "d"), "community_manager")
    assert corpus_hash([a, b]) == corpus_hash([b, a])
    assert corpus_hash([a, b]) != corpus_hash([a, (b[0], "other")])


TEXT = (
    "Intro line one.\n\nVos missions\n- publier\n- répondre\n- animer\n- mesurer\n\nProfil\n- 2 ans"
)


def test_augmentations_keep_some_text_and_change_layout() -> None:
    rng = random.Random(1)
    assert "\n" not in flatten(TEXT)
    assert set(excerpt(TEXT, rng).split("\n")) <= set(TEXT.split("\n"))
    kept = drop_lines(TEXT, rng, keep=0.5).split("\n")
    assert len(kept) >= 2 and set(kept) <= set(TEXT.split("\n"))
    assert not drop_intro(TEXT).startswith("Intro")
    copy = perturb(PostingText("p", "T", TEXT), rng, 3)
    assert copy.posting_id == "p~aug3" and copy.title == "T" and copy.description


def test_heldout_split_is_stable_and_partial(corpus: list) -> None:
    examples = corpus_examples(corpus)
    train, held = split(examples)
    assert len(train) + len(held) == len(examples)
    assert 0.05 < len(held) / len(examples) < 0.3
    assert all(is_heldout(e.posting.posting_id) for e in held)
    assert split(examples)[1] == held
