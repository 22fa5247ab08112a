"""Run the real nightly flow once in this process and print its summary (crash-test subprocess).

Usage: ``python -m tests.reliability.flow_driver --home DIR --sources FILE [--model FILE]``.
``ROLESCOPE_FAULT`` in the environment arms a fault point (pipeline/faults.py);
``PREFECT_API_URL`` points the flow at the test session's Prefect server.
``--model`` pins the "shipped" classifier to a copy taken at the start of the test
session, so a model rebuilt meanwhile in the working tree cannot change the result.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

SUMMARY_MARKER = "ROLESCOPE-SUMMARY "


def _pin_model(artifact: Path) -> None:
    import models.classifier

    models.classifier.SHIPPED_ARTIFACT = artifact
    stage = sys.modules.get("pipeline.stages.classify")
    if stage is not None and hasattr(stage, "SHIPPED_ARTIFACT"):
        stage.SHIPPED_ARTIFACT = artifact


def main(argv: list[str] | None = None) -> int:
    """Run the flow; print its summary on one marker line."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--home", required=True)
    parser.add_argument("--sources", required=True)
    parser.add_argument("--model", type=Path)
    args = parser.parse_args(argv)
    import pipeline.stages.classify  # noqa: F401 - imported first so the pin reaches it
    from pipeline.flows import nightly

    if args.model is not None:
        _pin_model(args.model)
    summary = nightly(home=args.home, sources_file=args.sources)
    print(SUMMARY_MARKER + json.dumps(summary, default=str), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
