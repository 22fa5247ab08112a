"""``rolescope extract``: reads JSONL, writes mention lines, prints counts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from pipeline.commands.extract import read_postings, register

DEV = Path(__file__).resolve().parents[3] / "shared" / "data" / "dev.jsonl"


@pytest.fixture(scope="module")
def app() -> typer.Typer:
    app = typer.Typer()
    register(app)

    @app.command("noop")
    def noop() -> None:  # a second command keeps Typer in multi-command mode
        """Nothing."""

    return app


def _write(path: Path, rows: list[object]) -> Path:
    lines = [row if isinstance(row, str) else json.dumps(row, ensure_ascii=False) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_read_postings_skips_bad_lines(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "in.jsonl",
        [
            {"id": "a", "title": "CM", "description": "x", "language": "fr"},
            "{not json",
            {"title": "no id"},
            [1, 2],
            {"id": 7, "title": None, "description": None},
        ],
    )
    problems: list[str] = []
    postings = list(read_postings(path, problems))
    assert [(p.posting_id, p.language, p.title) for p in postings] == [
        ("a", "fr", "CM"),
        ("7", None, ""),
    ]
    assert len(problems) == 3 and problems[0].startswith("line 2: invalid JSON")


def test_extract_command_writes_mentions_and_reports_counts(
    app: typer.Typer, tmp_path: Path
) -> None:
    source = _write(
        tmp_path / "in.jsonl",
        [
            {
                "id": "p1",
                "title": "Community Manager",
                "description": (
                    "Vous animez nos réseaux sociaux et répondez aux commentaires sur Instagram."
                ),
            },
            {"id": "p2", "title": "Social Media Manager", "description": ""},
            "oops",
        ],
    )
    output = tmp_path / "mentions.jsonl"
    result = CliRunner().invoke(
        app, ["extract", "--input", str(source), "--output", str(output)], env={"COLUMNS": "200"}
    )
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in output.read_text(encoding="utf-8").splitlines()]
    assert {row["posting_id"] for row in rows} == {"p1"}
    assert {"cm.animates_community", "cm.answers_messages", "instagram"} <= {
        r["ref_id"] for r in rows
    }
    for row in rows:
        assert set(row) >= {
            "kind",
            "family",
            "field",
            "start",
            "end",
            "text",
            "sentence",
            "extractor_version",
        }
    assert "Mentions per family" in result.output
    assert "cm.animates_community" in result.output
    assert "empty" in result.output


def test_missing_input_exits_with_an_error(app: typer.Typer, tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["extract", "--input", str(tmp_path / "nope.jsonl")])
    assert result.exit_code == 2


@pytest.mark.eval
@pytest.mark.skipif(not DEV.is_file(), reason="../shared/data/dev.jsonl is not available")
def test_runs_on_the_dev_set(app: typer.Typer, tmp_path: Path) -> None:
    output = tmp_path / "dev_mentions.jsonl"
    result = CliRunner().invoke(
        app,
        ["extract", "--input", str(DEV), "--output", str(output), "--top", "500"],
        env={"COLUMNS": "200"},
    )
    assert result.exit_code == 0, result.output
    assert "155 postings" in result.output
    rows = [json.loads(line) for line in output.read_text(encoding="utf-8").splitlines()]
    assert len({row["posting_id"] for row in rows}) > 100
