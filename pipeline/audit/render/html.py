"""The report as HTML: one self-contained page (inline CSS, no outside resource).

Jinja2 with autoescaping on: everything from the ad or the data is escaped.
The web page reuses :func:`render_fragment` so the two show the same report.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from pipeline.audit.render.common import STATUS_MARK, source_label, split_sentence

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


@lru_cache(maxsize=1)
def environment() -> Environment:
    """The Jinja2 environment of the audit templates (autoescape always on)."""
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(
        split_sentence=split_sentence, source_label=source_label, status_mark=STATUS_MARK
    )
    return env


def render_fragment(view: dict[str, Any], env: Environment | None = None) -> Markup:
    """The report as an HTML fragment (a ``<section>``), already escaped."""
    template = (env or environment()).get_template("report.html.j2")
    return Markup(template.render(view=view, h=view["headings"]))


def render_html(view: dict[str, Any]) -> str:
    """The report as a complete HTML page."""
    return (
        environment()
        .get_template("page.html.j2")
        .render(
            lang=view["language"],
            page_title=f"{view['headings']['report']}: {view['posting']['title']}",
            body=render_fragment(view),
            form=None,
            error=None,
        )
    )
