"""Where an ad to audit comes from: pasted text, a file, standard input, a URL, the warehouse.

Everything here is the I/O edge of the audit: bytes in, a checked
:class:`AuditInput` out, or an :class:`InputError` whose message a recruiter
can act on. HTML (a saved page, a fetched URL) goes through the spiders'
parsers: the schema.org ``JobPosting`` is used when the page has one, and the
page's visible text otherwise.
"""

from __future__ import annotations

import hashlib
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

from pipeline.audit.completeness import StructuredFacts
from spiders.parsing.jsonld import posting_fields, read_page
from spiders.parsing.text import html_to_text, looks_like_html

MAX_TEXT_BYTES = 200 * 1024
MAX_URL_BYTES = 2 * 1024 * 1024
URL_TIMEOUT_S = 15.0
MAX_REDIRECTS = 5
MAX_TITLE_CHARS = 150
USER_AGENT = "rolescope-audit/0.1 (+local recruiter audit; one request per audit)"
# Share of control characters above which a text is taken for binary data.
_MAX_CONTROL_SHARE = 0.01
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class InputError(ValueError):
    """An ad that cannot be audited, with a message saying why and what to do."""


@dataclass(frozen=True)
class AuditInput:
    """One ad ready to be audited."""

    posting_id: str
    title: str
    description: str
    origin: str
    language: str | None = None
    company: str | None = None
    structured: StructuredFacts = field(default_factory=StructuredFacts)
    title_from_first_line: bool = False
    title_from_option: bool = False
    url: str | None = None


def _size(n: int) -> str:
    """A size for people, rounded up so that an over-limit size never reads as the limit."""
    if n >= 1024 * 1024:
        return f"{math.ceil(n / 1024 / 102.4) / 10:.1f} MB"
    return f"{math.ceil(n / 1024)} KB"


def decode_text(data: bytes, limit: int = MAX_TEXT_BYTES) -> str:
    """Text from bytes: size-checked, binary refused, UTF-8 (with or without BOM) or cp1252."""
    if len(data) > limit:
        raise InputError(
            f"The ad is too large ({_size(len(data))}); the limit is {_size(limit)}. "
            "Paste only the job ad itself."
        )
    if b"\x00" in data:
        raise InputError("This is not text (it contains binary data). Paste the ad as plain text.")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise InputError("The ad could not be read as text (unknown encoding). Save it as UTF-8.")
    check_text(text, limit)
    return text


def check_text(text: str, limit: int = MAX_TEXT_BYTES) -> str:
    """Refuse text that is too long, empty, or mostly control characters (binary data)."""
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > limit:
        raise InputError(
            f"The ad is too large ({_size(size)}); the limit is {_size(limit)}. "
            "Paste only the job ad itself."
        )
    if "\x00" in text or "\ufffd" in text:
        raise InputError("This is not text (it contains binary data). Paste the ad as plain text.")
    if text and len(_CONTROL.findall(text)) / len(text) > _MAX_CONTROL_SHARE:
        raise InputError("This is not text (too many control characters). Paste the ad as text.")
    if not text.strip():
        raise InputError("The ad is empty. Paste the text of the job ad.")
    return text


def _posting_id(origin: str, text: str) -> str:
    return f"audit-{hashlib.sha256((origin + text).encode('utf-8')).hexdigest()[:12]}"


def _split_title(text: str) -> tuple[str, str]:
    """(first line, rest) when the first non-empty line is short enough to be a title."""
    lines = text.strip().splitlines()
    first = lines[0].strip().lstrip("#").strip() if lines else ""
    if first and len(first) <= MAX_TITLE_CHARS:
        return first, "\n".join(lines[1:]).strip()
    return "", text.strip()


def from_text(
    text: str, *, title: str | None = None, origin: str = "text", url: str | None = None
) -> AuditInput:
    """An ad from its text (plain or HTML); without a title, the first line is the title."""
    check_text(text, max(MAX_URL_BYTES, MAX_TEXT_BYTES) if url else MAX_TEXT_BYTES)
    if looks_like_html(text):
        page = from_html(text.encode("utf-8"), url or "https://localhost/ad.html", origin, title)
        if page is not None:
            return page
        text = html_to_text(text)
    title_given = bool(title and title.strip())
    from_first_line = False
    description = text.strip()
    if not title_given:
        first, rest = _split_title(text)
        if first and rest:
            title, description, from_first_line = first, rest, True
    return AuditInput(
        posting_id=_posting_id(origin, text),
        title=(title or "").strip(),
        description=description,
        origin=origin,
        title_from_first_line=from_first_line,
        title_from_option=title_given,
        url=url,
    )


def _facts(fields: dict[str, Any]) -> StructuredFacts:
    salary = fields.get("salary")
    salary_text = None
    if salary is not None:
        amounts = [f"{v:,.0f}".replace(",", " ") for v in (salary.min, salary.max) if v]
        unique = list(dict.fromkeys(amounts))
        salary_text = " – ".join(unique) + (f" {salary.currency}" if salary.currency else "")
        if salary.period:
            salary_text += f" / {salary.period.lower()}"
    location = fields.get("location")
    place = None
    if location is not None:
        parts = [location.city, location.region, location.country]
        place = ", ".join(p for p in parts if p) or None
    return StructuredFacts(
        salary=salary_text, location=place, contract=fields.get("employment_type") or None
    )


def from_html(body: bytes, url: str, origin: str, title: str | None = None) -> AuditInput | None:
    """An ad from an HTML page: its JSON-LD JobPosting when present, else None."""
    page = read_page(body, url)
    if not page.postings:
        return None
    fields = posting_fields(page.postings[0], url, page, 0, len(page.postings))
    description = html_to_text(fields.get("description_html") or "")
    if not description.strip():
        return None
    title_given = bool(title and title.strip())
    return AuditInput(
        posting_id=_posting_id(origin, description),
        title=(title or "").strip() if title_given else fields.get("title") or "",
        description=description,
        origin=origin,
        language=fields.get("language"),
        company=fields.get("company"),
        structured=_facts(fields),
        title_from_option=title_given,
        url=url,
    )


def from_bytes(data: bytes, *, title: str | None = None, origin: str) -> AuditInput:
    """An ad from a file's or standard input's bytes."""
    return from_text(decode_text(data), title=title, origin=origin)


def from_file(path: Path, *, title: str | None = None) -> AuditInput:
    """An ad from a text or HTML file."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InputError(f"Cannot read {path}: {exc.strerror or exc}") from exc
    if not path.is_file():
        raise InputError(f"{path} is not a file.")
    if size > MAX_TEXT_BYTES:
        raise InputError(
            f"The ad is too large ({_size(size)}); the limit is {_size(MAX_TEXT_BYTES)}. "
            "Keep only the job ad itself in the file."
        )
    return from_bytes(path.read_bytes(), title=title, origin=f"file:{path.name}")


def check_url(url: str) -> str:
    """The URL if it is absolute http(s) with a host, else an InputError."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise InputError(f"Only http:// and https:// URLs can be audited, not {url!r}.")
    return url


def fetch_url(
    url: str,
    *,
    max_bytes: int = MAX_URL_BYTES,
    timeout_s: float = URL_TIMEOUT_S,
) -> tuple[bytes, str, str]:
    """Fetch a page once: (body, content type, final URL), with size, time and scheme limits.

    Redirects are followed by hand (at most :data:`MAX_REDIRECTS`) so that each
    hop is checked to be http(s) too.
    """
    import httpx

    check_url(url)
    current = url
    try:
        with httpx.Client(
            timeout=httpx.Timeout(timeout_s),
            follow_redirects=False,
            headers={"User-Agent": USER_AGENT, "Accept": "text/html,text/plain;q=0.9,*/*;q=0.1"},
            trust_env=False,
        ) as client:
            for _ in range(MAX_REDIRECTS + 1):
                with client.stream("GET", current) as response:
                    if response.is_redirect:
                        location = response.headers.get("location", "")
                        current = check_url(urljoin(current, location))
                        continue
                    if response.status_code >= 400:
                        raise InputError(f"{current} answered HTTP {response.status_code}.")
                    declared = response.headers.get("content-length")
                    if declared and declared.isdigit() and int(declared) > max_bytes:
                        raise InputError(
                            f"The page is too large ({_size(int(declared))}); "
                            f"the limit is {_size(max_bytes)}."
                        )
                    chunks: list[bytes] = []
                    total = 0
                    for chunk in response.iter_bytes():
                        total += len(chunk)
                        if total > max_bytes:
                            raise InputError(
                                f"The page is larger than the {_size(max_bytes)} limit."
                            )
                        chunks.append(chunk)
                    ctype = response.headers.get("content-type", "")
                    return b"".join(chunks), ctype, current
    except httpx.TimeoutException as exc:
        raise InputError(f"{current} did not answer within {timeout_s:.0f} s.") from exc
    except httpx.HTTPError as exc:
        raise InputError(f"Could not fetch {current}: {exc}") from exc
    raise InputError(f"{url} redirects more than {MAX_REDIRECTS} times.")


def _charset(content_type: str) -> str:
    match = re.search(r"charset=([\w.-]+)", content_type, re.IGNORECASE)
    return match.group(1) if match else "utf-8"


def from_url(url: str, *, title: str | None = None) -> AuditInput:
    """An ad fetched from a URL (one request): JSON-LD JobPosting, else the page's text."""
    body, ctype, final = fetch_url(url)
    if b"\x00" in body[:4096] and "html" not in ctype.lower():
        raise InputError(f"{final} is not a text page ({ctype or 'unknown type'}).")
    is_html = "html" in ctype.lower() or body.lstrip()[:15].lower().startswith(
        (b"<!doctype", b"<html")
    )
    if is_html:
        page = from_html(body, final, f"url:{final}", title)
        if page is not None:
            return page
        try:
            text = html_to_text(body.decode(_charset(ctype), errors="replace"))
        except LookupError:
            text = html_to_text(body.decode("utf-8", errors="replace"))
        text = text.replace("\ufffd", "")
    elif ctype.lower().startswith("text/") or not ctype:
        text = body.decode(_charset(ctype), errors="replace").replace("\ufffd", "")
    else:
        raise InputError(f"{final} is not a text or HTML page ({ctype}).")
    if not text.strip():
        raise InputError(f"No text found at {final}.")
    ad = from_text(text, title=title, origin=f"url:{final}", url=final)
    return ad


def from_warehouse(posting_id: str, analyst_path: Path, *, title: str | None = None) -> AuditInput:
    """An ad from the published analyst copy (opened read-only), current version."""
    import duckdb

    if not analyst_path.exists():
        raise InputError(
            f"No analyst copy at {analyst_path}. Run `rolescope run` first, or set ROLESCOPE_HOME."
        )
    con = duckdb.connect(str(analyst_path), read_only=True)
    try:
        row = con.execute(
            """
            SELECT p.title, v.description_text, p.language, p.company, p.city, p.region,
                   p.country, p.employment_type, p.salary_min, p.salary_max,
                   p.salary_currency, p.salary_period, p.canonical_url
            FROM postings p
            JOIN posting_versions v
              ON v.posting_id = p.posting_id AND v.content_hash = p.content_hash
            WHERE p.posting_id = ?
            """,
            [posting_id],
        ).fetchone()
    finally:
        con.close()
    if row is None:
        raise InputError(f"No posting with id {posting_id!r} in {analyst_path}.")
    (
        db_title,
        text,
        language,
        company,
        city,
        region,
        country,
        contract,
        smin,
        smax,
        currency,
        period,
        url,
    ) = row
    from spiders.parsing.values import make_location, make_salary

    facts = _facts(
        {
            "salary": make_salary(smin, smax, currency, period),
            "location": make_location(city, region, country),
            "employment_type": contract,
        }
    )
    title_given = bool(title and title.strip())
    return AuditInput(
        posting_id=posting_id,
        title=(title or "").strip() if title_given else str(db_title),
        description=str(text),
        origin=f"id:{posting_id}",
        language=language,
        company=company,
        structured=facts,
        title_from_option=title_given,
        url=url,
    )
