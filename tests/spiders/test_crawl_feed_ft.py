"""End-to-end: RSS/Atom feeds and the France Travail API (OAuth2, range pagination, rate limit)."""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from tests.spiders.conftest import run_crawl
from tests.spiders.mockserver import Hit, MockServer, Reply, fixture

SECRET = "s3cr3t-client-value-91"
CLIENT = "rolescope-test-client"


def test_rss_feed_with_field_mapping(server: MockServer, tmp_path: Path) -> None:
    server.routes["/feed.xml"] = Reply(fixture("feed/rss.xml"), content_type="application/rss+xml")
    source = {
        "name": "pivoine-rss",
        "type": "feed",
        "url": f"{server.base}/feed.xml",
        "fields": {"company": "job_company", "city": "job_city", "employment_type": "job_contract"},
    }
    crawl = run_crawl(source, tmp_path)
    assert crawl.returncode == 0 and crawl.stats["finish_reason"] == "finished"
    cm = crawl.by_title()["Community manager (H/F) – CDI"]
    assert cm.external_id == "pivoine-2024-551" and cm.company == "Réseau Pivoine"
    assert cm.location.city == "Rennes" and cm.employment_type == "FULL_TIME"
    assert cm.language == "fr" and str(cm.date_posted) == "2024-05-02"
    assert cm.canonical_url == "https://emplois.pivoine.example/offres/2024-551"
    assert cm.description_text.endswith("- Création de visuels\n- Réponses aux messages")
    assert crawl.by_title()["Chargé de communication digitale"].employment_type == "TEMPORARY"
    [empty] = crawl.quarantined
    assert empty.reason == "empty description" and "2024-553" in empty.raw_payload


def test_atom_feed_defaults(server: MockServer, tmp_path: Path) -> None:
    server.routes["/atom"] = Reply(fixture("feed/atom.xml"), content_type="application/atom+xml")
    source = {
        "name": "harbour",
        "type": "feed",
        "url": f"{server.base}/atom",
        "company": "Harbour Lights",
    }
    crawl = run_crawl(source, tmp_path)
    assert crawl.returncode == 0 and crawl.stats["rolescope/postings"] == 2
    exe = crawl.by_title()["Social Media Executive"]
    assert exe.company == "Harbour Lights" and exe.language == "en"
    assert exe.canonical_url == "https://careers.harbourlights.example/jobs/101"
    assert (
        exe.description_text
        == "Plan and publish content for our three ferry routes.\n\n- Instagram\n- X"
    )
    press = crawl.by_title()["Press Office Manager"]
    assert str(press.date_posted) == "2024-05-02"  # no <published>: <updated> is used
    assert press.description_text == "Run the press office and crisis communications."


class FranceTravailApi:
    """Mock token endpoint and offers search with Content-Range pagination."""

    def __init__(self) -> None:
        self.tokens_issued = 0
        self.rejected_once = False

    def token(self, hit: Hit) -> Reply:
        self.tokens_issued += 1
        body = json.loads(fixture("france_travail/token.json"))
        body["access_token"] = f"tok-{self.tokens_issued}"
        return Reply(json.dumps(body).encode(), content_type="application/json")

    def search(self, hit: Hit) -> Reply:
        if not hit.headers.get("Authorization", "").startswith("Bearer tok-"):
            return Reply(b'{"message": "no token"}', status=401, content_type="application/json")
        query = {k: v[0] for k, v in parse_qs(urlsplit(hit.path).query).items()}
        if "motsCles" in query and not self.rejected_once:
            self.rejected_once = True  # the token "expired": the spider must fetch a new one
            return Reply(b'{"message": "expired"}', status=401, content_type="application/json")
        pages = {
            ("E1124,E1101,E1103", "0-1"): ("search_rome_0.json", 206, "offres 0-1/3"),
            ("E1124,E1101,E1103", "2-2"): ("search_rome_1.json", 206, "offres 2-2/3"),
            ("social media", "0-1"): ("search_kw_0.json", 200, "offres 0-2/3"),
        }
        key = (query.get("codeROME") or query.get("motsCles", ""), query["range"])
        name, status, content_range = pages[key]
        body = fixture(f"france_travail/{name}")
        headers = {"Content-Range": content_range, "Accept-Range": "offres 150"}
        return Reply(body, status=status, headers=headers, content_type="application/json")


def test_france_travail_search(server: MockServer, tmp_path: Path) -> None:
    api = FranceTravailApi()
    server.routes["/token"] = api.token
    server.routes["/v2/offres/search"] = api.search
    source = {
        "name": "ft",
        "type": "france_travail",
        "rome_codes": ["E1124", "E1101", "E1103"],
        "keywords": ["social media"],
        "page_size": 2,
        "api_base": server.base,
        "token_url": f"{server.base}/token",
    }
    env = {"FRANCE_TRAVAIL_CLIENT_ID": CLIENT, "FRANCE_TRAVAIL_CLIENT_SECRET": SECRET}
    cache = tmp_path / "httpcache"
    crawl = run_crawl(source, tmp_path / "out", env=env, httpcache=cache)
    assert crawl.returncode == 0 and crawl.stats["finish_reason"] == "finished"
    assert crawl.stats.get("log_count/ERROR", 0) == 0

    token_hits = server.paths_hit("/token")
    assert len(token_hits) == 2 == api.tokens_issued  # initial + refresh after the 401
    form = parse_qs(token_hits[0].body.decode())
    assert form["grant_type"] == ["client_credentials"] and form["client_secret"] == [SECRET]
    assert form["client_id"] == [CLIENT] and form["scope"] == ["api_offresdemploiv2 o2dsoffre"]

    by_id = {p.external_id: p for p in crawl.postings}
    assert sorted(by_id) == ["1700001X", "1700002X", "1700003X", "1700004X"]  # 1700001X once
    assert crawl.stats["rolescope/duplicate_offers"] == 1
    cm = by_id["1700001X"]
    assert cm.rome_code == "E1124" and cm.company == "AGENCE COQUELICOT"
    assert cm.company_size == "20 à 49 salariés"
    assert (cm.location.city, cm.location.region, cm.location.country) == (
        "Paris 11e Arrondissement",
        "75",
        "FR",
    )
    assert cm.salary is not None and (cm.salary.min, cm.salary.max, cm.salary.period) == (
        32000,
        36000,
        "YEAR",
    )
    assert (
        cm.description_text == "Vous animez les réseaux sociaux de nos clients.\nReporting mensuel."
    )
    assert (
        by_id["1700002X"].employment_type == "TEMPORARY" and by_id["1700002X"].rome_code == "E1101"
    )
    assert by_id["1700004X"].salary is not None and by_id["1700004X"].salary.period == "HOUR"
    [empty] = crawl.quarantined
    assert empty.reason == "empty description"

    searches = sorted(h.at for h in server.paths_hit("/v2/offres/search"))
    assert len(searches) == 4
    gaps = [b - a for a, b in itertools.pairwise(searches)]
    assert min(gaps) >= 0.095  # <= 10 requests per second

    # Credentials are never written anywhere: logs, records, stats or the HTTP cache.
    written = [crawl.stdout, crawl.stderr, crawl.items_path.read_text("utf-8")]
    written.append((tmp_path / "out" / "stats.json").read_text("utf-8"))
    written += [p.read_bytes().decode("latin-1") for p in cache.rglob("*") if p.is_file()]
    assert any("offres" in text for text in written[4:])  # the cache did store the searches
    for text in written:
        assert SECRET not in text and "tok-1" not in text and "tok-2" not in text
