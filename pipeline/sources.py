"""The sources file: which job sources a run crawls."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from spiders.sources import parse_source

DEMO_TYPE = "demo"
# The demo board is our own process on loopback: throttling it only slows the demo.
_LOCAL_SETTINGS = {"AUTOTHROTTLE_ENABLED": False, "DOWNLOAD_DELAY": 0}


class SourcesFileError(ValueError):
    """The sources file is missing or malformed."""


def read_sources(path: Path, only: str | None = None) -> list[dict[str, Any]]:
    """Source entries from a YAML sources file, optionally just the one named ``only``."""
    if not path.exists():
        raise SourcesFileError(f"sources file not found: {path}")
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise SourcesFileError(f"{path} is not valid YAML: {exc}") from exc
    entries = document.get("sources") if isinstance(document, dict) else None
    if not isinstance(entries, list) or not entries:
        raise SourcesFileError(f"{path} must hold a non-empty `sources:` list")
    names: set[str] = set()
    for entry in entries:
        if not isinstance(entry, dict) or not entry.get("name") or not entry.get("type"):
            raise SourcesFileError(f"{path}: every source needs a `name` and a `type`: {entry!r}")
        if entry["type"] != DEMO_TYPE:
            try:
                parse_source(entry)
            except ValidationError as exc:
                raise SourcesFileError(
                    f"{path}: source {entry['name']!r} is invalid:\n{exc}"
                ) from exc
        if entry["name"] in names:
            raise SourcesFileError(f"{path}: source name {entry['name']!r} appears twice")
        names.add(entry["name"])
    if only is not None:
        entries = [e for e in entries if e["name"] == only]
        if not entries:
            raise SourcesFileError(f"no source named {only!r} in {path}; known: {sorted(names)}")
    return entries


def needs_demo_server(entries: list[dict[str, Any]]) -> bool:
    """Whether any entry is the bundled demo board."""
    return any(e["type"] == DEMO_TYPE for e in entries)


def expand_demo(
    entries: list[dict[str, Any]], sitemap_url: str, greenhouse_api_base: str
) -> list[dict[str, Any]]:
    """Replace each demo entry with the two spider sources that read the local demo board."""
    expanded: list[dict[str, Any]] = []
    for entry in entries:
        if entry["type"] != DEMO_TYPE:
            expanded.append(entry)
            continue
        name = entry["name"]
        expanded.append(
            {
                "name": f"{name}-careers",
                "type": "jsonld",
                "sitemap_urls": [sitemap_url],
                "settings": _LOCAL_SETTINGS,
            }
        )
        expanded.append(
            {
                "name": f"{name}-greenhouse",
                "type": "greenhouse",
                "company": "demo",
                "api_base": greenhouse_api_base,
                "settings": _LOCAL_SETTINGS,
            }
        )
    return expanded


def public_config(entry: dict[str, Any]) -> dict[str, Any]:
    """A source entry safe to store: keys that look like secrets are dropped."""
    secret_words = ("secret", "password", "token", "key", "credential")
    return {
        k: v
        for k, v in entry.items()
        if not any(word in k.lower() for word in secret_words) or k == "api_base"
    }
