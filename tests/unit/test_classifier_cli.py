"""rolescope classify / eval / label on small inputs (shipped model, offline)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from models.types import ROLES
from pipeline.cli import app

runner = CliRunner()

LINES = [
    {
        "id": "ok-1",
        "title": "Community Manager",
        "description": "Vos missions\n- Publier sur Instagram et répondre aux commentaires\n"
        "- Animer la communauté au quotidien",
        "language": "fr",
        "label": "community_manager",
    },
    {
        "id": 2,
        "title": "Comptable",
        "description": "Tenue de la comptabilité générale, rapprochements bancaires, paie.",
        "label": "other",
    },
    "not json at all",
    {"id": "no-description", "title": "Community Manager"},
    {"title": "no id", "description": "x"},
    [1, 2, 3],
]


def _write_jsonl(path: Path) -> Path:
    with path.open("w", encoding="utf-8") as handle:
        for line in LINES:
            handle.write((line if isinstance(line, str) else json.dumps(line)) + "\n")
    return path


def test_classify_writes_one_line_per_input_and_errors_for_bad_lines(tmp_path: Path) -> None:
    src = _write_jsonl(tmp_path / "in.jsonl")
    out = tmp_path / "out.jsonl"
    result = runner.invoke(app, ["classify", "--input", str(src), "--output", str(out)])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(records) == len(LINES)
    good = [r for r in records if "error" not in r]
    bad = [r for r in records if "error" in r]
    assert [r["id"] for r in good] == ["ok-1", "2"]
    for r in good:
        assert set(r["probabilities"]) == set(ROLES)
        assert sum(r["probabilities"].values()) == pytest.approx(1.0, abs=1e-4)
        assert r["label"] in ROLES and r["title_label"] in ROLES
        assert isinstance(r["criteria"], list) and isinstance(r["low_confidence"], bool)
    assert good[1]["label"] == "other"
    reasons = " ".join(r["error"] for r in bad)
    assert "invalid JSON" in reasons and "'description' must be a string" in reasons
    assert "'id'" in reasons and "JSON object" in reasons


def test_eval_prints_model_and_baseline(tmp_path: Path) -> None:
    src = _write_jsonl(tmp_path / "gold.jsonl")
    report = tmp_path / "r.json"
    result = runner.invoke(app, ["eval", "--data", str(src), "--json", str(report)])
    assert result.exit_code == 0, result.output
    assert "title-keyword baseline" in result.output
    figures = json.loads(report.read_text())
    assert figures["model"]["n"] == 2 and figures["baseline"]["n"] == 2
    assert len(figures["errors"]) == 4
    # How far the figures could move with another sample of ads, and the log-loss.
    assert "bootstrap intervals" in " ".join(result.output.split())
    low, high = figures["bootstrap"]["difference"]
    assert low <= figures["model"]["macro_f1"] - figures["baseline"]["macro_f1"] <= high
    assert figures["log_loss"] >= 0


def test_eval_on_a_missing_file_exits_cleanly(tmp_path: Path) -> None:
    result = runner.invoke(app, ["eval", "--data", str(tmp_path / "absent.jsonl")])
    assert result.exit_code == 0
    # rich wraps long paths at the terminal width: compare with whitespace folded
    assert "not found, nothing to evaluate" in " ".join(result.output.split())


def test_label_validates_and_records(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from datetime import datetime

    from pipeline.warehouse import open_warehouse
    from tests.helpers import load_complete_crawl, make_posting

    monkeypatch.setenv("ROLESCOPE_HOME", str(tmp_path))
    bad = runner.invoke(app, ["label", "x", "astronaut"])
    assert bad.exit_code == 2 and "unknown label" in bad.output
    missing = runner.invoke(app, ["label", "nope", "other"])
    assert missing.exit_code == 1
    with open_warehouse(tmp_path / "rolescope.duckdb") as store:
        load_complete_crawl(store, "r1", "test", [make_posting("p1")], datetime(2026, 11, 1))
        posting_id = store.query("SELECT posting_id FROM postings")[0][0]
    ok = runner.invoke(app, ["label", posting_id, "social_media_manager", "--by", "ana"])
    assert ok.exit_code == 0, ok.output
    with open_warehouse(tmp_path / "rolescope.duckdb") as store:
        ((posting, label),) = store.labelled_postings()
    assert label == "social_media_manager" and posting.posting_id == posting_id
