"""Run one crawl for one source in this process and write its records and final stats.

Usage::

    python -m spiders.run --source-json '{"name": "x", "type": "greenhouse", "company": "x"}' \
        --items OUT.jsonl --stats STATS.json [--httpcache DIR] [--setting KEY=VALUE ...]

Exit status: 0 once a crawl has run, whatever happened inside it (judge it by
its stats); 2 for a usage or configuration error (message on stderr); 3 when
the crawler could not start.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from scrapy.crawler import CrawlerProcess
from scrapy.settings import SETTINGS_PRIORITIES, Settings

from spiders.sources import FranceTravailSource, Source, parse_source

CONTACT_ENV = "ROLESCOPE_CONTACT"
VERSION = "0.1"
EXIT_OK, EXIT_USAGE, EXIT_NOT_STARTED = 0, 2, 3

logger = logging.getLogger(__name__)


class UsageError(Exception):
    """A command-line or source-configuration problem, reported on stderr with exit status 2."""


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """Command-line arguments."""
    parser = argparse.ArgumentParser(
        prog="python -m spiders.run", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--source-json", required=True, help="one source configuration as JSON")
    parser.add_argument("--items", required=True, type=Path, help="staged JSONL output file")
    parser.add_argument("--stats", required=True, type=Path, help="final stats JSON output file")
    parser.add_argument("--httpcache", type=Path, help="enable Scrapy's HTTP cache in DIR")
    parser.add_argument(
        "--setting", action="append", default=[], metavar="KEY=VALUE", help="Scrapy setting"
    )
    return parser.parse_args(argv)


def load_source(text: str) -> Source:
    """Parse and validate the ``--source-json`` argument."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise UsageError(f"--source-json is not valid JSON: {error}") from error
    if not isinstance(data, dict):
        raise UsageError("--source-json must be a JSON object")
    try:
        return parse_source(data)
    except ValidationError as error:
        raise UsageError(f"invalid source configuration:\n{error}") from error


def parse_overrides(pairs: Sequence[str]) -> dict[str, str]:
    """``KEY=VALUE`` strings as a dict (values stay strings, as with ``scrapy -s``)."""
    out: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"--setting expects KEY=VALUE, got {pair!r}")
        out[key.strip()] = value
    return out


def user_agent(contact: str) -> str:
    """The identifying User-Agent, with the operator's contact when configured."""
    contact = contact.strip()
    detail = f"+{contact}" if contact else "contact not configured"
    return f"rolescope/{VERSION} (job-ad research crawler; {detail})"


def source_settings(source: Source) -> dict[str, Any]:
    """Settings a source type needs (rate limits), then the source's own overrides."""
    out: dict[str, Any] = {}
    if isinstance(source, FranceTravailSource):
        from spiders.spiders.france_travail import rate_limit_settings

        out.update(rate_limit_settings(source))
    out.update(source.settings)
    return out


def build_settings(
    source: Source, items: Path, httpcache: Path | None, overrides: dict[str, str]
) -> Settings:
    """Project settings < source-type and per-source settings < command-line overrides."""
    settings = Settings()
    settings.setmodule("spiders.settings", priority="project")
    settings.update(source_settings(source), priority="spider")
    settings.set("ROLESCOPE_ITEMS_PATH", str(items.resolve()), priority="cmdline")
    if httpcache is not None:
        settings.set("HTTPCACHE_ENABLED", True, priority="cmdline")
        settings.set("HTTPCACHE_DIR", str(httpcache.resolve()), priority="cmdline")
    settings.update(overrides, priority="cmdline")
    if (settings.getpriority("USER_AGENT") or 0) < SETTINGS_PRIORITIES["cmdline"]:
        contact = settings.get("ROLESCOPE_CONTACT") or os.environ.get(CONTACT_ENV, "")
        settings.set("USER_AGENT", user_agent(contact), priority="cmdline")
    return settings


def _json_default(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return str(value)


def write_stats(path: Path, stats: dict[str, Any]) -> None:
    """Write stats as JSON (datetimes as ISO 8601 strings)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(stats, default=_json_default, indent=2, sort_keys=True)
    path.write_text(text + "\n", encoding="utf-8")


def crawl(source: Source, settings: Settings) -> dict[str, Any]:
    """Run the source's spider to completion and return Scrapy's final stats."""
    from spiders.spiders import SPIDERS

    process = CrawlerProcess(settings)
    crawler = process.create_crawler(SPIDERS[source.type])
    process.crawl(crawler, source=source)
    process.start()
    assert crawler.stats is not None
    stats = dict(crawler.stats.get_stats())
    stats.setdefault("rolescope/postings", 0)
    stats.setdefault("rolescope/quarantined", 0)
    stats["rolescope/source"] = source.name
    stats["rolescope/source_type"] = source.type
    return stats


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the process exit status."""
    args = parse_args(argv)
    try:
        source = load_source(args.source_json)
        overrides = parse_overrides(args.setting)
        if isinstance(source, FranceTravailSource):
            from spiders.spiders.france_travail import missing_credentials

            missing = missing_credentials()
            if missing:
                raise UsageError(f"France Travail credentials missing: set {', '.join(missing)}")
        settings = build_settings(source, args.items, args.httpcache, overrides)
    except UsageError as error:
        print(f"spiders.run: {error}", file=sys.stderr)
        return EXIT_USAGE
    try:
        stats = crawl(source, settings)
    except Exception as error:
        logger.exception("crawler could not run")
        write_stats(args.stats, {"finish_reason": None, "rolescope/crash": repr(error)})
        return EXIT_NOT_STARTED
    write_stats(args.stats, stats)
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
