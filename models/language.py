"""Language detection for postings: "fr", "en" or "other", offline, with lingua.

Two lingua detectors over a handful of languages that job ads here are written
in. The low-accuracy detector (small, fast) reads a sample of long texts; the
high-accuracy one is built only when a short text without a usable hint needs
it. A long text is sampled at its start, middle and end, so a mixed-language
posting gets its dominant language rather than the language of its first line.
"""

from __future__ import annotations

import functools
import threading

from lingua import Language, LanguageDetector, LanguageDetectorBuilder

from models.extract_text import count_letters

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
SHORT_LETTERS = 60
SAMPLE_CHARS = 320


def _build(low_accuracy: bool) -> LanguageDetector:
    builder = LanguageDetectorBuilder.from_languages(*_CANDIDATES).with_preloaded_language_models()
    if low_accuracy:
        builder = builder.with_low_accuracy_mode()
    return builder.build()


def sample(text: str, size: int = SAMPLE_CHARS) -> str:
    """Start, middle and end of ``text``, each about ``size`` characters, cut at spaces."""
    if len(text) <= 3 * size:
        return text
    middle = (len(text) - size) // 2
    parts = [text[:size], text[middle : middle + size], text[-size:]]
    trimmed = [p[p.find(" ") + 1 :] if i else p for i, p in enumerate(parts)]
    return " ".join(p[: p.rfind(" ")] if " " in p else p for p in trimmed)


class Detector:
    """Tells French, English and other languages apart; thread-safe, built once."""

    def __init__(self) -> None:
        self._fast = _build(low_accuracy=True)
        self._accurate: LanguageDetector | None = None
        self._lock = threading.Lock()

    def _accurate_detector(self) -> LanguageDetector:
        with self._lock:
            if self._accurate is None:
                self._accurate = _build(low_accuracy=False)
            return self._accurate

    def detect(self, text: str, hint: str | None = None) -> str:
        """Return "fr", "en" or "other"; ``hint`` decides only when the text is too short."""
        letters = count_letters(text, stop=SHORT_LETTERS)
        usable_hint = hint if hint in SUPPORTED else None
        if letters < MIN_LETTERS:
            return usable_hint or OTHER
        if letters < SHORT_LETTERS:
            if usable_hint:
                return usable_hint
            found = self._accurate_detector().detect_language_of(text)
        else:
            found = self._fast.detect_language_of(sample(text))
        if found is None:
            return usable_hint or OTHER
        return _CODES.get(found, OTHER)

    def name_of(self, text: str) -> str:
        """The detected language's English name (for messages), or "unknown"."""
        found = self._fast.detect_language_of(sample(text))
        return found.name.lower() if found is not None else "unknown"


@functools.cache
def default_detector() -> Detector:
    """The process-wide detector (lingua models load once)."""
    return Detector()


def detect_language(text: str, hint: str | None = None) -> str:
    """Return "fr", "en" or "other" for ``text`` using the shared detector."""
    return default_detector().detect(text, hint)
