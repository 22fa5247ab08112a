"""schema.org ``JobPosting`` in a page (JSON-LD, microdata, RDFa) -> ``JobPosting`` records.

Extraction uses extruct; this module only walks its output and maps the
schema.org vocabulary onto the item model.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin

import extruct
import lxml.etree
import lxml.html
from extruct.jsonld import JsonLdExtractor
from extruct.utils import parse_html

from spiders.parsing.record import (
    Output,
    build_posting,
    quarantine,
    raw_text,
    without_surrogates,
)
from spiders.parsing.values import (
    clean_str,
    employment_type,
    first,
    language_tag,
    make_location,
    make_salary,
    parse_date,
)

_SCHEMA_PREFIX = re.compile(r"^(?:https?://schema\.org/|schema:)")
_JSONLD_SCRIPTS = lxml.etree.XPath(
    "//script[translate(normalize-space(@type), 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', "
    "'abcdefghijklmnopqrstuvwxyz')='application/ld+json']"
)
_MAX_DEPTH = 12


@dataclass
class PageData:
    """What a page carries: JobPosting nodes, broken JSON-LD scripts, declared language."""

    postings: list[dict[str, Any]] = field(default_factory=list)
    broken: list[tuple[str, str]] = field(default_factory=list)  # (reason, script text)
    language: str | None = None
    canonical_url: str | None = None
    index: dict[str, dict[str, Any]] = field(default_factory=dict)  # "@id" -> node


def is_type(node: Any, name: str) -> bool:
    """True when a JSON-LD/microdata node has the schema.org type ``name``."""
    if not isinstance(node, dict):
        return False
    types = node.get("@type", node.get("type"))
    types = types if isinstance(types, list) else [types]
    return any(isinstance(t, str) and _SCHEMA_PREFIX.sub("", t) == name for t in types)


def _strip_keys(node: Any, depth: int = 0) -> Any:
    """Drop vocabulary prefixes from keys (``schema:title`` -> ``title``)."""
    if depth > _MAX_DEPTH:
        return node
    if isinstance(node, dict):
        return {_SCHEMA_PREFIX.sub("", k): _strip_keys(v, depth + 1) for k, v in node.items()}
    if isinstance(node, list):
        return [_strip_keys(v, depth + 1) for v in node]
    return node


def find_postings(
    data: Any, out: list[dict[str, Any]], index: dict[str, Any], depth: int = 0
) -> None:
    """Collect JobPosting nodes anywhere in JSON-LD data (``@graph``, arrays, ItemLists)."""
    if depth > _MAX_DEPTH:
        return
    if isinstance(data, list):
        for item in data:
            find_postings(item, out, index, depth + 1)
        return
    if not isinstance(data, dict):
        return
    node_id = data.get("@id")
    if isinstance(node_id, str) and len(data) > 1:
        index.setdefault(node_id, data)
    if is_type(data, "JobPosting"):
        out.append(data)
        return
    for value in data.values():
        if isinstance(value, (dict, list)):
            find_postings(value, out, index, depth + 1)


def _rdfa_compact(node: Any, nodes: dict[str, dict[str, Any]], depth: int = 0) -> Any:
    """Expanded RDFa JSON-LD (extruct's output) -> compact schema.org-style dicts."""
    if isinstance(node, list):
        values = [_rdfa_compact(v, nodes, depth + 1) for v in node]
        return values[0] if len(values) == 1 else values
    if not isinstance(node, dict):
        return node
    if "@value" in node:
        return node["@value"]
    if set(node) == {"@id"}:
        target = nodes.get(node["@id"])
        if target is None or depth > _MAX_DEPTH:
            return node["@id"]
        node = target
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key == "@type":
            types = [
                _SCHEMA_PREFIX.sub("", t) for t in (value if isinstance(value, list) else [value])
            ]
            out["@type"] = types[0] if len(types) == 1 else types
        elif key.startswith("@"):
            out[key] = value
        else:
            out[_SCHEMA_PREFIX.sub("", key)] = _rdfa_compact(value, nodes, depth + 1)
    return out


def read_page(body: bytes, base_url: str, encoding: str = "utf-8") -> PageData:
    """Extract JobPosting nodes and page metadata from an HTML page.

    Each JSON-LD script is parsed on its own so that one broken script does
    not hide the others; broken ones are reported with the parser's message.
    Microdata and RDFa are only read when JSON-LD gave no posting.
    """
    page = PageData()
    try:
        try:
            tree = parse_html(body, encoding=encoding)
        except LookupError:
            # libxml2 does not know every codec name Python does (latin-1, utf-16-le...)
            body, encoding = _as_utf8(body, encoding), "utf-8"
            tree = parse_html(body, encoding=encoding)
    except (lxml.etree.ParserError, ValueError) as error:
        page.broken.append((f"unparseable HTML: {error}", ""))
        return page
    if tree is None:
        return page
    page.language = language_tag(tree.get("lang") or tree.get("xml:lang"))
    canonical = tree.xpath("//link[@rel='canonical']/@href")
    if canonical:
        page.canonical_url = urljoin(base_url, str(canonical[0]).strip())
    extractor = JsonLdExtractor()
    for script in _JSONLD_SCRIPTS(tree):
        try:
            items = without_surrogates(extractor.extract_items(script, base_url=base_url))
        except (ValueError, RecursionError) as error:
            problem = "nested too deeply" if isinstance(error, RecursionError) else error
            text = (script.text or "").strip()
            page.broken.append((f"malformed JSON-LD: {problem}", text))
            continue
        find_postings(_strip_keys(items), page.postings, page.index)
    if not page.postings and b"JobPosting" in body:
        _read_microdata_rdfa(body, base_url, encoding, page)
    return page


def _as_utf8(body: bytes, encoding: str) -> bytes:
    try:
        text = body.decode(encoding, "replace")
    except LookupError:
        text = body.decode("utf-8", "replace")
    return text.encode("utf-8", "replace")


def _read_microdata_rdfa(body: bytes, base_url: str, encoding: str, page: PageData) -> None:
    data = extruct.extract(
        body,
        base_url=base_url,
        encoding=encoding,
        syntaxes=["microdata", "rdfa"],
        uniform=True,
        errors="log",
    )
    for node in data.get("microdata", []):
        find_postings(_strip_keys(node), page.postings, page.index)
    rdfa = data.get("rdfa", [])
    nodes = {n["@id"]: n for n in rdfa if isinstance(n, dict) and "@id" in n}
    for node in rdfa:
        if is_type(node, "JobPosting") or any(
            isinstance(t, str) and t.endswith("/JobPosting") for t in node.get("@type", [])
        ):
            page.postings.append(_rdfa_compact(node, nodes))


def _resolve(value: Any, index: dict[str, dict[str, Any]]) -> Any:
    """Follow a ``{"@id": ...}`` reference to its node in the page, when present."""
    value = first(value)
    if isinstance(value, dict) and set(value) == {"@id"}:
        return index.get(value["@id"], value)
    return value


def _identifier(node: dict[str, Any]) -> str | None:
    ident = first(node.get("identifier"))
    if isinstance(ident, dict):
        return clean_str(ident.get("value") or ident.get("@value") or ident.get("name"))
    return clean_str(ident)


def _salary(node: dict[str, Any]) -> Any:
    amount = first(node.get("baseSalary") or node.get("estimatedSalary"))
    if isinstance(amount, (int, float, str)):
        return make_salary(amount, amount, node.get("salaryCurrency"), None)
    if not isinstance(amount, dict):
        return None
    value = first(amount.get("value"))
    currency = amount.get("currency") or node.get("salaryCurrency")
    if isinstance(value, dict):
        low = value.get("minValue", value.get("value"))
        high = value.get("maxValue", value.get("value"))
        return make_salary(low, high, currency, value.get("unitText") or amount.get("unitText"))
    return make_salary(
        amount.get("minValue", value),
        amount.get("maxValue", value),
        currency,
        amount.get("unitText"),
    )


def _location(node: dict[str, Any], index: dict[str, dict[str, Any]]) -> Any:
    place = _resolve(node.get("jobLocation"), index)
    if not isinstance(place, dict):
        return make_location(city=place) if isinstance(place, str) else make_location()
    address = _resolve(place.get("address"), index)
    if isinstance(address, str):
        return make_location(city=address)
    if not isinstance(address, dict):
        return make_location(city=place.get("name"))
    return make_location(
        address.get("addressLocality"), address.get("addressRegion"), address.get("addressCountry")
    )


def _company(node: dict[str, Any], index: dict[str, dict[str, Any]]) -> tuple[Any, Any]:
    org = _resolve(node.get("hiringOrganization"), index)
    if isinstance(org, dict):
        size = first(org.get("numberOfEmployees"))
        if isinstance(size, dict):
            low, high = size.get("minValue"), size.get("maxValue")
            size = f"{low}-{high}" if low is not None and high is not None else size.get("value")
        return clean_str(org.get("name") or org.get("legalName")), clean_str(size)
    return clean_str(org), None


def posting_fields(
    node: dict[str, Any], page_url: str, page: PageData, position: int, count: int
) -> dict[str, Any]:
    """Map one schema.org JobPosting node to JobPosting fields (without source/raw_hash)."""
    url = clean_str(node.get("url"))
    if url:
        canonical = urljoin(page_url, url)
    elif count == 1:
        canonical = page.canonical_url or page_url
    else:
        canonical = f"{page.canonical_url or page_url}#jobposting-{position + 1}"
    company, size = _company(node, page.index)
    description = node.get("description")
    if isinstance(description, list):
        description = "\n".join(str(d) for d in description if d)
    return {
        "external_id": _identifier(node),
        "canonical_url": canonical,
        "title": clean_str(node.get("title") or node.get("name")) or "",
        "company": company,
        "company_size": size,
        "location": _location(node, page.index),
        "language": language_tag(node.get("inLanguage")) or page.language,
        "date_posted": parse_date(node.get("datePosted")),
        "valid_through": parse_date(node.get("validThrough")),
        "employment_type": employment_type(node.get("employmentType")),
        "salary": _salary(node),
        "description_html": str(description) if description else "",
    }


def parse_page(source: str, body: bytes, url: str, encoding: str = "utf-8") -> list[Output]:
    """Every JobPosting (or quarantine record) a page yields; empty for pages without any."""
    page = read_page(body, url, encoding)
    out: list[Output] = [quarantine(source, url, reason, text) for reason, text in page.broken]
    for position, node in enumerate(page.postings):
        try:
            fields = posting_fields(node, url, page, position, len(page.postings))
        except (TypeError, ValueError, AttributeError) as error:
            out.append(quarantine(source, url, f"unusable JobPosting markup: {error}", node))
            continue
        out.append(build_posting(source, fields["canonical_url"], node, fields))
    return out


def summarise_error(text: str) -> str:
    """Short form of a raw script for logs (never the whole payload)."""
    return raw_text(text)[:200]
