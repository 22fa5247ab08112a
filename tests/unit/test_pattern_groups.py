"""The one-pass RE2 matcher of the feature lexicon answers exactly what Python's ``re`` does."""

from __future__ import annotations

import unicodedata

import pytest

from models.features import lexicon, normalise, segment
from models.pattern_groups import RE2_MAX_CHARS, PatternGroups, needs_python
from models.training import load_corpus


def _reference_normalise(text: str) -> str:
    # The definition normalise() is an optimisation of: decompose, drop marks, unify.
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.replace("’", "'").replace("‘", "'").replace("œ", "oe").replace("æ", "ae")
    return " ".join(text.split())


@pytest.fixture(scope="module")
def corpus_sentences() -> list[str]:
    sentences: list[str] = []
    for posting in load_corpus()[::3]:
        sentences += [s.norm for s in segment(posting.description)]
        sentences.append(normalise(posting.title))
    return sentences


def test_every_lexicon_group_counts_the_same_with_re2_and_re(
    corpus_sentences: list[str],
) -> None:
    groups = lexicon().groups
    assert len(corpus_sentences) > 2000
    matched = 0
    for text in corpus_sentences:
        fast = groups.counts(text)
        assert fast == groups.python_counts(text), text
        matched += sum(fast.values())
    assert matched > 2000  # the sentences exercise the patterns, not just the misses


def test_occurrence_counts_agree(corpus_sentences: list[str]) -> None:
    groups = lexicon().groups
    total = 0
    for start in range(0, len(corpus_sentences), 40):
        text = " ".join(corpus_sentences[start : start + 40])
        fast = groups.occurrences("topic:social_strong", text)
        assert fast == groups.python_occurrences("topic:social_strong", text)
        total += fast
    assert total > 200


@pytest.mark.parametrize(
    "text",
    [
        "gerer les reseaux sociaux øresund",  # ø stays after accent stripping: \w differs
        "straße social media manager",
        "социальные сети community manager",
        "reponse aux commentaires « vite » – merci",  # non-ASCII but no letter: RE2 path
        "",
    ],
)
def test_non_ascii_texts_get_the_same_answer(text: str) -> None:
    groups = lexicon().groups
    assert groups.counts(text) == groups.python_counts(text)


def test_only_non_ascii_letters_and_digits_need_python() -> None:
    assert not needs_python("plain ascii")
    assert not needs_python("« guillemets » – tirets … 😀")
    assert needs_python("øresund")
    assert needs_python("٣ years")  # an Arabic-Indic digit is \d for re, not for RE2


def test_very_long_text_uses_python_and_still_matches() -> None:
    groups = PatternGroups({"g": [r"\bneedle\b", "hay"]})
    text = "x " * RE2_MAX_CHARS + "needle"
    assert groups.counts(text) == {"g": 1}


def test_normalise_equals_its_definition() -> None:
    samples = [
        "Chargé·e de Communication Œuvres – Cœur d’équipe",
        "ÉQUIPE\u00a0SOCIAL\u202fMEDIA\tﬁnance ½",
        "Straße Ærø naïve façade ‘quoted’",
        "  many   spaces\n\nand lines  ",
    ]
    samples += [p.description for p in load_corpus()[:50]]
    for text in samples:
        assert normalise(text) == _reference_normalise(text)
