"""Renderers of an audit report: terminal (rich), Markdown, HTML and JSON."""

from __future__ import annotations

import json
from typing import Any, Literal

from pipeline.audit.render.html import render_html
from pipeline.audit.render.markdown import render_markdown
from pipeline.audit.render.terminal import render_terminal, render_terminal_text
from pipeline.audit.render.view import build_view

Format = Literal["terminal", "markdown", "html", "json"]
FORMATS: tuple[str, ...] = ("terminal", "markdown", "html", "json")


def render_json(view: dict[str, Any]) -> str:
    """The report view as indented UTF-8 JSON."""
    return json.dumps(view, ensure_ascii=False, indent=2) + "\n"


def render_text(view: dict[str, Any], fmt: str, width: int = 100) -> str:
    """The report in any format, as text (terminal output without colours)."""
    if fmt == "json":
        return render_json(view)
    if fmt == "markdown":
        return render_markdown(view)
    if fmt == "html":
        return render_html(view)
    if fmt == "terminal":
        return render_terminal_text(view, width)
    raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")


__all__ = [
    "FORMATS",
    "Format",
    "build_view",
    "render_html",
    "render_json",
    "render_markdown",
    "render_terminal",
    "render_text",
]
