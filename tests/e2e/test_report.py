"""`rolescope report` renders in headless Chromium with its four charts drawn, offline.

Needs Debian's ``chromium`` (skipped, saying so, when it is not installed). The page is
loaded from a copy with a probe script appended, which reports what the browser actually
laid out (drawn bars per chart, their sizes) and every resource it fetched.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from tests.fixtures.warehouse import FixtureWarehouse, build

pytestmark = [pytest.mark.e2e]

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
PROBE = """
<script>
window.addEventListener('load', () => {
  const charts = {};
  for (const id of ['chart-role-share', 'chart-skills', 'chart-mismatch', 'chart-coverage']) {
    const root = document.getElementById(id);
    const bars = root ? [...root.querySelectorAll('svg rect.bar')] : [];
    charts[id] = {
      svgs: root ? root.querySelectorAll('svg').length : 0,
      drawn: bars.filter(b => { const r = b.getBoundingClientRect();
                                return r.width > 0 && r.height > 0; }).length,
      svgWidth: root && root.querySelector('svg')
        ? root.querySelector('svg').getBoundingClientRect().width : 0,
    };
  }
  const out = document.createElement('pre');
  out.id = 'probe';
  out.textContent = JSON.stringify({
    charts, resources: performance.getEntriesByType('resource').map(e => e.name)});
  document.body.appendChild(out);
});
</script>
"""


class _Probe(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.inside = False
        self.text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.inside = tag == "pre" and ("id", "probe") in attrs

    def handle_data(self, data: str) -> None:
        if self.inside:
            self.text += data


@pytest.fixture(scope="module")
def fixture(tmp_path_factory: pytest.TempPathFactory) -> FixtureWarehouse:
    return build(tmp_path_factory.mktemp("fixture-report"))


@pytest.fixture(scope="module")
def report(fixture: FixtureWarehouse, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report") / "report.html"
    result = CliRunner().invoke(
        app, ["report", "--output", str(out), "--analyst", str(fixture.analyst_path)]
    )
    assert result.exit_code == 0, result.output
    return out


def _render(page: Path, tmp_path: Path) -> dict[str, Any]:
    if CHROMIUM is None:
        pytest.skip("chromium not installed (CI installs it: apt-get install -y chromium)")
    probed = tmp_path / "probed.html"
    html = page.read_text(encoding="utf-8")
    probed.write_text(html.replace("</body>", PROBE + "</body>"), encoding="utf-8")
    done = subprocess.run(
        [
            CHROMIUM,
            *FLAGS,
            f"--user-data-dir={tmp_path / 'profile'}",
            "--window-size=1200,900",
            "--dump-dom",
            probed.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    parser = _Probe()
    parser.feed(done.stdout)
    assert parser.text, done.stderr[-2000:]
    result: dict[str, Any] = json.loads(parser.text)
    return result


def test_report_renders_its_four_charts_in_chromium(report: Path, tmp_path: Path) -> None:
    probe = _render(report, tmp_path)
    charts = probe["charts"]
    # role share: 4 months, one drawn segment per role present in the month (1 + 2 + 3 + 4)
    assert charts["chart-role-share"]["svgs"] == 1 and charts["chart-role-share"]["drawn"] == 10
    # skills: one panel per role, bars = skills of rank <= 8 (2 + 1 + 2 + 2)
    assert charts["chart-skills"]["svgs"] == 4 and charts["chart-skills"]["drawn"] == 7
    # mismatch: the five companies whose titles name a role
    assert charts["chart-mismatch"]["svgs"] == 1 and charts["chart-mismatch"]["drawn"] == 5
    # coverage: open postings and unique ads for three sources
    assert charts["chart-coverage"]["svgs"] == 1 and charts["chart-coverage"]["drawn"] == 6
    assert all(chart["svgWidth"] > 100 for chart in charts.values())
    assert probe["resources"] == []  # nothing fetched: readable offline


def test_report_is_self_contained(report: Path) -> None:
    html = report.read_text(encoding="utf-8")
    assert "<script" not in html
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", html)
    assert not re.search(r"url\(\s*['\"]?(?:https?:)?//", html)
    assert "Agence Nova" in html and "67% (2/3)" in html
