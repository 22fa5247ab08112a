"""Language detection for postings: "fr", "en" or "other", offline, with lingua.

One lingua detector over a handful of languages job ads here are written in,
built once with its models preloaded. Words French and English ads share ("community
manager", platform and tool names; ``models/skills/language.yaml``) are masked first:
a few of them tip a short French text to English. Lingua scores a text as a whole,
and a short French paragraph can outweigh a longer English one; so a long text is
read in windows of about ``WINDOW_CHARS`` characters: its start and its end, and its
middle when those two disagree; the majority wins. High-accuracy mode is used: on
these texts it is both more accurate and faster per call than lingua's low-accuracy
mode, and the cost is per call, so there are few, fairly long windows.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Iterable

from lingua import Language, LanguageDetectorBuilder

from models.extract_text import count_letters
from models.knowledge import read_neutral_words

SUPPORTED: tuple[str, ...] = ("fr", "en")
OTHER = "other"
_CANDIDATES = (
    Language.FRENCH,
    Language.ENGLISH,
    Language.GERMAN,
    Language.SPANISH,
    Language.ITALIAN,
    Language.PORTUGUESE,
    Language.DUTCH,
)
_CODES = {Language.FRENCH: "fr", Language.ENGLISH: "en"}
MIN_LETTERS = 3
SHORT_LETTERS = 40
WINDOW_CHARS = 250
_WORD_RE = re.compile(r"[\w'·/-]+")


def windows(text: str, size: int = WINDOW_CHARS) -> list[str]:
    """The whole text when short; else its start, end and middle, about ``size``
    characters each (overlapping on texts under three windows long), cut at spaces."""
    text = text.strip()
    if len(text) <= size:
        return [text] if text else []
    middle = (len(text) - size) // 2
    raw = [text[:size], text[-size:], text[middle : middle + size]]
    cut = [raw[0][: raw[0].rfind(" ")], raw[1][raw[1].find(" ") + 1 :]]
    inner = raw[2][raw[2].find(" ") + 1 :]
    cut.append(inner[: inner.rfind(" ")])
    return [piece.strip() or piece for piece in cut]


class Detector:
    """Tells French, English and other languages apart; build once, reuse."""

    def __init__(self, neutral_words: Iterable[str] = ()) -> None:
        self._lingua = (
            LanguageDetectorBuilder.from_languages(*_CANDIDATES)
            .with_preloaded_language_models()
            .build()
        )
        self._neutral = frozenset(w.lower() for w in neutral_words)

    def _blank_neutral(self, match: re.Match[str]) -> str:
        word = match.group()
        return " " if word.lower() in self._neutral else word

    def _masked(self, text: str) -> str:
        """``text`` without the neutral words, unless that leaves (almost) nothing."""
        if not self._neutral:
            return text
        masked = _WORD_RE.sub(self._blank_neutral, text)
        return masked if count_letters(masked, stop=MIN_LETTERS) >= MIN_LETTERS else text

    def detect(self, text: str, hint: str | None = None) -> str:
        """Return "fr", "en" or "other"; ``hint`` decides only when the text is too short."""
        usable_hint = hint if hint in SUPPORTED else None
        pieces = [self._masked(piece) for piece in windows(text)]
        letters = sum(count_letters(piece, stop=SHORT_LETTERS) for piece in pieces)
        if letters < MIN_LETTERS or (letters < SHORT_LETTERS and usable_hint):
            return usable_hint or OTHER
        found = self._dominant(pieces)
        if found is None:
            return usable_hint or OTHER
        return _CODES.get(found, OTHER)

    def _dominant(self, pieces: list[str]) -> Language | None:
        """Start and end decide when they agree; otherwise the middle breaks the tie."""
        first = self._lingua.detect_language_of(pieces[0]) if pieces else None
        if len(pieces) == 1:
            return first
        last = self._lingua.detect_language_of(pieces[1])
        if first == last:
            return first
        middle = self._lingua.detect_language_of(pieces[2])
        votes = Counter(v for v in (first, last, middle) if v is not None)
        ranked = votes.most_common(2)
        if not ranked:
            return None
        if len(ranked) == 2 and ranked[0][1] == ranked[1][1]:
            return self._lingua.detect_language_of(" ".join(pieces))
        return ranked[0][0]

    def name_of(self, text: str) -> str:
        """The detected language's English name (for messages), or "unknown"."""
        found = self._dominant([self._masked(piece) for piece in windows(text)])
        return found.name.lower() if found is not None else "unknown"


@functools.cache
def default_detector() -> Detector:
    """The process-wide detector (lingua models load once)."""
    return Detector(read_neutral_words())


def detect_language(text: str, hint: str | None = None) -> str:
    """Return "fr", "en" or "other" for ``text`` using the shared detector."""
    return default_detector().detect(text, hint)
