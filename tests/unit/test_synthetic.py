"""The benchmark's synthetic job ads: deterministic, varied, realistic in shape and length."""

from __future__ import annotations

from collections import Counter

import pytest

from benchmarks.synthetic import (
    MAX_CHARS,
    MIN_CHARS,
    SCALES,
    synthetic_ad,
    synthetic_postings,
    templates,
)
from models.types import ROLES
from spiders.items import from_staged_line, to_staged_line

ADS = list(synthetic_postings(400, seed=7))


def test_same_seed_same_ads_and_any_slice_matches_the_full_run() -> None:
    again = list(synthetic_postings(400, seed=7))
    assert [a.posting for a in again] == [a.posting for a in ADS]
    middle = list(synthetic_postings(50, seed=7, start=100))
    assert [a.posting for a in middle] == [a.posting for a in ADS[100:150]]
    assert synthetic_ad(399, seed=7) == ADS[399]


def test_another_seed_gives_other_ads() -> None:
    other = list(synthetic_postings(50, seed=8))
    shared = {a.posting.description_text for a in other} & {
        a.posting.description_text for a in ADS[:50]
    }
    assert not shared


def test_descriptions_are_as_long_as_real_ads_and_all_different() -> None:
    lengths = [len(a.posting.description_text) for a in ADS]
    assert min(lengths) >= MIN_CHARS and max(lengths) <= MAX_CHARS
    assert max(lengths) - min(lengths) > 1500  # spread over the range, not one size
    assert len({a.posting.description_text for a in ADS}) == len(ADS)
    assert len({a.posting.posting_key for a in ADS}) == len(ADS)


def test_both_languages_and_all_four_labels_in_each_language() -> None:
    pairs = Counter((a.language, a.label) for a in ADS)
    for language in ("fr", "en"):
        for label in ROLES:
            assert pairs[(language, label)] >= 10, (language, label, pairs)


@pytest.mark.parametrize("language", ["fr", "en"])
def test_ads_read_like_ads_of_their_label_and_language(language: str) -> None:
    data = templates()[language]
    for ad in [a for a in ADS if a.language == language][:60]:
        text = ad.posting.description_text
        for section in ("duties", "profile", "benefits"):
            assert f"{data['headings'][section]}\n- " in text
        duties = data["labels"][ad.label]["duties"]
        own = sum(1 for d in duties if f"- {d.split('{')[0]}" in text)
        assert own >= 4, (ad.label, text)
        assert ad.posting.title.split(" (H/F)")[0] in data["labels"][ad.label]["titles"]
        assert "{" not in text and "}" not in text  # every placeholder filled


def test_ads_are_valid_postings_that_survive_staging() -> None:
    for ad in ADS[:50]:
        assert from_staged_line(to_staged_line(ad.posting)) == ad.posting
        text = ad.text()
        assert text.posting_id == ad.posting.posting_key
        assert text.description == ad.posting.description_text


def test_scales_are_the_documented_ones() -> None:
    assert SCALES == {"10k": 10_000, "100k": 100_000, "1m": 1_000_000}
