"""Where rolescope keeps its files and what it crawls, from defaults, environment and flags."""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path

DEFAULT_SCHEDULE = "0 2 * * *"
BUNDLED_SOURCES = Path(__file__).parent / "sources.default.yaml"
# DuckDB's buffer memory on the read-write warehouse (loads, dedup reads, publish): past it,
# joins, sorts and copies spill to the temporary directory instead of growing the process.
DUCKDB_MEMORY_LIMIT_ENV = "ROLESCOPE_DUCKDB_MEMORY_LIMIT"
DEFAULT_DUCKDB_MEMORY_LIMIT = "1.5GB"
DUCKDB_TEMP_DIR = "duckdb-tmp"


@dataclass(frozen=True)
class Settings:
    """Paths and knobs of one rolescope installation."""

    home: Path
    sources_file: Path
    schedule: str = DEFAULT_SCHEDULE
    timezone: str | None = None
    lock_retries: int = 5
    lock_backoff_s: float = 1.0
    crawl_timeout_s: float = 3600.0

    @property
    def warehouse_path(self) -> Path:
        """The read-write warehouse; only the flow opens it."""
        return self.home / "rolescope.duckdb"

    @property
    def analyst_path(self) -> Path:
        """The published read-only copy analysts open."""
        return self.home / "rolescope-analyst.duckdb"

    @property
    def staging_dir(self) -> Path:
        """Per-run staged JSONL files."""
        return self.home / "staging"

    @property
    def run_lock_path(self) -> Path:
        """Held for the length of a nightly run, so two never overlap."""
        return self.home / "nightly.lock"

    @property
    def models_dir(self) -> Path:
        """Models trained locally by `rolescope train`."""
        return self.home / "models"

    def with_overrides(self, **changes: object) -> Settings:
        """A copy with the given fields replaced, ignoring ``None`` values."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})  # type: ignore[arg-type]


def load_settings() -> Settings:
    """Settings from the environment (ROLESCOPE_*), falling back to defaults."""
    home = Path(os.environ.get("ROLESCOPE_HOME", "var")).resolve()
    sources = Path(os.environ.get("ROLESCOPE_SOURCES", str(BUNDLED_SOURCES)))
    return Settings(
        home=home,
        sources_file=sources,
        schedule=os.environ.get("ROLESCOPE_SCHEDULE", DEFAULT_SCHEDULE),
        timezone=os.environ.get("ROLESCOPE_TIMEZONE") or None,
    )


def duckdb_config(home: Path) -> dict[str, str]:
    """DuckDB settings of the read-write warehouse in ``home``: ``memory_limit`` (default
    1.5GB, ``ROLESCOPE_DUCKDB_MEMORY_LIMIT`` overrides) and a ``temp_directory`` under
    ``home`` to spill to."""
    limit = os.environ.get(DUCKDB_MEMORY_LIMIT_ENV) or DEFAULT_DUCKDB_MEMORY_LIMIT
    return {"memory_limit": limit, "temp_directory": str(home / DUCKDB_TEMP_DIR)}
