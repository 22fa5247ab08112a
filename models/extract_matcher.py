"""An anchor-indexed evaluator for spaCy token patterns.

spaCy's ``Matcher`` starts every pattern at every token and evaluates ``IN``,
``NOT_IN`` and ``REGEX`` tests as Python predicates; with the knowledge base's
~1,200 patterns (nearly all built on ``IN`` sets) that runs at about ten
postings a second. This module evaluates the *same* patterns (the subset of
the spaCy pattern language the knowledge base uses) differently:

- each pattern is indexed by its rarest single-token step (a set of literal
  ``LOWER`` values, or "a number"), so it is only tried where that token occurs;
  the steps after the anchor are matched forwards and the steps before it
  backwards;
- token tests compare 64-bit string hashes read in one call with
  ``Doc.to_array``, so set membership is a Python ``frozenset`` lookup.

For each pattern and start position it reports the longest match (spaCy
reports every length; the extractor merges overlapping matches of an entry
into their union, so the two agree). ``tests/unit/test_extract_matcher.py``
checks the equivalence against spaCy's ``Matcher`` on real text.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from spacy.attrs import IS_PUNCT, IS_SPACE, LIKE_NUM, LOWER, ORTH, SHAPE
from spacy.strings import StringStore
from spacy.tokens import Doc

from models.extract_text import fold_term

_ATTRS = (LOWER, ORTH, IS_SPACE, IS_PUNCT, LIKE_NUM, SHAPE)
_COL_LOWER, _COL_ORTH, _COL_SPACE, _COL_PUNCT, _COL_NUM, _COL_SHAPE = range(6)
_STRING_COLUMNS = {"LOWER": _COL_LOWER, "ORTH": _COL_ORTH, "SHAPE": _COL_SHAPE}
_FLAG_COLUMNS = {"IS_SPACE": _COL_SPACE, "IS_PUNCT": _COL_PUNCT, "LIKE_NUM": _COL_NUM}
_OP_RE = re.compile(r"^\{(\d*)(,?)(\d*)\}$")
_UNBOUNDED = 1 << 30
# Characters a token must start with to be tried by a pattern anchored on a number.
_NUMERIC_START = frozenset("0123456789+€$£~")


class UnsupportedPattern(ValueError):
    """A pattern uses a spaCy feature this evaluator does not implement."""


Test = Callable[[list[list[int]], int, Doc], bool]


@dataclass(frozen=True)
class _Step:
    test: Test
    low: int
    high: int
    literals: frozenset[int] | None  # LOWER hashes that can match, when known
    numeric: bool  # the token must look like a number
    literal_only: bool = False  # the LOWER literals are the whole test


@dataclass(frozen=True)
class _Pattern:
    key: int
    steps: tuple[_Step, ...]


def _parse_op(op: str | None) -> tuple[int, int]:
    if op is None:
        return 1, 1
    if op == "?":
        return 0, 1
    if op == "*":
        return 0, _UNBOUNDED
    if op == "+":
        return 1, _UNBOUNDED
    match = _OP_RE.match(op)
    if match is None or op == "{,}":
        raise UnsupportedPattern(f"operator {op!r}")
    low_text, comma, high_text = match.groups()
    low = int(low_text) if low_text else 0
    high = int(high_text) if high_text else (_UNBOUNDED if comma else low)
    return low, high


def _string_test(
    column: int, value: Any, strings: StringStore
) -> tuple[Test, frozenset[int] | None]:
    if isinstance(value, str):
        wanted = strings.add(value)
        return (lambda rows, i, doc: rows[column][i] == wanted), frozenset({wanted})
    if not isinstance(value, dict) or len(value) != 1:
        raise UnsupportedPattern(f"string test {value!r}")
    ((op, operand),) = value.items()
    if op == "IN":
        members = frozenset(strings.add(v) for v in operand)
        return (lambda rows, i, doc: rows[column][i] in members), members
    if op == "NOT_IN":
        members = frozenset(strings.add(v) for v in operand)
        return (lambda rows, i, doc: rows[column][i] not in members), None
    if op == "REGEX" and column == _COL_LOWER:
        regex = re.compile(operand)
        return (lambda rows, i, doc: regex.search(doc[i].lower_) is not None), None
    raise UnsupportedPattern(f"string operator {op!r}")


def _flag_test(column: int, flag: int) -> Test:
    return lambda rows, i, doc: rows[column][i] == flag


def _all_of(tests: list[Test]) -> Test:
    """One test that passes when every test passes (chained closures, no generator)."""
    first, rest = tests[0], tests[1:]
    if not rest:
        return first
    second = _all_of(rest)
    return lambda rows, i, doc: first(rows, i, doc) and second(rows, i, doc)


def _step(spec: dict[str, Any], strings: StringStore) -> _Step:
    tests: list[Test] = []
    literals: frozenset[int] | None = None
    numeric = False
    for attr, value in spec.items():
        if attr == "OP":
            continue
        if attr in _STRING_COLUMNS:
            test, found = _string_test(_STRING_COLUMNS[attr], value, strings)
            tests.append(test)
            if attr == "LOWER" and found is not None:
                literals = found
            elif attr == "ORTH" and found is not None and literals is None:
                literals = frozenset(strings.add(strings[h].lower()) for h in found)
            if attr == "LOWER" and isinstance(value, dict) and "REGEX" in value:
                # A regex that starts with a digit, a sign or a currency reads numbers.
                numeric = numeric or value["REGEX"].lstrip("^").startswith(("\\d", "\\+", "[€"))
        elif attr in _FLAG_COLUMNS and isinstance(value, bool):
            tests.append(_flag_test(_FLAG_COLUMNS[attr], int(value)))
            numeric = numeric or (attr == "LIKE_NUM" and value)
        else:
            raise UnsupportedPattern(f"attribute {attr}={value!r}")
    low, high = _parse_op(spec.get("OP"))
    if not tests:
        return _Step(lambda rows, i, doc: True, low, high, None, False)
    if len(tests) == 1:
        only = literals is not None and set(spec) - {"OP"} == {"LOWER"}
        return _Step(tests[0], low, high, literals, numeric, only)
    return _Step(_all_of(tests), low, high, literals, numeric)


class FastMatcher:
    """Evaluates spaCy token patterns at their anchors only; call it like a Matcher.

    ``common_words`` (stop words, punctuation) and, to a lesser degree,
    ``frequent_words`` (the domain's everyday vocabulary) are poor anchors: a pattern
    is anchored on a rarer fixed token when it has one.
    """

    def __init__(
        self,
        strings: StringStore,
        common_words: Iterable[str] = (),
        frequent_words: Iterable[str] = (),
    ) -> None:
        self._strings = strings
        self._common = frozenset(strings.add(w) for w in common_words)
        self._frequent = frozenset(strings.add(fold_term(w)) for w in frequent_words)
        self._by_literal: dict[int, list[tuple[_Pattern, int]]] = defaultdict(list)
        self._by_number: list[tuple[_Pattern, int]] = []
        self._everywhere: list[_Pattern] = []
        self._numeric_shapes: dict[int, bool] = {}
        self.pattern_count = 0

    def add(self, key: str, patterns: Iterable[list[dict[str, Any]]]) -> None:
        """Add patterns under a key, as ``Matcher.add`` does."""
        key_hash = self._strings.add(key)
        for tokens in patterns:
            pattern = _Pattern(key_hash, tuple(_step(t, self._strings) for t in tokens))
            self._index(pattern)
            self.pattern_count += 1

    def _numeric_shape(self, shape: int) -> bool:
        """Whether a token shape ("dd", "+d", "dxxx") starts like a number; cached."""
        known = self._numeric_shapes.get(shape)
        if known is None:
            text = self._strings[shape] if shape else ""
            known = bool(text) and (
                text[0] == "d" or (text[0] in _NUMERIC_START and text[1:2] == "d")
            )
            self._numeric_shapes[shape] = known
        return known

    def _cost(self, step: _Step) -> float | None:
        """How often a step's token occurs, roughly; None if it cannot anchor a pattern."""
        if step.low != 1 or step.high != 1:
            return None
        if step.literals is not None:
            return float(
                sum(
                    1000 if h in self._common else 100 if h in self._frequent else 1
                    for h in step.literals
                )
            )
        # Numbers are frequent (French "un", "une" count as numbers): a last resort.
        return 1500.0 if step.numeric else None

    def _index(self, pattern: _Pattern) -> None:
        """Anchor a pattern on its rarest single-token step."""
        costs = [self._cost(step) for step in pattern.steps]
        usable = [(cost, index) for index, cost in enumerate(costs) if cost is not None]
        if not usable:
            self._everywhere.append(pattern)
            return
        _, anchor = min(usable)
        step = pattern.steps[anchor]
        if step.literals is not None:
            for literal in step.literals:
                self._by_literal[literal].append((pattern, anchor))
        else:
            self._by_number.append((pattern, anchor))

    def __call__(self, doc: Doc) -> list[tuple[int, int, int]]:
        """(key, start, end) for the longest match of each pattern at each start."""
        if len(doc) == 0:
            return []
        rows: list[list[int]] = doc.to_array(list(_ATTRS)).T.tolist()
        found: dict[tuple[int, int], int] = {}
        size = len(doc)
        for position, lower in enumerate(rows[_COL_LOWER]):
            candidates = self._by_literal.get(lower)
            if candidates:
                for pattern, anchor in candidates:
                    _try(pattern, anchor, position, rows, doc, size, found)
            if self._by_number and (
                rows[_COL_NUM][position] or self._numeric_shape(rows[_COL_SHAPE][position])
            ):
                for pattern, anchor in self._by_number:
                    _try(pattern, anchor, position, rows, doc, size, found)
        for pattern in self._everywhere:
            for position in range(size):
                end = _longest(pattern.steps, 0, position, rows, doc, size)
                if end > position:
                    _record(found, pattern.key, position, end)
        return [(key, start, end) for (key, start), end in found.items()]


def _record(found: dict[tuple[int, int], int], key: int, start: int, end: int) -> None:
    slot = (key, start)
    if end > found.get(slot, -1):
        found[slot] = end


def _try(
    pattern: _Pattern,
    anchor: int,
    position: int,
    rows: list[list[int]],
    doc: Doc,
    size: int,
    found: dict[tuple[int, int], int],
) -> None:
    """Match the steps after the anchor forwards and the steps before it backwards."""
    steps = pattern.steps
    step = steps[anchor]
    if not step.literal_only and not step.test(rows, position, doc):
        return
    # Cheap rejections before the recursive search: a mandatory neighbour that fails.
    if anchor + 1 < len(steps):
        after = steps[anchor + 1]
        if after.low and (position + 1 >= size or not after.test(rows, position + 1, doc)):
            return
    if anchor:
        before = steps[anchor - 1]
        if before.low and (position == 0 or not before.test(rows, position - 1, doc)):
            return
    end = _longest(steps, anchor + 1, position + 1, rows, doc, size)
    if end < 0:
        return
    if anchor == 0:
        _record(found, pattern.key, position, end)
        return
    for start in _starts(steps, anchor - 1, position, rows, doc):
        if end > start:
            _record(found, pattern.key, start, end)


def _longest(
    steps: tuple[_Step, ...], index: int, position: int, rows: list[list[int]], doc: Doc, size: int
) -> int:
    """The furthest end reachable from ``position`` matching ``steps[index:]``, or -1."""
    if index == len(steps):
        return position
    step = steps[index]
    best = -1
    count = 0
    cursor = position
    ends = [cursor] if step.low == 0 else []
    while count < step.high and cursor < size and step.test(rows, cursor, doc):
        cursor += 1
        count += 1
        if count >= step.low:
            ends.append(cursor)
    for candidate in reversed(ends):
        end = _longest(steps, index + 1, candidate, rows, doc, size)
        if end > best:
            best = end
    return best


def _starts(
    steps: tuple[_Step, ...], index: int, position: int, rows: list[list[int]], doc: Doc
) -> set[int]:
    """Every start from which ``steps[:index + 1]`` match the tokens ending at ``position``."""
    out: set[int] = set()
    _collect_starts(steps, index, position, rows, doc, out)
    return out


def _collect_starts(
    steps: tuple[_Step, ...],
    index: int,
    position: int,
    rows: list[list[int]],
    doc: Doc,
    out: set[int],
) -> None:
    if index < 0:
        out.add(position)
        return
    step = steps[index]
    count = 0
    cursor = position
    if step.low == 0:
        _collect_starts(steps, index - 1, cursor, rows, doc, out)
    while count < step.high and cursor > 0 and step.test(rows, cursor - 1, doc):
        cursor -= 1
        count += 1
        if count >= step.low:
            _collect_starts(steps, index - 1, cursor, rows, doc, out)
