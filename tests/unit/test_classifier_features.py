"""Duty-profile features: sections, social share of duties, decision-right signals."""

from __future__ import annotations

from models.features import (
    ClassifierInput,
    analyse,
    is_social,
    job_extraction,
    lexicon,
    normalise,
    segment,
    unglue,
)
from models.types import Extraction, Mention, MentionKind, PostingText

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


def test_heading_glued_with_an_ellipsis_opens_the_duties() -> None:
    # Boards that drop line breaks leave "Your day to day will look like…Managing …".
    text = (
        "We are a small agency looking for a student.\n"
        "Your day to day will look like…Managing the content calendar\n"
        "Designing newsletters"
    )
    sentences = segment(text)
    assert [s.section for s in sentences] == ["unknown", "duties", "duties"]
    assert sentences[1].text == "Managing the content calendar"
    (first,) = segment("Ta journée type : répondre aux commentaires")
    assert first.section == "duties" and first.text == "répondre aux commentaires"
    # An ellipsis in running text is not a heading.
    assert segment("We are... a friendly team")[0].section == "unknown"


def test_online_communities_off_the_big_networks_are_social_work() -> None:
    lex = lexicon()
    assert is_social(normalise("Engage the members of our community on Slack"), lex)
    assert is_social(normalise("Animer notre communauté sur Discord"), lex)
    assert is_social(normalise("Post the news on our Telegram channel"), lex)
    # A team chatting on Slack is not a community to animate.
    assert not is_social(normalise("We talk on Slack and meet every Monday"), lex)


def test_hiring_sentence_is_a_duty_only_when_it_names_one() -> None:
    # No duty heading: "X is looking for ..." and "At X, we ..." are not duties
    # unless they say what the job holder will do.
    bare = (
        "At Northwind Advocacy, we fight for clean water. "
        "Northwind is looking for its next digital strategist. "
        "The strategist will create and manage our social media presence."
    )
    assert analyse(PostingText("a", "Digital Strategist", bare)).values["share_social"] == 1.0
    named = "We are hiring an assistant to run our events. Post on Instagram now and then."
    values = analyse(PostingText("b", "Assistant", named)).values
    assert values["share_social"] == 0.5 and values["share_events"] == 0.5


def test_strategy_defined_by_someone_else_counts_as_applying_it() -> None:
    # ROLES.md case 1 turns on who defines the strategy, not on the verb alone.
    def signals(sentence: str) -> tuple[float, float]:
        v = analyse(PostingText("a", "x", f"Missions:\n- {sentence}\n- Post on Instagram")).values
        return v["sig_define_strategy"], v["sig_apply_strategy"]

    defined_elsewhere = [
        "Our Director of Marketing builds the monthly plan and the calendar; you carry it out.",
        "Our Head of Growth owns the strategy and the weekly content plan; you execute it.",
        "Rattachée à la responsable marketing, qui définit la stratégie, vous publiez chaque jour.",
        "Vous appliquez la ligne éditoriale définie par la direction.",
    ]
    for sentence in defined_elsewhere:
        define, apply = signals(sentence)
        assert define == 0 and apply > 0, sentence
    for sentence in (
        "Reporting to the Head of Marketing, you will define the social media strategy.",
        "You will develop and implement a comprehensive social media strategy.",
        "Élaborer la stratégie social media, validée par le directeur marketing.",
    ):
        define, apply = signals(sentence)
        assert define > 0 and apply == 0, sentence


def test_following_guidelines_is_not_governance() -> None:
    lex = lexicon()

    def governance(text: str) -> bool:
        return bool(lex.groups.counts(normalise(text))["signal:governance"])

    assert not governance("Ensure every post follows our brand guidelines")
    assert governance("Write the social media guidelines for all business units")
    assert governance("Create playbooks for the regional teams")


def test_no_social_flags_postings_without_any_social_media_work() -> None:
    plain = "Missions:\n- Market research\n- Sales analytics\n- Customer service"
    assert analyse(PostingText("a", "Marketing Intern", plain)).values["no_social"] == 1.0
    # One social duty, or a social title, is enough to clear it.
    with_post = plain + "\n- Schedule our Instagram posts"
    assert analyse(PostingText("b", "Marketing Intern", with_post)).values["no_social"] == 0.0
    assert analyse(PostingText("c", "Community Manager", plain)).values["no_social"] == 0.0


def test_criteria_in_the_company_blurb_are_not_the_jobs() -> None:
    description = (
        "About us\n"
        "We are an agency that builds social media strategies for 40 brands.\n"
        "Your role\n"
        "- Publish the posts the account lead plans\n"
        "- Reply to comments\n"
    )
    posting = PostingText("a", "Social Media Assistant", description)
    company_start = description.index("We are")
    duty_start = description.index("Publish")

    def mention(ref_id: str, kind: MentionKind, start: int) -> Mention:
        return Mention(kind, ref_id, "f", "description", start, start + 6, "x", "x")

    mentions = (
        mention("smm.defines_strategy", "criterion", company_start),
        mention("org.headcount", "signal", company_start),
        mention("cm.publishes_schedules", "criterion", duty_start),
    )
    extraction = Extraction("a", "en", "ok", mentions)
    kept = job_extraction(ClassifierInput(posting, extraction))
    assert kept is not None
    assert [m.ref_id for m in kept.mentions] == ["org.headcount", "cm.publishes_schedules"]
    # Without a company heading nothing is dropped.
    flat = PostingText("b", "x", description.replace("About us\n", ""))
    assert job_extraction(ClassifierInput(flat, extraction)) is extraction
