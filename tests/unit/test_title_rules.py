"""Title-keyword rules: the role a title implies on its own."""

from __future__ import annotations

import pytest

from models.title_rules import baseline_predict, normalise_title, title_match, title_role


@pytest.mark.parametrize(
    ("title", "role"),
    [
        ("Community Manager (H/F) - CDI", "community_manager"),
        ("Animateur ou animatrice de communauté", "community_manager"),
        ("Chargé·e de community management", "community_manager"),
        ("Social Media Coordinator", "community_manager"),
        ("Assistant(e) Marketing/ Social Media", "community_manager"),
        ("Social Media Manager", "social_media_manager"),
        ("Responsable réseaux sociaux (F/H)", "social_media_manager"),
        ("Gestionnaire des médias sociaux", "social_media_manager"),
        ("Senior Manager, Social Media", "social_media_manager"),
        ("Head of Social Media EMEA", "social_media_strategist"),
        ("Directeur·rice des médias sociaux", "social_media_strategist"),
        ("VP, Social Media & Community", "social_media_strategist"),
        ("Corporate Social Media Strategist", "social_media_strategist"),
        ("Chargé de communication", "other"),
        ("Attaché de presse", "other"),
        ("Data Engineer", "other"),
        ("", "other"),
    ],
)
def test_title_role(title: str, role: str) -> None:
    assert title_role(title) == role


def test_most_senior_rule_wins() -> None:
    # "Head of Social Media" also contains "social media"; the strategist rule comes first.
    role, pattern = title_match("Head of Social Media Manager team")
    assert role == "social_media_strategist"
    assert pattern is not None


def test_no_pattern_for_other() -> None:
    assert title_match("Comptable") == ("other", None)


def test_normalise_strips_accents_and_gender_markers() -> None:
    assert normalise_title("Chargé·e de Communication (H/F)") == "charge de communication"
    assert normalise_title("Directeur/Directrice") == "directeur"


def test_baseline_is_one_label_per_title() -> None:
    assert baseline_predict(["Community Manager", "Comptable"]) == [
        "community_manager",
        "other",
    ]
