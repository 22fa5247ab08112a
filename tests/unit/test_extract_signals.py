"""Each signal and the decisive criteria, on ordinary job-ad phrasing, in French and English."""

from __future__ import annotations

import pytest

from models.extract import Extractor, default_extractor
from models.types import Mention, PostingText


@pytest.fixture(scope="session")
def extractor() -> Extractor:
    return default_extractor()


def _mentions(extractor: Extractor, text: str, title: str = "") -> dict[str, list[Mention]]:
    result = extractor.extract_one(PostingText("t", title, text))
    assert result.status == "ok", result
    found: dict[str, list[Mention]] = {}
    for m in result.mentions:
        found.setdefault(m.ref_id, []).append(m)
    return found


def _value(extractor: Extractor, text: str, ref_id: str) -> float | None:
    mentions = _mentions(extractor, text).get(ref_id)
    assert mentions, f"{ref_id} not found in {text!r}"
    return mentions[0].value


@pytest.mark.parametrize(
    ("text", "years"),
    [
        ("Vous justifiez de 5 ans d'expérience dans un poste similaire en agence.", 5),
        ("Minimum 2 ans d'expérience en gestion de communautés, idéalement en B2C.", 2),
        ("Une expérience d'au moins trois ans en communication digitale est requise.", 3),
        ("Vous avez entre 3 et 5 ans d'expérience sur les réseaux sociaux.", 3),
        ("You have 3+ years of experience managing social media for consumer brands.", 3),
        ("At least 7 years of experience in social media, including team leadership.", 7),
        ("Minimum of 4 years experience in a similar social media role is required.", 4),
        ("You bring 5-8 years' experience in digital marketing and social.", 5),
    ],
)
def test_years_of_experience(extractor: Extractor, text: str, years: float) -> None:
    assert _value(extractor, text, "years_of_experience") == years


def test_company_history_is_not_the_candidates_experience(extractor: Extractor) -> None:
    found = _mentions(
        extractor,
        "Fort de 40 ans d'expérience, notre groupe familial recrute un community manager "
        "pour animer ses réseaux.",
    )
    assert "company_history" in found and "years_of_experience" not in found


@pytest.mark.parametrize(
    ("text", "size"),
    [
        ("Rejoignez un groupe de 5 000 collaborateurs présent dans toute l'Europe.", 5000),
        ("We are a company of 1,200 employees building payment software.", 1200),
        ("Notre PME familiale recrute son premier community manager.", 250),
        ("Nous sommes une start-up de la foodtech en pleine croissance.", 50),
        ("Leading Fortune 500 retailer seeking a social media director.", 10000),
    ],
)
def test_company_size(extractor: Extractor, text: str, size: float) -> None:
    assert _value(extractor, text, "company_size") == size


def test_large_company_implies_the_strategist_size_criterion(extractor: Extractor) -> None:
    big = _mentions(extractor, "Groupe industriel de 12 000 salariés, nous recrutons.")
    small = _mentions(
        extractor, "Entreprise de 40 salariés, nous recrutons un chargé de communication."
    )
    assert "strat.large_organisation" in big
    assert "strat.large_organisation" not in small


@pytest.mark.parametrize(
    ("text", "size", "team_of"),
    [
        (
            "You will manage a team of 4 community managers across our brands.",
            4,
            "manages_community_managers",
        ),
        (
            "Vous encadrez une équipe de 3 personnes et briefez les graphistes.",
            3,
            "manages_content_creators",
        ),
        ("Vous managez les social media managers des pays.", None, "manages_social_media_managers"),
        (
            "You will lead a small team of content creators and brief our agencies.",
            None,
            "manages_agencies",
        ),
    ],
)
def test_team_management_and_whom(
    extractor: Extractor, text: str, size: float | None, team_of: str
) -> None:
    found = _mentions(extractor, text)
    assert team_of in found
    if size is not None:
        assert found["manages_team"][0].value == size
    if team_of != "manages_agencies":
        assert "smm.coordinates_others" in found or "strat.manages_managers" in found


def test_joining_a_team_is_not_managing_it(extractor: Extractor) -> None:
    found = _mentions(
        extractor, "You will join a friendly team of 10 marketers and work with the design team."
    )
    assert "manages_team" not in found


@pytest.mark.parametrize(
    "text",
    [
        "Vous gérez un budget annuel de 200 k€ pour la publicité sur les réseaux sociaux.",
        "Vous pilotez le budget média et optimisez les investissements.",
        "You will own the paid social budget and report on spend.",
        "Manage a budget of €150k across paid and organic social.",
    ],
)
def test_budget_ownership(extractor: Extractor, text: str) -> None:
    found = _mentions(extractor, text)
    assert "budget_ownership" in found and "smm.manages_budget" in found


@pytest.mark.parametrize(
    ("text", "expected", "absent"),
    [
        (
            "Vous animez les réseaux sociaux de nos différentes marques en France "
            "et à l'international.",
            "scope_multi",
            None,
        ),
        (
            "You will run social for a portfolio of brands across 15 markets in EMEA.",
            "scope_multi",
            None,
        ),
        (
            "Vous animez les réseaux sociaux de la marque et sa communauté de fans.",
            "scope_single_brand",
            "scope_multi",
        ),
        (
            "You will manage our Instagram and TikTok accounts day to day.",
            "scope_single_brand",
            "scope_multi",
        ),
    ],
)
def test_scope_one_brand_or_several_units(
    extractor: Extractor, text: str, expected: str, absent: str | None
) -> None:
    found = _mentions(extractor, text)
    assert expected in found
    if absent:
        assert absent not in found


@pytest.mark.parametrize(
    ("text", "definer"),
    [
        ("Vous définissez la stratégie social media de la marque.", True),
        ("Vous élaborez et pilotez notre stratégie sur les réseaux sociaux.", True),
        ("You will own our social strategy and set the goals.", True),
        ("You will develop and implement the social media strategy.", True),
        ("Vous participez à la définition de la stratégie social media.", False),
        ("Vous déployez la stratégie définie par la responsable communication.", False),
        ("Vous mettez en œuvre la stratégie social media de l'entreprise.", False),
        ("You will execute the social strategy set by the Head of Social.", False),
        ("You will help shape our social media strategy.", False),
    ],
)
def test_who_defines_the_strategy(extractor: Extractor, text: str, definer: bool) -> None:
    found = _mentions(extractor, text)
    expected, other = (
        ("strategy_definer", "strategy_executor")
        if definer
        else ("strategy_executor", "strategy_definer")
    )
    assert expected in found, found.keys()
    assert other not in found, found.keys()


@pytest.mark.parametrize(
    ("text", "signal"),
    [
        (
            "Rattaché(e) au Directeur Marketing, vous pilotez la présence sociale.",
            "reports_to_leadership",
        ),
        ("Reporting to the CMO, you will lead our social media function.", "reports_to_leadership"),
        (
            "Sous la responsabilité de la Responsable Communication, vous animez nos comptes.",
            "reports_to_manager",
        ),
        (
            "Reporting to the Social Media Manager, you will publish daily content.",
            "reports_to_manager",
        ),
    ],
)
def test_reporting_line(extractor: Extractor, text: str, signal: str) -> None:
    found = _mentions(extractor, text)
    assert signal in found
    other = {"reports_to_leadership": "reports_to_manager"}.get(signal, "reports_to_leadership")
    assert other not in found


def test_reporting_line_to_a_director_is_not_the_holders_seniority(extractor: Extractor) -> None:
    found = _mentions(
        extractor, "Reporting to the Director of Communications, you will post daily."
    )
    assert "seniority_level" not in found


@pytest.mark.parametrize(
    ("title", "text", "level"),
    [
        ("Community Manager Junior", "Vous animez nos réseaux sociaux.", 1),
        ("Social Media Manager", "Poste ouvert aux jeunes diplômés, débutant accepté.", 1),
        ("Senior Social Media Manager", "You will own our social strategy.", 3),
        ("Head of Social Media", "You will set the strategic direction for social.", 4),
    ],
)
def test_seniority_level(extractor: Extractor, title: str, text: str, level: int) -> None:
    found = _mentions(extractor, text, title=title)
    assert max(m.value or 0 for m in found["seniority_level"]) == level


@pytest.mark.parametrize(
    "text",
    [
        "Stage de 6 mois : community manager au sein de notre agence.",
        "Contrat en alternance, rythme 3 jours entreprise / 2 jours école.",
        "Social media internship (6 months), paid.",
    ],
)
def test_intern(extractor: Extractor, text: str) -> None:
    assert "intern" in _mentions(extractor, text)


@pytest.mark.parametrize(
    ("text", "flag"),
    [
        (
            "Vous êtes très actif sur vos réseaux personnels : "
            "votre compte Instagram est votre CV.",
            "rf.personal_account_experience",
        ),
        (
            "Please share your personal TikTok account with at least 10k followers.",
            "rf.personal_account_experience",
        ),
        ("Stagiaire, vous serez la voix de la marque sur Instagram.", "rf.intern_public_voice"),
        (
            "As our intern, you will run all our social accounts on your own.",
            "rf.intern_public_voice",
        ),
        ("Vous gérez seul(e) les situations de crise sur nos réseaux.", "rf.cm_crisis_alone"),
        ("You will handle any crisis independently, out of hours.", "rf.cm_crisis_alone"),
        ("Nous garantissons 10 000 abonnés en un mois à nos clients.", "rf.promised_followers"),
        ("Guaranteed 5,000 followers in 30 days or your money back.", "rf.promised_followers"),
    ],
)
def test_red_flags(extractor: Extractor, text: str, flag: str) -> None:
    found = _mentions(extractor, text)
    assert flag in found
    assert all(m.kind == "red_flag" for m in found[flag])


@pytest.mark.parametrize(
    ("text", "criterion"),
    [
        ("Répondre aux commentaires et aux messages privés.", "cm.answers_messages"),
        ("Respond to comments and DMs within the hour.", "cm.answers_messages"),
        ("Modérer les échanges sur nos pages.", "cm.moderates_community"),
        ("Créer des visuels et des vidéos courtes pour Instagram.", "cm.creates_content"),
        (
            "Présenter les résultats au comité de direction chaque mois.",
            "smm.reports_to_management",
        ),
        ("Définir les KPI et les tableaux de bord.", "smm.defines_indicators"),
        (
            "Former les équipes internes à la prise de parole sur les réseaux sociaux.",
            "strat.trains_coaches",
        ),
        ("Définir la feuille de route social media du groupe.", "strat.roadmap"),
        ("Drive change management across the organisation.", "strat.change_agent"),
        ("Set up and run our employee advocacy programme.", "strat.employee_advocacy"),
    ],
)
def test_criteria_on_ordinary_phrasing(extractor: Extractor, text: str, criterion: str) -> None:
    found = _mentions(extractor, text)
    assert criterion in found
    assert found[criterion][0].kind == "criterion"


def test_role_names_in_the_title(extractor: Extractor) -> None:
    cases = {
        "Community Manager (H/F)": "role_name.community_manager",
        "Responsable réseaux sociaux": "role_name.social_media_manager",
        "Chargé(e) de communication digitale": "role_name.social_media_coordinator",
        "Head of Social Media": "role_name.social_media_strategist",
    }
    for title, ref_id in cases.items():
        found = _mentions(
            extractor, "Vous animez nos réseaux sociaux et répondez aux messages.", title
        )
        assert [m.field for m in found[ref_id]] == ["title"], title
