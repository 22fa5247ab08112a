"""Read the number a signal carries ("5 ans", "3+ years", "5 000 collaborateurs", "cinq")."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

_NUMBER_RE = re.compile(
    r"^[+~]?(?P<int>\d+(?:[,.]\d{3})*)(?:[.,](?P<dec>\d{1,2}))?(?P<k>k)?\+?"
    r"(?:ans?|years?|yrs?|\+)?$"
)
_GROUP_RE = re.compile(r"^\d{3}$")


# Words that are numbers only when nothing else in the span is ("une équipe de trois").
_WEAK_WORDS = frozenset({"un", "une", "one", "a"})


def parse_number(tokens: Sequence[str], words: Mapping[str, float]) -> float | None:
    """The first number among lower-cased ``tokens``: digits, "5 000" groups, "10k", or a word.

    Digits win over number words, and "un" / "une" / "one" count only when nothing else
    does. A range ("3 à 5 ans", "5-7 years") yields its first number, the minimum asked.
    """
    found = _first_digits(tokens)
    if found is not None:
        return found
    strong = [words[t] for t in tokens if t in words and t not in _WEAK_WORDS]
    if strong:
        return strong[0]
    weak = [words[t] for t in tokens if t in words]
    return weak[0] if weak else None


def _first_digits(tokens: Sequence[str]) -> float | None:
    for index, token in enumerate(tokens):
        match = _NUMBER_RE.match(token)
        if match:
            digits = match.group("int")
            value = float(re.sub(r"[,.]", "", digits))
            if len(digits) <= 3:
                follow = index + 1
                while follow < len(tokens) and _GROUP_RE.match(tokens[follow]):
                    value = value * 1000 + float(tokens[follow])
                    follow += 1
            if match.group("dec"):
                value += float("0." + match.group("dec"))
            if match.group("k"):
                value *= 1000
            return value
    return None
