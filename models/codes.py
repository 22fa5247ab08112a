"""Occupation codes (ESCO, ISCO-08, ROME, O*NET-SOC) for each role label.

The codes and where each comes from live in ``codes.yaml``.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

from models.types import ROLES

CODES_FILE = Path(__file__).with_name("codes.yaml")
CODE_KEYS: tuple[str, ...] = ("esco_uri", "isco_code", "rome_code", "onet_code")


@lru_cache(maxsize=1)
def _codes(path: Path = CODES_FILE) -> dict[str, dict[str, str | None]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))["codes"]
    table: dict[str, dict[str, str | None]] = {}
    for role in ROLES:
        entry = data.get(role) or {}
        table[role] = {
            key: (str(entry[key]) if entry.get(key) is not None else None) for key in CODE_KEYS
        }
    return table


def codes_for(label: str) -> dict[str, str | None]:
    """``{esco_uri, isco_code, rome_code, onet_code}`` of a role label (None: not applicable)."""
    if label not in ROLES:
        raise ValueError(f"unknown label {label!r}; expected one of {', '.join(ROLES)}")
    return dict(_codes()[label])
