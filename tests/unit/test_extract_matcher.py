"""The anchor-indexed matcher gives the same matches as spaCy's Matcher."""

from __future__ import annotations

from collections.abc import Iterable

import pytest
import spacy
from spacy.matcher import Matcher

from models.extract_eval import GOLD_FILES, load_gold
from models.extract_matcher import FastMatcher, UnsupportedPattern
from models.extract_patterns import compile_patterns
from models.extract_text import clean_text, fold
from models.knowledge import load_knowledge


def _longest(matches: Iterable[tuple[int, int, int]]) -> set[tuple[int, int, int]]:
    best: dict[tuple[int, int], int] = {}
    for key, start, end in matches:
        best[(key, start)] = max(end, best.get((key, start), -1))
    return {(key, start, end) for (key, start), end in best.items()}


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_same_matches_as_spacy_on_the_gold_postings(lang: str) -> None:
    kb = load_knowledge()
    nlp = spacy.blank(lang)
    fast = compile_patterns(kb, lang, nlp.vocab)
    reference = compile_patterns(kb, lang, nlp.vocab, engine="spacy")
    postings = [g.posting for g in load_gold(GOLD_FILES, kb) if g.posting.posting_id[:2] == lang]
    compared = 0
    for posting in postings:
        for text in (posting.title, posting.description):
            doc = nlp(fold(clean_text(text).text))
            expected = _longest(reference.matcher(doc))
            assert _longest(fast.matcher(doc)) == expected, posting.posting_id
            compared += len(expected)
    assert compared > 400


def _run(patterns: list[list[dict[str, object]]], text: str) -> set[tuple[int, int, int]]:
    nlp = spacy.blank("en")
    doc = nlp(text)
    fast = FastMatcher(nlp.vocab.strings, common_words={"the"})
    slow = Matcher(nlp.vocab, validate=True)
    fast.add("k", patterns)
    slow.add("k", patterns)
    expected = _longest(slow(doc))
    assert _longest(fast(doc)) == expected
    return expected


def test_operators_and_anchors_behave_like_spacy() -> None:
    text = "we define the social media strategy and we own the strategy , the 3 brands"
    found = _run(
        [
            [{"LOWER": "define"}, {"OP": "{0,3}"}, {"LOWER": "strategy"}],
            [
                {"LOWER": {"IN": ["own", "define"]}},
                {"LOWER": "the", "OP": "?"},
                {"LOWER": "strategy"},
            ],
            [{"LOWER": "the"}, {"LIKE_NUM": True}, {"LOWER": {"REGEX": "^brand"}}],
            [{"LOWER": {"NOT_IN": ["own"]}}, {"LOWER": "the"}, {"LOWER": "strategy"}],
            [{"IS_PUNCT": True}, {"LOWER": "the", "OP": "+"}],
            [{"LOWER": "media", "OP": "*"}, {"LOWER": "strategy"}],
        ],
        text,
    )
    assert len(found) >= 6


def test_unsupported_features_are_refused() -> None:
    nlp = spacy.blank("en")
    fast = FastMatcher(nlp.vocab.strings)
    with pytest.raises(UnsupportedPattern):
        fast.add("k", [[{"POS": "VERB"}]])
    with pytest.raises(UnsupportedPattern):
        fast.add("k", [[{"LOWER": "a", "OP": "!"}]])
