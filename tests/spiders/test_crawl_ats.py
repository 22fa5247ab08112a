"""End-to-end: each applicant-tracking-system spider against its vendor's response shape."""

from __future__ import annotations

from pathlib import Path

from tests.spiders.conftest import run_crawl
from tests.spiders.mockserver import MockServer, Reply, fixture

JSON = "application/json; charset=utf-8"


def test_greenhouse_board_with_content(server: MockServer, tmp_path: Path) -> None:
    server.routes["/v1/boards/lumenlabs/jobs"] = Reply(
        fixture("greenhouse/jobs.json"), content_type=JSON
    )
    source = {"name": "lumen-gh", "type": "greenhouse", "company": "lumenlabs"}
    crawl = run_crawl({**source, "api_base": server.base}, tmp_path)
    assert crawl.returncode == 0 and crawl.stats["finish_reason"] == "finished"
    assert [h.path for h in server.paths_hit("/v1/boards/lumenlabs/jobs")] == [
        "/v1/boards/lumenlabs/jobs?content=true"
    ]
    smm = crawl.by_title()["Social Media Manager"]
    assert smm.external_id == "4012345006" and smm.company == "Lumen Labs"
    assert smm.canonical_url == "https://job-boards.greenhouse.io/lumenlabs/jobs/4012345006"
    assert (smm.location.city, smm.location.region, smm.location.country) == (
        "Paris",
        "Île-de-France",
        "FR",
    )
    assert smm.language == "en" and str(smm.date_posted) == "2024-04-29"
    assert smm.description_html.startswith('<div class="content-intro"><p>Lumen Labs')
    assert "- Own our Instagram, LinkedIn and TikTok presence" in smm.description_text
    assert "Salary: 55k–65k EUR." in smm.description_text
    assert crawl.by_title()["PR & Communications Lead"].language == "fr"
    reasons = sorted(q.reason for q in crawl.quarantined)
    assert reasons[0] == "empty description"
    assert reasons[1].startswith("validation failed: title:")
    assert '"id":4012345008' in next(
        q.raw_payload for q in crawl.quarantined if "title" in q.reason
    )
    assert crawl.stats["rolescope/postings"] == 2 and crawl.stats["rolescope/quarantined"] == 2


def test_lever_pages_through_skip_and_limit(server: MockServer, tmp_path: Path) -> None:
    server.routes["/v0/postings/kestrel?mode=json&skip=0&limit=2"] = Reply(
        fixture("lever/page0.json"), content_type=JSON
    )
    server.routes["/v0/postings/kestrel?mode=json&skip=2&limit=2"] = Reply(
        fixture("lever/page1.json"), content_type=JSON
    )
    source = {"name": "kestrel", "type": "lever", "company": "kestrel", "page_size": 2}
    crawl = run_crawl({**source, "api_base": server.base, "company_name": "Kestrel"}, tmp_path)
    assert crawl.returncode == 0 and crawl.stats["finish_reason"] == "finished"
    assert len(server.paths_hit("/v0/postings/kestrel")) == 2
    titles = crawl.by_title()
    assert sorted(titles) == ["Community Manager", "Press Officer", "Social Media Copywriter"]
    cm = titles["Community Manager"]
    assert cm.company == "Kestrel" and cm.employment_type == "FULL_TIME"
    assert cm.salary is not None and cm.salary.period == "YEAR" and cm.salary.max == 44000
    assert str(cm.date_posted) == "2024-05-01" and cm.location.country == "FR"
    assert "Responsibilities\n\n- Plan the weekly content calendar" in cm.description_text
    assert cm.description_text.endswith("We offer a meal allowance and a transport pass.")
    assert titles["Press Officer"].employment_type == "CONTRACTOR"


def test_ashby_board_with_compensation(server: MockServer, tmp_path: Path) -> None:
    path = "/posting-api/job-board/tidewater?includeCompensation=true"
    server.routes[path] = Reply(fixture("ashby/board.json"), content_type=JSON)
    source = {"name": "tidewater", "type": "ashby", "organization": "tidewater"}
    crawl = run_crawl({**source, "api_base": server.base}, tmp_path)
    assert crawl.returncode == 0 and len(server.paths_hit(path)) == 1
    assert [p.title for p in crawl.postings] == ["Senior Social Media Manager"]  # unlisted skipped
    job = crawl.postings[0]
    assert job.salary is not None
    assert (job.salary.min, job.salary.max, job.salary.currency, job.salary.period) == (
        60000,
        72000,
        "EUR",
        "YEAR",
    )
    assert job.location.city == "Amsterdam" and job.location.country == "NL"
    assert job.employment_type == "FULL_TIME" and job.company == "tidewater"
    assert "- Lead our social strategy across five markets" in job.description_text


def test_smartrecruiters_list_and_details(server: MockServer, tmp_path: Path) -> None:
    base = "/v1/companies/AtelierBoreal/postings"
    server.routes[f"{base}?offset=0&limit=2"] = Reply(
        fixture("smartrecruiters/list_0.json"), content_type=JSON
    )
    server.routes[f"{base}?offset=2&limit=2"] = Reply(
        fixture("smartrecruiters/list_2.json"), content_type=JSON
    )
    server.routes[f"{base}/744000012345678"] = [
        Reply(b'{"message": "temporarily unavailable"}', status=500, content_type=JSON),
        Reply(fixture("smartrecruiters/detail_744000012345678.json"), content_type=JSON),
    ]
    server.routes[f"{base}/744000012345679"] = Reply(
        fixture("smartrecruiters/detail_744000012345679.json"), content_type=JSON
    )
    truncated = fixture("smartrecruiters/detail_744000012345680.json")[:700]
    server.routes[f"{base}/744000012345680"] = Reply(truncated, content_type=JSON)
    source = {"name": "boreal", "type": "smartrecruiters", "company": "AtelierBoreal"}
    crawl = run_crawl({**source, "api_base": server.base, "page_size": 2}, tmp_path)
    assert crawl.returncode == 0 and crawl.stats["finish_reason"] == "finished"
    assert len(server.paths_hit(f"{base}/744000012345678")) == 2
    titles = crawl.by_title()
    assert sorted(titles) == ["Chargé(e) de relations presse", "Community Manager H/F"]
    cm = titles["Community Manager H/F"]
    assert cm.company == "Atelier Boréal" and cm.language == "fr"
    assert (cm.location.city, cm.location.region, cm.location.country) == (
        "Toulouse",
        "Occitanie",
        "FR",
    )
    assert cm.canonical_url.startswith(
        "https://jobs.smartrecruiters.com/AtelierBoreal/744000012345678"
    )
    text = cm.description_text
    assert (
        text.index("Company Description")
        < text.index("Job Description")
        < text.index("- Instagram")
    )
    [bad] = crawl.quarantined
    assert bad.url is not None and bad.url.endswith("/744000012345680")
    assert bad.reason.startswith("invalid JSON (truncated: the document ends early)")
    assert crawl.stats["retry/count"] == 1


def test_workable_account_widget(server: MockServer, tmp_path: Path) -> None:
    path = "/api/v1/widget/accounts/orchardpine?details=true"
    server.routes[path] = Reply(fixture("workable/account.json"), content_type=JSON)
    source = {"name": "orchard", "type": "workable", "account": "orchardpine"}
    crawl = run_crawl({**source, "api_base": server.base}, tmp_path)
    assert crawl.returncode == 0 and len(server.paths_hit(path)) == 1
    lead = crawl.by_title()["Social Media & Community Lead"]
    assert lead.company == "Orchard & Pine" and lead.external_id == "3F9A1C2B7D"
    assert (lead.location.city, lead.location.region, lead.location.country) == (
        "Cork",
        "County Cork",
        "IE",
    )
    assert lead.employment_type == "FULL_TIME" and str(lead.date_posted) == "2024-04-30"
    assert crawl.by_title()["Brand Communications Intern"].employment_type == "INTERN"


def test_recruitee_offers_with_bom(server: MockServer, tmp_path: Path) -> None:
    body = b"\xef\xbb\xbf" + fixture("recruitee/offers.json")
    server.routes["/api/offers/"] = Reply(body, content_type="application/json")
    source = {"name": "verdure", "type": "recruitee", "company": "verdure"}
    crawl = run_crawl({**source, "api_base": server.base}, tmp_path)
    assert crawl.returncode == 0 and crawl.stats["rolescope/postings"] == 2
    cm = crawl.by_title()["Community Manager bilingue"]
    assert cm.salary is not None and (cm.salary.min, cm.salary.max, cm.salary.period) == (
        30000,
        36000,
        "YEAR",
    )
    assert str(cm.date_posted) == "2024-04-18" and str(cm.valid_through) == "2024-07-01"
    assert cm.language == "fr" and cm.location.country == "FR"
    assert cm.description_text.endswith("Anglais courant, sens de l'humour.")
    assert crawl.by_title()["Attaché(e) de presse"].employment_type == "TEMPORARY"
