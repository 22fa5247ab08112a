"""Text preparation for extraction: markup removal with an offset map, folding, sentences.

Matching runs on a *folded* copy of a cleaned text, and every match is mapped
back to character offsets in the original string, so that
``original[start:end]`` is always the evidence a reader sees.

- ``clean_text`` removes markup (tags, scripts, comments), decodes entities,
  drops invisible characters and expands ligatures. Each change is recorded
  as a segment so clean offsets map back to the original.
- ``fold`` is a strictly one-to-one character map (accents, typographic
  apostrophes, odd spaces, control characters, hyphens inside words), so the
  folded text shares the clean text's offsets.
"""

from __future__ import annotations

import html
import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass, field

# Markup and characters that cannot be folded one-to-one.
_SPECIAL_RE = re.compile(
    r"(?P<drop><(?:script|style|head|noscript|svg)\b[^>]*>.*?</(?:script|style|head|noscript|svg)\s*>"
    r"|<!--.*?-->|<!\[CDATA\[.*?\]\]>|<!DOCTYPE[^>]*>)"
    r"|(?P<block></?(?:p|div|br|li|ul|ol|h[1-6]|tr|td|th|table|section|article|header|footer"
    r"|blockquote|dd|dt|hr|pre|main|nav|aside)\b[^>]*>)"
    r"|(?P<tag></?[A-Za-z][A-Za-z0-9:-]*(?:\s[^<>]*)?/?>)"
    r"|(?P<entity>&(?:[A-Za-z][A-Za-z0-9]{1,31}|#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6});)"
    r"|(?P<invisible>[\u00ad\u200b-\u200d\u2060\ufeff\u0300-\u036f])"
    # French inclusive endings: "chargé(e)", "actif(ve)", "directeur·rice".
    r"|(?P<inclusive>(?<=[^\W\d_])(?:\((?:e|es|s|x|ve|ive|se|euse|ne|le|ère|rice|trice|ice|eur)\)"
    r"|[·⋅•](?:e|es|rice|trice|ive|ve|euse|ère|ne|le|s)\b))"
    r"|(?P<ligature>[œŒæÆ])"
    r"|(?P<surrogate>[\ud800-\udfff])",
    re.DOTALL | re.IGNORECASE,
)
_LIGATURES = {"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE"}
_LETTER_RE = re.compile(r"[^\W\d_]")
_INNER_HYPHEN_RE = re.compile(r"(?<=[^\W\d_])-(?=[^\W\d_])")
_SENTENCE_BREAK_RE = re.compile(r"\n|(?<=[.!?…])\s|[•▪●◦►➢➤✓✔■□➔→|]")
_SENTENCE_MAX = 400


def _build_fold_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for code in range(0xC0, 0x250):
        char = chr(code)
        base = unicodedata.normalize("NFD", char)[0]
        if base != char and base.isascii() and base.isalpha():
            table[code] = base
    for char in "’‘ʼ´`′":
        table[ord(char)] = "'"
    for char in "\u00a0\u2007\u2009\u202f\u2002\u2003\u2004\u2005\u2006\u2008\u200a\u3000\t\f\v":
        table[ord(char)] = " "
    for char in "‐‑‒–—―":
        table[ord(char)] = "-"
    for code in (*range(0x00, 0x09), *range(0x0E, 0x20), 0x7F, *range(0x80, 0xA0)):
        table[code] = " "
    table[ord("\r")] = "\n"
    table[0x85] = "\n"
    table[0x2028] = "\n"
    table[0x2029] = "\n"
    for code in range(0xD800, 0xE000):  # lone surrogates from broken JSON
        table[code] = " "
    return table


_FOLD_TABLE = _build_fold_table()


@dataclass(frozen=True)
class CleanText:
    """A cleaned text and the map from its offsets back to the original string.

    ``segments`` holds ``(clean_start, clean_end, orig_start, orig_end, verbatim)``
    for every stretch of the clean text; an empty tuple means the clean text is the
    original (the common case), so mapping is the identity.
    """

    original: str
    text: str
    segments: tuple[tuple[int, int, int, int, bool], ...] = ()
    _starts: tuple[int, ...] = field(default=(), repr=False)

    def _segment(self, position: int) -> tuple[int, int, int, int, bool]:
        return self.segments[max(bisect_right(self._starts, position) - 1, 0)]

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a clean ``[start, end)`` span to the original string."""
        if not self.segments:
            return start, end
        c_start, _, o_start, o_end, verbatim = self._segment(start)
        orig_start = o_start + (start - c_start) if verbatim else o_start
        c_start, _, o_start, o_end, verbatim = self._segment(max(end - 1, start))
        orig_end = o_start + (end - c_start) if verbatim else o_end
        return orig_start, max(orig_end, orig_start)


def _replacement(match: re.Match[str]) -> str:
    kind = match.lastgroup
    if kind == "block":
        return "\n"
    if kind == "entity":
        decoded = html.unescape(match.group())
        return " " if decoded.isspace() else decoded
    if kind == "ligature":
        return _LIGATURES[match.group()]
    return " " if kind in ("drop", "surrogate") else ""


def clean_text(original: str) -> CleanText:
    """Remove markup and invisible characters, keeping a map back to ``original``."""
    pieces: list[str] = []
    segments: list[tuple[int, int, int, int, bool]] = []
    clean_len = 0
    last = 0
    for match in _SPECIAL_RE.finditer(original):
        if match.start() > last:
            chunk = original[last : match.start()]
            segments.append((clean_len, clean_len + len(chunk), last, match.start(), True))
            pieces.append(chunk)
            clean_len += len(chunk)
        replacement = _replacement(match)
        segments.append(
            (clean_len, clean_len + len(replacement), match.start(), match.end(), False)
        )
        pieces.append(replacement)
        clean_len += len(replacement)
        last = match.end()
    if not segments:
        return CleanText(original, original)
    if last < len(original):
        segments.append((clean_len, clean_len + len(original) - last, last, len(original), True))
        pieces.append(original[last:])
    # Empty replacements cannot hold a position; keep them out of the lookup.
    kept = tuple(s for s in segments if s[1] > s[0])
    return CleanText(original, "".join(pieces), kept, tuple(s[0] for s in kept))


def fold(text: str) -> str:
    """Fold accents, quotes, spaces, controls and in-word hyphens, one character for one."""
    return _INNER_HYPHEN_RE.sub(" ", text.translate(_FOLD_TABLE))


def fold_chars(term: str) -> str:
    """Fold a pattern literal's characters the way ``fold`` folds text, keeping case."""
    return term.translate(_FOLD_TABLE)


def fold_term(term: str) -> str:
    """Fold a pattern literal the way ``fold`` folds text, and lower-case it."""
    return term.translate(_FOLD_TABLE).lower()


def has_letters(text: str) -> bool:
    """Whether ``text`` contains at least one letter."""
    return _LETTER_RE.search(text) is not None


def count_letters(text: str, stop: int = 1_000) -> int:
    """Number of letters in ``text``, counting no further than ``stop``."""
    count = 0
    for _ in _LETTER_RE.finditer(text):
        count += 1
        if count >= stop:
            break
    return count


class Sentences:
    """Finds the sentence (or bullet line) around a span of a clean text."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._starts: list[int] = []
        self._ends: list[int] = []
        self._ready = False

    def around(self, start: int, end: int) -> str:
        """The whitespace-normalised sentence that contains ``[start, end)``."""
        if not self._ready:
            for match in _SENTENCE_BREAK_RE.finditer(self._text):
                self._starts.append(match.start())
                self._ends.append(match.end())
            self._ready = True
        index = bisect_right(self._ends, start)
        s_start = self._ends[index - 1] if index else 0
        index = bisect_right(self._starts, max(end - 1, start))
        s_end = self._starts[index] if index < len(self._starts) else len(self._text)
        if s_end - s_start > _SENTENCE_MAX:
            half = max((_SENTENCE_MAX - (end - start)) // 2, 0)
            s_start = max(s_start, start - half)
            s_end = min(s_end, end + half)
        return " ".join(self._text[s_start:s_end].split())
