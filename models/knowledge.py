"""Load and validate the criteria knowledge base and the skills vocabulary.

The knowledge base is data: YAML files under ``models/criteria/`` (the
articles' criteria and red flags) and ``models/skills/`` (platforms, tools,
competencies and the decisive signals). This module reads them into typed
entries and checks everything that can be checked without spaCy: unique ids,
known families and roles, references between entries, and (when the articles
are at hand) that every cited quote really is in the cited file. Pattern
compilation is checked by :mod:`models.extract_patterns`.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from models.types import ROLES

MODELS_DIR = Path(__file__).resolve().parent
CRITERIA_DIR = MODELS_DIR / "criteria"
SKILLS_DIR = MODELS_DIR / "skills"
# The articles and the labelling guide live beside the repository.
SHARED_DIR = MODELS_DIR.parent.parent / "shared"
ARTICLES_DIR = SHARED_DIR / "articles"
ROLES_GUIDE = SHARED_DIR / "ROLES.md"
ROLES_GUIDE_NAME = "ROLES.md"

EntryKind = Literal["criterion", "red_flag", "skill", "signal"]
PatternLang = Literal["fr", "en", "any"]
LANGUAGES: tuple[str, ...] = ("fr", "en")

_ID_RE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$")
# Files that are not lists of entries.
_SPECIAL_FILES = {"macros.yaml", "families.yaml", "numbers.yaml", "language.yaml"}


class KnowledgeError(ValueError):
    """The knowledge base files are inconsistent; the message lists every problem."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PatternSpec(_Strict):
    """One token pattern and the options that apply to its matches."""

    tokens: tuple[Any, ...]
    value: float | None = None
    trim: tuple[int, int] = (0, 0)
    field: Literal["title", "description"] | None = None

    @field_validator("tokens")
    @classmethod
    def _non_empty(cls, tokens: tuple[Any, ...]) -> tuple[Any, ...]:
        if not tokens:
            raise ValueError("a pattern needs at least one token")
        return tokens


class Implication(_Strict):
    """Another entry that a match of this entry also evidences."""

    id: str
    min_value: float | None = None


class Source(_Strict):
    """Where a criterion comes from: a file name and the exact phrase."""

    article: str
    quote: str


class RoleLinks(_Strict):
    """Roles a criterion argues for and against."""

    supports: tuple[str, ...]
    against: tuple[str, ...] = ()


class Condition(_Strict):
    """Posting-level rule: the entry fires when all of ``all`` and one of ``any`` are found."""

    all: tuple[str, ...] = ()
    any: tuple[str, ...] = ()


class Entry(_Strict):
    """A criterion, red flag, skill or signal with its match patterns."""

    id: str
    kind: EntryKind
    family: str
    description: str
    weight: float = 1.0
    roles: RoleLinks | None = None
    source: Source | None = None
    guide: str | None = None
    patterns: dict[PatternLang, tuple[PatternSpec, ...]] = Field(default_factory=dict)
    implies: tuple[Implication, ...] = ()
    suppresses: tuple[str, ...] = ()
    value: Literal["number"] | None = None
    value_range: tuple[float, float] | None = None
    when: Condition | None = None

    def patterns_for(self, lang: str) -> tuple[PatternSpec, ...]:
        """Patterns that apply to text in ``lang``: its own plus the language-neutral ones."""
        return self.patterns.get(lang, ()) + self.patterns.get("any", ())  # type: ignore[call-overload]


@dataclass(frozen=True)
class KnowledgeBase:
    """Every entry of the knowledge base, plus the shared pattern data."""

    entries: tuple[Entry, ...]
    macros: dict[str, Any]
    frequent_words: tuple[str, ...]
    numbers: dict[str, float]
    families: dict[str, dict[str, str]]
    files: tuple[Path, ...]

    def by_id(self) -> dict[str, Entry]:
        """Entries keyed by id."""
        return {entry.id: entry for entry in self.entries}

    def of_kind(self, *kinds: str) -> tuple[Entry, ...]:
        """Entries whose kind is one of ``kinds``."""
        return tuple(entry for entry in self.entries if entry.kind in kinds)

    def fingerprint(self) -> str:
        """SHA-256 over the bytes of every data file, in a stable order."""
        digest = hashlib.sha256()
        for path in sorted(self.files):
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
        return digest.hexdigest()


_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _read_yaml(path: Path) -> Any:
    with path.open(encoding="utf-8") as handle:
        return yaml.load(handle, Loader=_YAML_LOADER)


def _normalise_patterns(raw: Any) -> dict[str, list[dict[str, Any]]]:
    """Accept the short form (a bare token list) as well as the dict form of a pattern."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise ValueError("patterns must map a language (fr, en, any) to a list of patterns")
    out: dict[str, list[dict[str, Any]]] = {}
    for lang, patterns in raw.items():
        if not isinstance(patterns, list):
            raise ValueError(f"patterns.{lang} must be a list")
        out[lang] = [p if isinstance(p, dict) else {"tokens": p} for p in patterns]
    return out


def _normalise_implies(raw: Any) -> list[dict[str, Any]]:
    return [{"id": item} if isinstance(item, str) else item for item in raw or []]


def _entries_from_file(path: Path, problems: list[str]) -> list[Entry]:
    data = _read_yaml(path)
    if not isinstance(data, dict) or "entries" not in data or "kind" not in data:
        problems.append(f"{path.name}: expected a mapping with 'kind' and 'entries'")
        return []
    entries: list[Entry] = []
    for position, raw in enumerate(data["entries"] or []):
        where = f"{path.name}[{position}]"
        if not isinstance(raw, dict):
            problems.append(f"{where}: an entry must be a mapping")
            continue
        item = dict(raw)
        item.setdefault("kind", data["kind"])
        if "family" in data:
            item.setdefault("family", data["family"])
        try:
            item["patterns"] = _normalise_patterns(item.get("patterns"))
            item["implies"] = _normalise_implies(item.get("implies"))
            entries.append(Entry.model_validate(item))
        except (ValidationError, ValueError) as error:
            label = item.get("id", where)
            problems.append(f"{path.name}: {label}: {error}")
    return entries


def _data_files(roots: Iterable[Path]) -> list[Path]:
    return sorted(path for root in roots for path in root.glob("*.yaml"))


def _check_entry(
    entry: Entry, ids: set[str], families: dict[str, Any], problems: list[str]
) -> None:
    """Structural checks that need the whole knowledge base."""
    label = entry.id
    if not _ID_RE.match(entry.id):
        problems.append(f"{label}: id must be snake_case segments joined by dots")
    if entry.family not in families.get(entry.kind, {}):
        problems.append(f"{label}: family {entry.family!r} is not declared for kind {entry.kind}")
    if entry.kind in ("criterion", "red_flag"):
        if entry.roles is None or not entry.roles.supports:
            problems.append(f"{label}: a criterion needs roles.supports")
        if entry.source is None:
            problems.append(f"{label}: a criterion needs a source (article file and quote)")
    if entry.roles is not None:
        for role in (*entry.roles.supports, *entry.roles.against):
            if role not in ROLES:
                problems.append(f"{label}: unknown role {role!r}")
    if entry.kind == "red_flag" and entry.family != "red_flag":
        problems.append(f"{label}: red flags belong to the red_flag family")
    for ref in (*(i.id for i in entry.implies), *entry.suppresses):
        if ref not in ids:
            problems.append(f"{label}: refers to unknown id {ref!r}")
    if entry.when is not None:
        for ref in (*entry.when.all, *entry.when.any):
            if ref not in ids:
                problems.append(f"{label}: condition refers to unknown id {ref!r}")
    for lang in entry.patterns:
        if lang not in ("fr", "en", "any"):
            problems.append(f"{label}: unknown pattern language {lang!r}")
    if entry.value_range is not None and entry.value_range[0] > entry.value_range[1]:
        problems.append(f"{label}: value_range is reversed")


def _check_reachable(entries: list[Entry], problems: list[str]) -> None:
    """Every entry must be findable: own patterns, a condition, or implied by another entry."""
    implied = {i.id for entry in entries for i in entry.implies}
    for entry in entries:
        if not entry.patterns and entry.when is None and entry.id not in implied:
            problems.append(f"{entry.id}: has no patterns, no condition and nothing implies it")
    for entry in entries:
        for lang in LANGUAGES:
            if entry.patterns and not entry.patterns_for(lang):
                problems.append(f"{entry.id}: no pattern for language {lang!r}")


def load_knowledge(
    criteria_dir: Path = CRITERIA_DIR, skills_dir: Path = SKILLS_DIR
) -> KnowledgeBase:
    """Read every data file and return the knowledge base; raise KnowledgeError on any problem."""
    problems: list[str] = []
    files = _data_files((criteria_dir, skills_dir))
    macro_file = _read_yaml(criteria_dir / "macros.yaml")
    macros = macro_file["macros"]
    frequent = tuple(str(word) for word in macro_file.get("frequent_words", ()))
    families = _read_yaml(criteria_dir / "families.yaml")["families"]
    raw_numbers = _read_yaml(skills_dir / "numbers.yaml")["numbers"]
    numbers = {str(word).lower(): float(value) for word, value in raw_numbers.items()}
    entries: list[Entry] = []
    for path in files:
        if path.name not in _SPECIAL_FILES:
            entries.extend(_entries_from_file(path, problems))
    seen: set[str] = set()
    for entry in entries:
        if entry.id in seen:
            problems.append(f"{entry.id}: duplicate id")
        seen.add(entry.id)
    for entry in entries:
        _check_entry(entry, seen, families, problems)
    _check_reachable(entries, problems)
    if problems:
        raise KnowledgeError("knowledge base is invalid:\n- " + "\n- ".join(problems))
    return KnowledgeBase(tuple(entries), macros, frequent, numbers, families, tuple(files))


def read_neutral_words(skills_dir: Path = SKILLS_DIR) -> frozenset[str]:
    """Words shared by French and English job ads, which language detection ignores."""
    data = _read_yaml(skills_dir / "language.yaml")
    return frozenset(str(word).lower() for word in data["neutral_words"])


def normalise_space(text: str) -> str:
    """Collapse every run of whitespace to one space (quotes may wrap across lines)."""
    return " ".join(text.split())


def source_problems(
    kb: KnowledgeBase, articles_dir: Path = ARTICLES_DIR, guide: Path = ROLES_GUIDE
) -> list[str]:
    """Problems with the citations: missing files, quotes or guide phrases not found."""
    problems: list[str] = []
    texts: dict[str, str] = {}

    def text_of(name: str) -> str | None:
        if name not in texts:
            path = guide if name == ROLES_GUIDE_NAME else articles_dir / name
            if not path.is_file():
                return None
            texts[name] = normalise_space(path.read_text(encoding="utf-8"))
        return texts[name]

    for entry in kb.entries:
        if entry.source is not None:
            body = text_of(entry.source.article)
            if body is None:
                problems.append(f"{entry.id}: cited file {entry.source.article!r} does not exist")
            elif normalise_space(entry.source.quote) not in body:
                problems.append(f"{entry.id}: quote not found in {entry.source.article}")
        if entry.guide is not None:
            body = text_of(ROLES_GUIDE_NAME)
            if body is not None and normalise_space(entry.guide) not in body:
                problems.append(f"{entry.id}: guide phrase not found in ROLES.md")
    return problems
