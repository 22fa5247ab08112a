"""Named groups of regular expressions matched against a text in one pass.

The classifier's duty profile asks, for every sentence of a posting, how many
patterns of each lexicon group match (``features.yaml``: ~40 groups). Asked
one pattern at a time with Python's backtracking ``re``, that was three
quarters of the classifier's time. :class:`PatternGroups` compiles every
pattern into one RE2 set (a single linear-time automaton) and answers all
groups with one scan.

RE2 and Python's ``re`` agree on whether a pattern matches as long as the text
holds no non-ASCII letter or digit: RE2's ``\\w``, ``\\d`` and ``\\b`` are
ASCII-only while Python's are Unicode-aware. Texts here are lower-cased and
accent-stripped first, so that is nearly every sentence; the rare one that
still has such a character (``ø``, ``ß``, another script) goes through
Python's ``re``, pattern by pattern, so the answer never depends on the engine.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import re2

# RE2 reports "no match" when its automaton runs out of memory, which only a very
# long text can cause; such texts (one sentence longer than this) take the
# ``re`` path instead.
RE2_MAX_CHARS = 20_000


class PatternGroups:
    """Count, for each named group, how many of its patterns match a text."""

    def __init__(self, groups: Mapping[str, Sequence[str]]) -> None:
        self.names: tuple[str, ...] = tuple(groups)
        self._python: dict[str, tuple[re.Pattern[str], ...]] = {
            name: tuple(re.compile(p) for p in patterns) for name, patterns in groups.items()
        }
        self._re2: dict[str, tuple[re2._Regexp, ...]] = {}
        self._owner: list[str] = []
        options = re2.Options()
        options.max_mem = 256 << 20
        self._set = re2.Set.SearchSet(options)
        for name, patterns in groups.items():
            for pattern in patterns:
                index = self._set.Add(pattern)
                if index != len(self._owner):
                    raise ValueError(f"RE2 refused pattern of group {name!r}: {pattern!r}")
                self._owner.append(name)
            self._re2[name] = tuple(re2.compile(p, options) for p in patterns)
        if self._owner:
            self._set.Compile()

    def counts(self, text: str) -> dict[str, int]:
        """Number of distinct patterns of each group found in ``text`` (0 when none)."""
        out = dict.fromkeys(self.names, 0)
        if not self._owner:
            return out
        if _re2_answers(text):
            for index in self._set.Match(text) or ():
                out[self._owner[index]] += 1
            return out
        return self.python_counts(text)

    def occurrences(self, name: str, text: str) -> int:
        """Non-overlapping matches of the patterns of group ``name`` in ``text``, summed."""
        if _re2_answers(text):
            return sum(len(p.findall(text)) for p in self._re2[name])
        return self.python_occurrences(name, text)

    def python_occurrences(self, name: str, text: str) -> int:
        """The same count from Python's ``re`` only."""
        return sum(len(p.findall(text)) for p in self._python[name])

    def python_counts(self, text: str) -> dict[str, int]:
        """The same counts from Python's ``re`` only (the reference the RE2 path must equal)."""
        return {
            name: sum(1 for p in patterns if p.search(text))
            for name, patterns in self._python.items()
        }


def _re2_answers(text: str) -> bool:
    """Whether RE2's answer for ``text`` is the one Python's ``re`` would give."""
    return len(text) <= RE2_MAX_CHARS and not needs_python(text)


def needs_python(text: str) -> bool:
    """Whether ``text`` has a non-ASCII letter or digit, where RE2 and ``re`` may differ."""
    if text.isascii():
        return False
    return any(ord(ch) > 127 and (ch.isalnum() or ch.isdecimal()) for ch in text)
