"""Text preparation: markup removal with offsets kept, folding, sentences, numbers."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models.extract_text import Sentences, clean_text, fold
from models.extract_values import parse_number
from models.knowledge import load_knowledge


def _span(original: str, clean: str, needle: str) -> str:
    cleaned = clean_text(original)
    assert cleaned.text == clean
    start = cleaned.text.index(needle)
    s, e = cleaned.to_original(start, start + len(needle))
    return original[s:e]


def test_plain_text_is_left_alone() -> None:
    cleaned = clean_text("Animer la communauté")
    assert cleaned.text == "Animer la communauté" and cleaned.segments == ()
    assert cleaned.to_original(7, 9) == (7, 9)


def test_tags_scripts_and_entities_are_removed_with_offsets_kept() -> None:
    html = "<script>var a=1;</script><p>Vous d&eacute;finissez la <b>strat&eacute;gie</b></p>"
    cleaned = clean_text(html)
    assert "var a" not in cleaned.text
    assert cleaned.text.strip() == "Vous définissez la stratégie"
    assert _span(html, cleaned.text, "stratégie") == "strat&eacute;gie"
    assert _span(html, cleaned.text, "définissez") == "d&eacute;finissez"


def test_block_tags_become_line_breaks() -> None:
    assert clean_text("<li>un</li><li>deux</li>").text == "\nun\n\ndeux\n"


def test_inclusive_endings_and_ligatures_are_normalised() -> None:
    assert clean_text("Chargé(e) de communication").text == "Chargé de communication"
    assert clean_text("Directeur·rice social media").text == "Directeur social media"
    original = "mettre en œuvre la stratégie"
    assert _span(original, "mettre en oeuvre la stratégie", "oeuvre") == "œuvre"


def test_fold_keeps_length_and_removes_accents_hyphens_and_controls() -> None:
    text = "Élaborer l’e-réputation\x00\u00a0— Community-Manager\r"
    folded = fold(text)
    assert len(folded) == len(text)
    assert folded == "Elaborer l'e reputation  - Community Manager\n"


@given(st.text(max_size=300))
def test_cleaning_never_breaks_offsets(text: str) -> None:
    cleaned = clean_text(text)
    assert len(fold(cleaned.text)) == len(cleaned.text)
    for start in range(0, len(cleaned.text), 7):
        end = min(start + 5, len(cleaned.text))
        s, e = cleaned.to_original(start, end)
        assert 0 <= s <= e <= len(text)


def test_sentence_is_the_line_or_the_sentence_around_a_span() -> None:
    text = "Missions :\n- Animer la communauté. Répondre aux messages.\n- Veille"
    sentences = Sentences(text)
    start = text.index("Répondre")
    assert sentences.around(start, start + 8) == "Répondre aux messages."
    start = text.index("Animer")
    assert sentences.around(start, start + 6) == "- Animer la communauté."
    long_line = "mot " * 500
    assert len(Sentences(long_line).around(1000, 1003)) <= 400


@pytest.fixture(scope="module")
def numbers() -> dict[str, float]:
    return load_knowledge().numbers


@pytest.mark.parametrize(
    ("tokens", "value"),
    [
        (["5", "ans", "d'", "experience"], 5),
        (["3", "+", "years"], 3),
        (["3", "a", "5", "ans"], 3),
        (["5", "000", "collaborateurs"], 5000),
        (["1,200", "employees"], 1200),
        (["10k", "followers"], 10000),
        (["2,5", "ans"], 2.5),
        (["3ans"], 3),
        (["une", "equipe", "de", "trois", "personnes"], 3),
        (["un", "an"], 1),
        (["at", "least", "seven", "years"], 7),
        (["no", "number"], None),
    ],
)
def test_parse_number(tokens: list[str], value: float | None, numbers: dict[str, float]) -> None:
    assert parse_number(tokens, numbers) == value
