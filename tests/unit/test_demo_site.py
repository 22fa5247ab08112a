"""The bundled demo job board: content, rendered paths, Greenhouse shape, editions, server."""

from __future__ import annotations

import html
import json
import subprocess
import sys
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin

import extruct
import pytest

from pipeline.demo import (
    BROKEN_SLUG,
    LABELS,
    DemoBoard,
    DemoPosting,
    available_editions,
    expected_labels,
    expected_labels_by_external_id,
    load_board,
    load_demo_postings,
    render,
    serve_demo,
)
from pipeline.demo.postings import DemoDataError, parse_posting

BASE = "http://127.0.0.1:8765"
GH_JOBS = "/boards-api/v1/boards/demo/jobs"
SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


class PageReader(HTMLParser):
    """JSON-LD script texts, links (href, class, rel) and visible text of an HTML page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scripts: list[str] = []
        self.links: list[dict[str, str]] = []
        self.text: list[str] = []
        self._in_jsonld = False
        self._in_script = False
        self.itemscopes: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "script":
            self._in_script = True
            self._in_jsonld = a.get("type") == "application/ld+json"
            if self._in_jsonld:
                self.scripts.append("")
        if tag == "a":
            self.links.append(a)
        if "itemtype" in a:
            self.itemscopes.append(a["itemtype"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = self._in_jsonld = False

    def handle_data(self, data: str) -> None:
        if self._in_jsonld:
            self.scripts[-1] += data
        elif not self._in_script:
            self.text.append(data)


def read(body: bytes) -> PageReader:
    reader = PageReader()
    reader.feed(body.decode("utf-8"))
    return reader


def text_of(fragment: str) -> str:
    reader = PageReader()
    reader.feed(fragment)
    return " ".join("".join(reader.text).split())


def job_nodes(document: Any) -> Iterator[dict[str, Any]]:
    if isinstance(document, list):
        for item in document:
            yield from job_nodes(item)
    elif isinstance(document, dict):
        if document.get("@type") == "JobPosting":
            yield document
        for value in document.get("@graph", []):
            yield from job_nodes(value)


@pytest.fixture(scope="module")
def board() -> DemoBoard:
    return load_board(1)


@pytest.fixture(scope="module")
def board2() -> DemoBoard:
    return load_board(2)


def get(board: DemoBoard, path: str) -> Any:
    response = render(path, board, BASE)
    return response


# --- content -----------------------------------------------------------------


def test_board_is_big_bilingual_and_covers_every_label(board: DemoBoard) -> None:
    postings = load_demo_postings()
    assert len(postings) >= 80
    languages = Counter(p.language for p in postings)
    assert set(languages) == {"fr", "en"}
    assert min(languages.values()) >= 0.4 * len(postings)
    labels = Counter(p.expected_label for p in postings)
    assert set(labels) == set(LABELS)
    assert labels["community_manager"] >= 20 and labels["social_media_manager"] >= 18
    assert labels["social_media_strategist"] >= 8 and labels["other"] >= 20
    for label in LABELS:  # every label exists in both languages
        assert {p.language for p in postings if p.expected_label == label} == {"fr", "en"}
    assert {p.country for p in postings} == {"FR", "BE", "CH", "CA", "US", "GB"}
    assert expected_labels() == {p.slug: p.expected_label for p in postings}


@pytest.mark.parametrize("edition", [1, 2])
def test_descriptions_are_structured_and_of_realistic_length(edition: int) -> None:
    for p in load_demo_postings(edition):
        length = len(text_of(p.description_html))
        assert 1000 <= length <= 3500, (p.slug, length)
        for tag in ("<p>", "<ul>", "<li>", "<strong>", "<h3>"):
            assert tag in p.description_html, (p.slug, tag)


def test_titles_and_labels_disagree_where_duties_decide(board: DemoBoard) -> None:
    postings = board.postings
    titled_cm_strategic = [
        p
        for p in postings
        if p.title.lower().startswith("community manager")
        and p.expected_label == "social_media_manager"
    ]
    titled_smm_executing = [
        p
        for p in postings
        if p.title.lower().startswith("social media manager")
        and p.expected_label == "community_manager"
    ]
    intern_voice = [
        p
        for p in postings
        if p.employment_type == "INTERN" and p.expected_label == "community_manager"
    ]
    big_strategists = [
        p
        for p in postings
        if p.expected_label == "social_media_strategist" and int(p.company_size or 0) >= 5000
    ]
    pr_other = [
        p
        for p in postings
        if p.expected_label == "other" and "presse" in p.title.lower() + p.description_html
    ]
    coordinator_other = [
        p
        for p in postings
        if "coordinator" in p.title.lower()
        and p.expected_label == "other"
        and "Instagram" in p.description_html
    ]
    for group in (titled_cm_strategic, titled_smm_executing, intern_voice, big_strategists):
        assert group
    assert pr_other and coordinator_other


def test_answer_key_by_external_id_covers_both_sources(board: DemoBoard) -> None:
    keyed = expected_labels_by_external_id()
    for p in board.postings:
        if p.on_site:
            assert keyed[p.slug] == p.expected_label
        if p.on_greenhouse:
            assert keyed[str(p.greenhouse_id)] == p.expected_label


def test_loader_rejects_malformed_postings(board: DemoBoard) -> None:
    good = {
        "slug": "x",
        "title": "T",
        "company": "C",
        "city": "Lyon",
        "region": "ARA",
        "country": "FR",
        "language": "fr",
        "date_posted": "2026-11-01",
        "employment_type": "FULL_TIME",
        "expected_label": "other",
        "channel": "site",
        "description_html": "<p>x</p>",
    }
    assert parse_posting(good).slug == "x"
    for change in (
        {"channel": "linkedin"},
        {"expected_label": "cm"},
        {"employment_type": "CDI"},
        {"date_posted": "01/11/2026"},
        {"salary": {"min": 5, "max": 1, "currency": "EUR", "period": "YEAR"}},
        {"colour": "blue"},
        {"greenhouse": {"title": "Other"}},  # overrides need channel both
    ):
        with pytest.raises(DemoDataError):
            parse_posting({**good, **change})
    with pytest.raises(DemoDataError):
        load_board(max(available_editions()) + 1)


# --- site paths --------------------------------------------------------------


def site_paths(board: DemoBoard) -> set[str]:
    return {p.path for p in board.site_postings} | {board.broken.path}


def test_every_path_renders(board: DemoBoard) -> None:
    pages = ["/", "/robots.txt", "/sitemap.xml", "/jobs/", "/admin/", GH_JOBS]
    pages += [f"/jobs/?page={n}" for n in range(2, 9)]
    pages += sorted(site_paths(board))
    pages += [f"{GH_JOBS}?content=true", f"{GH_JOBS}/{board.greenhouse_postings[0].greenhouse_id}"]
    pages += [f"/boards/demo/jobs/{p.greenhouse_id}" for p in board.greenhouse_postings]
    for path in pages:
        response = get(board, path)
        assert response.status == 200, path
        assert response.body, path
        assert "charset=utf-8" in response.content_type
    assert get(board, "/robots.txt").content_type.startswith("text/plain")
    assert get(board, "/sitemap.xml").content_type.startswith("application/xml")
    assert get(board, GH_JOBS).content_type.startswith("application/json")


def test_unknown_paths_are_404_and_slashless_paths_redirect(board: DemoBoard) -> None:
    for path in ("/nope", "/jobs/no-such-job/", "/jobs/?page=0", "/jobs/?page=x", "/jobs/?page=99"):
        assert get(board, path).status == 404, path
    assert get(board, f"{GH_JOBS}/123").status == 404
    greenhouse_only = next(p for p in board.postings if p.channel == "greenhouse")
    assert get(board, greenhouse_only.path).status == 404
    slug = board.site_postings[0].slug
    response = get(board, f"/jobs/{slug}")
    assert response.status == 301
    assert dict(response.headers)["Location"] == f"/jobs/{slug}/"


def test_robots_txt_disallows_admin_and_points_to_the_sitemap(board: DemoBoard) -> None:
    lines = get(board, "/robots.txt").body.decode().splitlines()
    assert "User-agent: *" in lines
    assert "Disallow: /admin/" in lines
    assert f"Sitemap: {BASE}/sitemap.xml" in lines


def test_sitemap_lists_every_site_page_and_the_broken_one(board: DemoBoard) -> None:
    root = ET.fromstring(get(board, "/sitemap.xml").body)
    locs = [u.findtext(f"{SITEMAP_NS}loc") for u in root.iter(f"{SITEMAP_NS}url")]
    assert len(locs) == len(set(locs))
    assert set(locs) == {BASE + path for path in site_paths(board)}
    assert all(u.findtext(f"{SITEMAP_NS}lastmod") for u in root.iter(f"{SITEMAP_NS}url"))


def test_pagination_reaches_every_site_page_exactly_once(board: DemoBoard) -> None:
    seen: list[str] = []
    path: str | None = "/jobs/"
    pages = 0
    while path:
        page = read(get(board, path).body)
        jobs = [a["href"] for a in page.links if a.get("class") == "job-link"]
        assert 1 <= len(jobs) <= 10
        seen += jobs
        pages += 1
        path = next((a["href"] for a in page.links if a.get("rel") == "next"), None)
        assert pages < 50
    assert Counter(seen).most_common(1)[0][1] == 1
    assert set(seen) == site_paths(board)
    assert pages == -(-len(seen) // 10)


def test_every_page_links_to_the_disallowed_admin_area(board: DemoBoard) -> None:
    for path in ("/", "/jobs/", board.site_postings[0].path):
        assert any(a["href"] == "/admin/" for a in read(get(board, path).body).links)


# --- structured data ---------------------------------------------------------


def check_job_node(node: dict[str, Any], posting: DemoPosting) -> None:
    assert node["title"] == posting.title
    description = node["description"]
    if posting.escape_description:
        assert description.startswith("&lt;") and "<" not in description
        description = html.unescape(description)
    assert description == posting.description_html
    org = node["hiringOrganization"]
    assert org["name"] == posting.company and org["sameAs"].startswith("https://")
    address = node["jobLocation"]["address"]
    assert address["@type"] == "PostalAddress"
    assert (address["addressLocality"], address["addressRegion"], address["addressCountry"]) == (
        posting.city,
        posting.region,
        posting.country,
    )
    assert node["datePosted"] == posting.date_posted
    if posting.valid_through:
        assert node["validThrough"][:10] == posting.valid_through
    assert node["employmentType"] == posting.employment_type
    assert node["identifier"] == {
        "@type": "PropertyValue",
        "name": posting.company,
        "value": posting.slug,
    }
    assert urljoin(BASE + "/", node["url"]) == BASE + posting.path
    assert node["inLanguage"] == posting.language
    if posting.salary:
        salary = node["baseSalary"]
        assert salary["@type"] == "MonetaryAmount"
        assert salary["currency"] == posting.salary.currency
        value = salary["value"]
        assert value["@type"] == "QuantitativeValue"
        assert (value["minValue"], value["maxValue"], value["unitText"]) == (
            posting.salary.min,
            posting.salary.max,
            posting.salary.period,
        )


def test_json_ld_parses_and_carries_the_required_fields(board: DemoBoard) -> None:
    shapes: Counter[str] = Counter()
    for posting in board.site_postings:
        page = read(get(board, posting.path).body)
        if posting.markup == "microdata":
            assert page.scripts == []
            continue
        assert len(page.scripts) == 1, posting.slug
        document = json.loads(page.scripts[0])
        nodes = list(job_nodes(document))
        assert len(nodes) == 1, posting.slug
        check_job_node(nodes[0], posting)
        if isinstance(document, list):
            shapes["array"] += 1
            assert len(document) == 2
        elif "@graph" in document:
            shapes["graph"] += 1
            types = {n["@type"] for n in document["@graph"]}
            assert types == {"Organization", "WebPage", "JobPosting"}
        else:
            shapes["single"] += 1
        shapes["escaped"] += nodes[0]["description"].startswith("&lt;")
        shapes["relative"] += nodes[0]["url"].startswith("/")
    assert shapes["array"] == 1
    assert shapes["graph"] >= 3 and shapes["single"] > shapes["graph"]
    assert shapes["escaped"] >= 2 and shapes["relative"] >= 2


def test_microdata_pages_carry_a_job_posting_without_json_ld(board: DemoBoard) -> None:
    micro = [p for p in board.site_postings if p.markup == "microdata"]
    assert 3 <= len(micro) <= 4
    for posting in micro:
        body = get(board, posting.path).body
        items = extruct.extract(body, base_url=BASE + posting.path, syntaxes=["microdata"])
        (job,) = [i for i in items["microdata"] if i["type"] == "https://schema.org/JobPosting"]
        props = job["properties"]
        assert props["title"] == posting.title
        assert props["identifier"]["properties"]["value"] == posting.slug
        assert props["hiringOrganization"]["properties"]["name"] == posting.company
        address = props["jobLocation"]["properties"]["address"]["properties"]
        assert address["addressLocality"] == posting.city
        assert address["addressCountry"] == posting.country
        assert props["datePosted"] == posting.date_posted
        assert props["employmentType"] == posting.employment_type
        assert text_of(posting.description_html)[:60] in " ".join(props["description"].split())


def test_broken_page_has_truncated_json_ld_and_is_otherwise_a_normal_page(
    board: DemoBoard,
) -> None:
    response = get(board, f"/jobs/{BROKEN_SLUG}/")
    assert response.status == 200
    page = read(response.body)
    assert len(page.scripts) == 1
    assert '"@type": "JobPosting"' in page.scripts[0]
    with pytest.raises(json.JSONDecodeError):
        json.loads(page.scripts[0])
    assert board.broken.title in "".join(page.text)


def test_rendering_depends_on_the_base_url_only_through_urls(board: DemoBoard) -> None:
    other = "http://127.0.0.1:9999"
    for path in [*sorted(site_paths(board)), "/sitemap.xml", f"{GH_JOBS}?content=true"]:
        first = render(path, board, BASE).body.decode()
        second = render(path, board, other).body.decode()
        assert first.replace(BASE, other) == second, path


# --- Greenhouse --------------------------------------------------------------


def test_greenhouse_board_has_the_documented_shape(board: DemoBoard) -> None:
    document = json.loads(get(board, f"{GH_JOBS}?content=true").body)
    jobs = document["jobs"]
    assert document["meta"] == {"total": len(jobs)}
    by_id = {p.greenhouse_id: p for p in board.greenhouse_postings}
    assert {j["id"] for j in jobs} == set(by_id) and len(jobs) == len(by_id)
    for job in jobs:
        posting = by_id[job["id"]]
        assert isinstance(job["id"], int) and isinstance(job["internal_job_id"], int)
        assert job["title"] == posting.title
        assert job["updated_at"][:10] >= posting.date_posted
        assert job["requisition_id"]
        assert job["location"]["name"].startswith(f"{posting.city}, ")
        assert job["language"] == posting.language
        assert job["metadata"] is None or isinstance(job["metadata"], list)
        content = job["content"]
        assert "<" not in content and content.startswith("&lt;")
        assert html.unescape(content).startswith(posting.description_html)
        assert job["departments"][0]["name"] and job["offices"][0]["location"]
        hosted = job["absolute_url"].removeprefix(BASE)
        assert get(board, hosted).status == 200
    single = json.loads(get(board, f"{GH_JOBS}/{jobs[0]['id']}").body)
    assert single == jobs[0]


def test_greenhouse_without_content_omits_content_like_the_real_api(board: DemoBoard) -> None:
    jobs = json.loads(get(board, GH_JOBS).body)["jobs"]
    assert jobs
    for job in jobs:
        assert not {"content", "departments", "offices"} & set(job)
        assert {"id", "title", "updated_at", "location", "absolute_url", "metadata"} <= set(job)


def test_some_postings_are_on_both_sources_with_a_variation(board: DemoBoard) -> None:
    both = [p for p in board.postings if p.channel == "both"]
    assert 2 <= len(both) <= 3
    sitemap = get(board, "/sitemap.xml").body.decode()
    gh = {j["id"]: j for j in json.loads(get(board, f"{GH_JOBS}?content=true").body)["jobs"]}
    varied = 0
    for p in both:
        assert BASE + p.path in sitemap
        job = gh[p.greenhouse_id]
        varied += job["title"] != p.title or not job["first_published"].startswith(p.date_posted)
    assert varied >= 1


# --- editions ----------------------------------------------------------------


def test_edition_two_removes_three_changes_two_and_adds_two(
    board: DemoBoard, board2: DemoBoard
) -> None:
    one = {p.slug: p for p in board.postings}
    two = {p.slug: p for p in board2.postings}
    removed, added = set(one) - set(two), set(two) - set(one)
    changed = {s for s in set(one) & set(two) if one[s] != two[s]}
    assert (len(removed), len(added), len(changed)) == (3, 2, 2)
    for slug in changed:
        assert one[slug].description_html != two[slug].description_html
        assert two[slug].date_modified > one[slug].date_modified

    def served(b: DemoBoard) -> set[str]:
        site = {p.slug for p in b.site_postings if get(b, p.path).status == 200}
        jobs = json.loads(get(b, GH_JOBS).body)["jobs"]
        ids = {p.greenhouse_id: p.slug for p in b.postings if p.on_greenhouse}
        return site | {ids[j["id"]] for j in jobs}

    assert served(board) == set(one) and served(board2) == set(two)
    for slug in removed:
        if one[slug].on_site:
            assert get(board2, one[slug].path).status == 404
    for slug in set(one) & set(two) - changed:
        if one[slug].on_site:
            assert get(board, one[slug].path).body == get(board2, one[slug].path).body
    sources = {one[s].channel for s in removed | changed} | {two[s].channel for s in added}
    assert {"site", "greenhouse"} <= sources
    assert get(board2, f"/jobs/{BROKEN_SLUG}/").status == 200


# --- server ------------------------------------------------------------------


def fetch(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_server_serves_over_http_and_records_requested_paths(board: DemoBoard) -> None:
    with serve_demo() as demo:
        assert demo.host == "127.0.0.1" and demo.port > 0
        assert demo.base_url == f"http://127.0.0.1:{demo.port}"
        status, robots = fetch(demo.robots_url)
        assert status == 200 and f"Sitemap: {demo.sitemap_url}".encode() in robots
        status, body = fetch(demo.sitemap_url)
        assert status == 200 and demo.base_url.encode() in body
        status, body = fetch(f"{demo.greenhouse_api_base}/v1/boards/demo/jobs?content=true")
        assert status == 200 and len(json.loads(body)["jobs"]) == len(board.greenhouse_postings)
        assert fetch(demo.url("/jobs/no-such-job/"))[0] == 404
        assert demo.admin_hits == []
        assert demo.requested_paths == [
            "/robots.txt",
            "/sitemap.xml",
            f"{GH_JOBS}?content=true",
            "/jobs/no-such-job/",
        ]
        assert fetch(demo.url("/admin/"))[0] == 200
        assert demo.admin_hits == ["/admin/"]
        demo.set_edition(2)
        assert demo.edition == 2
        removed = next(p for p in board.site_postings if load_board(2).by_slug(p.slug) is None)
        assert fetch(demo.url(removed.path))[0] == 404
        url = demo.base_url
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(url + "/robots.txt", timeout=2)


def test_server_runs_standalone_from_the_command_line() -> None:
    process = subprocess.Popen(
        [
            sys.executable,
            "-W",
            "error",
            "-m",
            "pipeline.demo.server",
            "--port",
            "0",
            "--edition",
            "2",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        first_line = process.stdout.readline()
        assert "edition 2" in first_line, process.stderr.read() if process.stderr else ""
        base = first_line.rsplit(" ", 1)[-1].strip()
        assert base.startswith("http://127.0.0.1:")
        status, body = fetch(base + "/robots.txt")
        assert status == 200 and b"Disallow: /admin/" in body
    finally:
        process.terminate()
        process.wait(timeout=5)
