"""schema.org ``JobPosting`` markup for the demo pages, in the shapes real sites use.

Variants (chosen per posting by its ``markup`` field):

- ``jsonld``: one JSON-LD ``JobPosting`` object;
- ``graph``: one ``@graph`` with an ``Organization``, a ``WebPage`` and the
  ``JobPosting`` (``validThrough`` as a date-time with offset);
- ``array``: a JSON array of a ``BreadcrumbList`` and the ``JobPosting``;
- ``microdata``: ``itemscope``/``itemprop`` attributes, no JSON-LD at all.

``escape_description`` HTML-escapes the description inside JSON-LD once more,
and ``relative_url`` makes the ``url`` property a path.
"""

from __future__ import annotations

import html
import json
from typing import Any

from pipeline.demo.postings import BrokenPage, DemoPosting

SCHEMA = "https://schema.org"
# Fixed offsets are enough for a demo dated in winter (no daylight saving).
UTC_OFFSETS = {
    "FR": "+01:00",
    "BE": "+01:00",
    "CH": "+01:00",
    "GB": "+00:00",
    "CA": "-05:00",
    "US": "-05:00",
}


def page_url(posting: DemoPosting | BrokenPage, base_url: str) -> str:
    """Absolute URL of a detail page."""
    return base_url.rstrip("/") + posting.path


def number(value: float) -> int | float:
    """Whole amounts as ints, the way sites write them."""
    return int(value) if float(value).is_integer() else value


def organization(posting: DemoPosting) -> dict[str, Any]:
    """The hiring organisation node."""
    org: dict[str, Any] = {
        "@type": "Organization",
        "name": posting.company,
        "sameAs": posting.company_url,
    }
    if posting.company_size:
        org["numberOfEmployees"] = {
            "@type": "QuantitativeValue",
            "value": int(posting.company_size),
        }
    return org


def job_posting_node(posting: DemoPosting, base_url: str) -> dict[str, Any]:
    """The ``JobPosting`` object (without ``@context``) for one posting."""
    url = posting.path if posting.relative_url else page_url(posting, base_url)
    description = posting.description_html
    if posting.escape_description:
        description = html.escape(description, quote=False)
    node: dict[str, Any] = {
        "@type": "JobPosting",
        "title": posting.title,
        "description": description,
        "identifier": {"@type": "PropertyValue", "name": posting.company, "value": posting.slug},
        "datePosted": posting.date_posted,
    }
    if posting.valid_through:
        node["validThrough"] = (
            f"{posting.valid_through}T23:59:59{UTC_OFFSETS[posting.country]}"
            if posting.markup == "graph"
            else posting.valid_through
        )
    node["employmentType"] = posting.employment_type
    node["hiringOrganization"] = organization(posting)
    node["jobLocation"] = {
        "@type": "Place",
        "address": {
            "@type": "PostalAddress",
            "addressLocality": posting.city,
            "addressRegion": posting.region,
            "addressCountry": posting.country,
        },
    }
    if posting.salary:
        node["baseSalary"] = {
            "@type": "MonetaryAmount",
            "currency": posting.salary.currency,
            "value": {
                "@type": "QuantitativeValue",
                "minValue": number(posting.salary.min),
                "maxValue": number(posting.salary.max),
                "unitText": posting.salary.period,
            },
        }
    node["url"] = url
    node["inLanguage"] = posting.language
    return node


def jsonld_document(posting: DemoPosting, base_url: str) -> Any:
    """The JSON-LD document of a detail page, in the posting's markup variant."""
    job = job_posting_node(posting, base_url)
    url = page_url(posting, base_url)
    if posting.markup == "graph":
        org_id = f"{posting.company_url}/#organization"
        job["hiringOrganization"] = {"@id": org_id, **job["hiringOrganization"]}
        job["mainEntityOfPage"] = {"@id": url}
        return {
            "@context": SCHEMA,
            "@graph": [
                {"@id": org_id, **organization(posting), "url": posting.company_url},
                {
                    "@type": "WebPage",
                    "@id": url,
                    "url": url,
                    "name": f"{posting.title} – {posting.company}",
                    "inLanguage": posting.language,
                },
                job,
            ],
        }
    if posting.markup == "array":
        base = base_url.rstrip("/")
        crumbs = [("Accueil / Home", f"{base}/"), ("Emplois / Jobs", f"{base}/jobs/")]
        crumbs.append((posting.title, url))
        breadcrumbs = {
            "@context": SCHEMA,
            "@type": "BreadcrumbList",
            "itemListElement": [
                {"@type": "ListItem", "position": i, "name": name, "item": link}
                for i, (name, link) in enumerate(crumbs, start=1)
            ],
        }
        return [breadcrumbs, {"@context": SCHEMA, **job}]
    return {"@context": SCHEMA, **job}


def script_json(document: Any, indent: int | None = None) -> str:
    """JSON safe to put inside a ``<script>`` element (``</`` written as ``<\\/``)."""
    return json.dumps(document, ensure_ascii=False, indent=indent).replace("</", "<\\/")


def jsonld_script(posting: DemoPosting, base_url: str) -> str:
    """The ``<script type="application/ld+json">`` element of a detail page."""
    return (
        '<script type="application/ld+json">'
        + script_json(
            jsonld_document(posting, base_url), indent=2 if posting.markup == "graph" else None
        )
        + "</script>"
    )


def broken_jsonld_text(page: BrokenPage, base_url: str) -> str:
    """JSON-LD text of the broken page: a posting cut off mid-way, so it never parses."""
    document = {
        "@context": SCHEMA,
        "@type": "JobPosting",
        "title": page.title,
        "description": page.description_html,
        "identifier": {"@type": "PropertyValue", "name": page.company, "value": page.slug},
        "datePosted": page.date_posted,
        "employmentType": page.employment_type,
        "hiringOrganization": {"@type": "Organization", "name": page.company},
        "jobLocation": {
            "@type": "Place",
            "address": {
                "@type": "PostalAddress",
                "addressLocality": page.city,
                "addressRegion": page.region,
                "addressCountry": page.country,
            },
        },
        "url": page_url(page, base_url),
        "inLanguage": page.language,
    }
    full = script_json(document, indent=2)
    return full[: int(len(full) * page.keep_fraction)].rstrip()


def _meta(prop: str, content: str) -> str:
    return f'<meta itemprop="{prop}" content="{html.escape(content)}">'


def microdata_article(posting: DemoPosting, base_url: str) -> str:
    """The posting as an ``<article>`` carrying schema.org microdata (no JSON-LD)."""
    esc = html.escape
    size = (
        f'<span itemprop="numberOfEmployees" itemscope itemtype="{SCHEMA}/QuantitativeValue">'
        f"{_meta('value', posting.company_size)}</span>"
        if posting.company_size
        else ""
    )
    salary = ""
    if posting.salary:
        s = posting.salary
        salary = (
            f'<p class="salary" itemprop="baseSalary" itemscope itemtype="{SCHEMA}/MonetaryAmount">'
            f"{_meta('currency', s.currency)}"
            f'<span itemprop="value" itemscope itemtype="{SCHEMA}/QuantitativeValue">'
            f'<span itemprop="minValue" content="{number(s.min)}">{number(s.min):,}</span> – '
            f'<span itemprop="maxValue" content="{number(s.max)}">{number(s.max):,}</span> '
            f'{esc(s.currency)} / <span itemprop="unitText" content="{s.period}">'
            f"{s.period.lower()}</span></span></p>"
        )
    valid = _meta("validThrough", posting.valid_through) if posting.valid_through else ""
    return (
        f'<article class="job" itemscope itemtype="{SCHEMA}/JobPosting">'
        f'<h1 itemprop="title">{esc(posting.title)}</h1>'
        f'<div itemprop="identifier" itemscope itemtype="{SCHEMA}/PropertyValue">'
        f"{_meta('name', posting.company)}{_meta('value', posting.slug)}</div>"
        f'<p class="company" itemprop="hiringOrganization" itemscope '
        f'itemtype="{SCHEMA}/Organization"><span itemprop="name">{esc(posting.company)}</span>'
        f'<link itemprop="sameAs" href="{esc(posting.company_url)}">{size}</p>'
        f'<p class="location" itemprop="jobLocation" itemscope itemtype="{SCHEMA}/Place">'
        f'<span itemprop="address" itemscope itemtype="{SCHEMA}/PostalAddress">'
        f'<span itemprop="addressLocality">{esc(posting.city)}</span>, '
        f'<span itemprop="addressRegion">{esc(posting.region)}</span> '
        f'(<span itemprop="addressCountry">{esc(posting.country)}</span>)</span></p>'
        f'<p class="dates">Publié le / Posted <time itemprop="datePosted" '
        f'datetime="{posting.date_posted}">{posting.date_posted}</time>{valid}</p>'
        f'<p class="type">{_meta("employmentType", posting.employment_type)}'
        f"{esc(posting.employment_type.replace('_', ' ').lower())}</p>"
        f"{salary}"
        f"{_meta('inLanguage', posting.language)}"
        f'<link itemprop="url" href="{esc(page_url(posting, base_url))}">'
        f'<div class="description" itemprop="description">{posting.description_html}</div>'
        f"</article>"
    )
