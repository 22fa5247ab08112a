"""Find the audit's own term lists (legal wording, completeness) in an ad, with quotes.

Patterns in the data files are regular expressions written lower-case and
without accents; they run on the extractor's one-for-one folded copy of the
text (``models.extract_text.fold``, lower-cased), so match offsets are offsets
into the original text, and the sentence around a match is found the way the
extractor finds it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from models.extract_text import Sentences
from models.extract_text import fold as extractor_fold
from pipeline.audit.report import Quote, QuoteField


def fold(text: str) -> str:
    """Lower-case, accent-free copy of ``text`` with the same length (offsets kept)."""
    folded = extractor_fold(text)
    lowered = folded.lower()
    if len(lowered) == len(folded):
        return lowered
    # A few characters lower-case to two; keep those as they are.
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in folded)


def sentence_at(text: str, start: int, end: int) -> str:
    """The sentence or bullet line of ``text`` holding ``[start, end)``."""
    return Sentences(text).around(start, end)


@dataclass(frozen=True)
class Field:
    """A named piece of the ad to scan (title, description, structured value)."""

    name: QuoteField
    text: str


def compile_patterns(patterns: Iterable[str]) -> tuple[re.Pattern[str], ...]:
    """Compile data-file patterns, naming the bad one when a pattern does not compile."""
    out = []
    for pattern in patterns:
        try:
            out.append(re.compile(pattern))
        except re.error as exc:
            raise ValueError(f"bad pattern {pattern!r}: {exc}") from exc
    return tuple(out)


def find_quotes(
    patterns: Iterable[re.Pattern[str]], fields: Iterable[Field], limit: int = 3
) -> tuple[Quote, ...]:
    """Quotes of the first ``limit`` distinct matches of any pattern in any field."""
    found: list[Quote] = []
    seen: set[tuple[str, int, int]] = set()
    for quote in _all_matches(tuple(patterns), tuple(fields)):
        key = (quote.field, quote.start, quote.end)
        if key in seen or any(
            q.field == quote.field and q.start <= quote.start < q.end for q in found
        ):
            continue
        seen.add(key)
        found.append(quote)
        if len(found) >= limit:
            break
    return tuple(found)


def _all_matches(
    patterns: tuple[re.Pattern[str], ...], fields: tuple[Field, ...]
) -> Iterator[Quote]:
    for f in fields:
        if not f.text:
            continue
        folded = fold(f.text)
        sentences = Sentences(f.text)
        hits = []
        for pattern in patterns:
            for m in pattern.finditer(folded):
                if m.end() > m.start():
                    hits.append((m.start(), m.end()))
        for start, end in _merged(hits):
            yield Quote(
                field=f.name,
                start=start,
                end=end,
                text=f.text[start:end],
                sentence=sentences.around(start, end),
            )


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Overlapping spans joined into one (two patterns matching one phrase quote it once)."""
    out: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if out and start < out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out
