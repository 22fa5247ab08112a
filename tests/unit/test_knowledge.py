"""The criteria knowledge base and skills vocabulary: structure, citations, patterns."""

from __future__ import annotations

import re
import shutil
from collections import Counter
from pathlib import Path

import pytest
import spacy
import yaml

from models.extract_patterns import PatternError, compile_patterns, lemma_forms
from models.knowledge import (
    ARTICLES_DIR,
    CRITERIA_DIR,
    ROLES_GUIDE,
    SKILLS_DIR,
    KnowledgeBase,
    KnowledgeError,
    load_knowledge,
    normalise_space,
    source_problems,
)
from models.types import ROLES

needs_shared = pytest.mark.skipif(
    not (ARTICLES_DIR.is_dir() and ROLES_GUIDE.is_file()),
    reason="../shared (articles, ROLES.md) is not available",
)


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load_knowledge()


def test_at_least_thirty_criteria_covering_every_role(kb: KnowledgeBase) -> None:
    criteria = kb.of_kind("criterion")
    assert len(criteria) >= 30
    per_role = Counter(role for c in criteria for role in c.roles.supports)  # type: ignore[union-attr]
    for role in ROLES:
        assert per_role[role] >= 4, (role, per_role)


def test_the_four_red_flags_of_the_articles_are_there(kb: KnowledgeBase) -> None:
    flags = {e.id: e for e in kb.of_kind("red_flag")}
    assert set(flags) >= {
        "rf.personal_account_experience",
        "rf.intern_public_voice",
        "rf.cm_crisis_alone",
        "rf.promised_followers",
    }
    assert {flags[i].source.article for i in flags} >= {  # type: ignore[union-attr]
        "001_2cdd6e3ebd024108.txt",
        "004_7027c94529feb35f.txt",
        "000_e1ec7bae87bca7e7.txt",
    }


def test_skills_have_the_canonical_ids_the_classifier_counts(kb: KnowledgeBase) -> None:
    ids = set(kb.by_id())
    platforms = {"facebook", "instagram", "tiktok", "linkedin", "x_twitter", "youtube"}
    tools = {"hootsuite", "sprout_social", "canva", "google_analytics", "brandwatch"}
    competencies = {"copywriting", "moderation", "paid_social", "seo", "crisis_communication"}
    signals = {
        "years_of_experience",
        "manages_team",
        "budget_ownership",
        "company_size",
        "scope_multi",
        "scope_single_brand",
        "strategy_definer",
        "strategy_executor",
        "reports_to_leadership",
        "intern",
        "seniority_level",
    }
    assert platforms | tools | competencies | signals <= ids
    assert {e.family for e in kb.of_kind("skill")} == {"platform", "tool", "competency"}


def test_strategy_contrast_is_encoded_both_ways(kb: KnowledgeBase) -> None:
    entries = kb.by_id()
    executor, definer = entries["cm.applies_strategy"], entries["smm.defines_strategy"]
    assert "strategy_executor" in {i.id for i in executor.implies}
    assert "strategy_definer" in {i.id for i in definer.implies}
    assert "smm.defines_strategy" in executor.suppresses
    assert "cm.applies_strategy" in definer.suppresses
    assert "community_manager" in definer.roles.against  # type: ignore[union-attr]


@needs_shared
def test_every_quote_is_in_its_cited_file(kb: KnowledgeBase) -> None:
    assert source_problems(kb) == []
    cited = {e.source.article for e in kb.entries if e.source is not None}
    assert {p.name for p in ARTICLES_DIR.glob("*.txt")} <= cited


def _guide_bullets(text: str) -> dict[str, list[str]]:
    """The bullet paragraphs of each role section of ROLES.md, plus the other-role paragraph."""
    sections: dict[str, list[str]] = {}
    for block in re.split(r"\n## ", text)[1:]:
        heading, _, body = block.partition("\n")
        role = re.search(r"`(\w+)`", heading)
        if role is None:
            continue
        bullets = [normalise_space(b) for b in re.split(r"\n- ", "\n" + body)[1:]]
        if not bullets:  # "other" is a paragraph, not a list
            bullets = [normalise_space(p) for p in body.split("\n\n") if p.strip()]
        sections[role.group(1)] = bullets
    return sections


@needs_shared
def test_every_role_paragraph_of_the_guide_is_covered_by_a_cited_criterion(
    kb: KnowledgeBase,
) -> None:
    sections = _guide_bullets(ROLES_GUIDE.read_text(encoding="utf-8"))
    assert set(sections) == set(ROLES)
    guides = [
        (normalise_space(e.guide), e)
        for e in kb.of_kind("criterion", "red_flag")
        if e.guide is not None and e.source is not None
    ]
    for role, bullets in sections.items():
        for bullet in bullets:
            covering = [e.id for phrase, e in guides if phrase in bullet]
            assert covering, f"{role}: no criterion covers {bullet[:70]!r}"


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_pattern_compiles_with_spacys_matcher(kb: KnowledgeBase, lang: str) -> None:
    compiled = compile_patterns(kb, lang, spacy.blank(lang).vocab, engine="spacy")
    assert compiled.pattern_count > 300
    assert {rule.entry_id for rule in compiled.rules.values()} == {
        e.id for e in kb.entries if e.patterns_for(lang)
    }


def test_lemma_patterns_reach_inflected_forms() -> None:
    forms = lemma_forms("fr", ["définir", "manager", "abonné"])
    assert {"definissez", "definir", "definit"} <= forms["definir"]
    assert {"managez", "managera"} <= forms["manager"]  # first-group fallback
    assert "abonnes" in forms["abonne"]
    assert {"owns", "owned"} <= lemma_forms("en", ["own"])["own"]


def _copy_kb(tmp_path: Path) -> tuple[Path, Path]:
    criteria, skills = tmp_path / "criteria", tmp_path / "skills"
    shutil.copytree(CRITERIA_DIR, criteria)
    shutil.copytree(SKILLS_DIR, skills)
    return criteria, skills


def _edit_entry(path: Path, entry_id: str, **changes: object) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for entry in data["entries"]:
        if entry["id"] == entry_id:
            entry.update(changes)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"family": "no_such_family"}, "not declared"),
        ({"implies": ["no.such.entry"]}, "unknown id"),
        ({"roles": {"supports": ["astronaut"]}}, "unknown role"),
        ({"id": "Bad-Id"}, "snake_case"),
        ({"source": None}, "needs a source"),
    ],
)
def test_loader_rejects_inconsistent_data(
    tmp_path: Path, changes: dict[str, object], message: str
) -> None:
    criteria, skills = _copy_kb(tmp_path)
    _edit_entry(criteria / "community_manager.yaml", "cm.moderates_community", **changes)
    with pytest.raises(KnowledgeError, match=message):
        load_knowledge(criteria, skills)


@needs_shared
def test_a_quote_not_in_the_article_is_reported(tmp_path: Path) -> None:
    criteria, skills = _copy_kb(tmp_path)
    source = {"article": "001_2cdd6e3ebd024108.txt", "quote": "une phrase inventée"}
    _edit_entry(criteria / "community_manager.yaml", "cm.moderates_community", source=source)
    problems = source_problems(load_knowledge(criteria, skills))
    assert problems == ["cm.moderates_community: quote not found in 001_2cdd6e3ebd024108.txt"]


@pytest.mark.parametrize(
    "bad_pattern",
    [
        ["e-réputation"],  # hyphens fold away: must be two tokens
        ["@no_such_macro"],
        [{"LEMMA": "gérer", "LOWER": "gerer"}],
        [{"LOWER": "x", "OP": "!"}],
    ],
)
def test_invalid_patterns_are_refused(tmp_path: Path, bad_pattern: list[object]) -> None:
    criteria, skills = _copy_kb(tmp_path)
    _edit_entry(
        criteria / "community_manager.yaml",
        "cm.moderates_community",
        patterns={"fr": [bad_pattern], "en": [["moderation"]]},
    )
    kb = load_knowledge(criteria, skills)
    with pytest.raises(PatternError, match=r"cm\.moderates_community"):
        compile_patterns(kb, "fr", spacy.blank("fr").vocab)


def test_fingerprint_follows_the_data_files(tmp_path: Path) -> None:
    criteria, skills = _copy_kb(tmp_path)
    before = load_knowledge(criteria, skills).fingerprint()
    assert before == load_knowledge(criteria, skills).fingerprint()
    _edit_entry(criteria / "community_manager.yaml", "cm.moderates_community", weight=0.5)
    assert load_knowledge(criteria, skills).fingerprint() != before
