"""Classification stage: score what is extracted and not yet scored by the active model.

The extraction stage scores each chunk it extracts (``pipeline.stages.extract``); this
stage scores the rest: postings whose predictions a killed run did not commit, and every
posting again when another model becomes active. Same shape: pending postings are cut
into chunks, ``submit`` runs ``classify_chunk`` on each (here, on threads or on Dask
workers), and this process, the only writer, commits each chunk's predictions in order.
This process registers the model from its metadata file without loading it; each worker
loads the model once (per artifact file) and checks it is the version the run registered
before scoring anything with it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from models.classifier import SHIPPED_ARTIFACT, RoleModel, load_model, read_metadata
from models.codes import codes_for
from models.types import ROLES, Extraction, PostingText, Prediction
from pipeline.progress import progress_bar
from pipeline.stages.chunks import IN_FLIGHT, Submit, chunk_size_for, in_windows, run_here
from pipeline.warehouse import Warehouse, open_warehouse

CHUNK_SIZE = 1000


@dataclass(frozen=True)
class ClassifyCounts:
    """How many postings were scored, by which model."""

    model_version: str
    postings: int = 0
    write_s: float = 0.0  # seconds this process spent storing predictions (the writer's share)


# One model per process and artifact file; threads of the thread runner take turns with it.
_MODEL_LOCK = threading.Lock()


@lru_cache(maxsize=2)
def _load(artifact: str | None, stamp: tuple[int, int] | None) -> RoleModel:
    # ``stamp`` (mtime, size) makes a replaced artifact file load again in a long-lived worker
    del stamp
    return load_model(Path(artifact) if artifact else None)


def _stamp(artifact: str | None) -> tuple[int, int] | None:
    path = Path(artifact) if artifact else SHIPPED_ARTIFACT
    try:
        info = path.stat()
    except OSError:
        return None
    return info.st_mtime_ns, info.st_size


def shared_model(artifact: str | None) -> RoleModel:
    """This process's copy of the model in ``artifact`` (``None``: the shipped one), loaded once."""
    with _MODEL_LOCK:
        return _load(artifact, _stamp(artifact))


def classify_chunk(
    artifact: str | None,
    expected_version: str,
    postings: list[PostingText],
    extractions: list[Extraction],
) -> list[Prediction]:
    """Score one chunk with this process's model, which must be ``expected_version``."""
    model = shared_model(artifact)
    if model.version != expected_version:
        raise RuntimeError(
            f"worker model is {model.version}, the run registered {expected_version}: "
            "the artifact must be the same file on every worker"
        )
    with _MODEL_LOCK:
        return model.predict(postings, extractions)


def model_artifact(store: Warehouse) -> str | None:
    """The artifact the flow scores with: the registered local model while its file
    exists, else ``None`` (the shipped model, which every worker has)."""
    registered = store.active_model()
    if registered is None or not Path(registered[1]).exists():
        return None
    path = Path(registered[1]).resolve()
    return None if path == SHIPPED_ARTIFACT.resolve() else str(path)


def register_active(store: Warehouse, metadata: dict[str, Any]) -> str:
    """Register (and activate) the loaded model unless it is the active one; its version.

    Whatever file was loaded, the version inside it is the one registered, so a
    replaced artifact can never score under an older version's name.
    """
    version = str(metadata["version"])
    registered = store.active_model()
    if registered is None or registered[0] != version:
        created = metadata.get("created_at")
        store.register_model(
            version,
            artifact_path=str(metadata.get("artifact_path", "")),
            created_at=datetime.fromisoformat(created) if created else datetime.now(UTC),
            training_data_hash=metadata.get("training_data_hash"),
            sklearn_version=metadata.get("sklearn_version"),
            metrics=metadata.get("metrics", {}),
            metadata={k: v for k, v in metadata.items() if k != "metrics"},
            activate=True,
        )
    return version


def register_scoring_model(store: Warehouse) -> tuple[str | None, str]:
    """The artifact the run scores with (see ``model_artifact``) and its version,
    registered (and made active) if it is not yet, from its metadata file: this process
    never loads the model; workers check theirs against the version per chunk."""
    artifact = model_artifact(store)
    return artifact, register_active(store, read_metadata(Path(artifact) if artifact else None))


def active_model(store: Warehouse) -> RoleModel:
    """The model the flow scores with, registered (and made active) if it is not yet.

    A model trained locally and registered as active is used as long as its
    file exists; otherwise the shipped model is.
    """
    artifact, _ = register_scoring_model(store)
    return shared_model(artifact)


def occupation_codes() -> dict[str, dict[str, str | None]]:
    """The occupation codes (ESCO, ISCO-08, ROME, O*NET-SOC) stored with each label."""
    return {role: codes_for(role) for role in ROLES}


def classify_pending(
    warehouse_path: Path,
    extractor_version: str,
    *,
    submit: Submit = run_here,
    chunk_size: int = CHUNK_SIZE,
    in_flight: int = IN_FLIGHT,
) -> ClassifyCounts:
    """Score every extracted current posting version the active model has not scored."""
    codes = occupation_codes()
    with open_warehouse(warehouse_path) as store:
        artifact, version = register_scoring_model(store)
        total = store.mark_pending_classification(version, extractor_version)
        if total == 0:
            return ClassifyCounts(model_version=version)
        size = chunk_size_for(total, chunk_size, in_flight)

        def calls() -> Iterator[tuple[list[str], tuple[Any, ...]]]:
            for start in range(0, total, size):
                chunk = store.pending_classification_chunk(extractor_version, start, start + size)
                postings = [p for p, _, _ in chunk]
                extractions = [e for _, e, _ in chunk]
                yield [h for _, _, h in chunk], (artifact, version, postings, extractions)

        done = 0
        write_s = 0.0
        with progress_bar("classifying", total) as bar:
            for hashes, predictions in in_windows(submit, classify_chunk, calls(), in_flight):
                started = time.perf_counter()
                store.store_predictions(
                    list(zip(predictions, hashes, strict=True)),
                    version,
                    codes,
                    datetime.now(UTC),
                )
                write_s += time.perf_counter() - started
                done += len(predictions)
                bar.advance(bar.task_ids[0], len(predictions))
    return ClassifyCounts(model_version=version, postings=done, write_s=write_s)
