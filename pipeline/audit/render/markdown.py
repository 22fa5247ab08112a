"""The report as Markdown (for a ticket, a wiki page or an e-mail)."""

from __future__ import annotations

import re
from typing import Any

from pipeline.audit.render.common import STATUS_MARK, source_label, split_sentence

# Characters that would turn text from the ad into Markdown syntax or HTML.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~])")


def md(text: str) -> str:
    """Text from the ad or the data, escaped so Markdown shows it as written."""
    return _MD_SPECIAL.sub(r"\\\1", re.sub(r"\s+", " ", str(text)))


def _quote_lines(item: dict[str, Any], indent: str) -> list[str]:
    lines = []
    for q in item.get("quotes", []):
        before, hit, after = split_sentence(q["sentence"], q["text"])
        lines.append(f"{indent}> {md(before)}**{md(hit)}**{md(after)} _({md(q['field_label'])})_")
    for s in item.get("sources", []):
        quote = f" — “{md(s['quote'])}”" if s.get("quote") else ""
        lines.append(f"{indent}- {md(source_label(s))}{quote}")
    return lines


def _statement(item: dict[str, Any], indent: str = "") -> list[str]:
    mark = STATUS_MARK.get(item.get("status", "info"), "·")
    lines = [f"{indent}- {mark} **{md(item['status_label'])}** — {md(item['text'])}"]
    if item.get("advice"):
        lines.append(f"{indent}  - → {md(item['advice'])}")
    lines.extend(_quote_lines(item, indent + "  "))
    return lines


def render_markdown(view: dict[str, Any]) -> str:
    """Markdown text of a report view."""
    h = view["headings"]
    out = [f"# {md(h['report'])} — {md(view['posting']['title'] or view['posting']['id'])}", ""]
    origin = h["from_option"] if view["declared"]["from_option"] else h["from_title"]
    out += [
        f"- **{md(h['declared'])}**: {md(view['declared']['detail'])} {md(origin)}",
        f"- **{md(h['predicted'])}**: {md(view['predicted']['detail'])}",
        f"- **{md(h['probabilities'])}**: "
        + ", ".join(
            f"{md(p['name'])} {md(p['percent'])}" for p in view["predicted"]["probabilities"]
        ),
        f"- **{md(h['language'])}**: {md(view['posting']['language'] or '?')}",
        "",
        f"## {md(h['verdict'])}: {md(view['verdict']['label'])}",
        "",
        *_statement(view["verdict"]["statement"]),
        "",
        f"## {md(h['fit'])}: {view['fit']['score']}/100",
        "",
        f"{md(h['factors'])}:",
        "",
    ]
    for factor in view["fit"]["factors"]:
        points = f"{factor['points']:+.1f} {md(h['points'])}"
        out.append(f"- **{points}** — {md(factor['statement']['text'])}")
        out.extend(_quote_lines(factor["statement"], "  "))
    out += ["", f"## {md(h['red_flags'])}", ""]
    for item in view["red_flags"]:
        out.extend(_statement(item))
    out += ["", f"## {md(h['missing'])}", ""]
    if not view["missing"]:
        out.append(md(h["none_found"]))
    for item in view["missing"]:
        out.append(f"- {md(item['text'])}")
        out.extend(_quote_lines(item, "  "))
    out += ["", f"## {md(h['criteria'])}", ""]
    for group in view["criteria"]:
        out.append(f"### {md(group['name'])}")
        out.append("")
        if not group["items"]:
            out.append(md(h["no_criteria"]))
        for item in group["items"]:
            out.append(f"- _{md(item['stance_label'])}_ — {md(item['text'])}")
            out.extend(_quote_lines(item, "  "))
        out.append("")
    if view["completeness"]:
        out += [f"## {md(h['completeness'])}", ""]
        for item in view["completeness"]:
            out.extend(_statement(item))
    if view["legal"]:
        out += ["", f"## {md(h['legal'])}", ""]
        for item in view["legal"]:
            out.extend(_statement(item))
    if view["notes"]:
        out += ["", f"## {md(h['notes'])}", ""]
        for item in view["notes"]:
            out.extend(_statement(item))
    versions = view["versions"]
    out += ["", f"_{md(h['model'])}: {md(versions['model'])} / {md(versions['extractor'])}_", ""]
    return "\n".join(out)
