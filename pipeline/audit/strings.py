"""The report's French and English sentences, loaded from ``data/strings.yaml``."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

STRINGS_FILE = Path(__file__).parent / "data" / "strings.yaml"
LANGUAGES: tuple[str, ...] = ("fr", "en")
SECTIONS: tuple[str, ...] = (
    "roles",
    "role_details",
    "verdicts",
    "status",
    "grounds",
    "fields",
    "headings",
    "messages",
)


class _Blank(dict[str, Any]):
    """Formatting map that shows a missing field as ``{name}`` instead of failing."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


@lru_cache(maxsize=2)
def load_strings(path: Path = STRINGS_FILE) -> dict[str, dict[str, dict[str, str]]]:
    """All strings, by language then section then key."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for lang in LANGUAGES:
        if lang not in data:
            raise ValueError(f"{path.name}: no {lang!r} strings")
        for section in SECTIONS:
            if not isinstance(data[lang].get(section), dict):
                raise ValueError(f"{path.name}: {lang}.{section} missing")
    return data  # type: ignore[no-any-return]


def report_language(requested: str | None, posting_language: str | None) -> str:
    """The report's language: the one asked for, else the posting's, else English."""
    for lang in (requested, posting_language):
        if lang in LANGUAGES:
            return str(lang)
    return "en"


class Texts:
    """Strings of one language, with formatting helpers for renderers."""

    def __init__(self, lang: str) -> None:
        self.lang = lang if lang in LANGUAGES else "en"
        self._data = load_strings()[self.lang]

    def get(self, section: str, key: str) -> str:
        """One string; the key itself when the data file lacks it."""
        return str(self._data[section].get(key, key))

    def role(self, role: str) -> str:
        """Display name of a role."""
        return self.get("roles", role)

    def role_detail(self, role: str) -> str:
        """A role's name with a one-line description."""
        return self.get("role_details", role)

    def heading(self, key: str) -> str:
        """A section heading or label."""
        return self.get("headings", key)

    def headings(self) -> dict[str, str]:
        """Every heading and label, for templates."""
        return {str(k): str(v) for k, v in self._data["headings"].items()}

    def message(self, key: str, params: dict[str, str]) -> str:
        """A finding's sentence, filled with its parameters (role ids become role names)."""
        template = self.get("messages", key)
        values = dict(params)
        for name in ("declared", "predicted", "second"):
            if name in values:
                values[name] = self.role(values[name])
        if "ground" in values:
            values["ground"] = self.get("grounds", values["ground"])
        return template.format_map(_Blank(values))


def percent(value: float, lang: str = "en") -> str:
    """A probability as a whole percentage (``0.734`` -> ``73%``, in French ``73 %``)."""
    return f"{round(value * 100)}\u202f%" if lang == "fr" else f"{round(value * 100)}%"
