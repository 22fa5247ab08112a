"""The report in a terminal, with rich. Text from the ad is never read as rich markup."""

from __future__ import annotations

import io
from typing import Any

from rich.console import Console, Group, RenderableType
from rich.padding import Padding
from rich.panel import Panel
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from pipeline.audit.render.common import STATUS_MARK, source_label, split_sentence

STYLE = {"ok": "green", "warn": "yellow", "fail": "bold red", "info": "cyan"}


def _nb(text: str) -> str:
    """Percentages glued to their sign: a terminal wraps at any space, even a narrow one."""
    return text.replace("\u202f%", "%")


# Without colours (a file, a pipe) the quoted words are marked with these.
PLAIN_MARKS = ("⟨", "⟩")


def _evidence(item: dict[str, Any], plain: bool = False) -> list[RenderableType]:
    out: list[RenderableType] = []
    for q in item.get("quotes", []):
        before, hit, after = split_sentence(q["sentence"], q["text"])
        line = Text("  “", style="dim")
        line.append(before)
        if plain and (before or after):
            hit = PLAIN_MARKS[0] + hit + PLAIN_MARKS[1]
        line.append(hit, style="bold reverse")
        line.append(after)
        line.append("”", style="dim")
        line.append(f" ({q['field_label']})", style="dim")
        out.append(line)
    for s in item.get("sources", []):
        line = Text("  ↳ " + source_label(s), style="blue")
        if s.get("quote"):
            line.append(" — “" + s["quote"] + "”", style="dim italic")
        out.append(line)
    return out


def _statement(item: dict[str, Any], plain: bool = False) -> Group:
    status = item.get("status", "info")
    head = Text()
    head.append(f"{STATUS_MARK.get(status, '·')} {item['status_label']}", style=STYLE[status])
    head.append("  ")
    head.append(_nb(item["text"]))
    parts: list[RenderableType] = [head]
    if item.get("advice"):
        parts.append(Text("  → " + item["advice"], style="italic"))
    parts.extend(_evidence(item, plain))
    return Group(*parts)


def _section(title: str) -> Rule:
    return Rule(Text(title, style="bold"), align="left")


def render_terminal(view: dict[str, Any], console: Console) -> None:
    """Print a report view on a rich console."""
    plain = console.no_color or console.color_system is None
    h = view["headings"]
    summary = Table.grid(padding=(0, 2))
    summary.add_column(style="bold")
    summary.add_column()
    origin = h["from_option"] if view["declared"]["from_option"] else h["from_title"]
    summary.add_row(h["posting"], Text(view["posting"]["title"] or view["posting"]["id"]))
    summary.add_row(h["declared"], Text(f"{view['declared']['detail']} {origin}"))
    summary.add_row(h["predicted"], Text(view["predicted"]["detail"]))
    summary.add_row(
        h["probabilities"],
        Text(
            ", ".join(
                f"{p['name']} {_nb(p['percent'])}" for p in view["predicted"]["probabilities"]
            )
        ),
    )
    summary.add_row(h["language"], Text(view["posting"]["language"] or "?"))
    console.print(Panel(summary, title=Text(h["report"], style="bold"), expand=True))

    verdict = view["verdict"]
    status = verdict["statement"]["status"]
    console.print(
        Panel(
            _statement(verdict["statement"], plain),
            title=Text(f"{h['verdict']}: {verdict['label']}", style=STYLE[status]),
            border_style=STYLE[status],
        )
    )

    console.print(_section(f"{h['fit']}: {view['fit']['score']}/100"))
    console.print(Text(h["factors"], style="dim"))
    for factor in view["fit"]["factors"]:
        line = Text(f"{factor['points']:+6.1f} {h['points']}  ", style="bold")
        line.append(_nb(factor["statement"]["text"]))
        console.print(line)
        for part in _evidence(factor["statement"], plain):
            console.print(Padding(part, (0, 0, 0, 4)))

    console.print(_section(h["red_flags"]))
    for item in view["red_flags"]:
        console.print(_statement(item, plain))

    console.print(_section(h["missing"]))
    if not view["missing"]:
        console.print(Text(h["none_found"]))
    for item in view["missing"]:
        console.print(Text("• " + item["text"]))
        for part in _evidence(item, plain):
            console.print(part)

    console.print(_section(h["criteria"]))
    for group in view["criteria"]:
        console.print(Text(group["name"], style="bold underline"))
        if not group["items"]:
            console.print(Text("  " + h["no_criteria"], style="dim"))
        for item in group["items"]:
            line = Text(f"  {item['stance_label']}: ", style="dim")
            line.append(item["text"])
            console.print(line)
            for part in _evidence(item, plain):
                console.print(Padding(part, (0, 0, 0, 2)))

    if view["completeness"]:
        console.print(_section(h["completeness"]))
        for item in view["completeness"]:
            console.print(_statement(item, plain))
    if view["legal"]:
        console.print(_section(h["legal"]))
        for item in view["legal"]:
            console.print(_statement(item, plain))
    if view["notes"]:
        console.print(_section(h["notes"]))
        for item in view["notes"]:
            console.print(_statement(item, plain))
    versions = view["versions"]
    console.print(Text(f"{h['model']}: {versions['model']} / {versions['extractor']}", style="dim"))


def render_terminal_text(view: dict[str, Any], width: int = 100) -> str:
    """The terminal rendering as plain text (no colours), for files and tests."""
    buffer = io.StringIO()
    console = Console(file=buffer, width=width, color_system=None, force_terminal=False)
    render_terminal(view, console)
    return buffer.getvalue()
