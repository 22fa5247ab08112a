"""Extraction stage: read new or changed posting versions and store their mentions.

The pending posting versions are cut into chunks. ``submit`` runs
``extract_chunk`` on each chunk wherever the caller wants: in this process
(``run_here``), on the flow's thread pool, or on Dask workers on this machine
or others (see ``pipeline.tasks.on_task_runner``): the code path is the same.
This process stays the only writer: it reads each chunk's texts, ships them
out, and commits each chunk's results as soon as they are back, in order. A
killed run resumes after the last committed chunk and never extracts the same
version twice.

Workers build their extractor once per process (``default_extractor``) and
keep it for every chunk they get.
"""

from __future__ import annotations

import hashlib
import math
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Generic, Protocol, TypeVar

from models.extract import EXTRACTOR_VERSION, default_extractor
from models.knowledge import load_knowledge
from models.types import Extraction, PostingText
from pipeline.progress import progress_bar
from pipeline.warehouse import open_warehouse

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)

CHUNK_SIZE = 500
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


# One extractor per process; the thread runner's threads take turns with it (spaCy's
# tokenizer caches are not meant for concurrent writers, and the GIL serialises them anyway).
_EXTRACTOR_LOCK = threading.Lock()


def expected_version() -> str:
    """The version an extractor built from the data files here has, without building one.

    Mirrors ``Extractor.version`` (reading the knowledge base takes 40 ms, building
    the extractor seconds), so this process never builds one; every chunk checks
    its worker's real version against it before extracting anything.
    """
    fingerprint = load_knowledge().fingerprint()
    return hashlib.sha256(f"{EXTRACTOR_VERSION}:{fingerprint}".encode()).hexdigest()[:16]


def extract_chunk(postings: list[PostingText], expected_version: str) -> list[Extraction]:
    """Extract one chunk with this process's extractor, which must be ``expected_version``."""
    with _EXTRACTOR_LOCK:
        extractor = default_extractor()
        if extractor.version != expected_version:
            raise RuntimeError(
                f"worker extractor is {extractor.version}, the run expects {expected_version}: "
                "deploy the same code and data files on every worker"
            )
        return list(extractor.extract_many(postings))


@dataclass(frozen=True)
class ExtractCounts:
    """How many posting versions were read and mentions stored, by which extractor."""

    postings: int = 0
    mentions: int = 0
    skipped: int = 0
    extractor_version: str = ""
    write_s: float = 0.0  # seconds this process spent storing results (the writer's share)


def extract_pending(
    warehouse_path: Path,
    *,
    submit: Submit = run_here,
    chunk_size: int = CHUNK_SIZE,
    in_flight: int = IN_FLIGHT,
) -> ExtractCounts:
    """Extract every current posting version the workers' extractor has not read yet.

    Each chunk commits on its own, so an interrupted run resumes where it
    stopped and never extracts the same version twice.
    """
    with open_warehouse(warehouse_path) as store:
        version = expected_version()
        total = store.mark_pending_extraction(version)
        if total == 0:
            return ExtractCounts(extractor_version=version)
        size = chunk_size_for(total, chunk_size, in_flight)

        def calls() -> Iterator[tuple[list[str], tuple[Any, ...]]]:
            for start in range(0, total, size):
                chunk = store.pending_extraction_chunk(start, start + size)
                yield [h for _, h in chunk], ([p for p, _ in chunk], version)

        postings = mentions = skipped = 0
        write_s = 0.0
        with progress_bar("extracting", total) as bar:
            for hashes, results in in_windows(submit, extract_chunk, calls(), in_flight):
                started = time.perf_counter()
                mentions += store.store_extractions(
                    list(zip(results, hashes, strict=True)), version, datetime.now(UTC)
                )
                write_s += time.perf_counter() - started
                postings += len(results)
                skipped += sum(1 for r in results if r.status != "ok")
                bar.advance(bar.task_ids[0], len(results))
    return ExtractCounts(postings, mentions, skipped, version, write_s)
