"""The ``python -m spiders.run`` contract: usage errors, HTTP cache, stable re-crawls, settings."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from scrapy.settings import Settings

from spiders.run import build_settings, load_source, parse_overrides, user_agent
from tests.spiders.conftest import REPO, run_crawl
from tests.spiders.mockserver import MockServer, Reply, fixture


def _run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "spiders.run", *args]
    return subprocess.run(command, cwd=REPO, capture_output=True, text=True, env=env, check=False)


@pytest.mark.parametrize(
    ("source_json", "message"),
    [
        ("{not json", "--source-json is not valid JSON"),
        ('{"name": "x", "type": "myspace"}', "invalid source configuration"),
        ('{"name": "x", "type": "greenhouse"}', "company"),
        ('{"name": "x", "type": "jsonld"}', "needs sitemap_urls and/or start_urls"),
    ],
)
def test_bad_source_exits_2_with_message(tmp_path: Path, source_json: str, message: str) -> None:
    proc = _run(
        "--source-json", source_json, "--items", str(tmp_path / "i"), "--stats", str(tmp_path / "s")
    )
    assert proc.returncode == 2
    assert message in proc.stderr
    assert not (tmp_path / "s").exists()


def test_france_travail_without_credentials_is_a_config_error(tmp_path: Path) -> None:
    env = {k: v for k, v in __import__("os").environ.items() if not k.startswith("FRANCE_TRAVAIL")}
    source = json.dumps({"name": "ft", "type": "france_travail"})
    proc = _run(
        "--source-json",
        source,
        "--items",
        str(tmp_path / "i"),
        "--stats",
        str(tmp_path / "s"),
        env=env,
    )
    assert proc.returncode == 2
    assert (
        "FRANCE_TRAVAIL_CLIENT_ID" in proc.stderr and "FRANCE_TRAVAIL_CLIENT_SECRET" in proc.stderr
    )


def test_bad_setting_syntax_exits_2(tmp_path: Path) -> None:
    source = json.dumps({"name": "x", "type": "greenhouse", "company": "x"})
    proc = _run("--source-json", source, "--items", "i", "--stats", "s", "--setting", "NOEQUALS")
    assert proc.returncode == 2 and "KEY=VALUE" in proc.stderr


def test_unreachable_source_still_exits_0_and_stats_tell(tmp_path: Path) -> None:
    source = {
        "name": "down",
        "type": "greenhouse",
        "company": "x",
        "api_base": "http://127.0.0.1:9",
    }
    crawl = run_crawl(source, tmp_path, "RETRY_TIMES=1")
    assert crawl.returncode == 0
    assert crawl.stats["finish_reason"] == "finished"
    assert crawl.stats["rolescope/postings"] == 0
    assert crawl.stats["log_count/ERROR"] >= 1  # the flow reads this crawl as failed
    assert crawl.records == []


def test_httpcache_and_recrawl_is_stable(server: MockServer, tmp_path: Path) -> None:
    server.routes["/v1/boards/lumenlabs/jobs"] = Reply(
        fixture("greenhouse/jobs.json"), content_type="application/json"
    )
    source = {"name": "gh", "type": "greenhouse", "company": "lumenlabs", "api_base": server.base}
    cache = tmp_path / "cache"
    first = run_crawl(source, tmp_path / "one", httpcache=cache)
    hits_after_first = len(server.hits)
    second = run_crawl(source, tmp_path / "two", httpcache=cache)
    assert len(server.hits) == hits_after_first  # served from the cache
    assert second.stats["httpcache/hit"] >= 1
    keys = [(p.posting_key, p.content_hash, p.raw_hash) for p in first.postings]
    assert keys == [(p.posting_key, p.content_hash, p.raw_hash) for p in second.postings]
    assert len(keys) == 2


def test_settings_precedence_and_listeners_off(tmp_path: Path) -> None:
    source = load_source(
        json.dumps(
            {"name": "x", "type": "greenhouse", "company": "x", "settings": {"DOWNLOAD_DELAY": 2}}
        )
    )
    settings: Settings = build_settings(
        source, tmp_path / "items.jsonl", None, parse_overrides(["CONCURRENT_REQUESTS=3"])
    )
    assert settings.getbool("TELNETCONSOLE_ENABLED") is False
    assert settings.getbool("REMOTE_CONTROL_ENABLED") is False
    assert settings.getbool("ROBOTSTXT_OBEY") is True
    assert settings.getbool("AUTOTHROTTLE_ENABLED") is True
    assert settings.getfloat("DOWNLOAD_DELAY") == 2.0
    assert settings.getint("CONCURRENT_REQUESTS") == 3
    assert settings["ROLESCOPE_ITEMS_PATH"] == str((tmp_path / "items.jsonl").resolve())
    assert 429 in settings.getlist("RETRY_HTTP_CODES")


def test_user_agent_contact() -> None:
    assert user_agent("mailto:ops@example.org") == (
        "rolescope/0.1 (job-ad research crawler; +mailto:ops@example.org)"
    )
    assert "contact not configured" in user_agent("")


def test_france_travail_rate_limit_settings(tmp_path: Path) -> None:
    source = load_source(json.dumps({"name": "ft", "type": "france_travail"}))
    settings = build_settings(source, tmp_path / "i", None, {})
    slot = settings.getdict("DOWNLOAD_SLOTS")["api.francetravail.io"]
    assert slot["concurrency"] == 1 and slot["delay"] >= 0.1 and slot["jitter"] == 0
