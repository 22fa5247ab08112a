"""No listening sockets in a crawl: Scrapy's telnet console and remote-control server stay off
in the settings the crawl stage really passes, even when a source's settings ask for them.
`rolescope sql` writes nothing, not even a file through ``EXPLAIN ANALYZE`` (which runs the
statement it explains)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import duckdb
import pytest

from pipeline.stages.crawl import FORCED_SETTINGS, spider_command
from spiders.run import build_settings, load_source, parse_args, parse_overrides
from tests.spiders.mockserver import MockServer, Reply

HOSTILE = {"TELNETCONSOLE_ENABLED": True, "REMOTE_CONTROL_ENABLED": True}


def _source(api_base: str) -> dict[str, object]:
    return {
        "name": "board",
        "type": "greenhouse",
        "company": "acme",
        "api_base": api_base,
        "settings": {**HOSTILE, "AUTOTHROTTLE_ENABLED": False, "DOWNLOAD_DELAY": 0},
    }


def _settings_from(command: list[str]):  # type: ignore[no-untyped-def]
    """The Scrapy settings ``spiders.run`` builds from a crawl command line."""
    args = parse_args(command[command.index("--source-json") :])
    source = load_source(args.source_json)
    return build_settings(source, args.items, args.httpcache, parse_overrides(args.setting))


def test_consoles_are_off_in_the_settings_the_crawl_stage_passes(tmp_path: Path) -> None:
    extra = {"TELNETCONSOLE_ENABLED": "True", "REMOTE_CONTROL_ENABLED": "1"}
    command = spider_command(
        _source("https://boards-api.example"), tmp_path / "i", tmp_path / "s", extra
    )
    settings = _settings_from(command)
    assert settings.getbool("TELNETCONSOLE_ENABLED") is False
    assert settings.getbool("REMOTE_CONTROL_ENABLED") is False
    # without the crawl stage's forced settings the source would have turned them on
    args = parse_args(command[command.index("--source-json") :])
    unforced = build_settings(load_source(args.source_json), args.items, None, {})
    assert unforced.getbool("TELNETCONSOLE_ENABLED") and unforced.getbool("REMOTE_CONTROL_ENABLED")
    assert set(FORCED_SETTINGS) == set(HOSTILE)


@pytest.mark.e2e
def test_a_real_crawl_enables_neither_console(tmp_path: Path) -> None:
    jobs = {"jobs": [], "meta": {"total": 0}}
    with MockServer() as server:
        server.routes["/v1/boards/acme/jobs?content=true"] = Reply(
            json.dumps(jobs).encode(), content_type="application/json"
        )
        command = spider_command(
            _source(server.base), tmp_path / "items.jsonl", tmp_path / "stats.json", {}
        )
        proc = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    stats = json.loads((tmp_path / "stats.json").read_text(encoding="utf-8"))
    assert stats["finish_reason"] == "finished"
    log = proc.stderr
    assert "Enabled extensions" in log, log[-2000:]
    extensions = log.split("Enabled extensions", 1)[1].split("]", 1)[0]
    assert "TelnetConsole" not in extensions and "RemoteControl" not in extensions
    assert "Telnet console listening" not in log and "Telnet Password" not in log


@pytest.mark.parametrize(
    "statement",
    [
        "EXPLAIN ANALYZE COPY (SELECT 42 AS x) TO '{target}'",
        "explain analyse copy (select 42 as x) to '{target}'",
        "EXPLAIN /* x */ ANALYZE COPY (SELECT 42 AS x) TO '{target}'",
        "EXPLAIN (FORMAT json, ANALYZE) COPY (SELECT 42 AS x) TO '{target}'",
        "COPY (SELECT 42 AS x) TO '{target}'",
    ],
)
def test_rolescope_sql_writes_no_file_even_through_explain_analyze(
    tmp_path: Path, statement: str
) -> None:
    from typer.testing import CliRunner

    from pipeline.cli import app

    analyst = tmp_path / "analyst.duckdb"
    con = duckdb.connect(str(analyst))
    con.execute("CREATE TABLE postings AS SELECT 1 AS posting_id")
    con.close()
    target = tmp_path / "written.csv"
    sql = statement.format(target=target)
    result = CliRunner().invoke(app, ["sql", sql, "--analyst", str(analyst)])
    assert result.exit_code == 2 and "read-only" in result.stderr, result.output
    assert not target.exists(), "the statement ran and wrote a file"
    # explaining (and profiling) a query stays allowed
    profiled = "EXPLAIN ANALYZE SELECT count(*) FROM postings"
    assert CliRunner().invoke(app, ["sql", profiled, "--analyst", str(analyst)]).exit_code == 0
