"""Reading staged batches and rendering the run summary."""

from __future__ import annotations

from pathlib import Path

from pipeline.stages.load import read_staged
from pipeline.stages.summary import RunSummary, SourceSummary, to_markdown, to_tables
from spiders.items import QuarantineRecord, to_staged_line
from tests.helpers import make_posting


def test_read_staged_splits_postings_and_quarantine_and_survives_garbage(tmp_path: Path) -> None:
    path = tmp_path / "s.jsonl"
    lines = [
        to_staged_line(make_posting("a", source="s")),
        to_staged_line(QuarantineRecord(source="s", url="https://x", reason="broken JSON-LD")),
        '{"kind": "posting", "record": {"title": ""}}',
        "not json at all",
        "",
        to_staged_line(make_posting("b", source="s")),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    batch = read_staged(path, "s")
    assert [p.external_id for p in batch.postings] == ["a", "b"]
    reasons = [q.reason for q in batch.quarantined]
    assert reasons[0] == "broken JSON-LD"
    assert reasons[1].startswith("staged line 3 unreadable")
    assert reasons[2].startswith("staged line 4 unreadable")


def test_summary_renders_every_source_and_role() -> None:
    summary = RunSummary(
        run_id="r1",
        sources=[
            SourceSummary("demo-careers", "complete", scraped=80, new=80, quarantined=1),
            SourceSummary("feed", "failed", message="timeout"),
        ],
        extracted=80,
        classified=80,
        model_version="m1",
        clusters_changed=80,
        role_counts={"community_manager": 20, "other": 30},
        warehouse_path="/w",
        analyst_path="/a",
    )
    markdown = to_markdown(summary)
    assert "| demo-careers | complete | 80 | 80 | 0 | 0 | 0 | 1 |" in markdown
    assert "| social_media_strategist | 0 |" in markdown
    assert not summary.ok
    assert len(to_tables(summary)) == 2
