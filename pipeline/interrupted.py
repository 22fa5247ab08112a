"""Runs killed while they held the run lock (see ``pipeline.runlock``): a SIGKILL leaves
their Prefect flow run no chance to report, so Prefect would show it running for ever;
the next run marks it Crashed."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any
from uuid import UUID

logger = logging.getLogger(__name__)


def mark_crashed(interrupted: Sequence[Mapping[str, Any]], found_by: str) -> set[str]:
    """Mark the Prefect flow run of each interrupted rolescope run Crashed where Prefect still
    shows it unfinished; return the rolescope run ids dealt with (marked, already over, or
    never known to Prefect). When Prefect cannot be asked, none is, and the next run tries
    again."""
    from prefect.client.orchestration import get_client
    from prefect.exceptions import ObjectNotFound
    from prefect.states import Crashed

    settled: set[str] = set()
    try:
        with get_client(sync_client=True) as client:
            for run in interrupted:
                run_id = str(run.get("run_id"))
                flow_run_id = run.get("flow_run_id")
                if flow_run_id:
                    try:
                        flow_run = client.read_flow_run(UUID(str(flow_run_id)))
                    except (ObjectNotFound, ValueError):
                        flow_run = None
                    if flow_run is not None and not (flow_run.state and flow_run.state.is_final()):
                        message = (
                            f"rolescope run {run_id} (pid {run.get('pid')}, started "
                            f"{run.get('started')}) was killed before it finished; found by "
                            f"run {found_by}"
                        )
                        client.set_flow_run_state(flow_run.id, Crashed(message=message), force=True)
                        logger.warning(message)
                settled.add(run_id)
    except Exception as error:
        logger.warning("could not mark interrupted runs crashed in Prefect: %s", error)
    return settled
