"""Classification stage: score what is new, changed, or scored by an older model."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path

from models.classifier import RoleModel, load_model
from models.codes import codes_for
from models.types import ROLES
from pipeline.progress import progress_bar
from pipeline.warehouse import Warehouse, open_warehouse


@dataclass(frozen=True)
class ClassifyCounts:
    """How many postings were scored, by which model."""

    model_version: str
    postings: int = 0


def active_model(store: Warehouse) -> RoleModel:
    """The model the flow scores with, registered (and made active) if it is not yet.

    A model trained locally and registered as active is used as long as its
    file exists; otherwise the shipped model is. Whatever file is loaded, the
    version inside it is the one registered, so a replaced artifact can never
    score under an older version's name.
    """
    registered = store.active_model()
    local = registered is not None and Path(registered[1]).exists()
    model = load_model(Path(registered[1]) if local and registered else None)
    if registered is None or registered[0] != model.version:
        meta = model.metadata
        created = meta.get("created_at")
        store.register_model(
            model.version,
            artifact_path=str(meta.get("artifact_path", "")),
            created_at=datetime.fromisoformat(created) if created else datetime.now(UTC),
            training_data_hash=meta.get("training_data_hash"),
            sklearn_version=meta.get("sklearn_version"),
            metrics=meta.get("metrics", {}),
            metadata={k: v for k, v in meta.items() if k != "metrics"},
            activate=True,
        )
    return model


def classify_pending(
    warehouse_path: Path, extractor_version: str, *, chunk_size: int = 1000
) -> ClassifyCounts:
    """Score every extracted current posting version the active model has not scored."""
    codes = {role: codes_for(role) for role in ROLES}
    with open_warehouse(warehouse_path) as store:
        model = active_model(store)
        pending = store.pending_classification(model.version, extractor_version)
        done = 0
        with progress_bar("classifying", len(pending)) as bar:
            iterator = iter(pending)
            while chunk := list(islice(iterator, chunk_size)):
                predictions = model.predict([p for p, _, _ in chunk], [e for _, e, _ in chunk])
                store.store_predictions(
                    [(pred, h) for pred, (_, _, h) in zip(predictions, chunk, strict=True)],
                    model.version,
                    codes,
                    datetime.now(UTC),
                )
                done += len(chunk)
                bar.advance(bar.task_ids[0], len(chunk))
    return ClassifyCounts(model_version=model.version, postings=done)
