"""Audit: French legal/inclusion checks and completeness checks, from their data files."""

from __future__ import annotations

import pytest

from pipeline.audit.completeness import StructuredFacts, completeness_checks
from pipeline.audit.legal import legal_checks
from pipeline.audit.report import Finding


def _by_key(findings: list[Finding]) -> dict[str, list[Finding]]:
    out: dict[str, list[Finding]] = {}
    for f in findings:
        out.setdefault(f.key, []).append(f)
    return out


@pytest.mark.parametrize(
    ("title", "text", "quoted"),
    [
        ("Community Manager (H/F)", "Animer la communauté.", "(H/F)"),
        ("Community Manager F/H", "Animer la communauté.", "F/H"),
        ("Community manager (h/f/x)", "Animer.", "(h/f/x)"),
        ("Chargé(e) de communication", "Animer.", "Chargé(e)"),
        ("Chargé·e de communication", "Animer.", "Chargé·e"),
        ("Chargé.e de communication", "Animer.", "Chargé.e"),
        ("Animateur/trice de communauté", "Animer.", "Animateur/trice"),
        (
            "Community manager",
            "Le poste est ouvert aux femmes et aux hommes.",
            "aux femmes et aux hommes",
        ),
        ("Community manager", "Nous recrutons une candidate ou un candidat motivé.", None),
        ("Community manager", "Poste ouvert à toutes et tous.", "toutes et tous"),
    ],
)
def test_gender_mention_found(title: str, text: str, quoted: str | None) -> None:
    found = _by_key(legal_checks(title, text))
    if quoted is None:
        assert "legal.gender.missing" in found
        return
    (finding,) = found["legal.gender.ok"]
    assert finding.status == "ok"
    assert finding.quotes[0].text == quoted
    assert finding.sources[0].ref == "Code du travail, art. L1142-1"


def test_gender_mention_missing_cites_the_law_and_the_rule() -> None:
    (finding,) = _by_key(legal_checks("Community manager", "Animer la communauté."))[
        "legal.gender.missing"
    ]
    assert finding.status == "warn"
    assert not finding.quotes
    refs = [s.ref for s in finding.sources]
    assert refs == [
        "Code du travail, art. L1142-1",
        "pipeline/audit/data/legal_fr.yaml#gender_mention",
    ]


def test_an_abbreviation_is_not_a_gender_mention() -> None:
    found = _by_key(legal_checks("Community manager", "Des outils, e.g. Canva. Voir www.site.fr."))
    assert "legal.gender.missing" in found


@pytest.mark.parametrize(
    ("text", "quoted"),
    [
        ("Vous avez moins de 30 ans.", "moins de 30 ans"),
        ("Jeune diplômé de moins de 26 ans.", "moins de 26 ans"),
        ("Profil âgé de 25 à 35 ans.", "âgé de 25 à 35 ans"),
        ("Candidats entre 20 et 28 ans.", "entre 20 et 28 ans"),
        ("Âge maximum : 35 ans.", "Âge maximum"),
        ("Né après 1998.", "Né après 1998"),
    ],
)
def test_age_limits_are_quoted(text: str, quoted: str) -> None:
    findings = _by_key(legal_checks("Community manager (H/F)", text))
    (finding,) = findings["legal.age.found"]
    assert finding.status == "fail"
    assert finding.quotes[0].text == quoted
    assert finding.quotes[0].sentence == text
    assert finding.sources[0].ref == "Code du travail, art. L5331-2"
    assert "legal.age.none" not in findings


@pytest.mark.parametrize(
    "text",
    [
        "Moins de 2 ans d'expérience accepté.",
        "Entre 3 et 5 ans d'expérience.",
        "De 2 à 3 ans d'expérience en agence.",
        "Une entreprise de plus de 30 ans d'existence.",
    ],
)
def test_experience_is_not_an_age_limit(text: str) -> None:
    findings = _by_key(legal_checks("Community manager (H/F)", text))
    assert "legal.age.found" not in findings
    (none,) = findings["legal.age.none"]
    assert none.status == "ok"
    assert none.sources[1].ref == "pipeline/audit/data/legal_fr.yaml#age_limits"


@pytest.mark.parametrize(
    ("text", "quoted", "ground", "status"),
    [
        ("Un profil jeune et dynamique.", "profil jeune et dynamique", "age", "fail"),
        ("Français langue maternelle.", "langue maternelle", "origin", "fail"),
        ("Poste réservé, hommes uniquement.", "hommes uniquement", "sex", "fail"),
        ("Candidat sans enfant de préférence.", "sans enfant", "family situation", "fail"),
        ("Physique agréable exigé.", "Physique agréable", "physical appearance", "fail"),
        ("Vous êtes digital native.", "digital native", "age", "warn"),
    ],
)
def test_discriminatory_terms(text: str, quoted: str, ground: str, status: str) -> None:
    findings = legal_checks("Community manager (H/F)", text)
    terms = [f for f in findings if f.key.startswith("legal.discrimination.") and f.quotes]
    assert len(terms) == 1
    assert terms[0].quotes[0].text == quoted
    assert terms[0].param_dict["ground"] == ground
    assert terms[0].status == status


def test_one_finding_per_place_even_when_two_rules_match() -> None:
    findings = legal_checks("CM (H/F)", "Nous cherchons un candidat âgé de moins de 30 ans.")
    assert [f.quotes[0].text for f in findings if f.key == "legal.age.found"] == [
        "âgé de moins de 30 ans"
    ]


def test_clean_ad_passes_every_legal_check() -> None:
    findings = legal_checks(
        "Community Manager (H/F)", "Animer nos réseaux sociaux. 2 ans d'expérience. CDI à Lyon."
    )
    assert [(f.key, f.status) for f in findings] == [
        ("legal.gender.ok", "ok"),
        ("legal.age.none", "ok"),
        ("legal.discrimination.none", "ok"),
    ]


def _completeness(
    title: str, text: str, facts: StructuredFacts | None = None
) -> dict[str, Finding]:
    return {f.key.split(".")[1]: f for f in completeness_checks(title, text, facts)}


def test_completeness_all_stated() -> None:
    found = _completeness(
        "Community Manager",
        "CDI à temps plein, poste basé à Annecy. Salaire : 30 000 à 34 000 € brut annuel. "
        "2 ans d'expérience.",
    )
    assert {k: f.key for k, f in found.items()} == {
        "salary": "completeness.salary.ok",
        "location": "completeness.location.ok",
        "contract": "completeness.contract.ok",
        "seniority": "completeness.seniority.ok",
    }
    assert "30 000" in found["salary"].param_dict["text"]
    assert found["contract"].quotes[0].text == "CDI"
    assert found["seniority"].quotes[0].text == "2 ans d'expérience"


def test_completeness_vague_and_missing() -> None:
    found = _completeness(
        "Community Manager", "Rémunération selon profil. Télétravail possible. Expérience solide."
    )
    assert found["salary"].key == "completeness.salary.vague"
    assert found["salary"].quotes[0].text == "Rémunération selon profil"
    assert found["location"].key == "completeness.location.vague"
    assert found["contract"].key == "completeness.contract.missing"
    assert found["contract"].sources[0].ref == "pipeline/audit/data/completeness.yaml#contract"
    assert found["seniority"].key == "completeness.seniority.vague"


@pytest.mark.parametrize(
    ("text", "item"),
    [
        ("£24,000 - £27,000 per year.", "salary"),
        ("Salary: $65k plus bonus.", "salary"),
        ("Full-time, permanent contract.", "contract"),
        ("Based in Leeds.", "location"),
        ("At least 3 years of experience.", "seniority"),
        ("Stage de 6 mois.", "contract"),
        ("Poste junior.", "seniority"),
    ],
)
def test_completeness_english_and_french_forms(text: str, item: str) -> None:
    assert _completeness("Social Media Manager", text)[item].status == "ok"


def test_words_that_look_like_a_contract_or_a_place_are_not_one() -> None:
    found = _completeness(
        "Community Manager",
        "Qualité de vie au travail, esprit indépendant, nice to have: Canva. "
        "Une agence de communication.",
    )
    assert found["contract"].key == "completeness.contract.missing"
    assert found["location"].key == "completeness.location.missing"


def test_structured_data_counts_as_stated() -> None:
    facts = StructuredFacts(salary="30 000 – 34 000 EUR / year", location="Lyon, FR")
    found = _completeness("Community Manager", "Animer la communauté.", facts)
    assert found["salary"].key == "completeness.salary.ok"
    assert found["salary"].quotes[0].field == "structured"
    assert found["location"].param_dict["text"] == "Lyon, FR"
    assert found["contract"].key == "completeness.contract.missing"
