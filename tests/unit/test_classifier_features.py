"""Duty-profile features: sections, social share of duties, decision-right signals."""

from __future__ import annotations

from models.features import analyse, is_social, lexicon, normalise, segment, unglue
from models.types import PostingText

CM_AD = """Qui sommes-nous ?
Une marque de thé installée à Lille, 30 salariés. Suivez-nous sur Instagram !

Vos missions
- Publier et programmer les posts sur Instagram et TikTok selon le planning validé
- Répondre aux commentaires et aux messages privés
- Animer la communauté : jeux-concours, stories
- Participer à la mise en œuvre de la stratégie social media définie par la direction

Profil
- Première expérience en community management
"""

PR_AD = """Missions :
- Rédiger les communiqués et dossiers de presse
- Entretenir les relations avec les journalistes
- Organiser les conférences de presse et les événements presse
- Suivre les retombées presse
- Relayer ponctuellement les actualités sur LinkedIn
"""


def test_sections_are_found() -> None:
    sections = {s.section for s in segment(CM_AD)}
    assert {"company", "duties", "profile"} <= sections
    duties = [s.text for s in segment(CM_AD) if s.section == "duties"]
    assert len(duties) == 4 and duties[0].startswith("Publier")


def test_bullet_duty_is_not_mistaken_for_a_heading() -> None:
    text = "Vos missions\n- Formation des équipes internes aux réseaux sociaux\n- Autre mission"
    assert [s.section for s in segment(text)] == ["duties", "duties"]


def test_inline_heading_with_colon() -> None:
    (first, *_) = segment("Missions : publier des posts ; répondre aux messages")
    assert first.section == "duties" and first.text.startswith("publier")


def test_social_share_separates_community_manager_from_press_officer() -> None:
    cm = analyse(PostingText("a", "Community Manager", CM_AD)).values
    pr = analyse(PostingText("b", "Attaché de presse", PR_AD)).values
    assert cm["share_social"] == 1.0 and cm["social_largest_block"] == 1.0
    assert pr["share_social"] < 1 / 3 and pr["social_under_third"] == 1.0
    assert pr["share_pr_press"] > 0.5


def test_company_blurb_does_not_count_as_duty() -> None:
    values = analyse(PostingText("a", "x", CM_AD)).values
    # The blurb mentions Instagram but is not a duty; all four duties are social.
    assert values["share_social"] == 1.0
    assert values["share_social_all"] < 1.0


def test_decision_rights() -> None:
    cm = analyse(PostingText("a", "Community Manager", CM_AD))
    assert cm.values["sig_apply_strategy"] > 0 and cm.values["sig_define_strategy"] == 0
    smm = analyse(
        PostingText(
            "s",
            "Social Media Manager",
            "Responsibilities\n- Develop and execute the social media strategy\n"
            "- Set KPIs and present results to the executive committee\n"
            "- Manage a team of two and a budget of £200k",
        )
    )
    assert smm.values["sig_define_strategy"] > 0
    # "develop and execute" defines the strategy; it is not applying someone else's.
    assert smm.values["sig_apply_strategy"] == 0
    assert smm.values["sig_report_management"] > 0 and smm.values["sig_budget"] > 0
    assert smm.evidence["define_strategy"] == ["Develop and execute the social media strategy"]


def test_is_social_needs_a_strong_term_or_two_weak_ones() -> None:
    lex = lexicon()
    assert is_social(normalise("Animer la communauté Instagram"), lex)
    assert is_social(normalise("Reply to comments and grow followers"), lex)
    assert not is_social(normalise("Build relationships with the local community"), lex)
    assert not is_social(normalise("Organise the annual conference"), lex)


def test_seniority_and_size_numbers() -> None:
    v = analyse(
        PostingText(
            "n",
            "Head of Social",
            "Groupe de 12 000 collaborateurs dans 14 pays. 8 ans d'expérience.",
        )
    ).values
    assert v["years_ge6"] == 1.0 and v["employees_ge1000"] == 1.0 and v["countries_log"] > 2


def test_glued_list_items_and_headings_are_split_again() -> None:
    flat = (
        "Your day to day:Scheduling posts on LinkedIn and TikTokReplying to comments and DMs"
        "Designing visuals in CanvaWho we areWe are a bakery chain.\\nSecond line"
    )
    texts = [s.text for s in segment(flat)]
    assert "Replying to comments and DMs" in texts
    assert any(t.endswith("Scheduling posts on LinkedIn and TikTok") for t in texts)
    assert "Second line" in texts and not any("\\n" in t for t in texts)
    # Brand names written in camel case stay whole.
    assert unglue("YouTube, WhatsApp, iPhone and eBay") == "YouTube, WhatsApp, iPhone and eBay"


def test_boilerplate_does_not_dilute_duties_without_headings() -> None:
    # No duty heading: the pay, benefits, equal-opportunity and how-to-apply
    # sentences are not duties, so the one duty left is all social media.
    text = (
        "We are seeking a coordinator to run our Instagram and TikTok accounts day to day. "
        "Salary is $40,000 a year. We offer medical, dental and vision insurance. "
        "We are an equal opportunity employer. Send your resume to jobs@example.org."
    )
    values = analyse(PostingText("b", "Coordinator", text)).values
    assert values["share_social"] == 1.0
    assert values["share_social_all"] < 0.5
