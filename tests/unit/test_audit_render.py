"""Audit report wording (French/English data) and the four renderers, with hostile text."""

from __future__ import annotations

import json
import re
import string
from pathlib import Path

import pytest

from models.types import Extraction, Mention, PostingText
from pipeline.audit.completeness import ITEMS
from pipeline.audit.engine import AuditContext, audit_posting
from pipeline.audit.render import build_view, render_text
from pipeline.audit.render.common import split_sentence
from pipeline.audit.render.markdown import md
from pipeline.audit.strings import LANGUAGES, SECTIONS, Texts, load_strings, report_language
from tests.unit.test_audit_engine import CM, KB, SMM, prediction, probs

AUDIT_DIR = Path(__file__).resolve().parents[2] / "pipeline" / "audit"
HOSTILE = (
    'Vous <script>alert("x")</script> modérez [bold red]nos[/] pages ](javascript:alert(1)) '
    "**gras** <img src=x onerror=alert(1)> & co."
)


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_both_languages_have_the_same_keys_and_placeholders() -> None:
    data = load_strings()
    for section in SECTIONS:
        fr, en = data["fr"][section], data["en"][section]
        assert set(fr) == set(en), section
        for key in fr:
            assert _fields(str(fr[key])) == _fields(str(en[key])), f"{section}.{key}"


def test_every_message_key_the_code_uses_exists() -> None:
    used: set[str] = set()
    for path in AUDIT_DIR.rglob("*.py"):
        used |= set(
            re.findall(
                r'"((?:verdict|fit|criterion|red_flag|advice|legal|note)\.[a-z_.]+)"',
                path.read_text(encoding="utf-8"),
            )
        )
    used |= {f"completeness.{i}.{s}" for i in ITEMS for s in ("ok", "vague", "missing")}
    used |= {f"verdict.{v}" for v in ("matches", "reads_as_other_role", "ambiguous")}
    for lang in LANGUAGES:
        messages = load_strings()[lang]["messages"]
        assert sorted(k for k in used if k not in messages) == [], lang


def test_report_language_choice() -> None:
    assert report_language(None, "fr") == "fr"
    assert report_language("en", "fr") == "en"
    assert report_language(None, "other") == "en"
    assert Texts("de").lang == "en"


def test_split_sentence_picks_out_the_quote() -> None:
    assert split_sentence("Vous modérez nos pages", "modérez") == ("Vous ", "modérez", " nos pages")
    assert split_sentence("- Publier les posts.", "- Publier les posts.") == (
        "",
        "Publier les posts.",
        "",
    )
    assert split_sentence("", "x") == ("", "x", "")
    assert split_sentence("autre chose", "x") == ("", "x", "")


def test_markdown_escape() -> None:
    assert md("[a](javascript:x) *b* <i>") == r"\[a\](javascript:x) \*b\* \<i\>"


def _hostile_view(lang: str | None = None) -> dict[str, object]:
    start = HOSTILE.index("modérez")
    posting = PostingText("p<1>", "Community <b>Manager</b> (H/F)", HOSTILE, "fr")
    mention = Mention(
        "criterion",
        "cm.moderates",
        "animation",
        "description",
        start,
        start + 7,
        "modérez",
        HOSTILE,
    )
    report = audit_posting(
        posting,
        Extraction("p<1>", "fr", "ok", (mention,)),
        prediction(SMM, probs(0.2, 0.7), CM),
        KB,
        context=AuditContext(model_version="m<1>", extractor_version="x&1"),
    )
    return build_view(report, lang)


def test_html_escapes_everything_from_the_ad_and_loads_nothing() -> None:
    html = render_text(_hostile_view(), "html")
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;" in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "Community &lt;b&gt;Manager&lt;/b&gt;" in html
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)
    assert "@import" not in html and "url(" not in html
    assert html.startswith("<!DOCTYPE html>") and '<html lang="fr">' in html


def test_markdown_shows_the_ad_as_text() -> None:
    text = render_text(_hostile_view(), "markdown")
    assert "<script>" not in text and "\\<script\\>" in text
    assert "\\*\\*gras\\*\\*" in text and "\\](javascript" in text


def test_terminal_does_not_read_the_ad_as_markup() -> None:
    text = render_text(_hostile_view(), "terminal")
    assert "[bold red]nos[/]" in text
    assert "Verdict: L'annonce décrit un autre poste" in text


def test_json_is_the_view_and_round_trips() -> None:
    view = _hostile_view("en")
    data = json.loads(render_text(view, "json"))
    assert data == view
    assert data["verdict"]["id"] == "reads_as_other_role"
    assert data["language"] == "en"
    assert data["declared"]["role"] == CM and data["predicted"]["role"] == SMM
    assert data["predicted"]["probabilities"][0]["role"] == SMM
    assert data["criteria"][0]["items"][0]["quotes"][0]["text"] == "modérez"


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_no_template_field_is_left_unfilled(lang: str) -> None:
    text = render_text(_hostile_view(lang), "markdown")
    assert not re.search(r"\{[a-z_]+\}", text)


def test_unknown_format_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown format"):
        render_text(_hostile_view(), "pdf")
