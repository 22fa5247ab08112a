"""The demo career site as pure functions: (path, board, base URL) -> response.

Routes:

- ``/robots.txt``: ``Disallow: /admin/`` and the sitemap's address;
- ``/sitemap.xml``: every detail page of the site (the broken page included);
- ``/jobs/`` and ``/jobs/?page=N``: listings, ``PAGE_SIZE`` per page, ``rel="next"`` links;
- ``/jobs/<slug>/``: a detail page with schema.org ``JobPosting`` markup;
- ``/jobs/broken-json-ld/``: a detail page whose JSON-LD is truncated;
- ``/admin/``: disallowed by robots.txt, linked from every footer;
- ``/boards-api/v1/boards/demo/jobs[?content=true]`` and ``.../jobs/<id>``: the
  Greenhouse-shaped API, and ``/boards/demo/jobs/<id>``: its hosted job pages.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from math import ceil
from string import Template
from typing import Any
from urllib.parse import parse_qs, urlsplit
from xml.sax.saxutils import escape as xml_escape

from pipeline.demo import greenhouse
from pipeline.demo.markup import (
    broken_jsonld_text,
    jsonld_script,
    microdata_article,
    number,
    page_url,
)
from pipeline.demo.postings import BrokenPage, DemoBoard, DemoPosting, load_board, slugify

PAGE_SIZE = 10
HTML = "text/html; charset=utf-8"
_UI = {
    "fr": {
        "home": "Accueil",
        "jobs": "Offres",
        "posted": "Publiée le",
        "valid": "candidatures jusqu'au",
        "apply": "Postuler",
        "salary": "Salaire",
    },
    "en": {
        "home": "Home",
        "jobs": "Jobs",
        "posted": "Posted",
        "valid": "apply by",
        "apply": "Apply now",
        "salary": "Salary",
    },
}
_PERIODS = {"YEAR": "/ an · year", "MONTH": "/ mois · month", "HOUR": "/ h · hour"}


@dataclass(frozen=True)
class DemoResponse:
    """What the server sends back for one request."""

    status: int
    content_type: str
    body: bytes
    headers: tuple[tuple[str, str], ...] = ()


@cache
def _template(name: str) -> Template:
    text = resources.files(__package__).joinpath("templates", name).read_text(encoding="utf-8")
    return Template(text)


def _page(title: str, content: str, lang: str = "fr", head: str = "", tail: str = "") -> bytes:
    document = _template("layout.html").substitute(
        lang=lang, title=html.escape(title), head=head, content=content, tail=tail
    )
    return document.encode("utf-8")


def _html(status: int, body: bytes) -> DemoResponse:
    return DemoResponse(status, HTML, body)


def not_found() -> DemoResponse:
    """The 404 page."""
    return _html(
        404, _page("Page introuvable / Page not found", _template("not_found.html").template)
    )


def _redirect(location: str) -> DemoResponse:
    return DemoResponse(301, HTML, b"", (("Location", location),))


def _json(document: Any) -> DemoResponse:
    body = json.dumps(document, ensure_ascii=False).encode("utf-8")
    return DemoResponse(200, "application/json; charset=utf-8", body)


def listed_pages(board: DemoBoard) -> list[DemoPosting | BrokenPage]:
    """Every detail page of the site, newest first (the listing and sitemap order)."""
    pages: list[DemoPosting | BrokenPage] = [*board.site_postings, board.broken]
    return sorted(pages, key=lambda p: (p.date_posted, p.slug), reverse=True)


def page_count(board: DemoBoard) -> int:
    """How many listing pages the site has."""
    return max(1, ceil(len(listed_pages(board)) / PAGE_SIZE))


def robots_txt(base_url: str) -> DemoResponse:
    """``/robots.txt``."""
    text = f"User-agent: *\nDisallow: /admin/\n\nSitemap: {base_url.rstrip('/')}/sitemap.xml\n"
    return DemoResponse(200, "text/plain; charset=utf-8", text.encode("utf-8"))


def sitemap_xml(board: DemoBoard, base_url: str) -> DemoResponse:
    """``/sitemap.xml``: one ``<url>`` per detail page, ``lastmod`` = last change."""
    entries = []
    for p in listed_pages(board):
        lastmod = p.date_modified if isinstance(p, DemoPosting) else p.date_posted
        entries.append(
            f"  <url><loc>{xml_escape(page_url(p, base_url))}</loc>"
            f"<lastmod>{lastmod}</lastmod></url>"
        )
    text = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        + "\n".join(entries)
        + "\n</urlset>\n"
    )
    return DemoResponse(200, "application/xml; charset=utf-8", text.encode("utf-8"))


def listing(board: DemoBoard, page: int) -> DemoResponse:
    """``/jobs/?page=N`` (page 1 is ``/jobs/``)."""
    pages = page_count(board)
    if not 1 <= page <= pages:
        return not_found()
    everything = listed_pages(board)
    chunk = everything[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    esc = html.escape
    items = "\n".join(
        _template("listing_item.html").substitute(
            lang=p.language,
            path=p.path,
            title=esc(p.title),
            company=esc(p.company),
            city=esc(p.city),
            country=p.country,
            date_posted=p.date_posted,
        )
        for p in chunk
    )

    def link(number_: int, rel: str, text: str) -> str:
        href = "/jobs/" if number_ == 1 else f"/jobs/?page={number_}"
        return f'<a class="{rel}" rel="{rel}" href="{href}">{text}</a>'

    prev = link(page - 1, "prev", "&larr; Précédent / Previous") if page > 1 else ""
    nxt = link(page + 1, "next", "Suivant / Next &rarr;") if page < pages else ""
    content = _template("listing.html").substitute(
        total=len(everything), page=page, pages=pages, items=items, prev=prev, next=nxt
    )
    head = f'<link rel="canonical" href="{"/jobs/" if page == 1 else f"/jobs/?page={page}"}">'
    if page > 1:
        head += f'\n<link rel="prev" href="{"/jobs/" if page == 2 else f"/jobs/?page={page - 1}"}">'
    if page < pages:
        head += f'\n<link rel="next" href="/jobs/?page={page + 1}">'
    return _html(200, _page(f"Offres d'emploi / Jobs – page {page}", content, head=head))


def _salary_line(posting: DemoPosting) -> str:
    if posting.salary is None:
        return ""
    s = posting.salary
    label = _UI[posting.language]["salary"]
    return (
        f'<p class="salary">{label} : {number(s.min):,} – {number(s.max):,} '
        f"{s.currency} {_PERIODS[s.period]}</p>"
    )


def _detail_content(page: DemoPosting | BrokenPage, salary: str, valid: str | None) -> str:
    ui = _UI[page.language]
    esc = html.escape
    valid_text = f" &middot; {ui['valid']} <time>{valid}</time>" if valid else ""
    return _template("detail.html").substitute(
        home=ui["home"],
        jobs=ui["jobs"],
        title=esc(page.title),
        company=esc(page.company),
        city=esc(page.city),
        region=esc(page.region),
        country=page.country,
        posted=ui["posted"],
        date_posted=page.date_posted,
        valid=valid_text,
        employment_type=page.employment_type.replace("_", " ").lower(),
        salary=salary,
        description=page.description_html,
        company_host=f"{slugify(page.company)}.example",
        slug=page.slug,
        apply=ui["apply"],
    )


def detail(posting: DemoPosting, base_url: str) -> DemoResponse:
    """``/jobs/<slug>/`` for a posting, in its markup variant."""
    canonical = f'<link rel="canonical" href="{html.escape(page_url(posting, base_url))}">'
    title = f"{posting.title} – {posting.company}"
    if posting.markup == "microdata":
        ui = _UI[posting.language]
        content = (
            f'<nav class="breadcrumbs"><a href="/">{ui["home"]}</a> &rsaquo; '
            f'<a href="/jobs/">{ui["jobs"]}</a></nav>\n{microdata_article(posting, base_url)}'
        )
        return _html(200, _page(title, content, posting.language, head=canonical))
    content = _detail_content(posting, _salary_line(posting), posting.valid_through)
    script = jsonld_script(posting, base_url)
    # Arrays sit at the end of the body, the other variants in <head>, as sites differ.
    if posting.markup == "array":
        body = _page(title, content, posting.language, head=canonical, tail=script)
    else:
        body = _page(title, content, posting.language, head=f"{canonical}\n{script}")
    return _html(200, body)


def broken_detail(page: BrokenPage, base_url: str) -> DemoResponse:
    """The detail page whose JSON-LD script is truncated (served with status 200)."""
    script = f'<script type="application/ld+json">{broken_jsonld_text(page, base_url)}</script>'
    canonical = f'<link rel="canonical" href="{html.escape(page_url(page, base_url))}">'
    content = _detail_content(page, "", None)
    body = _page(f"{page.title} – {page.company}", content, page.language, f"{canonical}\n{script}")
    return _html(200, body)


def admin_page() -> DemoResponse:
    """``/admin/``: exists, but robots.txt forbids it; crawlers must never fetch it."""
    return _html(
        200, _page("Espace recruteurs / Recruiter login", _template("admin.html").template)
    )


def home_page() -> DemoResponse:
    """``/``."""
    return _html(200, _page("Carrières Social / Social Careers", _template("home.html").template))


def hosted_job_page(posting: DemoPosting) -> DemoResponse:
    """The hosted Greenhouse page of a job (``absolute_url``); plain HTML, no markup."""
    content = (
        f'<article class="gh-job"><h1 class="app-title">{html.escape(posting.title)}</h1>'
        f'<div class="company-name">{html.escape(posting.company)}</div>'
        f'<div class="location">{html.escape(greenhouse.location_name(posting))}</div>'
        f'<div id="content">{posting.description_html}</div></article>'
    )
    return _html(200, _page(posting.title, content, posting.language))


def _greenhouse(
    path: str, query: dict[str, list[str]], board: DemoBoard, base: str
) -> DemoResponse:
    content = query.get("content", ["false"])[-1].lower() in ("true", "1")
    if path.rstrip("/") == greenhouse.JOBS_PATH:
        return _json(greenhouse.jobs_document(board, base, content))
    job_id = path.removeprefix(greenhouse.JOBS_PATH + "/").strip("/")
    posting = greenhouse.find_job(board, job_id)
    if posting is None:
        return DemoResponse(
            404, "application/json; charset=utf-8", b'{"status":404,"error":"Job not found"}'
        )
    return _json(greenhouse.job_object(posting, base, content=True))


def render(path: str, board: DemoBoard, base_url: str) -> DemoResponse:
    """The response for a request path (with its query string) on this edition of the board."""
    parts = urlsplit(path)
    route, query = parts.path or "/", parse_qs(parts.query)
    base = base_url.rstrip("/")
    if route == "/":
        return home_page()
    if route == "/robots.txt":
        return robots_txt(base)
    if route == "/sitemap.xml":
        return sitemap_xml(board, base)
    if route == "/admin" or route.startswith("/admin/"):
        return admin_page()
    if route == "/jobs":
        return _redirect("/jobs/" + (f"?{parts.query}" if parts.query else ""))
    if route == "/jobs/":
        raw_page = query.get("page", ["1"])[-1]
        return listing(board, int(raw_page)) if raw_page.isdigit() else not_found()
    if route.startswith("/jobs/"):
        slug = route.removeprefix("/jobs/")
        if not slug.endswith("/"):
            return _redirect(f"/jobs/{slug}/") if "/" not in slug else not_found()
        slug = slug.removesuffix("/")
        if slug == board.broken.slug:
            return broken_detail(board.broken, base)
        posting = board.by_slug(slug)
        return detail(posting, base) if posting and posting.on_site else not_found()
    if route == greenhouse.JOBS_PATH or route.startswith(greenhouse.JOBS_PATH + "/"):
        return _greenhouse(route, query, board, base)
    if route.startswith(greenhouse.HOSTED_PREFIX):
        posting = greenhouse.find_job(
            board, route.removeprefix(greenhouse.HOSTED_PREFIX).strip("/")
        )
        return hosted_job_page(posting) if posting else not_found()
    return not_found()


def render_path(path: str, base_url: str, edition: int = 1) -> DemoResponse:
    """Convenience: ``render`` on the bundled board of an edition."""
    return render(path, load_board(edition), base_url)
