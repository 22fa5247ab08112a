"""Small helpers shared by the renderers."""

from __future__ import annotations

from typing import Any

# List markers at the start of a quoted line, not worth showing.
_BULLETS = "-–—•·*▪►➢➤✓✔ "


def split_sentence(sentence: str, text: str) -> tuple[str, str, str]:
    """``(before, match, after)``: the sentence with the quoted words picked out.

    When the quoted words are not in the sentence (the sentence was cut), the
    match is the quoted words and the sentence is dropped.
    """
    sentence = sentence.strip().lstrip(_BULLETS).strip()
    text = text.strip().lstrip(_BULLETS).strip() or text
    if not sentence:
        return "", text, ""
    at = sentence.find(text)
    if at < 0:
        at = sentence.lower().find(text.lower())
    if at < 0:
        return "", text, ""
    return sentence[:at], sentence[at : at + len(text)], sentence[at + len(text) :]


def source_label(source: dict[str, Any]) -> str:
    """``Article 001_….txt`` / ``Law Code du travail…`` / ``Rule pipeline/…``."""
    return f"{source['kind_label']} {source['ref']}"


STATUS_MARK = {"ok": "✔", "warn": "!", "fail": "✘", "info": "·"}
