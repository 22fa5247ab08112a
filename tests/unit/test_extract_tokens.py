"""The extractor's caching tokenizer gives exactly spaCy's tokens."""

from __future__ import annotations

import pytest
import spacy

from models import extract_tokens
from models.extract_text import fold
from models.extract_tokens import CachingTokenizer, spans
from models.training import load_corpus

EDGE_CASES = [
    "",
    " ",
    "   ",
    " a",
    "a ",
    "a  b",
    "\n",
    " \n a \t b\xa0c  ",
    "l'équipe (H/F) e.g. a.m. C'est-à-dire aujourd'hui",
    "😀  x\u2028y",
    "a\r\nb\r\n\r\n- item",
    "x\u3000y z",
    "Community Manager H/F – CDI – 35h/semaine",
]


def _tokens(doc: spacy.tokens.Doc) -> list[tuple[object, ...]]:
    return [
        (t.text, t.whitespace_, t.idx, t.lower_, t.shape_, t.is_punct, t.like_num, t.is_space)
        for t in doc
    ]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_same_tokens_as_spacy(lang: str) -> None:
    texts = EDGE_CASES + [p.description for p in load_corpus()[::4]]
    texts += [fold(t) for t in texts]
    plain = spacy.blank(lang)
    cached = spacy.blank(lang)
    cached.tokenizer = CachingTokenizer(cached.tokenizer, cached.vocab)
    for _ in range(2):  # the second pass is served from the cache
        for text in texts:
            doc = cached(text)
            assert doc.text == text
            assert _tokens(doc) == _tokens(plain(text)), text[:80]


def test_spans_rebuild_the_text() -> None:
    for text in EDGE_CASES:
        rebuilt = "".join(span + (" " if space else "") for span, space in spans(text))
        assert rebuilt == text


def test_cache_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(extract_tokens, "MAX_CACHED_SPANS", 5)
    nlp = spacy.blank("en")
    tokenizer = CachingTokenizer(nlp.tokenizer, nlp.vocab)
    tokenizer(" ".join(f"word{i}" for i in range(50)))
    assert len(tokenizer._cache) <= 5
