"""The flow scores with the model it registers, even when the artifact file was replaced."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from models.classifier import SHIPPED_ARTIFACT
from pipeline import warehouse as wh
from pipeline.stages.classify import active_model

pytestmark = pytest.mark.skipif(not SHIPPED_ARTIFACT.exists(), reason="no shipped model")


def test_replaced_artifact_is_registered_under_its_own_version(tmp_path: Path) -> None:
    with wh.open_warehouse(tmp_path / "w.duckdb") as store:
        store.register_model(
            "stale-version",
            artifact_path=str(SHIPPED_ARTIFACT),
            created_at=datetime(2026, 1, 1, tzinfo=UTC),
            training_data_hash=None,
            sklearn_version=None,
            metrics={},
            metadata={},
            activate=True,
        )
        model = active_model(store)
        assert model.version != "stale-version"
        assert store.active_model() == (model.version, str(SHIPPED_ARTIFACT.resolve()))
        # a second call finds it registered and changes nothing
        again = active_model(store)
        assert again.version == model.version
        assert store.query("SELECT count(*) FROM model_versions") == [(2,)]


def test_missing_local_artifact_falls_back_to_the_shipped_model(tmp_path: Path) -> None:
    with wh.open_warehouse(tmp_path / "w.duckdb") as store:
        store.register_model(
            "local-gone",
            artifact_path=str(tmp_path / "deleted.skops"),
            created_at=datetime(2026, 1, 1, tzinfo=UTC),
            training_data_hash=None,
            sklearn_version=None,
            metrics={},
            metadata={},
            activate=True,
        )
        model = active_model(store)
        assert store.active_model() == (model.version, str(SHIPPED_ARTIFACT.resolve()))
