"""rolescope's pipeline: the Prefect flow, its stages, the warehouse layer and the CLI."""

import os

# Prefect reads its settings when first imported, and every flow import goes
# through this package first. No internet here, and its telemetry write races
# the first migrations of a fresh local database ("database is locked"); a
# 2-core machine under load can need more than the default 20 s to start the
# ephemeral API. Explicit environment values still win.
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
