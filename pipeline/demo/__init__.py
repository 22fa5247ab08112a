"""The bundled demo job board: a career site with schema.org markup and a Greenhouse board.

Written postings live in ``postings.yaml``; ``site`` renders them, ``server``
serves them on 127.0.0.1. Standard library + PyYAML only, so the nightly flow
and the tests can run it offline.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pipeline.demo.postings import (
    BROKEN_SLUG,
    LABELS,
    BrokenPage,
    DemoBoard,
    DemoPosting,
    DemoSalary,
    available_editions,
    expected_labels,
    expected_labels_by_external_id,
    load_board,
    load_demo_postings,
)
from pipeline.demo.site import DemoResponse, render, render_path

if TYPE_CHECKING:
    from pipeline.demo.server import DemoServer, serve_demo

__all__ = [
    "BROKEN_SLUG",
    "LABELS",
    "BrokenPage",
    "DemoBoard",
    "DemoPosting",
    "DemoResponse",
    "DemoSalary",
    "DemoServer",
    "available_editions",
    "expected_labels",
    "expected_labels_by_external_id",
    "load_board",
    "load_demo_postings",
    "render",
    "render_path",
    "serve_demo",
]


def __getattr__(name: str) -> Any:
    # Imported lazily so `python -m pipeline.demo.server` does not import itself twice.
    if name in ("serve_demo", "DemoServer"):
        from pipeline.demo import server

        return getattr(server, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
