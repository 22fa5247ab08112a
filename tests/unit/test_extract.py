"""Extraction: offsets, sentences, statuses, bad input, ordering, version."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models.extract import MAX_DESCRIPTION_CHARS, Extractor, default_extractor
from models.extract_eval import FRESH_GOLD_FILES, GOLD_FILES, load_gold
from models.knowledge import CRITERIA_DIR, SKILLS_DIR, load_knowledge
from models.types import Extraction, PostingText

FR_AD = (
    "Au sein de l'équipe marketing, vous participez à la stratégie social media définie par "
    "la direction. Vous animez nos réseaux sociaux (Instagram, TikTok) et répondez aux "
    "commentaires.\nProfil : 2 ans d'expérience minimum en community management."
)
EN_AD = (
    "You will own our social strategy across 12 markets, set KPIs and report results to the "
    "leadership team. You will manage a team of 4 community managers. 5+ years of experience."
)


@pytest.fixture(scope="session")
def extractor() -> Extractor:
    return default_extractor()


def _one(extractor: Extractor, description: str, title: str = "", **kw: object) -> Extraction:
    return extractor.extract_one(PostingText("p1", title, description, **kw))  # type: ignore[arg-type]


def _check_offsets(posting: PostingText, result: Extraction) -> None:
    for m in result.mentions:
        source = posting.title if m.field == "title" else posting.description
        assert source[m.start : m.end] == m.text, m
        assert m.start < m.end
        assert m.sentence, m
        assert m.kind in ("criterion", "skill", "signal", "red_flag")


def test_french_posting(extractor: Extractor) -> None:
    posting = PostingText("fr", "Community Manager (H/F)", FR_AD)
    result = extractor.extract_one(posting)
    assert (result.status, result.language) == ("ok", "fr")
    found = {m.ref_id for m in result.mentions}
    assert {
        "cm.applies_strategy",
        "strategy_executor",
        "cm.animates_community",
        "cm.answers_messages",
        "instagram",
        "tiktok",
        "years_of_experience",
        "role_name.community_manager",
    } <= found
    assert "smm.defines_strategy" not in found
    _check_offsets(posting, result)
    title_names = [m for m in result.mentions if m.field == "title"]
    assert [m.text for m in title_names] == ["Community Manager"]


def test_english_posting(extractor: Extractor) -> None:
    posting = PostingText("en", "Social Media Manager", EN_AD)
    result = extractor.extract_one(posting)
    assert (result.status, result.language) == ("ok", "en")
    values = {m.ref_id: m.value for m in result.mentions}
    assert values["scope_multi"] == 12
    assert values["manages_team"] == 4
    assert values["years_of_experience"] == 5
    assert {"smm.defines_strategy", "strategy_definer", "manages_community_managers"} <= set(values)
    _check_offsets(posting, result)


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        # Someone else defines the strategy: the holder applies it (ROLES.md case 1).
        ("en", "Our Head of Growth owns the strategy; you execute it on X.", "cm.applies_strategy"),
        (
            "en",
            "You work with our Director of Marketing, who defines the social strategy.",
            "cm.applies_strategy",
        ),
        (
            "fr",
            "Rattachée à la responsable marketing, qui définit la stratégie, vous publiez.",
            "cm.applies_strategy",
        ),
        ("fr", "La direction fixe la stratégie ; vous publiez chaque jour.", "cm.applies_strategy"),
        # The holder defines it, whoever they report to.
        (
            "en",
            "Reporting to the CMO, you define the social media strategy.",
            "smm.defines_strategy",
        ),
        (
            "en",
            "Head the social team and develop the strategy for our brands.",
            "smm.defines_strategy",
        ),
        (
            "fr",
            "Rattaché au directeur, vous définissez la stratégie social media.",
            "smm.defines_strategy",
        ),
    ],
)
def test_who_defines_the_strategy(
    extractor: Extractor, language: str, text: str, expected: str
) -> None:
    found = {m.ref_id for m in _one(extractor, text, language=language).mentions}
    other = {"cm.applies_strategy", "smm.defines_strategy"} - {expected}
    assert expected in found and not other & found, found


def test_mention_sentence_is_the_sentence_of_the_evidence(extractor: Extractor) -> None:
    result = _one(extractor, FR_AD)
    years = next(m for m in result.mentions if m.ref_id == "years_of_experience")
    assert years.sentence == "Profil : 2 ans d'expérience minimum en community management."
    tiktok = next(m for m in result.mentions if m.ref_id == "tiktok")
    assert tiktok.sentence.startswith("Vous animez nos réseaux sociaux")


@pytest.mark.parametrize("files", [GOLD_FILES, FRESH_GOLD_FILES])
def test_offsets_point_at_the_evidence_on_every_gold_posting(
    extractor: Extractor, files: tuple[object, ...]
) -> None:
    postings = [g.posting for g in load_gold(files, extractor.kb)]  # type: ignore[arg-type]
    results = list(extractor.extract_many(postings, batch_size=7))
    assert [r.posting_id for r in results] == [p.posting_id for p in postings]
    for posting, result in zip(postings, results, strict=True):
        assert result.status == "ok", result
        _check_offsets(posting, result)


def test_extract_many_equals_extract_one_and_keeps_order(extractor: Extractor) -> None:
    postings = [
        PostingText("a", "Community Manager", FR_AD),
        PostingText("b", "", ""),
        PostingText("c", "Social Media Manager", EN_AD),
        PostingText(
            "d", "Stelle", "Wir suchen einen Social Media Manager in Berlin für unser Team."
        ),
    ]
    many = list(extractor.extract_many(postings, batch_size=3))
    assert [r.posting_id for r in many] == ["a", "b", "c", "d"]
    assert many == [extractor.extract_one(p) for p in postings]
    assert [r.status for r in many] == ["ok", "empty", "ok", "unsupported_language"]


def test_worker_processes_give_the_same_result(extractor: Extractor) -> None:
    postings = [
        PostingText(str(i), "Community Manager", FR_AD if i % 2 else EN_AD) for i in range(12)
    ]
    serial = list(extractor.extract_many(postings, batch_size=4))
    assert list(extractor.extract_many(postings, batch_size=4, n_process=2)) == serial


def test_the_flow_knows_the_workers_extractor_version_without_building_one(
    extractor: Extractor,
) -> None:
    from pipeline.stages.extract import expected_version, extract_chunk

    assert expected_version() == extractor.version
    posting = PostingText("p1", "Community manager", "Animer la communauté.")
    assert extract_chunk([posting], extractor.version)[0].status == "ok"
    with pytest.raises(RuntimeError, match="deploy the same code"):
        extract_chunk([posting], "0" * 16)


def test_version_is_stable_and_tied_to_the_data(extractor: Extractor, tmp_path: Path) -> None:
    assert extractor.version == Extractor(extractor.kb).version
    assert len(extractor.version) == 16
    criteria, skills = tmp_path / "criteria", tmp_path / "skills"
    shutil.copytree(CRITERIA_DIR, criteria)
    shutil.copytree(SKILLS_DIR, skills)
    families = criteria / "families.yaml"
    families.write_text(families.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert Extractor(load_knowledge(criteria, skills)).version != extractor.version


@pytest.mark.parametrize(
    ("description", "status", "reason"),
    [
        ("", "empty", "description is empty"),
        ("   \n\t ", "empty", "description is empty"),
        (
            "<html><head><title>x</title></head><body><div><br/></div></body></html>",
            "empty",
            "description has no text",
        ),
        ("<script>var job = 'community manager';</script>", "empty", "description has no text"),
        ("🙂🙂🙂 !!! 123", "empty", "description has no text"),
        (
            "Buscamos un community manager para gestionar nuestras redes sociales en Madrid.",
            "unsupported_language",
            "spanish",
        ),
    ],
)
def test_bad_input_gets_a_clear_status(
    extractor: Extractor, description: str, status: str, reason: str
) -> None:
    result = _one(extractor, description, title="Community Manager")
    assert result.status == status
    assert reason in (result.reason or "")
    assert result.mentions == ()


def test_markup_around_real_text_is_stripped(extractor: Extractor) -> None:
    html = (
        "<div class='job'><p>Vous <b>animez</b> nos r&eacute;seaux sociaux "
        "et r&eacute;pondez aux commentaires.</p></div>"
    )
    result = _one(extractor, html)
    assert result.status == "ok" and result.language == "fr"
    found = {m.ref_id: m for m in result.mentions}
    assert found["cm.animates_community"].text == "animez</b> nos r&eacute;seaux sociaux"
    assert "<" not in found["cm.answers_messages"].sentence


def test_huge_description_is_truncated_with_a_reason(extractor: Extractor) -> None:
    description = (FR_AD + "\n") * (1_000_000 // len(FR_AD))
    result = _one(extractor, description)
    assert result.status == "ok"
    assert "truncated" in (result.reason or "")
    assert max(m.end for m in result.mentions) <= MAX_DESCRIPTION_CHARS


def test_emoji_control_characters_and_surrogates_do_not_break_anything(
    extractor: Extractor,
) -> None:
    noisy = "🚀\x00\x07 " + FR_AD.replace(" ", " \u200b", 5) + " \ud800 \x1b[31m 😀"
    result = _one(extractor, noisy)
    assert result.status == "ok"
    _check_offsets(PostingText("p1", "", noisy), result)


def test_mixed_language_posting_uses_the_dominant_language(extractor: Extractor) -> None:
    mostly_english = EN_AD + " " + EN_AD + " Poste basé à Paris, télétravail partiel."
    assert _one(extractor, mostly_english).language == "en"


def test_a_language_hint_is_used_only_for_very_short_text(extractor: Extractor) -> None:
    assert _one(extractor, "Instagram, TikTok", language="fr").language == "fr"
    assert _one(extractor, EN_AD, language="fr").language == "en"


def test_non_string_fields_never_raise(extractor: Extractor) -> None:
    result = extractor.extract_one(PostingText("x", None, None))  # type: ignore[arg-type]
    assert result.status == "empty"


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(title=st.text(max_size=80), description=st.text(max_size=600))
def test_any_text_gives_a_status_and_valid_offsets(
    extractor: Extractor, title: str, description: str
) -> None:
    posting = PostingText("h", title, description)
    result = extractor.extract_one(posting)
    assert result.status in ("ok", "empty", "unsupported_language")
    _check_offsets(posting, result)
