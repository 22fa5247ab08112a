"""Hypothesis strategies for hostile job payloads: arbitrary JSON, vendor-shaped records with
any field of any type, HTML pages with JSON-LD (valid, truncated, garbage), RSS/Atom feeds,
and bodies in the wrong encoding, with a BOM, cut short or replaced by binary junk."""

from __future__ import annotations

import json
from typing import Any
from xml.sax.saxutils import escape

from hypothesis import strategies as st

# Text that hurts: markup, entities, control characters, lone surrogates, RTL marks.
NASTY = st.sampled_from(
    [
        "",
        " ",
        "\x00",
        "\ud800",
        "\udfff",
        "\u202e",
        "\ufeff",
        "&lt;p&gt;escaped&lt;/p&gt;",
        "<p>Community manager</p>",
        "<script>alert(1)</script>",
        "]]>",
        "<![CDATA[x]]>",
        "&#xD800;",
        "&#0;",
        "&amp;amp;",
        "\r\n\r\n",
        "é" * 3,
        "💼",
        "null",
        "{",
        '"',
        "\\",
    ]
)
TEXT = st.one_of(st.text(max_size=60), NASTY, st.builds("".join, st.lists(NASTY, max_size=4)))
URLS = st.one_of(
    st.builds(lambda p: f"https://jobs.example/{p}", st.text(max_size=20)),
    st.sampled_from(
        ["", "/relative/path", "javascript:alert(1)", "ftp://x", "https://", "http://a b"]
    ),
    TEXT,
)
DATES = st.one_of(
    st.dates().map(str),
    st.datetimes().map(lambda d: d.isoformat() + "Z"),
    st.integers(min_value=-(10**15), max_value=10**15),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(["2024-13-45", "Tue, 30 Feb 2024 99:00:00 +0000", "9999-12-31T23:59:59+2500"]),
    TEXT,
)
NUMBERS = st.one_of(
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(["45 000,50", "-1", "1e400", "NaN", "30k", ""]),
)
SCALARS = st.one_of(st.none(), st.booleans(), NUMBERS, TEXT)
JSON: st.SearchStrategy[Any] = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.one_of(TEXT, st.just("@type")), inner, max_size=4),
    ),
    max_leaves=12,
)
HTML = st.one_of(
    st.builds(lambda a, b: f"<p>{a}</p><ul><li>{b}</li></ul>", TEXT, TEXT),
    st.builds(lambda a: f"&lt;p&gt;{a}&lt;/p&gt;", TEXT),
    st.just("<p>Animer les réseaux sociaux, planifier les contenus, suivre les KPI.</p>"),
    TEXT,
)


def field(plausible: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """A field value: usually plausible, sometimes any JSON at all."""
    return st.one_of(plausible, plausible, JSON)


def record(fields: dict[str, st.SearchStrategy[Any]]) -> st.SearchStrategy[Any]:
    """A vendor record: any subset of its fields, each plausible or not; or not an object."""
    shaped = st.fixed_dictionaries({}, optional={k: field(v) for k, v in fields.items()})
    return st.one_of(shaped, shaped, shaped, JSON)


PLACE = st.fixed_dictionaries(
    {}, optional={"name": TEXT, "city": TEXT, "region": TEXT, "country": TEXT}
)

GREENHOUSE = record(
    {
        "id": st.one_of(st.integers(), TEXT),
        "title": TEXT,
        "content": HTML,
        "absolute_url": URLS,
        "location": PLACE,
        "offices": st.lists(st.fixed_dictionaries({}, optional={"location": TEXT})),
        "company_name": TEXT,
        "language": TEXT,
        "first_published": DATES,
        "updated_at": DATES,
    }
)
LEVER = record(
    {
        "id": TEXT,
        "text": TEXT,
        "hostedUrl": URLS,
        "description": HTML,
        "additional": HTML,
        "lists": st.lists(st.fixed_dictionaries({}, optional={"text": TEXT, "content": HTML})),
        "categories": st.fixed_dictionaries(
            {}, optional={"location": TEXT, "commitment": TEXT, "team": TEXT}
        ),
        "country": TEXT,
        "createdAt": DATES,
        "salaryRange": st.fixed_dictionaries(
            {}, optional={"min": NUMBERS, "max": NUMBERS, "currency": TEXT, "interval": TEXT}
        ),
    }
)
ASHBY = record(
    {
        "id": TEXT,
        "title": TEXT,
        "jobUrl": URLS,
        "location": TEXT,
        "isListed": st.booleans(),
        "address": st.fixed_dictionaries(
            {},
            optional={
                "postalAddress": st.fixed_dictionaries(
                    {},
                    optional={
                        "addressLocality": TEXT,
                        "addressRegion": TEXT,
                        "addressCountry": TEXT,
                    },
                )
            },
        ),
        "publishedAt": DATES,
        "employmentType": TEXT,
        "descriptionHtml": HTML,
        "descriptionPlain": TEXT,
        "compensation": st.fixed_dictionaries(
            {},
            optional={
                "summaryComponents": st.lists(
                    st.fixed_dictionaries(
                        {"compensationType": st.just("Salary")},
                        optional={
                            "minValue": NUMBERS,
                            "maxValue": NUMBERS,
                            "currencyCode": TEXT,
                            "interval": TEXT,
                        },
                    ),
                    max_size=2,
                )
            },
        ),
    }
)
SMARTRECRUITERS = record(
    {
        "id": TEXT,
        "name": TEXT,
        "postingUrl": URLS,
        "releasedDate": DATES,
        "location": PLACE,
        "company": st.fixed_dictionaries({}, optional={"identifier": TEXT, "name": TEXT}),
        "language": st.fixed_dictionaries({}, optional={"code": TEXT}),
        "typeOfEmployment": st.fixed_dictionaries({}, optional={"label": TEXT}),
        "jobAd": st.fixed_dictionaries(
            {},
            optional={
                "sections": st.dictionaries(
                    st.sampled_from(["companyDescription", "jobDescription", "qualifications"]),
                    st.fixed_dictionaries({}, optional={"title": TEXT, "text": HTML}),
                )
            },
        ),
    }
)
WORKABLE = record(
    {
        "shortcode": TEXT,
        "title": TEXT,
        "url": URLS,
        "description": HTML,
        "city": TEXT,
        "country": TEXT,
        "locations": st.lists(PLACE, max_size=2),
        "published_on": DATES,
        "employment_type": TEXT,
    }
)
RECRUITEE = record(
    {
        "id": st.one_of(st.integers(), TEXT),
        "title": TEXT,
        "careers_url": URLS,
        "description": HTML,
        "requirements": HTML,
        "company_name": TEXT,
        "city": TEXT,
        "country_code": TEXT,
        "lang_code": TEXT,
        "published_at": DATES,
        "close_at": DATES,
        "employment_type_code": TEXT,
        "salary": st.fixed_dictionaries(
            {}, optional={"min": NUMBERS, "max": NUMBERS, "currency": TEXT, "period": TEXT}
        ),
    }
)
FRANCE_TRAVAIL = record(
    {
        "id": TEXT,
        "intitule": TEXT,
        "description": TEXT,
        "dateCreation": DATES,
        "lieuTravail": st.fixed_dictionaries({}, optional={"libelle": TEXT}),
        "entreprise": st.fixed_dictionaries({}, optional={"nom": TEXT}),
        "salaire": st.fixed_dictionaries(
            {},
            optional={
                "libelle": st.one_of(
                    TEXT,
                    st.builds(
                        lambda p, a, b: f"{p} de {a} Euros à {b} Euros sur 12 mois",
                        st.sampled_from(["Annuel", "Mensuel", "Horaire", "x"]),
                        NUMBERS,
                        NUMBERS,
                    ),
                )
            },
        ),
        "typeContrat": TEXT,
        "dureeTravailLibelleConverti": TEXT,
        "romeCode": TEXT,
        "trancheEffectifEtab": TEXT,
        "origineOffre": st.fixed_dictionaries({}, optional={"urlOrigine": URLS}),
    }
)


def envelope(key: str | None, records: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """A response holding records under ``key`` (None: a bare array), or some other shape."""
    items = st.lists(records, max_size=4)
    right = items if key is None else st.builds(lambda r: {key: r}, items)
    return st.one_of(right, right, right, JSON)


@st.composite
def encoded(draw: st.DrawFn, payload: Any) -> bytes:
    """A JSON payload as bytes: any encoding, maybe a BOM, maybe cut short, maybe junk."""
    text = json.dumps(payload, ensure_ascii=draw(st.booleans()))
    return draw(hostile_bytes(text))


@st.composite
def hostile_bytes(draw: st.DrawFn, text: str) -> bytes:
    """``text`` encoded the way a misbehaving server might send it."""
    how = draw(
        st.sampled_from(["utf-8", "utf-8", "utf-8-bom", "cp1252", "latin-1", "utf-16", "mixed"])
    )
    if how == "utf-8-bom":
        body = b"\xef\xbb\xbf" + text.encode("utf-8", "surrogatepass")
    elif how == "mixed":
        half = len(text) // 2
        body = text[:half].encode("utf-8", "surrogatepass") + text[half:].encode(
            "cp1252", "replace"
        )
    else:
        body = text.encode(how, "replace")
    cut = draw(st.one_of(st.none(), st.integers(min_value=0, max_value=max(len(body) - 1, 0))))
    if cut is not None:
        body = body[:cut]
    if draw(st.integers(min_value=0, max_value=9)) == 0:
        body = draw(st.binary(max_size=200))
    return body


JOBPOSTING_NODE = st.fixed_dictionaries(
    {
        "@type": st.sampled_from(
            ["JobPosting", "schema:JobPosting", "https://schema.org/JobPosting"]
        )
    },
    optional={
        "@context": st.just("https://schema.org"),
        "title": field(TEXT),
        "name": field(TEXT),
        "description": field(st.one_of(HTML, st.lists(HTML, max_size=3))),
        "datePosted": field(DATES),
        "validThrough": field(DATES),
        "url": field(URLS),
        "identifier": field(st.one_of(TEXT, st.fixed_dictionaries({"value": TEXT}))),
        "employmentType": field(st.one_of(TEXT, st.lists(TEXT, max_size=3))),
        "inLanguage": field(TEXT),
        "hiringOrganization": field(
            st.one_of(
                TEXT,
                st.fixed_dictionaries(
                    {"@type": st.just("Organization")},
                    optional={"name": TEXT, "numberOfEmployees": JSON, "@id": TEXT},
                ),
                st.fixed_dictionaries({"@id": TEXT}),
            )
        ),
        "jobLocation": field(
            st.one_of(
                TEXT,
                st.fixed_dictionaries(
                    {"@type": st.just("Place")},
                    optional={
                        "address": st.one_of(
                            TEXT,
                            st.fixed_dictionaries(
                                {},
                                optional={
                                    "addressLocality": TEXT,
                                    "addressRegion": TEXT,
                                    "addressCountry": st.one_of(TEXT, st.just({"name": "France"})),
                                },
                            ),
                        )
                    },
                ),
            )
        ),
        "baseSalary": field(
            st.one_of(
                NUMBERS,
                st.fixed_dictionaries(
                    {},
                    optional={
                        "currency": TEXT,
                        "value": st.one_of(
                            NUMBERS,
                            st.fixed_dictionaries(
                                {},
                                optional={
                                    "minValue": NUMBERS,
                                    "maxValue": NUMBERS,
                                    "value": NUMBERS,
                                    "unitText": TEXT,
                                },
                            ),
                        ),
                    },
                ),
            )
        ),
    },
)
JSONLD_DATA = st.one_of(
    JOBPOSTING_NODE,
    st.lists(JOBPOSTING_NODE, max_size=3),
    st.builds(
        lambda nodes: {"@context": "https://schema.org", "@graph": nodes},
        st.lists(st.one_of(JOBPOSTING_NODE, JSON), max_size=3),
    ),
    st.builds(
        lambda nodes: {"@type": "ItemList", "itemListElement": [{"item": n} for n in nodes]},
        st.lists(JOBPOSTING_NODE, max_size=3),
    ),
    JSON,
)


@st.composite
def jsonld_script(draw: st.DrawFn) -> str:
    """The text of one ld+json script: JSON-LD, cut short, or garbage."""
    text = json.dumps(draw(JSONLD_DATA), ensure_ascii=draw(st.booleans()))
    kind = draw(st.sampled_from(["whole", "whole", "cut", "garbage"]))
    if kind == "cut":
        return text[: draw(st.integers(min_value=0, max_value=max(len(text) - 1, 0)))]
    if kind == "garbage":
        return draw(TEXT)
    return text.replace("</", "<\\/")


@st.composite
def html_page(draw: st.DrawFn) -> bytes:
    """A page with JSON-LD scripts, maybe microdata, declared in one charset and sent in another."""
    scripts = draw(st.lists(jsonld_script(), max_size=3))
    lang = draw(st.one_of(st.just(""), st.builds(lambda t: f' lang="{escape(t)}"', TEXT)))
    charset = draw(st.sampled_from(["utf-8", "windows-1252", "iso-8859-1", "shift_jis", "bogus"]))
    canonical = draw(
        st.one_of(
            st.just(""), st.builds(lambda u: f'<link rel="canonical" href="{escape(u)}">', URLS)
        )
    )
    microdata = draw(
        st.one_of(
            st.just(""),
            st.builds(
                lambda t, d: (
                    '<div itemscope itemtype="https://schema.org/JobPosting">'
                    f'<h1 itemprop="title">{escape(t)}</h1>'
                    f'<div itemprop="description">{d}</div></div>'
                ),
                TEXT,
                HTML,
            ),
        )
    )
    body = "".join(f'<script type="application/ld+json">{s}</script>' for s in scripts)
    page = (
        f'<!DOCTYPE html><html{lang}><head><meta charset="{charset}">{canonical}</head>'
        f"<body>{body}{microdata}<p>{escape(draw(TEXT))}</p></body></html>"
    )
    return draw(hostile_bytes(page))


FEED_KEYS = st.sampled_from(
    [
        "id",
        "link",
        "title",
        "content",
        "summary",
        "published",
        "updated",
        "author",
        "job_city",
        "job_company",
        "category",
        "language",
    ]
)


@st.composite
def feed_document(draw: st.DrawFn) -> bytes:
    """An RSS 2.0 or Atom document with hostile entries, maybe cut short or in another charset."""
    atom = draw(st.booleans())
    entries = []
    for _ in range(draw(st.integers(min_value=0, max_value=4))):
        title, link, body, date = draw(TEXT), draw(URLS), draw(HTML), draw(DATES)
        extra = draw(
            st.dictionaries(
                st.sampled_from(["job_city", "job_company", "category"]), TEXT, max_size=2
            )
        )
        wrap = draw(st.sampled_from(["escape", "cdata", "raw"]))
        content = (
            escape(body) if wrap == "escape" else f"<![CDATA[{body}]]>" if wrap == "cdata" else body
        )
        tags = "".join(f"<{k}>{escape(v)}</{k}>" for k, v in extra.items())
        if atom:
            entries.append(
                f'<entry><title>{escape(title)}</title><link href="{escape(link)}"/>'
                f"<id>{escape(str(link))}</id><updated>{escape(str(date))}</updated>"
                f'<content type="html">{content}</content>{tags}</entry>'
            )
        else:
            entries.append(
                f"<item><title>{escape(title)}</title><link>{escape(link)}</link>"
                f"<guid>{escape(str(link))}</guid><pubDate>{escape(str(date))}</pubDate>"
                f"<description>{content}</description>{tags}</item>"
            )
    if atom:
        doc = (
            '<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom">'
            + "".join(entries)
            + "</feed>"
        )
    else:
        doc = (
            '<?xml version="1.0"?><rss version="2.0"><channel><title>x</title>'
            + "".join(entries)
            + "</channel></rss>"
        )
    if draw(st.integers(min_value=0, max_value=5)) == 0:
        doc = draw(TEXT)
    return draw(hostile_bytes(doc))
