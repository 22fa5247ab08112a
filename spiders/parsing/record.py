"""Validation at the boundary: loose fields in, a ``JobPosting`` or a ``QuarantineRecord`` out."""

from __future__ import annotations

import json
import re
from typing import Any

from pydantic import BaseModel, ValidationError

from spiders.items import JobPosting, QuarantineRecord, sha256_text
from spiders.parsing.text import html_to_text, looks_like_html, unescape_markup

# Quarantined payloads are kept for diagnosis, not archived: a 10 MB page is cut.
MAX_RAW_PAYLOAD_CHARS = 200_000

Output = JobPosting | QuarantineRecord

_SURROGATE = re.compile("[\ud800-\udfff]")


def without_surrogates(value: Any) -> Any:
    """``value`` with lone UTF-16 surrogates replaced by U+FFFD, in every string it holds.

    JSON escapes such as ``"\\ud800"`` decode to lone surrogates, which cannot be
    written as UTF-8: left in, they would crash the staged-file write.
    """
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value)
    if isinstance(value, dict):
        return {without_surrogates(k): without_surrogates(v) for k, v in value.items()}
    if isinstance(value, list):
        return [without_surrogates(v) for v in value]
    if isinstance(value, BaseModel):
        return type(value).model_validate(without_surrogates(value.model_dump()))
    return value


def canonical_json(payload: Any) -> str:
    """Stable JSON text of a parsed payload (sorted keys, UTF-8), the basis of ``raw_hash``."""
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def raw_text(payload: Any) -> str:
    """The payload as text for a quarantine record, cut to ``MAX_RAW_PAYLOAD_CHARS``."""
    try:
        text = payload if isinstance(payload, str) else canonical_json(payload)
    except RecursionError:
        text = f"[{type(payload).__name__} payload nested too deeply to show]"
    if len(text) > MAX_RAW_PAYLOAD_CHARS:
        return text[:MAX_RAW_PAYLOAD_CHARS] + f"\n[... cut, {len(text)} characters in all]"
    return text


def quarantine(source: str, url: str | None, reason: str, payload: Any) -> QuarantineRecord:
    """A quarantine record with its reason and the raw payload."""
    return QuarantineRecord(
        source=source,
        url=without_surrogates(url),
        reason=without_surrogates(reason),
        raw_payload=without_surrogates(raw_text(payload)),
    )


def describe(description: str | None) -> tuple[str, str]:
    """(description_html, description_text) from a description that may or may not be HTML."""
    if not description:
        return "", ""
    description = unescape_markup(description.replace("\ufeff", ""))
    if looks_like_html(description):
        return description, html_to_text(description)
    return "", html_to_text(description)


def validation_reason(error: ValidationError) -> str:
    """One readable line per failed field of a pydantic validation error."""
    problems = []
    for item in error.errors():
        where = ".".join(str(part) for part in item["loc"]) or "record"
        problems.append(f"{where}: {item['msg']}")
    return "validation failed: " + "; ".join(problems)


def build_posting(source: str, url: str | None, raw: Any, fields: dict[str, Any]) -> Output:
    """Validate ``fields`` into a ``JobPosting``; on any failure quarantine ``raw`` with the reason.

    ``fields`` holds JobPosting fields except ``source`` and ``raw_hash``, which
    are set here; ``description_text`` is derived from ``description_html`` when
    missing. An empty description is a quarantine reason of its own.
    """
    fields = without_surrogates(dict(fields))
    for key in ("description_html", "description_text"):
        if fields.get(key) is not None and not isinstance(fields[key], str):
            kind = type(fields[key]).__name__
            return quarantine(source, url, f"unusable description: {kind}, not text", raw)
    if not fields.get("description_text"):
        html_part, text_part = describe(fields.get("description_html"))
        fields["description_html"], fields["description_text"] = html_part, text_part
    if not (fields.get("description_text") or "").strip():
        return quarantine(source, url, "empty description", raw)
    fields["source"] = source
    fields["raw_hash"] = sha256_text(raw if isinstance(raw, str) else canonical_json(raw))
    try:
        return JobPosting.model_validate(fields)
    except ValidationError as error:
        return quarantine(source, url, validation_reason(error), raw)


def parse_json_body(body: bytes | str) -> Any:
    """Parse a JSON response body, tolerating a UTF-8 byte-order mark.

    Raises ``ValueError`` with a message naming the position of the problem.
    """
    text = body.decode("utf-8-sig", errors="replace") if isinstance(body, bytes) else body
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise ValueError("empty JSON body")
    try:
        return without_surrogates(json.loads(text))
    except RecursionError:
        raise ValueError("JSON nested too deeply to read") from None


def invalid_json_reason(error: ValueError) -> str:
    """Quarantine reason for a body that is not valid JSON (truncated bodies say so)."""
    message = str(error)
    truncated = isinstance(error, json.JSONDecodeError) and (
        error.pos >= len(error.doc.rstrip()) - 1 or error.msg.startswith("Unterminated string")
    )
    hint = " (truncated: the document ends early)" if truncated else ""
    return f"invalid JSON{hint}: {message}"
