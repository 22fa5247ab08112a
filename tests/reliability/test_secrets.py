"""France Travail credentials come from the environment only and end up nowhere else: not in
the warehouse, the analyst copy, staged files, stats, manifests, logs, Prefect's logs,
artifacts or database, even at DEBUG level and when the token endpoint echoes them."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import duckdb
import pytest
import yaml

from tests.reliability.harness import FlowRun, run_flow
from tests.spiders.mockserver import Hit, MockServer, Reply, fixture

pytestmark = [pytest.mark.e2e]

CLIENT_ID = "rolescope-fake-client-7d3f0a"
CLIENT_SECRET = "fake-secret-Zq8wX2-never-store"
ACCESS_TOKEN = "fake-access-token-Kp4mN9-never-store"
SECRETS = (CLIENT_ID, CLIENT_SECRET, ACCESS_TOKEN)


class FranceTravailMock:
    """Token endpoint that checks the credentials; search that checks the token."""

    def __init__(self) -> None:
        self.credentials_seen: list[dict[str, list[str]]] = []

    def token(self, hit: Hit) -> Reply:
        form = parse_qs(hit.body.decode())
        self.credentials_seen.append(form)
        if form.get("client_secret") != [CLIENT_SECRET] or form.get("client_id") != [CLIENT_ID]:
            body = b'{"error": "invalid_client"}'
            return Reply(body, status=401, content_type="application/json")
        body = {"access_token": ACCESS_TOKEN, "token_type": "Bearer", "expires_in": 1499}
        return Reply(json.dumps(body).encode(), content_type="application/json")

    def echoing_token(self, hit: Hit) -> Reply:
        """A misconfigured endpoint: no token, and the credentials it got sent back."""
        form = parse_qs(hit.body.decode())
        body = {"error": "invalid_scope", "you_sent": form}
        return Reply(json.dumps(body).encode(), content_type="application/json")

    def search(self, hit: Hit) -> Reply:
        if hit.headers.get("Authorization") != f"Bearer {ACCESS_TOKEN}":
            return Reply(b'{"message": "no token"}', status=401, content_type="application/json")
        query = parse_qs(urlsplit(hit.path).query)
        assert query["range"] == ["0-149"]
        body = fixture("france_travail/search_rome_0.json")
        headers = {"Content-Range": "offres 0-1/2"}
        return Reply(body, headers=headers, content_type="application/json")


def files_containing(roots: Iterable[Path], needles: Iterable[str]) -> list[tuple[Path, str]]:
    """(file, needle) for every file under ``roots`` whose bytes contain a needle."""
    hits = []
    for root in roots:
        paths = [root] if root.is_file() else [p for p in root.rglob("*") if p.is_file()]
        for path in paths:
            data = path.read_bytes()
            hits += [(path, n) for n in needles if n.encode() in data]
    return hits


def duckdb_cells_containing(db: Path, needles: Iterable[str]) -> list[tuple[str, str, str]]:
    """(table, column, needle) for every text cell containing a needle (compression-proof)."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        columns = con.execute(
            "SELECT schema_name, table_name, column_name FROM duckdb_columns() "
            "WHERE data_type IN ('VARCHAR', 'JSON') AND database_name = current_database()"
        ).fetchall()
        found = []
        for schema, table, column in columns:
            for needle in needles:
                (n,) = con.execute(
                    f'SELECT count(*) FROM "{schema}"."{table}" '
                    f'WHERE CAST("{column}" AS VARCHAR) LIKE ?',
                    [f"%{needle}%"],
                ).fetchone() or (0,)
                if n:
                    found.append((f"{schema}.{table}", column, needle))
        return found
    finally:
        con.close()


def prefect_records() -> str:
    """Everything the Prefect API holds about flow runs: runs, parameters, logs, artifacts."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, FlowRunFilter, TaskRunFilter
    from prefect.client.schemas.sorting import ArtifactSort, FlowRunSort, LogSort

    page = 200
    dump: dict[str, list[object]] = {"runs": [], "logs": [], "artifacts": []}
    with get_client(sync_client=True) as client:
        every_artifact = {
            "artifact_filter": ArtifactFilter(),
            "flow_run_filter": FlowRunFilter(),
            "task_run_filter": TaskRunFilter(),
        }
        readers: list[tuple[str, Any, dict[str, Any]]] = [
            ("runs", client.read_flow_runs, {"sort": FlowRunSort.ID_DESC}),
            ("logs", client.read_logs, {"sort": LogSort.TIMESTAMP_ASC}),
            ("artifacts", client.read_artifacts, {"sort": ArtifactSort.ID_DESC, **every_artifact}),
        ]
        for key, read, options in readers:
            offset = 0
            while True:
                batch = read(limit=page, offset=offset, **options)
                dump[key] += [item.model_dump(mode="json") for item in batch]
                if len(batch) < page:
                    break
                offset += page
    return json.dumps(dump)


def test_the_scanners_find_a_planted_secret(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(f"token={ACCESS_TOKEN}", encoding="utf-8")
    db = tmp_path / "planted.duckdb"
    con = duckdb.connect(str(db))
    # a long repetitive column is stored compressed: a byte grep alone could miss it
    con.execute(
        "CREATE TABLE t AS SELECT ? || repeat('x', 2000) AS v FROM range(5000)", [CLIENT_SECRET]
    )
    con.close()
    assert (tmp_path / "a.txt", ACCESS_TOKEN) in files_containing([tmp_path], SECRETS)
    assert duckdb_cells_containing(db, SECRETS) == [("main.t", "v", CLIENT_SECRET)]


@pytest.fixture(scope="module")
def credentialed_run(
    tmp_path_factory: pytest.TempPathFactory, prefect_api_url: str, pinned_model: Path
) -> tuple[Path, FlowRun, FranceTravailMock, Path]:
    """One nightly run with fake credentials against a local France Travail mock."""
    home = tmp_path_factory.mktemp("secrets-home")
    prefect_home = tmp_path_factory.mktemp("secrets-prefect-home")
    logs = home / "logs"
    logs.mkdir()
    api = FranceTravailMock()
    with MockServer() as server:
        server.routes["/token"] = api.token
        server.routes["/token-echo"] = api.echoing_token
        server.routes["/v2/offres/search"] = api.search
        debug = {"LOG_LEVEL": "DEBUG", "AUTOTHROTTLE_ENABLED": False}
        sources = [
            {
                "name": "ft",
                "type": "france_travail",
                "rome_codes": ["E1124"],
                "api_base": server.base,
                "token_url": f"{server.base}/token",
                "settings": {**debug, "LOG_FILE": str(logs / "ft.log")},
            },
            {
                "name": "ft-echo",
                "type": "france_travail",
                "rome_codes": ["E1124"],
                "api_base": server.base,
                "token_url": f"{server.base}/token-echo",
                "settings": {**debug, "LOG_FILE": str(logs / "ft-echo.log")},
            },
        ]
        sources_file = home / "sources.yaml"
        sources_file.write_text(yaml.safe_dump({"sources": sources}), encoding="utf-8")
        env = {
            "FRANCE_TRAVAIL_CLIENT_ID": CLIENT_ID,
            "FRANCE_TRAVAIL_CLIENT_SECRET": CLIENT_SECRET,
            "PREFECT_LOGGING_LEVEL": "DEBUG",
            "PREFECT_HOME": str(prefect_home),
        }
        run = run_flow(home, sources_file, prefect_api_url, model=pinned_model, env=env)
    return home, run, api, prefect_home


def test_the_credentials_were_used(
    credentialed_run: tuple[Path, FlowRun, FranceTravailMock, Path],
) -> None:
    home, run, api, _ = credentialed_run
    assert run.returncode == 0 and run.summary is not None, run.describe()
    assert {"client_id": [CLIENT_ID], "client_secret": [CLIENT_SECRET]}.items() <= {
        k: v for k, v in api.credentials_seen[0].items()
    }.items()
    by_source = {s["source_id"]: s for s in run.summary["sources"]}
    assert by_source["ft"]["status"] == "complete" and by_source["ft"]["new"] >= 1
    assert by_source["ft-echo"]["status"] == "failed"
    assert (home / "logs" / "ft.log").stat().st_size > 0


def test_no_file_log_or_table_holds_a_credential(
    credentialed_run: tuple[Path, FlowRun, FranceTravailMock, Path],
) -> None:
    home, run, _, prefect_home = credentialed_run
    from prefect.settings import PREFECT_SERVER_DATABASE_CONNECTION_URL

    url = str(PREFECT_SERVER_DATABASE_CONNECTION_URL.value())
    prefect_db = Path(re.sub(r"^sqlite\+aiosqlite:///", "", url))
    assert prefect_db.exists(), url
    files = files_containing([home, prefect_home, prefect_db.parent], SECRETS)
    assert files == [], files
    for db in (home / "rolescope.duckdb", home / "rolescope-analyst.duckdb"):
        assert duckdb_cells_containing(db, SECRETS) == [], db
    captured = run.stdout + run.stderr
    assert "Task run 'crawl" in captured, "the captured log is the flow's"
    assert [s for s in SECRETS if s in captured] == []
    records = prefect_records()
    assert "rolescope-nightly" in records and "crawl" in records
    assert [s for s in SECRETS if s in records] == []
