"""One nightly run at a time: an OS file lock held for the length of the run.

The lock file also says who holds it (run id, pid, start, the Prefect flow run) and, once
the holder lets go, that it finished. A holder that was killed never says so: the next
holder finds its record unfinished and lists it in ``RunLock.interrupted`` (carried from
holder to holder until a run settles it, see ``RunLock.settle``).
"""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any


class RunInProgressError(RuntimeError):
    """Another nightly run holds the lock."""


# what a killed holder's record keeps in the next holders' ``interrupted`` list
_IDENTITY = ("run_id", "pid", "started", "flow_run_id")


@dataclass
class RunLock:
    """The lock held by this run: its record in the lock file, and the earlier runs that
    were killed while holding it and that no run has settled yet."""

    handle: IO[str]
    record: dict[str, Any]
    interrupted: list[dict[str, Any]] = field(default_factory=list)

    def settle(self, run_ids: set[str]) -> None:
        """Drop these interrupted runs from the record (they have been dealt with)."""
        self.interrupted = [r for r in self.interrupted if r.get("run_id") not in run_ids]
        self.record["interrupted"] = self.interrupted
        _write(self.handle, self.record)


@contextmanager
def exclusive_run(
    lock_path: Path, run_id: str, details: Mapping[str, Any] | None = None
) -> Iterator[RunLock]:
    """Hold the run lock, or refuse at once naming the run that holds it.

    The kernel releases the lock when the holder exits, even on SIGKILL, so a
    crashed run never blocks the next one. ``details`` (such as the Prefect flow run id)
    go into this run's record.
    """
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    handle = open(lock_path, "a+", encoding="utf-8")  # noqa: SIM115 - held for the block
    lock: RunLock | None = None
    try:
        handle.seek(0)
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _read(handle.read())
            who = {k: holder[k] for k in ("run_id", "pid", "started") if k in holder}
            raise RunInProgressError(
                "another rolescope run is in progress "
                f"({json.dumps(who) if who else 'unknown'}); not starting a second one"
            ) from None
        previous = _read(handle.read())
        interrupted = [r for r in previous.get("interrupted", []) if isinstance(r, dict)]
        if previous.get("run_id") and "finished" not in previous:
            interrupted.append({k: previous[k] for k in _IDENTITY if k in previous})
        record = {
            "run_id": run_id,
            "pid": os.getpid(),
            "started": _now(),
            **(details or {}),
            "interrupted": interrupted,
        }
        _write(handle, record)
        lock = RunLock(handle, record, interrupted)
        yield lock
    finally:
        if lock is not None:
            # a clean end or an error: this process is alive to say it finished (Prefect
            # records the outcome itself); only a killed holder leaves its record unfinished
            lock.record["finished"] = _now()
            _write(handle, lock.record)
        handle.close()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _read(text: str) -> dict[str, Any]:
    try:
        found = json.loads(text) if text.strip() else {}
    except ValueError:
        return {}
    return found if isinstance(found, dict) else {}


def _write(handle: IO[str], record: Mapping[str, Any]) -> None:
    handle.seek(0)
    handle.truncate()
    handle.write(json.dumps(record))
    handle.flush()
