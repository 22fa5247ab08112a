"""The ``rolescope`` command line."""

from __future__ import annotations

import typer

app = typer.Typer(
    name="rolescope",
    help="Find job ads for social-media roles, read them, and say which role each describes.",
    no_args_is_help=True,
    add_completion=False,
)

# Each command module registers its commands on ``app``.
from pipeline.commands import register_all  # noqa: E402

register_all(app)


if __name__ == "__main__":
    app()
