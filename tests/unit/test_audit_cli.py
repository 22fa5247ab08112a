"""`rolescope audit` on files and standard input, in every format, and its error messages."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from pipeline.audit.runner import ModelUnavailableError, shared_auditor
from pipeline.cli import app

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "audit"
runner = CliRunner()


@pytest.fixture(scope="module")
def model_args() -> list[str]:
    """``--model`` when ROLESCOPE_AUDIT_MODEL names one; skip when no model can load."""
    model = os.environ.get("ROLESCOPE_AUDIT_MODEL")
    try:
        shared_auditor(Path(model) if model else None).warm_up()
    except ModelUnavailableError as exc:
        pytest.skip(f"models unavailable: {exc}")
    return ["--model", model] if model else []


@pytest.fixture
def ad_file(tmp_path: Path) -> Path:
    posting = yaml.safe_load((FIXTURES / "fr_title_cm_reads_smm.yaml").read_text("utf-8"))
    path = tmp_path / "my_ad.txt"
    path.write_text(posting["text"], encoding="utf-8")
    return path


def test_audit_a_file_with_a_declared_title(
    ad_file: Path, model_args: list[str], tmp_path: Path
) -> None:
    result = runner.invoke(
        app,
        [
            "audit",
            str(ad_file),
            "--title",
            "Community Manager",
            "--home",
            str(tmp_path),
            *model_args,
        ],
        terminal_width=110,
    )
    assert result.exit_code == 0, result.output
    assert "Verdict: L'annonce décrit un autre poste" in result.output
    assert "Critères attendus pour le poste annoncé mais absents" in result.output


def test_audit_stdin_as_json_in_english(ad_file: Path, model_args: list[str]) -> None:
    result = runner.invoke(
        app,
        [
            "audit",
            "-",
            "--title",
            "Community Manager",
            "--format",
            "json",
            "--lang",
            "en",
            *model_args,
        ],
        input=ad_file.read_bytes(),
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["language"] == "en"
    assert data["posting"]["language"] == "fr"
    assert data["declared"]["role"] == "community_manager"
    assert data["verdict"]["id"] == "reads_as_other_role"
    assert data["verdict"]["label"] == "The ad reads as another role"


@pytest.mark.parametrize(
    ("fmt", "marker"), [("markdown", "# Audit de l"), ("html", "<!DOCTYPE html>")]
)
def test_audit_to_a_file(
    ad_file: Path, model_args: list[str], tmp_path: Path, fmt: str, marker: str
) -> None:
    out = tmp_path / f"report.{fmt}"
    result = runner.invoke(
        app,
        ["audit", str(ad_file), "--format", fmt, "--output", str(out), *model_args],
    )
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").startswith(marker)


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["audit"], 2, "Give exactly one ad"),
        (["audit", "a.txt", "--url", "https://example.org/x"], 2, "Give exactly one ad"),
        (["audit", "a.txt", "--format", "pdf"], 2, "--format must be one of"),
        (["audit", "a.txt", "--lang", "de"], 2, "--lang must be fr or en"),
        (["audit", "missing.txt"], 1, "Cannot read missing.txt"),
        (["audit", "--url", "ftp://example.org/ad.txt"], 1, "Only http:// and https://"),
    ],
)
def test_usage_errors_are_explained(
    args: list[str], code: int, message: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, args)
    assert result.exit_code == code
    assert message in " ".join(result.output.split())


def test_binary_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "photo.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 10)
    result = runner.invoke(app, ["audit", str(path)])
    assert result.exit_code == 1
    assert "This is not text" in result.output


def test_missing_model_is_explained(ad_file: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["audit", str(ad_file), "--model", str(tmp_path / "none.skops")])
    assert result.exit_code == 3
    assert "Cannot audit: no role classifier available" in " ".join(result.output.split())
