"""The flow scores with the model it registers, even when the artifact file was replaced;
workers with another model refuse to score."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from models.classifier import SHIPPED_ARTIFACT, load_model, read_metadata
from models.types import Extraction, PostingText
from pipeline import warehouse as wh
from pipeline.stages.classify import active_model, classify_chunk

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


def test_metadata_read_without_loading_is_what_the_loaded_model_carries(tmp_path: Path) -> None:
    copy = tmp_path / "copied.skops"
    shutil.copyfile(SHIPPED_ARTIFACT, copy)  # no metadata file next to it
    for path in (None, copy):
        assert read_metadata(path) == load_model(path).metadata
    assert read_metadata(copy)["version"] == "unversioned-copied"


def test_a_worker_with_another_model_refuses_the_chunk() -> None:
    posting = PostingText("p1", "Community manager", "Animer la communauté.")
    with pytest.raises(RuntimeError, match="must be the same file on every worker"):
        classify_chunk(None, "some-other-version", [posting], [Extraction("p1", "fr", "ok")])
