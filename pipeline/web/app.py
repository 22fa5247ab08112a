"""The local web page: paste an ad and a title, read the audit report.

Served on 127.0.0.1 only (see :mod:`pipeline.commands.web`). Every input is
size-limited before it is parsed, binary or undecodable input is refused with a
message, everything shown is escaped by Jinja2, and the page loads nothing from
outside (inline CSS, no script, a Content-Security-Policy that forbids the rest).
"""

from __future__ import annotations

import math
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import parse_qs

import yaml
from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, PlainTextResponse
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined
from starlette.middleware.trustedhost import TrustedHostMiddleware

from pipeline.audit.inputs import MAX_TEXT_BYTES, AuditInput, InputError, check_text, from_text
from pipeline.audit.render.common import STATUS_MARK, source_label, split_sentence
from pipeline.audit.render.html import TEMPLATES as AUDIT_TEMPLATES
from pipeline.audit.render.html import render_fragment
from pipeline.audit.render.view import build_view
from pipeline.audit.report import AuditReport
from pipeline.audit.runner import ModelUnavailableError

WEB_DIR = Path(__file__).resolve().parent
STRINGS_FILE = WEB_DIR / "strings.yaml"
MAX_TITLE_CHARS = 300
# A url-encoded form spends up to three bytes per byte of text (%XX), plus the other fields.
FORM_OVERHEAD_BYTES = 16 * 1024
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'unsafe-inline'; img-src 'none'; "
        "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}
ALLOWED_HOSTS = ("127.0.0.1", "localhost")
# Past this many bytes an oversize submission is cut off rather than read to its end.
DRAIN_LIMIT_BYTES = 64 * 1024 * 1024


class AuditorLike(Protocol):
    """What the page needs from :class:`pipeline.audit.runner.Auditor`."""

    def audit(self, ad: AuditInput, lang: str | None = None) -> AuditReport: ...


class FormError(Exception):
    """A submission the page refuses, with its HTTP status and message key."""

    def __init__(self, status: int, key: str, **params: str) -> None:
        super().__init__(key)
        self.status = status
        self.key = key
        self.params = params


@lru_cache(maxsize=1)
def ui_strings() -> dict[str, dict[str, Any]]:
    """The page's wording, by language."""
    return yaml.safe_load(STRINGS_FILE.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


@lru_cache(maxsize=1)
def environment() -> Environment:
    """Templates of the page and of the report, autoescaped."""
    env = Environment(
        loader=ChoiceLoader(
            [FileSystemLoader(str(WEB_DIR / "templates")), FileSystemLoader(str(AUDIT_TEMPLATES))]
        ),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(
        split_sentence=split_sentence, source_label=source_label, status_mark=STATUS_MARK
    )
    return env


def _kb(n: int) -> str:
    """A size for people: ``205000`` -> ``201 KB`` (rounded up, so over-limit sizes show it)."""
    if n >= 1024 * 1024:
        return f"{math.ceil(n / 1024 / 102.4) / 10:.1f} MB"
    return f"{math.ceil(n / 1024)} KB"


def ui_language(request: Request, requested: str | None = None) -> str:
    """The page's language: asked for, else the browser's first choice if French, else English."""
    if requested in ("fr", "en"):
        return requested
    accept = request.headers.get("accept-language", "")
    return "fr" if accept.strip().lower().startswith("fr") else "en"


def parse_form(body: bytes) -> dict[str, str]:
    """The fields of a url-encoded form; undecodable bytes are a FormError."""
    try:
        text = body.decode("ascii")
        fields = parse_qs(
            text,
            keep_blank_values=True,
            encoding="utf-8",
            errors="strict",
            max_num_fields=10,
        )
    except (UnicodeDecodeError, ValueError) as exc:
        raise FormError(400, "binary") from exc
    return {key: values[0] for key, values in fields.items() if values}


async def read_body(request: Request, limit: int) -> bytes:
    """The request body, refused (FormError 413) when it is larger than ``limit`` bytes.

    An oversize body is still read to its end, up to :data:`DRAIN_LIMIT_BYTES`,
    and thrown away: a browser still sending its form when the server answers
    and closes would show a connection error instead of the message.
    """
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > DRAIN_LIMIT_BYTES:
            break
        if size <= limit:
            chunks.append(chunk)
    if size > limit:
        raise FormError(413, "too_large_unknown")
    return b"".join(chunks)


def create_app(
    auditor: AuditorLike,
    *,
    max_text_bytes: int = MAX_TEXT_BYTES,
    allowed_hosts: tuple[str, ...] = ALLOWED_HOSTS,
) -> FastAPI:
    """The FastAPI application around an auditor (models are loaded by the auditor).

    Requests naming another host are refused, so a page elsewhere cannot reach
    this one through DNS rebinding.
    """
    app = FastAPI(title="rolescope audit", docs_url=None, redoc_url=None, openapi_url=None)
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=list(allowed_hosts))
    body_limit = 3 * max_text_bytes + FORM_OVERHEAD_BYTES

    @app.middleware("http")
    async def security_headers(request: Request, call_next: Any) -> Any:
        response = await call_next(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    def page(
        ui_lang: str,
        *,
        form: dict[str, str],
        body: Any = None,
        error: str | None = None,
        status: int = 200,
    ) -> HTMLResponse:
        ui = dict(ui_strings()[ui_lang])
        ui["ad_hint"] = ui["ad_hint"].format(limit=_kb(max_text_bytes))
        html = (
            environment()
            .get_template("page.html.j2")
            .render(
                lang=ui_lang,
                page_title=ui["page_title"],
                ui=ui,
                ui_lang=ui_lang,
                form=form,
                body=body,
                error=error,
            )
        )
        return HTMLResponse(html, status_code=status)

    def error_text(ui_lang: str, exc: FormError) -> str:
        template = ui_strings()[ui_lang]["errors"][exc.key]
        return str(template).format(limit=_kb(max_text_bytes), **exc.params)

    @app.get("/", response_class=HTMLResponse)
    async def index(request: Request, lang: str | None = None) -> HTMLResponse:
        return page(ui_language(request, lang), form={"title": "", "ad": "", "lang": ""})

    @app.get("/healthz", response_class=PlainTextResponse)
    async def healthz() -> str:
        return "ok"

    @app.post("/audit", response_class=HTMLResponse)
    async def audit(request: Request) -> HTMLResponse:
        ui_lang = ui_language(request)
        form = {"title": "", "ad": "", "lang": ""}
        try:
            ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
            if ctype != "application/x-www-form-urlencoded":
                raise FormError(415, "content_type")
            fields = parse_form(await read_body(request, body_limit))
            ui_lang = ui_language(request, fields.get("ui"))
            ad_text = fields.get("ad", "")
            title = fields.get("title", "")[:MAX_TITLE_CHARS]
            lang = fields.get("lang") if fields.get("lang") in ("fr", "en") else None
            form = {"title": title, "ad": "", "lang": lang or ""}
            size = len(ad_text.encode("utf-8", "surrogatepass"))
            if size > max_text_bytes:
                raise FormError(413, "too_large", size=_kb(size))
            try:
                check_text(ad_text, max_text_bytes)
                check_text(title or "x", MAX_TITLE_CHARS * 4)
            except InputError as exc:
                raise FormError(400, "empty" if not ad_text.strip() else "binary") from exc
            form["ad"] = ad_text
            ad = from_text(ad_text, title=title or None, origin="web")
            report = await run_in_threadpool(auditor.audit, ad, lang)
        except FormError as exc:
            return page(ui_lang, form=form, error=error_text(ui_lang, exc), status=exc.status)
        except InputError as exc:
            return page(ui_lang, form=form, error=str(exc), status=400)
        except ModelUnavailableError as exc:
            error = error_text(ui_lang, FormError(503, "models", reason=str(exc)))
            return page(ui_lang, form=form, error=error, status=503)
        view = build_view(report, lang)
        return page(ui_lang, form=form, body=render_fragment(view, environment()))

    return app
