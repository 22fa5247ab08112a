"""Compile the knowledge base's patterns into spaCy Matchers, one per language.

Patterns in the YAML files are spaCy token patterns with three conveniences,
all resolved here:

- a string token is a shorthand: ``"word"`` is ``{"LOWER": "word"}``,
  ``"a|b"`` is ``{"LOWER": {"IN": ["a", "b"]}}``, a leading ``~`` matches
  lemmas instead (``"~définir"``), and a trailing ``?``, ``*`` or ``+`` sets
  the operator; ``"@name"`` inserts a macro from ``criteria/macros.yaml``
  (a token, a token sequence, or ``one_of`` several sequences, which expands
  the pattern into one pattern per alternative);
- matching is case- and accent-insensitive: the text is folded before
  tokenisation (:func:`models.extract_text.fold`) and every literal is folded
  the same way;
- ``LEMMA`` is resolved at compile time with the lookup lemmatiser tables of
  ``spacy-lookups-data``: a lemma matches itself and every form the table maps
  to it. This is what a lookup lemmatiser does at run time, without paying for
  it on every token.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import spacy
import spacy_lookups_data
import srsly
from spacy.matcher import Matcher
from spacy.tokens import Doc
from spacy.vocab import Vocab

from models.extract_matcher import FastMatcher, UnsupportedPattern
from models.extract_text import fold_chars, fold_term
from models.knowledge import Entry, KnowledgeBase, PatternSpec

MAX_ALTERNATIVES = 512
_HYPHENATED_RE = re.compile(r"[^\W\d_]-[^\W\d_]")
_STRING_ATTRS = ("LOWER", "ORTH", "LEMMA")


class PatternError(ValueError):
    """A pattern cannot be compiled; the message names the entry."""


@dataclass(frozen=True)
class Rule:
    """What a match key stands for: the entry and the options of its patterns."""

    entry_id: str
    value: float | None = None
    trim: tuple[int, int] = (0, 0)
    field: str | None = None


MatchFn = Callable[[Doc], list[tuple[int, int, int]]]


@dataclass
class CompiledPatterns:
    """A language's matcher (``doc -> [(key, start, end)]``) and the rule behind each key."""

    matcher: MatchFn
    rules: dict[int, Rule]
    pattern_count: int


def _lookup_path(lang: str) -> Path:
    path = Path(str(getattr(spacy_lookups_data, lang)["lemma_lookup"]))
    return path if path.exists() else path.with_name(path.name + ".gz")


@functools.cache
def _lemma_table(lang: str) -> dict[str, str | list[str]]:
    """The lookup lemmatiser table of ``lang``: surface form -> lemma (or lemmas), as shipped."""
    path = _lookup_path(lang)
    table: dict[str, str | list[str]] = (
        srsly.read_gzip_json(path) if path.suffix == ".gz" else srsly.read_json(path)
    )
    return table


# Regular plural endings added to every lemma: the lookup tables miss many nouns
# ("abonnés"). Feminine forms are not generated ("post" would give "poste").
_PLURAL_ENDINGS = {"fr": ("s", "x"), "en": ("s",)}
# First-group endings for French "-er" verbs the table barely knows (anglicisms such as
# "manager", "booster", "coacher"): "managez", "managé", "managera"...
_FR_ER_ENDINGS = (
    "e",
    "es",
    "ent",
    "ons",
    "ez",
    "ais",
    "ait",
    "aient",
    "ions",
    "iez",
    "é",
    "ée",
    "és",
    "ées",
    "ant",
    "era",
    "eras",
    "erez",
    "erons",
    "eront",
    "erai",
    "erait",
    "eraient",
)
_FEW_FORMS = 10


def lemma_forms(lang: str, lemmas: Iterable[str]) -> dict[str, set[str]]:
    """For each lemma: itself, its regular plurals, and every form the lookup table of
    ``lang`` maps to it; French "-er" verbs the table barely knows get the regular
    first-group conjugation."""
    endings = _PLURAL_ENDINGS.get(lang, ())
    wanted = {
        fold_term(lemma): {fold_term(lemma)} | {fold_term(lemma) + e for e in endings}
        for lemma in lemmas
    }
    # Half a million table entries: fold each distinct lemma once, and a form only when
    # its lemma is wanted (this runs at every worker start-up).
    folded_lemmas: dict[str, str] = {}
    for form, values in _lemma_table(lang).items():
        for value in (values,) if isinstance(values, str) else values:
            folded = folded_lemmas.get(value)
            if folded is None:
                folded = folded_lemmas[value] = fold_term(value)
            if folded in wanted:
                wanted[folded].add(fold_term(form))
    if lang == "fr":
        for lemma, forms in wanted.items():
            if lemma.endswith("er") and len(forms) < _FEW_FORMS:
                stem = lemma[:-2]
                forms.update(fold_term(stem + e) for e in _FR_ER_ENDINGS)
    return wanted


def _parse_shorthand(token: str) -> dict[str, Any]:
    op = None
    if len(token) > 1 and token[-1] in "?*+":
        token, op = token[:-1], token[-1]
    attr = "LOWER"
    if token.startswith("~") and len(token) > 1:
        attr, token = "LEMMA", token[1:]
    values = token.split("|")
    spec: dict[str, Any] = {attr: values[0] if len(values) == 1 else {"IN": values}}
    if op:
        spec["OP"] = op
    return spec


class _Compiler:
    """Turns one language's YAML patterns into Matcher patterns."""

    def __init__(self, kb: KnowledgeBase, lang: str) -> None:
        self.lang = lang
        self.macros = kb.macros
        self.forms = lemma_forms(lang, self._lemmas_used(kb))

    def _lemmas_used(self, kb: KnowledgeBase) -> set[str]:
        found: set[str] = set()

        def visit(node: Any) -> None:
            if isinstance(node, str) and node.startswith("~"):
                found.update(_token_lemmas(_parse_shorthand(node)))
            elif isinstance(node, dict):
                found.update(_token_lemmas(node))
                for value in node.values():
                    visit(value)
            elif isinstance(node, list | tuple):
                for item in node:
                    visit(item)

        visit(kb.macros)
        for entry in kb.entries:
            for spec in entry.patterns_for(self.lang):
                visit(spec.tokens)
        return found

    def _string_values(self, attr: str, value: Any, where: str) -> Any:
        def one(term: Any) -> str:
            if not isinstance(term, str) or not term or " " in term:
                raise PatternError(f"{where}: bad {attr} literal {term!r}")
            if _HYPHENATED_RE.search(term):
                raise PatternError(
                    f"{where}: write {term!r} as separate tokens (hyphens fold away)"
                )
            return fold_term(term) if attr != "ORTH" else fold_chars(term)

        if isinstance(value, str):
            return one(value)
        if isinstance(value, dict):
            out: dict[str, Any] = {}
            for op, operand in value.items():
                if op in ("IN", "NOT_IN"):
                    out[op] = sorted({one(term) for term in operand})
                elif op == "REGEX":
                    out[op] = fold_term(operand)
                else:
                    raise PatternError(f"{where}: unsupported {attr} operator {op!r}")
            return out
        raise PatternError(f"{where}: bad {attr} value {value!r}")

    def _finish(self, spec: dict[str, Any], where: str) -> dict[str, Any]:
        out = dict(spec)
        for attr in ("LOWER", "ORTH"):
            if attr in out:
                out[attr] = self._string_values(attr, out[attr], where)
        if "LEMMA" in out:
            if "LOWER" in out:
                raise PatternError(f"{where}: a token cannot test LEMMA and LOWER together")
            lemmas = _lemma_values(out.pop("LEMMA"))
            if not lemmas:
                raise PatternError(f"{where}: LEMMA accepts a string or an IN list")
            forms = set().union(*(self.forms[fold_term(lemma)] for lemma in lemmas))
            out["LOWER"] = {"IN": sorted(forms)}
        return out

    def alternatives(self, token: Any, where: str, depth: int = 0) -> list[list[dict[str, Any]]]:
        """Every token sequence a pattern token stands for."""
        if depth > 5:
            raise PatternError(f"{where}: macros nest too deeply")
        if isinstance(token, dict):
            return [[self._finish(token, where)]]
        if not isinstance(token, str) or not token:
            raise PatternError(f"{where}: bad token {token!r}")
        if not token.startswith("@"):
            return [[self._finish(_parse_shorthand(token), where)]]
        name = token[1:]
        if name not in self.macros:
            raise PatternError(f"{where}: unknown macro {token!r}")
        macro = self.macros[name]
        if "token" in macro:
            return self.alternatives(macro["token"], where, depth + 1)
        if "tokens" in macro:
            return self.sequence(macro["tokens"], where, depth + 1)
        if "one_of" in macro:
            out: list[list[dict[str, Any]]] = []
            for option in macro["one_of"]:
                out.extend(self.sequence(option, where, depth + 1))
            return out
        raise PatternError(f"{where}: macro {token!r} needs token, tokens or one_of")

    def sequence(
        self, tokens: Iterable[Any], where: str, depth: int = 0
    ) -> list[list[dict[str, Any]]]:
        """Expand a token list into every concrete pattern it stands for."""
        results: list[list[dict[str, Any]]] = [[]]
        for token in tokens:
            options = self.alternatives(token, where, depth)
            results = [head + tail for head, tail in itertools.product(results, options)]
            if len(results) > MAX_ALTERNATIVES:
                raise PatternError(f"{where}: expands to more than {MAX_ALTERNATIVES} patterns")
        return results


def _lemma_values(value: Any) -> list[str]:
    """The lemmas a LEMMA value names: a string or an ``IN`` list."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict) and isinstance(value.get("IN"), list):
        return [str(v) for v in value["IN"]]
    return []


def _token_lemmas(spec: Any) -> list[str]:
    if isinstance(spec, dict) and "LEMMA" in spec:
        return _lemma_values(spec["LEMMA"])
    return []


def _common_words(lang: str) -> set[str]:
    """Stop words and punctuation: poor anchors for the fast matcher."""
    stop_words: set[str] = set(spacy.util.get_lang_class(lang).Defaults.stop_words)
    return {fold_term(w) for w in stop_words} | set(",.;:!?()[]/-'\"&+%")


def _check_trim(spec: PatternSpec, patterns: list[list[dict[str, Any]]], where: str) -> None:
    left, right = spec.trim
    for pattern in patterns:
        if left + right >= len(pattern):
            raise PatternError(f"{where}: trim removes the whole pattern")
        context = pattern[:left] + (pattern[len(pattern) - right :] if right else [])
        if any("OP" in token for token in context):
            raise PatternError(f"{where}: trimmed context tokens must not have an operator")


def _rules_for(
    entry: Entry, lang: str, compiler: _Compiler
) -> list[tuple[Rule, list[list[dict[str, Any]]]]]:
    grouped: dict[Rule, list[list[dict[str, Any]]]] = {}
    for number, spec in enumerate(entry.patterns_for(lang)):
        where = f"{entry.id} [{lang} #{number}]"
        patterns = compiler.sequence(spec.tokens, where)
        _check_trim(spec, patterns, where)
        rule = Rule(entry.id, spec.value, spec.trim, spec.field)
        grouped.setdefault(rule, []).extend(patterns)
    return list(grouped.items())


def compile_patterns(
    kb: KnowledgeBase, lang: str, vocab: Vocab, engine: str = "fast"
) -> CompiledPatterns:
    """Build the matcher for ``lang``; raise PatternError if any pattern is invalid.

    ``engine="fast"`` (the default, used for extraction) is the anchor-indexed
    :class:`models.extract_matcher.FastMatcher`; ``engine="spacy"`` builds spaCy's own
    ``Matcher`` with schema validation, which the tests use to validate every pattern
    and to check that both engines agree.
    """
    compiler = _Compiler(kb, lang)
    matcher: Matcher | FastMatcher
    if engine == "spacy":
        matcher = Matcher(vocab, validate=True)
    else:
        matcher = FastMatcher(vocab.strings, _common_words(lang), kb.frequent_words)
    rules: dict[int, Rule] = {}
    count = 0
    for entry in kb.entries:
        for number, (rule, patterns) in enumerate(_rules_for(entry, lang, compiler)):
            key = f"{entry.id}#{number}"
            try:
                matcher.add(key, patterns)
            except (ValueError, UnsupportedPattern) as error:
                raise PatternError(f"{entry.id} [{lang}]: {error}") from error
            rules[vocab.strings[key]] = rule
            count += len(patterns)
    return CompiledPatterns(matcher, rules, count)
