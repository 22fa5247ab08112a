"""Running a stage's work in chunks: where each chunk runs, and in what order results come
back.

``submit`` runs one chunk wherever the caller wants: in this process (``run_here``), on
the flow's thread pool, or on Dask workers on this machine or others (see
``pipeline.tasks.on_task_runner``); the code path is the same. ``in_windows`` keeps a
bounded number of chunks in flight and hands results back in submission order, so the
single writer commits them in order.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)

IN_FLIGHT = 8
MIN_CHUNK = 50


class Handle(Protocol[T_co]):
    """What ``submit`` returns: a Prefect, Dask or concurrent future, or a finished call."""

    def result(self) -> T_co:
        """Wait for and return the call's value (raising its error)."""
        ...


Submit = Callable[..., Handle[Any]]


@dataclass(frozen=True)
class Done(Generic[T]):
    """A call that already ran, shaped like a future."""

    value: T

    def result(self) -> T:
        """The value."""
        return self.value


def run_here(fn: Callable[..., T], *args: Any) -> Done[T]:
    """``submit`` that runs ``fn(*args)`` at once, in this process."""
    return Done(fn(*args))


def chunk_size_for(pending: int, chunk_size: int, in_flight: int) -> int:
    """Chunks of ``chunk_size``, smaller when there is too little work to keep workers busy."""
    spread = math.ceil(pending / max(in_flight, 1))
    return max(1, min(chunk_size, max(MIN_CHUNK, spread)))


K = TypeVar("K")


def in_windows(
    submit: Submit,
    fn: Callable[..., T],
    calls: Iterator[tuple[K, tuple[Any, ...]]],
    in_flight: int,
) -> Iterator[tuple[K, T]]:
    """Submit ``fn(*args)`` for each ``(key, args)``, at most ``in_flight`` at a time.

    Yields ``(key, result)`` in submission order, so results are committed in
    order; the key (what the writer needs back, such as content hashes) never
    leaves this process.
    """
    queue: deque[tuple[K, Handle[T]]] = deque()
    for key, args in calls:
        queue.append((key, submit(fn, *args)))
        if len(queue) >= max(in_flight, 1):
            done, handle = queue.popleft()
            yield done, handle.result()
    while queue:
        done, handle = queue.popleft()
        yield done, handle.result()
