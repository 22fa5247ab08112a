"""Test-only fault injection: kill this process at a named point of the nightly flow.

The crash tests (tests/reliability) run the flow in a subprocess with
``ROLESCOPE_FAULT=<point>`` (or ``<point>@<n>`` for the n-th time the point is
reached) and check that a rerun repairs everything. The variable is read once,
at import; without it a fault point costs one ``is None`` test and nothing else.

Points are named ``<stage>.<moment>``; ``FAULT_POINTS`` lists every one placed
in the code, so a test can check that it covers them all.
"""

from __future__ import annotations

import os
import signal
import sys
import threading

FAULT_ENV = "ROLESCOPE_FAULT"

FAULT_POINTS = (
    "crawl.spider_running",  # the spider subprocess runs; nothing staged yet
    "crawl.before_stage",  # the spider has exited; its .part file is not renamed yet
    "crawl.after_stage",  # the batch is staged; no crawl_runs row yet
    "load.after_record",  # crawl_runs row committed; the batch is not loaded
    "load.before_commit",  # the batch's upserts are done inside the open transaction
    "load.after_commit",  # one source's batch is committed
    "dedup.before_commit",  # cluster ids written inside the open transaction
    "classify.after_register",  # the model version is registered; nothing extracted or scored
    "extract.before_commit",  # a chunk's extractions written inside the open transaction
    "extract.after_commit",  # a chunk of extractions is committed, not its predictions
    "classify.before_commit",  # a chunk's predictions written inside the open transaction
    "publish.before_replace",  # the new analyst copy is written, not swapped in yet
    "publish.after_replace",  # the new analyst copy is in place; the run has not ended
)


def _parse(value: str | None) -> tuple[str, int] | None:
    if not value:
        return None
    name, _, nth = value.partition("@")
    return name.strip(), int(nth) if nth else 1


_ARMED = _parse(os.environ.get(FAULT_ENV))
_hits = 0
_lock = threading.Lock()


def fault_point(name: str) -> None:
    """SIGKILL this process here when ``ROLESCOPE_FAULT`` names this point (and hit count)."""
    if _ARMED is None or _ARMED[0] != name:
        return
    global _hits
    with _lock:  # crawls run in threads: count each hit once
        _hits += 1
        hit = _hits
    if hit != _ARMED[1]:
        return
    sys.stderr.write(f"rolescope fault injection: SIGKILL at {name} (hit {hit})\n")
    sys.stderr.flush()
    os.kill(os.getpid(), signal.SIGKILL)
