"""The static HTML report: figures read from the analyst views, charts drawn as inline SVG.

``collect`` reads what the report needs from an open analyst copy; ``render`` is a pure
function from those figures to one self-contained HTML page (no script, no external
resource), so it reads the same offline and in any browser.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from html import escape
from pathlib import Path
from string import Template
from typing import Any

import duckdb

from pipeline.analyst import svg

TEMPLATE = Path(__file__).with_name("report.html")
ROLE_STYLE: dict[str, tuple[str, str]] = {
    "community_manager": ("Community manager", "#1b9e77"),
    "social_media_manager": ("Social media manager", "#d95f02"),
    "social_media_strategist": ("Social media strategist", "#7570b3"),
    "other": ("Other", "#9e9e9e"),
}
SKILL_TOP = 8
COMPANY_TOP = 15
MONTHS_SHOWN = 24


@dataclass(frozen=True)
class ReportData:
    """Everything the report shows, as plain rows."""

    source: str
    generated_at: datetime
    data_through: datetime | None
    model_version: str | None
    headline: dict[str, int]
    role_share: list[tuple[date, str, int, int, float]]
    skills: list[tuple[str, int, str, int, int, float]]
    mismatch: list[tuple[str, int, int, float]]
    coverage: list[tuple[Any, ...]]
    roles: list[str] = field(default_factory=lambda: list(ROLE_STYLE))


def _rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple[Any, ...]]:
    return con.execute(sql).fetchall()


def collect(con: duckdb.DuckDBPyConnection, source: str) -> ReportData:
    """Read the report's figures from the analyst views."""
    ((open_postings, open_ads, labelled_open, through),) = _rows(
        con,
        """SELECT (SELECT count(*) FROM current_postings),
                  count(*) FILTER (WHERE is_open),
                  count(*) FILTER (WHERE is_open AND label IS NOT NULL),
                  (SELECT max(last_seen) FROM postings)
           FROM distinct_ads""",
    )
    model = _rows(con, "SELECT model_version FROM model_versions WHERE is_active LIMIT 1")
    return ReportData(
        source=source,
        generated_at=datetime.now(UTC).replace(microsecond=0),
        data_through=through,
        model_version=model[0][0] if model else None,
        headline={
            "open postings": int(open_postings),
            "open distinct ads": int(open_ads),
            "open ads labelled": int(labelled_open),
            "sources": int(_rows(con, "SELECT count(*) FROM sources")[0][0]),
        },
        role_share=_rows(
            con,
            f"""SELECT posting_month, role, ads, labelled_ads, share FROM role_share_by_month
                WHERE posting_month >= (SELECT max(posting_month) FROM role_share_by_month)
                                       - INTERVAL {MONTHS_SHOWN - 1} MONTH
                ORDER BY posting_month, role""",
        ),
        skills=_rows(
            con,
            f"""SELECT role, rank, ref_id, ads, role_ads, share FROM role_skills
                WHERE kind = 'skill' AND rank <= {SKILL_TOP} ORDER BY role, rank""",
        ),
        mismatch=_rows(
            con,
            f"""SELECT coalesce(company, '(unknown)'), titled_ads, mismatched_ads, mismatch_rate
                FROM title_mismatch_by_company WHERE titled_ads > 0
                ORDER BY mismatched_ads DESC, mismatch_rate DESC, company
                LIMIT {COMPANY_TOP}""",
        ),
        coverage=_rows(
            con,
            """SELECT source_id, source_type, last_run_status, complete_runs, crawl_runs,
                      open_postings, unique_ads, distinct_ads, quarantined_records
               FROM source_coverage ORDER BY open_postings DESC, source_id""",
        ),
    )


def _role_name(role: str) -> str:
    return ROLE_STYLE.get(role, (role.replace("_", " ").capitalize(), "#444"))[0]


def _role_color(role: str) -> str:
    return ROLE_STYLE.get(role, ("", "#444"))[1]


def role_share_chart(data: ReportData) -> tuple[str, str]:
    """The stacked monthly role-share chart and its legend."""
    months = sorted({row[0] for row in data.role_share})
    roles = [r for r in data.roles if any(row[1] == r for row in data.role_share)]
    roles += sorted({row[1] for row in data.role_share} - set(roles))
    cell = {(row[0], row[1]): row for row in data.role_share}
    series = [
        svg.Series(
            _role_name(role),
            _role_color(role),
            tuple(cell[(m, role)][4] if (m, role) in cell else 0.0 for m in months),
            tuple(
                f"{cell[(m, role)][2]} of {cell[(m, role)][3]} ads" if (m, role) in cell else ""
                for m in months
            ),
        )
        for role in roles
    ]
    labels = [m.strftime("%Y-%m") for m in months]
    return svg.stacked_columns("Role share by month", labels, series), svg.legend(series)


def skill_panels(data: ReportData) -> str:
    """One bar chart of top skills per role."""
    panels = []
    for role in dict.fromkeys([*data.roles, *(r[0] for r in data.skills)]):
        rows = [r for r in data.skills if r[0] == role]
        if not rows:
            continue
        bars = [
            svg.Bar(
                ref_id,
                share,
                f"{share:.0%}",
                f"{ref_id}: {ads} of {role_ads} {_role_name(role).lower()} ads",
            )
            for _, _, ref_id, ads, role_ads, share in rows
        ]
        chart = svg.horizontal_bars(
            f"Top skills: {_role_name(role)}", bars, color=_role_color(role), max_value=1.0
        )
        panels.append(
            f"<figure class='skill-panel' data-role='{escape(role)}'>"
            f"<h3>{escape(_role_name(role))}</h3>{chart}</figure>"
        )
    return "".join(panels) or svg.empty_chart("Skills per role")


def mismatch_chart(data: ReportData) -> str:
    """Mismatch rate per company."""
    bars = [
        svg.Bar(
            company,
            rate or 0.0,
            f"{(rate or 0.0):.0%} ({mismatched}/{titled})",
            f"{company}: {mismatched} of {titled} titled ads describe another role",
        )
        for company, titled, mismatched, rate in data.mismatch
    ]
    return svg.horizontal_bars(
        "Title mismatch rate by company", bars, color="#c0392b", max_value=1.0
    )


def coverage_chart(data: ReportData) -> tuple[str, str, str]:
    """Open postings and unique ads per source, its legend, and the detail table."""
    labels = [row[0] for row in data.coverage]
    series = [
        svg.Series("open postings", "#2c7fb8", tuple(float(r[5]) for r in data.coverage)),
        svg.Series("unique ads", "#7fcdbb", tuple(float(r[6]) for r in data.coverage)),
    ]
    chart = svg.grouped_bars("Coverage by source", labels, series)
    header = (
        "<tr><th>source</th><th>type</th><th>last crawl</th><th>complete runs</th>"
        "<th>open postings</th><th>unique ads</th><th>distinct ads</th><th>quarantined</th></tr>"
    )
    body = "".join(
        f"<tr><td>{escape(str(r[0]))}</td><td>{escape(str(r[1]))}</td>"
        f"<td>{escape(str(r[2] or '-'))}</td><td class='num'>{r[3]}/{r[4]}</td>"
        f"<td class='num'>{r[5]}</td><td class='num'>{r[6]}</td><td class='num'>{r[7]}</td>"
        f"<td class='num'>{r[8]}</td></tr>"
        for r in data.coverage
    )
    return chart, svg.legend(series), f"<table>{header}{body}</table>"


def render(data: ReportData, title: str = "rolescope: social-media roles in job ads") -> str:
    """The whole report as one self-contained HTML page."""
    share, share_legend = role_share_chart(data)
    coverage, coverage_legend, coverage_table = coverage_chart(data)
    headline = "".join(
        f"<li><strong>{value:,}</strong>{escape(name)}</li>"
        for name, value in data.headline.items()
    )
    template = Template(TEMPLATE.read_text(encoding="utf-8"))
    return template.substitute(
        title=escape(title),
        generated_at=escape(data.generated_at.isoformat(sep=" ")),
        source=escape(data.source),
        data_through=escape(
            str(data.data_through.replace(microsecond=0)) if data.data_through else "-"
        ),
        model_version=escape(data.model_version or "none"),
        headline=headline,
        role_legend=share_legend,
        role_share_chart=share,
        skill_panels=skill_panels(data),
        skill_top=SKILL_TOP,
        mismatch_chart=mismatch_chart(data),
        company_top=COMPANY_TOP,
        coverage_legend=coverage_legend,
        coverage_chart=coverage,
        coverage_table=coverage_table,
    )


def write_report(con: duckdb.DuckDBPyConnection, source: str, output: Path) -> Path:
    """Collect, render and write the report to ``output``."""
    html = render(collect(con, source))
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(html, encoding="utf-8")
    return output
