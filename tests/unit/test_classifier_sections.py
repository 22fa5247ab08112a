"""Section awareness: description spans by heading, and section-aware extraction keys."""

from __future__ import annotations

import itertools

import pytest

from models.extract import Extractor, default_extractor
from models.features import (
    duty_sections,
    mention_keys,
    role_links,
    section_at,
    section_keys,
    section_spans,
)
from models.types import Extraction, Mention, PostingText

AD = """Qui sommes-nous ?
Une marque de thé de 300 salariés. Suivez-nous sur Instagram !

Vos missions
- Publier les posts sur Instagram et TikTok
- Répondre aux commentaires

Profil
- Première expérience en community management

Avantages : tickets restaurant
"""


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return default_extractor()


def test_spans_cover_the_description_in_order() -> None:
    spans = section_spans(AD)
    assert [name for name, _, _ in spans] == ["company", "duties", "profile", "other"]
    assert spans[0][1] == 0 and spans[-1][2] == len(AD)
    for (_, _, end), (_, start, _) in itertools.pairwise(spans):
        assert end == start
    assert section_at(spans, AD.index("Suivez")) == "company"
    assert section_at(spans, AD.index("Répondre")) == "duties"
    assert section_at(spans, AD.index("Première")) == "profile"


def test_text_without_headings_is_one_unknown_span_read_as_duties() -> None:
    text = "Publier les posts.\nRépondre aux commentaires."
    spans = section_spans(text)
    assert spans == [("unknown", 0, len(text))]
    assert duty_sections(spans) == {"unknown"}
    assert duty_sections(section_spans(AD)) == {"duties"}


def test_company_blurb_mentions_are_kept_apart_from_duties(extractor: Extractor) -> None:
    posting = PostingText(posting_id="a", title="Community manager", description=AD, language="fr")
    extraction = extractor.extract_one(posting)
    keys = section_keys(extraction, AD, role_links())
    blurb = [m for m in extraction.mentions if m.field == "description" and m.start < 80]
    assert blurb, "the blurb's headcount or Instagram should be found"
    assert any(k.startswith("company:") for k in keys)
    assert any(k.startswith("duties:") for k in keys)
    assert keys["duty_social_share"] > 0.5


def test_duty_social_share_falls_with_other_duties() -> None:
    def mention(ref_id: str, start: int) -> Mention:
        return Mention("criterion", ref_id, "x", "description", start, start + 1, "x", "x")

    text = "Missions\nRédiger\nRédiger\nRédiger\n"
    links = {
        "cm.a": [1.0, 0.0, 0.0, 0.0],
        "other.a": [0.0, 0.0, 0.0, 1.0],
        "other.b": [0, 0, 0, 1.0],
    }
    social = Extraction("p", "fr", "ok", (mention("cm.a", 10),))
    mixed = Extraction("p", "fr", "ok", (mention("cm.a", 10), mention("other.a", 18)))
    mostly_other = Extraction(
        "p", "fr", "ok", (mention("cm.a", 10), mention("other.a", 18), mention("other.b", 26))
    )
    shares = [
        section_keys(e, text, links)["duty_social_share"] for e in (social, mixed, mostly_other)
    ]
    assert shares[0] > shares[1] > shares[2]
    assert "duties:criterion~x" in mention_keys(social, links, text)
    assert not any(k.startswith("duties:") for k in mention_keys(social, links))


def test_new_other_criteria_are_found(extractor: Extractor) -> None:
    cases = {
        "other.content_seo": ("fr", "Rédaction web et référencement naturel des articles de blog."),
        "other.paid_search": ("en", "Run PPC campaigns in Google Ads and paid search."),
        "other.graphic_design": ("fr", "Conception graphique et mise en page des brochures."),
        "other.web_development": ("en", "Web developer maintaining our WordPress CMS."),
        "other.customer_service": (
            "fr",
            "Vous gérez le service client, les appels entrants et les tickets support.",
        ),
        "other.internal_communication": ("en", "Edit the staff newsletter and the intranet."),
        "other.journalism": ("fr", "Journaliste pigiste, reportages pour la rédaction."),
    }
    for ref_id, (lang, text) in cases.items():
        posting = PostingText(posting_id=ref_id, title="Poste", description=text, language=lang)
        found = {m.ref_id for m in extractor.extract_one(posting).mentions}
        assert ref_id in found, (ref_id, found)
