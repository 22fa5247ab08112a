"""Inline SVG charts for the static report: pure functions from numbers to markup.

No script, no external font or stylesheet: each chart is a self-contained ``<svg>`` whose
bars carry a ``<title>`` (the browser's tooltip) with the exact figures.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

FONT = "font-family='system-ui, sans-serif' font-size='12'"


@dataclass(frozen=True)
class Series:
    """One coloured series of a chart."""

    name: str
    color: str
    values: tuple[float, ...]
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Bar:
    """One labelled horizontal bar."""

    label: str
    value: float
    text: str
    tooltip: str


def _svg(width: int, height: int, title: str, body: list[str]) -> str:
    return (
        f"<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 {width} {height}' "
        f"width='{width}' height='{height}' role='img' {FONT} "
        "style='max-width:100%;height:auto'>"
        f"<title>{escape(title)}</title>" + "".join(body) + "</svg>"
    )


def empty_chart(title: str, message: str = "No data yet", width: int = 640) -> str:
    """A placeholder chart saying there is nothing to draw."""
    return _svg(
        width,
        60,
        title,
        [
            f"<text x='{width // 2}' y='34' text-anchor='middle' fill='#666'>"
            f"{escape(message)}</text>"
        ],
    )


def legend(series: Sequence[Series]) -> str:
    """An HTML legend (swatch + name) for a chart's series."""
    items = "".join(
        f"<li><span class='swatch' style='background:{s.color}'></span>{escape(s.name)}</li>"
        for s in series
    )
    return f"<ul class='legend'>{items}</ul>"


def stacked_columns(
    title: str,
    categories: Sequence[str],
    series: Sequence[Series],
    *,
    height: int = 260,
    column_width: int = 28,
) -> str:
    """Columns stacked to 100 % (shares 0..1), one per category, one layer per series."""
    if not categories:
        return empty_chart(title)
    left, top, bottom = 44, 10, 60
    gap = max(6, column_width // 3)
    plot_h = height - top - bottom
    width = left + len(categories) * (column_width + gap) + gap
    body = []
    for tick in (0, 0.25, 0.5, 0.75, 1.0):
        y = top + plot_h * (1 - tick)
        body.append(
            f"<line x1='{left}' x2='{width}' y1='{y:.1f}' y2='{y:.1f}' stroke='#ddd'/>"
            f"<text x='{left - 6}' y='{y + 4:.1f}' text-anchor='end' fill='#555'>"
            f"{tick:.0%}</text>"
        )
    for i, category in enumerate(categories):
        x = left + gap + i * (column_width + gap)
        base = 0.0
        for s in series:
            share = s.values[i]
            if share > 0:
                y = top + plot_h * (1 - base - share)
                note = f" ({s.notes[i]})" if s.notes else ""
                body.append(
                    f"<rect class='bar' x='{x}' y='{y:.2f}' width='{column_width}' "
                    f"height='{plot_h * share:.2f}' fill='{s.color}' data-value='{share:.4f}'>"
                    f"<title>{escape(category)}: {escape(s.name)} {share:.1%}{escape(note)}"
                    "</title></rect>"
                )
            base += share
        body.append(
            f"<text x='{x + column_width / 2:.1f}' y='{height - bottom + 14}' "
            f"text-anchor='end' fill='#333' transform='rotate(-45 {x + column_width / 2:.1f} "
            f"{height - bottom + 14})'>{escape(category)}</text>"
        )
    return _svg(width, height, title, body)


def horizontal_bars(
    title: str,
    bars: Sequence[Bar],
    *,
    color: str,
    max_value: float | None = None,
    label_width: int = 180,
    bar_area: int = 320,
    row_height: int = 22,
) -> str:
    """One horizontal bar per item, longest = ``max_value``, with the figure at its end."""
    if not bars:
        return empty_chart(title, width=label_width + bar_area + 80)
    top = max(max_value or 0.0, *(b.value for b in bars)) or 1.0
    width = label_width + bar_area + 80
    height = len(bars) * row_height + 8
    body = []
    for i, bar in enumerate(bars):
        y = 4 + i * row_height
        length = bar_area * bar.value / top
        label = bar.label if len(bar.label) <= 28 else bar.label[:27] + "…"
        body.append(
            f"<text x='{label_width - 8}' y='{y + 15}' text-anchor='end' fill='#333'>"
            f"{escape(label)}</text>"
            f"<rect class='bar' x='{label_width}' y='{y + 3}' width='{max(length, 1):.2f}' "
            f"height='{row_height - 6}' fill='{color}' data-value='{bar.value:.4f}'>"
            f"<title>{escape(bar.tooltip)}</title></rect>"
            f"<text x='{label_width + length + 6:.2f}' y='{y + 15}' fill='#333'>"
            f"{escape(bar.text)}</text>"
        )
    return _svg(width, height, title, body)


def grouped_bars(
    title: str,
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    label_width: int = 180,
    bar_area: int = 320,
    bar_height: int = 12,
) -> str:
    """For each label, one thin horizontal bar per series, on a common scale."""
    if not labels:
        return empty_chart(title, width=label_width + bar_area + 80)
    top = max((v for s in series for v in s.values), default=0.0) or 1.0
    group = bar_height * len(series) + 10
    width = label_width + bar_area + 80
    height = len(labels) * group + 8
    body = []
    for i, label in enumerate(labels):
        y0 = 4 + i * group
        body.append(
            f"<text x='{label_width - 8}' y='{y0 + group / 2 + 2:.1f}' text-anchor='end' "
            f"fill='#333'>{escape(label)}</text>"
        )
        for j, s in enumerate(series):
            value = s.values[i]
            y = y0 + j * bar_height
            length = bar_area * value / top
            body.append(
                f"<rect class='bar' x='{label_width}' y='{y}' width='{max(length, 1):.2f}' "
                f"height='{bar_height - 2}' fill='{s.color}' data-value='{value:g}'>"
                f"<title>{escape(label)}: {escape(s.name)} {value:g}</title></rect>"
                f"<text x='{label_width + length + 6:.2f}' y='{y + bar_height - 3}' "
                f"font-size='10' fill='#333'>{value:g}</text>"
            )
    return _svg(width, height, title, body)
