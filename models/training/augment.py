"""Noisy training views of written postings.

Real ads are rarely as tidy as the written corpus: many are excerpts, lose
their headings and bullets when scraped, or open on a long company blurb.
Training on perturbed copies as well as the originals keeps the model from
leaning on signals that only tidy text carries.
"""

from __future__ import annotations

import random
import re
from dataclasses import replace

from models.types import PostingText

_BULLET = re.compile(r"^\s*(?:[-*•·▪]|\d{1,2}[.)])\s+")


def _lines(text: str) -> list[str]:
    return [line for line in text.split("\n") if line.strip()]


def flatten(text: str) -> str:
    """One paragraph: no line breaks, bullets or headings layout."""
    parts = [_BULLET.sub("", line).strip() for line in _lines(text)]
    joined = " ".join(p if p.endswith((".", ":", ";", "!", "?")) else p + "." for p in parts)
    return re.sub(r"\s+", " ", joined).strip()


def excerpt(text: str, rng: random.Random) -> str:
    """A contiguous window of 40-75 % of the lines."""
    lines = _lines(text)
    if len(lines) < 4:
        return text
    size = max(2, int(len(lines) * rng.uniform(0.4, 0.75)))
    start = rng.randint(0, len(lines) - size)
    return "\n".join(lines[start : start + size])


def drop_lines(text: str, rng: random.Random, keep: float = 0.65) -> str:
    """Each line kept with probability ``keep`` (at least two kept, order preserved)."""
    lines = _lines(text)
    kept = [line for line in lines if rng.random() < keep]
    if len(kept) < 2:
        kept = lines[:2]
    return "\n".join(kept)


def drop_intro(text: str) -> str:
    """Without the first paragraph (usually the company blurb)."""
    paragraphs = [p for p in re.split(r"\n\s*\n", text) if p.strip()]
    return "\n\n".join(paragraphs[1:]) if len(paragraphs) > 2 else text


def perturb(posting: PostingText, rng: random.Random, index: int) -> PostingText:
    """One noisy copy of ``posting`` (id suffixed with ``~aug<index>``)."""
    text = posting.description
    choice = rng.random()
    if choice < 0.3:
        text = excerpt(text, rng)
    elif choice < 0.6:
        text = drop_lines(text, rng)
    elif choice < 0.8:
        text = drop_intro(text)
    if rng.random() < 0.5:
        text = flatten(text)
    return replace(posting, posting_id=f"{posting.posting_id}~aug{index}", description=text)
