"""End-to-end: the structured-data spider over a mock career site (one crawl, many scenarios)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.spiders.conftest import CONTACT, Crawl, run_crawl
from tests.spiders.mockserver import MockServer, Reply, fixture

HTML = "text/html; charset=utf-8"
XML = "application/xml"
PADDING_BYTES = 10 * 1024 * 1024


def build_site(server: MockServer) -> None:
    """Routes of the mock career site."""
    base = server.base
    r = server.routes
    r["/robots.txt"] = Reply(fixture("site/robots.txt", base=base), content_type="text/plain")
    r["/sitemap_index.xml"] = Reply(fixture("site/sitemap_index.xml", base=base), content_type=XML)
    r["/sitemap_jobs.xml"] = Reply(fixture("site/sitemap_jobs.xml", base=base), content_type=XML)
    for name in ("graph", "array", "microdata", "rdfa", "malformed"):
        r[f"/jobs/{name}.html"] = Reply(fixture(f"site/{name}.html", base=base), content_type=HTML)
    r["/jobs/empty-description.html"] = Reply(fixture("site/empty_description.html"))
    # cp1252 bytes, declared only in a <meta> tag.
    cp1252 = fixture("site/cp1252.html").decode("utf-8").encode("cp1252")
    r["/jobs/cp1252.html"] = Reply(cp1252, content_type="text/html")
    # UTF-8 with a byte-order mark and no charset anywhere in the headers.
    r["/jobs/bom.html"] = Reply(
        b"\xef\xbb\xbf" + fixture("site/bom.html"), content_type="text/html"
    )
    filler = b"<p>" + b"filler paragraph for a very large page " * 25 + b"</p>\n"
    padding = filler * (PADDING_BYTES // len(filler) + 1)
    huge = fixture("site/huge.html").replace(b"{padding}", padding)
    r["/jobs/huge.html"] = Reply(huge)
    flaky_429 = fixture(
        "site/flaky.html", title="Social Media Lead (after 429)", path="/jobs/flaky-429.html"
    )
    r["/jobs/flaky-429.html"] = [
        Reply(b"slow down", status=429, headers={"Retry-After": "1"}, content_type="text/plain"),
        Reply(flaky_429),
    ]
    flaky_500 = fixture(
        "site/flaky.html", title="Community Lead (after 500)", path="/jobs/flaky-500.html"
    )
    r["/jobs/flaky-500.html"] = [
        Reply(b"oops", status=500, content_type="text/plain"),
        Reply(b"oops again", status=503, content_type="text/plain"),
        Reply(flaky_500),
    ]
    r["/private/secret-job.html"] = Reply(fixture("site/private.html"))
    r["/offres"] = Reply(fixture("site/listing_page1.html"))
    r["/offres?page=1"] = Reply(fixture("site/listing_page1.html"))
    r["/offres?page=2"] = Reply(fixture("site/listing_page2.html"))
    titles = ["Social media manager", "Attaché(e) de presse", "Community manager alternance"]
    for n, title in enumerate(titles, start=1):
        page = fixture("site/detail.html", title=title, ident=f"TIL-{n}", n=str(n))
        r[f"/offres/detail-{n}.html"] = Reply(page)


@pytest.fixture(scope="module")
def site_crawl(tmp_path_factory: pytest.TempPathFactory) -> tuple[Crawl, MockServer]:
    """One crawl of the whole mock site, shared by the assertions below."""
    with MockServer() as server:
        build_site(server)
        source = {
            "name": "tilleul-careers",
            "type": "jsonld",
            "sitemap_urls": [f"{server.base}/robots.txt"],
            "start_urls": [f"{server.base}/offres"],
        }
        crawl = run_crawl(source, tmp_path_factory.mktemp("site"))
        return crawl, server


def test_crawl_finishes_and_counts(site_crawl: tuple[Crawl, MockServer]) -> None:
    crawl, _ = site_crawl
    assert crawl.returncode == 0, crawl.stderr[-3000:]
    stats = crawl.stats
    assert stats["finish_reason"] == "finished"
    assert stats["rolescope/postings"] == len(crawl.postings) == 13
    assert stats["rolescope/quarantined"] == len(crawl.quarantined) == 2
    assert stats["item_scraped_count"] == 15
    assert stats.get("log_count/ERROR", 0) == 0
    assert not any(k.startswith("spider_exceptions/") for k in stats)
    assert stats["start_time"].startswith("20") and "T" in stats["start_time"]


def test_jsonld_graph_resolves_org_and_maps_fields(site_crawl: tuple[Crawl, MockServer]) -> None:
    crawl, server = site_crawl
    job = crawl.by_title()["Community Manager (H/F)"]
    assert job.source == "tilleul-careers"
    assert job.company == "Maison Lumière"
    assert job.external_id == "ML-2024-017"
    assert job.canonical_url == f"{server.base}/jobs/graph.html"
    assert job.language == "fr"
    assert (job.location.city, job.location.region, job.location.country) == (
        "Lyon",
        "Auvergne-Rhône-Alpes",
        "FR",
    )
    assert job.salary is not None and (job.salary.min, job.salary.max) == (32000, 38000)
    assert job.salary.currency == "EUR" and job.salary.period == "YEAR"
    assert str(job.date_posted) == "2024-05-01" and str(job.valid_through) == "2024-06-30"
    assert "<strong>Instagram</strong>" in job.description_html
    assert job.description_text.splitlines()[:3] == [
        "Vous animez nos communautés sur Instagram, TikTok et LinkedIn.",
        "",
        "Missions",
    ]
    assert "- Modérer les commentaires & messages" in job.description_text


def test_jsonld_array_two_postings_escaped_html_relative_url(
    site_crawl: tuple[Crawl, MockServer],
) -> None:
    crawl, server = site_crawl
    titles = crawl.by_title()
    smm, pr = titles["Social Media Manager"], titles["Public Relations Officer"]
    assert smm.description_text == (
        "Own our social channels end to end.\n\n"
        "- Set the social strategy\n- Lead two content creators"
    )
    assert smm.location.country == "GB" and smm.employment_type == "FULL_TIME, CONTRACTOR"
    assert smm.salary is not None and smm.salary.min == smm.salary.max == 42000
    assert pr.canonical_url == f"{server.base}/jobs/relations-presse.html"
    assert pr.company == "Northwind Studio" and pr.location.city == "Manchester"
    assert (
        pr.description_text
        == "Handle press relations and media requests.\nWrite press releases for product launches."
    )
    assert smm.raw_hash != pr.raw_hash


def test_microdata_and_rdfa(site_crawl: tuple[Crawl, MockServer]) -> None:
    titles = site_crawl[0].by_title()
    md = titles["Content Creator Social Media (m/w/d)"]
    assert md.company == "Bergblick GmbH" and md.location.city == "München"
    assert md.language == "de" and md.employment_type == "PART_TIME"
    assert "Kurzvideos" in md.description_text
    rdfa = titles["Chargé(e) de relations presse"]
    assert rdfa.company == "Agence Hélice" and rdfa.location.city == "Nantes"
    assert "journalistes" in rdfa.description_text


def test_malformed_jsonld_and_empty_description_quarantined(
    site_crawl: tuple[Crawl, MockServer],
) -> None:
    crawl, server = site_crawl
    reasons = {q.url: q.reason for q in crawl.quarantined}
    malformed = reasons[f"{server.base}/jobs/malformed.html"]
    assert malformed.startswith("malformed JSON-LD:")
    raw = next(q.raw_payload for q in crawl.quarantined if q.reason == malformed)
    assert '"title": "Community Manager junior"' in raw
    assert reasons[f"{server.base}/jobs/empty-description.html"] == "empty description"
    assert crawl.stats["rolescope/quarantined/malformed_json-ld"] == 1


def test_cp1252_and_bom_pages_decode(site_crawl: tuple[Crawl, MockServer]) -> None:
    titles = site_crawl[0].by_title()
    cp = titles["Chargé de communication – réseaux sociaux"]
    assert cp.company == "Crêperie Œuvre & Fils"
    assert (
        cp.description_text
        == "Rédaction des publications “Facebook” et Instagram… budget 1 500 € par mois."
    )
    bom = titles["Community Manager bilingüe"]
    assert bom.company == "Café Niño" and bom.language == "es"


def test_ten_megabyte_page_parsed(site_crawl: tuple[Crawl, MockServer]) -> None:
    crawl, _ = site_crawl
    assert crawl.by_title()["Head of Social Media"].company == "Bulky Pages Ltd"


def test_429_waits_for_retry_after_and_500_is_retried(site_crawl: tuple[Crawl, MockServer]) -> None:
    crawl, server = site_crawl
    hits_429 = server.paths_hit("/jobs/flaky-429.html")
    assert len(hits_429) == 2
    assert hits_429[1].at - hits_429[0].at >= 0.95
    assert len(server.paths_hit("/jobs/flaky-500.html")) == 3
    titles = crawl.by_title()
    assert "Social Media Lead (after 429)" in titles and "Community Lead (after 500)" in titles
    assert crawl.stats["retry/count"] == 3
    assert crawl.stats["rolescope/retry_after_honoured"] == 1


def test_robots_disallowed_path_never_fetched(site_crawl: tuple[Crawl, MockServer]) -> None:
    crawl, server = site_crawl
    assert server.paths_hit("/private/secret-job.html") == []
    assert "Internal only" not in crawl.by_title()
    assert crawl.stats["robotstxt/forbidden"] == 1


def test_listing_pagination_followed_to_details(site_crawl: tuple[Crawl, MockServer]) -> None:
    crawl, server = site_crawl
    details = {p.external_id: p for p in crawl.postings if (p.external_id or "").startswith("TIL-")}
    assert sorted(details) == ["TIL-1", "TIL-2", "TIL-3"]
    assert details["TIL-3"].title == "Community manager alternance"
    assert details["TIL-1"].canonical_url == f"{server.base}/offres/detail-1.html"
    assert len(server.paths_hit("/offres/detail-1.html")) == 1


def test_identifying_user_agent_sent(site_crawl: tuple[Crawl, MockServer]) -> None:
    _, server = site_crawl
    agents = {h.headers.get("User-Agent") for h in server.hits}
    assert agents == {f"rolescope/0.1 (job-ad research crawler; +{CONTACT})"}


def test_oversize_page_is_quarantined_not_a_crash(server: MockServer, tmp_path: Path) -> None:
    build_site(server)
    source = {"name": "big", "type": "jsonld", "start_urls": [f"{server.base}/jobs/huge.html"]}
    crawl = run_crawl(source, tmp_path, "DOWNLOAD_MAXSIZE=1048576")
    assert crawl.returncode == 0
    assert crawl.stats["finish_reason"] == "finished"
    assert [q.reason.split(":")[0] for q in crawl.quarantined] == ["response too large"]
    assert crawl.postings == []
