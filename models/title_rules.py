"""The role a job title implies on its own, from keyword rules in ``title_rules.yaml``.

This is both the title-keyword baseline the classifier is measured against
and the "title says X" half of the title/content mismatch flag.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import cast

import yaml

from models.types import ROLES, Role

RULES_FILE = Path(__file__).with_name("title_rules.yaml")

# Gender and contract markers that split words in French titles: "chargé·e",
# "animateur/trice", "(H/F)", "F/H", "(e)".
_GENDER = re.compile(
    r"\((?:h|f|m|w|d|x)(?:\s*/\s*(?:h|f|m|w|d|x))+\)|\b(?:h|f|m|w)\s*/\s*(?:h|f|m|w)(?:\s*/\s*\w)?\b"
    r"|[·•.](?:e|ere|rice|trice|euse|ve|ne|te)s?\b|\((?:e|rice|trice|euse)\)"
    r"|/(?:rice|trice|euse|e)\b"
)


def normalise_title(title: str) -> str:
    """Lower-case, strip accents and gender markers, collapse spaces."""
    text = unicodedata.normalize("NFKD", title.lower())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = _GENDER.sub("", text)
    # "animateur ou animatrice", "directeur/directrice": keep the first form.
    text = re.sub(r"\b(\w{4,})(\w*)(?: (?:ou|or) | ?/ ?)\1\w*\b", r"\1\2", text)
    text = re.sub(r"[\s_\-–—|:,;/]+", " ", text.replace("-", " "))
    return re.sub(r"\s+", " ", text).strip()


@lru_cache(maxsize=4)
def _rules(path: Path = RULES_FILE) -> tuple[tuple[str, tuple[re.Pattern[str], ...]], ...]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    compiled = []
    for role, patterns in data["rules"].items():
        if role not in ROLES:
            raise ValueError(f"{path.name}: unknown role {role!r}")
        compiled.append((role, tuple(re.compile(p) for p in patterns)))
    return tuple(compiled)


def title_match(title: str) -> tuple[Role, str | None]:
    """(role, matching pattern) the title implies; ``("other", None)`` when no rule fires."""
    norm = normalise_title(title or "")
    for role, patterns in _rules():
        for pattern in patterns:
            if pattern.search(norm):
                return cast(Role, role), pattern.pattern
    return "other", None


def title_role(title: str) -> Role:
    """The role the title alone implies (``other`` when it names none of the three)."""
    return title_match(title)[0]


def baseline_predict(titles: Sequence[str]) -> list[Role]:
    """The title-keyword baseline: one label per title."""
    return [title_role(t) for t in titles]
