"""`rolescope serve` builds a cron-scheduled deployment that never runs twice at once."""

from __future__ import annotations

import typer
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.commands.run import build_deployment
from pipeline.config import DEFAULT_SCHEDULE


def test_deployment_has_the_cron_schedule_and_a_concurrency_limit_of_one() -> None:
    deployment = build_deployment("30 3 * * 1-5", "Europe/Paris", {"home": "/srv/rolescope"})
    [schedule] = deployment.schedules
    assert schedule.schedule.cron == "30 3 * * 1-5"
    assert schedule.schedule.timezone == "Europe/Paris"
    limit = deployment.concurrency_limit
    assert getattr(limit, "limit", limit) == 1
    assert deployment.concurrency_options.collision_strategy.value == "CANCEL_NEW"
    assert deployment.parameters == {"home": "/srv/rolescope"}
    assert deployment.name == "nightly"


def test_default_schedule_is_two_in_the_morning() -> None:
    assert DEFAULT_SCHEDULE == "0 2 * * *"


def test_every_command_has_help() -> None:
    runner = CliRunner()
    assert runner.invoke(app, ["--help"]).exit_code == 0
    commands = sorted(typer.main.get_command(app).commands)  # type: ignore[attr-defined]
    assert {"run", "serve"} <= set(commands)
    for command in commands:
        sub = runner.invoke(app, [command, "--help"])
        assert sub.exit_code == 0, (command, sub.output)
        assert "Usage" in sub.output
