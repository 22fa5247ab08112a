"""One nightly run at a time: an OS file lock held for the length of the run."""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path


class RunInProgressError(RuntimeError):
    """Another nightly run holds the lock."""


@contextmanager
def exclusive_run(lock_path: Path, run_id: str) -> Iterator[None]:
    """Hold the run lock, or refuse at once naming the run that holds it.

    The kernel releases the lock when the holder exits, even on SIGKILL, so a
    crashed run never blocks the next one.
    """
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    handle = open(lock_path, "a+", encoding="utf-8")  # noqa: SIM115 - held for the block
    try:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "unknown"
            raise RunInProgressError(
                f"another rolescope run is in progress ({holder}); not starting a second one"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(
            json.dumps(
                {
                    "run_id": run_id,
                    "pid": os.getpid(),
                    "started": datetime.now(UTC).isoformat(timespec="seconds"),
                }
            )
        )
        handle.flush()
        yield
    finally:
        handle.close()
