"""Language detection: French, English, other; short, empty and mixed texts."""

from __future__ import annotations

import pytest

from models.language import detect_language, windows

FRENCH = (
    "Nous recherchons un community manager pour animer nos réseaux sociaux, répondre aux "
    "commentaires et créer des contenus engageants pour notre communauté."
)
ENGLISH = (
    "We are looking for a social media manager to own our strategy, set goals and report "
    "results to the leadership team every month."
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (FRENCH, "fr"),
        (ENGLISH, "en"),
        ("Wir suchen einen Social Media Manager für unser Team in Berlin mit Erfahrung.", "other"),
        ("Buscamos un responsable de redes sociales para nuestra empresa en Madrid.", "other"),
    ],
)
def test_detects_french_english_and_other(text: str, expected: str) -> None:
    assert detect_language(text) == expected


@pytest.mark.parametrize("text", ["", "   ", "🙂🙂🙂", "12345 -- ///", "\x00\x01"])
def test_text_without_letters_is_other_unless_hinted(text: str) -> None:
    assert detect_language(text) == "other"
    assert detect_language(text, hint="fr") == "fr"
    assert detect_language(text, hint="de") == "other"


def test_short_text_uses_a_supported_hint_first() -> None:
    assert detect_language("Community Manager", hint="fr") == "fr"
    assert detect_language("Responsable réseaux sociaux") == "fr"


def test_a_hint_does_not_override_a_long_text() -> None:
    assert detect_language(ENGLISH * 2, hint="fr") == "en"


def test_mixed_text_gets_its_dominant_language() -> None:
    mostly_french = " ".join([FRENCH] * 5 + [ENGLISH])
    mostly_english = " ".join([ENGLISH] * 5 + [FRENCH])
    assert detect_language(mostly_french) == "fr"
    assert detect_language(mostly_english) == "en"
    assert detect_language(ENGLISH + " " + FRENCH * 6) == "fr"  # English only at the start


def test_windows_are_the_start_the_end_and_the_middle() -> None:
    text = "début " * 200 + "milieu " * 200 + "fin " * 200
    start, end, middle = windows(text, size=100)
    assert all(0 < len(p) <= 100 for p in (start, end, middle))
    assert set(start.split()) == {"début"}
    assert set(end.split()) == {"fin"}
    assert set(middle.split()) == {"milieu"}
    assert windows("court") == ["court"]
    assert windows("   ") == []
