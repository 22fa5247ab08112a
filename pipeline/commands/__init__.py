"""Command modules of the CLI; each exposes ``register(app)``."""

from __future__ import annotations

import importlib

import typer

# One entry per command module under pipeline/commands/.
COMMAND_MODULES: tuple[str, ...] = (
    "run",
    "audit",
    "web",
    "sql",
    "export",
    "report",
    "classify",
    "extract",
)


def register_all(app: typer.Typer) -> None:
    """Register every command module's commands on the Typer app."""
    for name in COMMAND_MODULES:
        importlib.import_module(f"pipeline.commands.{name}").register(app)
