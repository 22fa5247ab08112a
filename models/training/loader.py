"""Read and validate the written training corpus (``corpus/*.yaml``).

Each file is a YAML list of postings ``{id, title, company, location,
language, label, case: [tags], description}``. Files appear while the
corpus is being written, so the loader reads whatever is there and
rejects only what is malformed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from models.types import ROLES, PostingText

CORPUS_DIR = Path(__file__).parent / "corpus"
REQUIRED_FIELDS = ("id", "title", "language", "label", "description")
LANGUAGES = ("fr", "en")


class CorpusError(ValueError):
    """A corpus file or posting that does not follow the format."""


@dataclass(frozen=True)
class CorpusPosting:
    """One written posting with its label and the cases it illustrates."""

    posting_id: str
    title: str
    description: str
    language: str
    label: str
    company: str | None = None
    location: str | None = None
    cases: tuple[str, ...] = ()
    source_file: str = ""

    def text(self) -> PostingText:
        """The posting as the models read it."""
        return PostingText(
            posting_id=self.posting_id,
            title=self.title,
            description=self.description,
            language=self.language,
            company=self.company,
        )


def _posting(raw: Any, source: str, index: int) -> CorpusPosting:
    if not isinstance(raw, dict):
        raise CorpusError(f"{source}[{index}]: expected a mapping, got {type(raw).__name__}")
    missing = [f for f in REQUIRED_FIELDS if not str(raw.get(f) or "").strip()]
    if missing:
        raise CorpusError(f"{source}[{index}] ({raw.get('id')}): missing {', '.join(missing)}")
    label = str(raw["label"]).strip()
    if label not in ROLES:
        raise CorpusError(f"{source}[{index}] ({raw['id']}): unknown label {label!r}")
    language = str(raw["language"]).strip().lower()
    if language not in LANGUAGES:
        raise CorpusError(f"{source}[{index}] ({raw['id']}): unknown language {language!r}")
    cases = raw.get("case") or []
    if isinstance(cases, str):
        cases = [cases]
    if not isinstance(cases, list):
        raise CorpusError(f"{source}[{index}] ({raw['id']}): 'case' must be a list")
    return CorpusPosting(
        posting_id=str(raw["id"]).strip(),
        title=str(raw["title"]).strip(),
        description=str(raw["description"]).strip(),
        language=language,
        label=label,
        company=str(raw["company"]).strip() if raw.get("company") else None,
        location=str(raw["location"]).strip() if raw.get("location") else None,
        cases=tuple(str(c).strip() for c in cases),
        source_file=source,
    )


def load_file(path: Path) -> list[CorpusPosting]:
    """The postings of one corpus file, validated."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise CorpusError(f"{path.name}: not valid YAML ({exc})") from exc
    if data is None:
        return []
    if not isinstance(data, list):
        raise CorpusError(f"{path.name}: expected a YAML list of postings")
    return [_posting(raw, path.name, i) for i, raw in enumerate(data)]


def load_corpus(directory: Path = CORPUS_DIR) -> list[CorpusPosting]:
    """Every posting of every ``*.yaml`` file in ``directory``, ids unique, sorted by id."""
    postings: list[CorpusPosting] = []
    for path in sorted(directory.glob("*.yaml")):
        postings.extend(load_file(path))
    seen: dict[str, str] = {}
    for p in postings:
        if p.posting_id in seen:
            raise CorpusError(
                f"duplicate id {p.posting_id!r} in {seen[p.posting_id]} and {p.source_file}"
            )
        seen[p.posting_id] = p.source_file
    return sorted(postings, key=lambda p: p.posting_id)


def corpus_hash(items: Iterable[tuple[PostingText, str]]) -> str:
    """A stable SHA-256 of (id, title, description, label) tuples, order-independent."""
    rows = sorted(
        json.dumps([t.posting_id, t.title, t.description, label], ensure_ascii=False)
        for t, label in items
    )
    digest = hashlib.sha256()
    for row in rows:
        digest.update(row.encode("utf-8"))
        digest.update(b"\n")
    return digest.hexdigest()


def label_counts(postings: Sequence[CorpusPosting]) -> dict[str, int]:
    """How many postings carry each label (every role listed, zeros included)."""
    counts = dict.fromkeys(ROLES, 0)
    for p in postings:
        counts[p.label] += 1
    return counts
