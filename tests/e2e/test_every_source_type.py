"""End to end for every source type: loopback mock vendors → nightly flow → DuckDB.

One flow run crawls a sources file holding one source of each type (the
vendors' response formats are the spider tests' fixtures), then
`rolescope run --source NAME` crawls a single one of them from the command
line, against the same Prefect test server.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest
import yaml

from tests.spiders.mockserver import MockServer, Reply, fixture
from tests.spiders.test_crawl_feed_ft import FranceTravailApi

pytestmark = [pytest.mark.e2e]

JSON = "application/json; charset=utf-8"
HTML = "text/html; charset=utf-8"
FAST = {"AUTOTHROTTLE_ENABLED": False, "DOWNLOAD_DELAY": 0, "RETRY_BACKOFF_BASE": 0.05}


def _routes(server: MockServer) -> None:
    base, r = server.base, server.routes
    r["/robots.txt"] = Reply(fixture("site/robots.txt", base=base), content_type="text/plain")
    r["/jobs/graph.html"] = Reply(fixture("site/graph.html", base=base), content_type=HTML)
    r["/v1/boards/lumenlabs/jobs"] = Reply(fixture("greenhouse/jobs.json"), content_type=JSON)
    r["/v0/postings/kestrel?mode=json&skip=0&limit=2"] = Reply(
        fixture("lever/page0.json"), content_type=JSON
    )
    r["/v0/postings/kestrel?mode=json&skip=2&limit=2"] = Reply(
        fixture("lever/page1.json"), content_type=JSON
    )
    r["/posting-api/job-board/tidewater?includeCompensation=true"] = Reply(
        fixture("ashby/board.json"), content_type=JSON
    )
    sr = "/v1/companies/AtelierBoreal/postings"
    r[f"{sr}?offset=0&limit=2"] = Reply(fixture("smartrecruiters/list_0.json"), content_type=JSON)
    r[f"{sr}?offset=2&limit=2"] = Reply(fixture("smartrecruiters/list_2.json"), content_type=JSON)
    for job in ("744000012345678", "744000012345679", "744000012345680"):
        r[f"{sr}/{job}"] = Reply(fixture(f"smartrecruiters/detail_{job}.json"), content_type=JSON)
    r["/api/v1/widget/accounts/orchardpine?details=true"] = Reply(
        fixture("workable/account.json"), content_type=JSON
    )
    r["/api/offers/"] = Reply(fixture("recruitee/offers.json"), content_type=JSON)
    r["/feed.xml"] = Reply(fixture("feed/rss.xml"), content_type="application/rss+xml")
    api = FranceTravailApi()
    r["/token"] = api.token
    r["/v2/offres/search"] = api.search


def _sources(base: str) -> list[dict[str, Any]]:
    sources: list[dict[str, Any]] = [
        {"name": "site", "type": "jsonld", "start_urls": [f"{base}/jobs/graph.html"]},
        {"name": "gh", "type": "greenhouse", "company": "lumenlabs", "api_base": base},
        {"name": "lever", "type": "lever", "company": "kestrel", "page_size": 2, "api_base": base},
        {"name": "ashby", "type": "ashby", "organization": "tidewater", "api_base": base},
        {
            "name": "sr",
            "type": "smartrecruiters",
            "company": "AtelierBoreal",
            "page_size": 2,
            "api_base": base,
        },
        {"name": "workable", "type": "workable", "account": "orchardpine", "api_base": base},
        {"name": "recruitee", "type": "recruitee", "company": "verdure", "api_base": base},
        {"name": "rss", "type": "feed", "url": f"{base}/feed.xml"},
        {
            "name": "ft",
            "type": "france_travail",
            "rome_codes": ["E1124", "E1101", "E1103"],
            "keywords": ["social media"],
            "page_size": 2,
            "api_base": base,
            "token_url": f"{base}/token",
        },
    ]
    return [{**s, "settings": FAST} for s in sources]


@pytest.fixture(scope="module")
def mock_vendors() -> Iterator[MockServer]:
    with MockServer() as server:
        _routes(server)
        yield server


@pytest.fixture(scope="module")
def sources_file(mock_vendors: MockServer, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sources") / "sources.yaml"
    path.write_text(yaml.safe_dump({"sources": _sources(mock_vendors.base)}), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def credentials() -> Iterator[None]:
    saved = {
        k: os.environ.get(k) for k in ("FRANCE_TRAVAIL_CLIENT_ID", "FRANCE_TRAVAIL_CLIENT_SECRET")
    }
    os.environ["FRANCE_TRAVAIL_CLIENT_ID"] = "client-e2e"
    os.environ["FRANCE_TRAVAIL_CLIENT_SECRET"] = "secret-e2e-do-not-store"
    yield
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


def test_every_source_type_lands_postings(
    prefect_harness: None, sources_file: Path, credentials: None, tmp_path: Path
) -> None:
    from pipeline.flows import nightly

    summary = nightly(home=str(tmp_path), sources_file=str(sources_file))
    by_source = {s["source_id"]: s for s in summary["sources"]}
    assert set(by_source) == {s["name"] for s in _sources("http://x")}
    for name, line in by_source.items():
        assert line["status"] in ("complete", "partial"), (name, line)
        assert line["new"] >= 1, (name, line)
    con = duckdb.connect(str(tmp_path / "rolescope-analyst.duckdb"), read_only=True)
    per_source = dict(con.execute("SELECT source_id, count(*) FROM postings GROUP BY 1").fetchall())
    assert set(per_source) == set(by_source)
    rome = con.execute(
        "SELECT count(*) FROM postings WHERE source_id = 'ft' AND rome_code IS NOT NULL"
    )
    assert rome.fetchone()[0] >= 1
    unlabelled = con.execute(
        "SELECT count(*) FROM postings p LEFT JOIN classifications c USING (posting_id) "
        "WHERE c.label IS NULL"
    ).fetchone()
    assert unlabelled == (0,)
    stored = con.execute("SELECT string_agg(CAST(config AS VARCHAR), ' ') FROM sources").fetchone()
    assert "secret-e2e-do-not-store" not in (stored[0] or "")


def test_run_one_source_from_the_command_line(
    prefect_harness: None, sources_file: Path, tmp_path: Path
) -> None:
    from prefect.settings import PREFECT_API_URL

    env = {**os.environ, "PREFECT_API_URL": str(PREFECT_API_URL.value()), "COLUMNS": "200"}
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pipeline.cli",
            "run",
            "--source",
            "lever",
            "--sources",
            str(sources_file),
            "--home",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert "lever" in proc.stdout and "complete" in proc.stdout
    con = duckdb.connect(str(tmp_path / "rolescope-analyst.duckdb"), read_only=True)
    assert con.execute("SELECT DISTINCT source_id FROM postings").fetchall() == [("lever",)]
    assert con.execute("SELECT count(*) FROM postings").fetchone() == (3,)
