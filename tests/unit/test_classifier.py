"""Role classifier: pipeline, predictions, explanations, persistence."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from models.classifier import (
    ModelConfig,
    PriorShiftClassifier,
    RoleModel,
    TwoStageClassifier,
    fit_model,
    load_model,
    make_inputs,
    save_model,
)
from models.codes import codes_for
from models.training import load_corpus
from models.types import ROLES, Extraction, Mention, PostingText


def _subset(per_label: int) -> list:
    corpus = load_corpus()
    picked = []
    for role in ROLES:
        picked += [p for p in corpus if p.label == role][:per_label]
    return picked


@pytest.fixture(scope="module")
def small_model() -> RoleModel:
    """A model fitted on a slice of the corpus, text features only (fast)."""
    picked = _subset(15)
    config = ModelConfig(calibration_folds=3)
    return fit_model(
        make_inputs([p.text() for p in picked]),
        [p.label for p in picked],
        config=config,
        training_data_hash="0" * 64,
    )


STRATEGIC_CM = PostingText(
    posting_id="t-1",
    title="Community Manager",
    description=(
        "Nous sommes un groupe de 12 000 collaborateurs présent dans 9 pays.\n"
        "Vos missions\n"
        "- Définir et piloter la stratégie social media du groupe et sa ligne éditoriale\n"
        "- Fixer les objectifs et les KPI, choisir les plateformes et les outils\n"
        "- Présenter chaque mois les résultats au comité de direction\n"
        "- Encadrer deux community managers et piloter le budget de 150 k€ des agences\n"
        "- Préparer avec les relations presse le dispositif de gestion de crise\n"
        "Profil\n"
        "- 7 ans d'expérience dont 4 en stratégie réseaux sociaux\n"
    ),
    language="fr",
)


def test_predictions_have_all_four_probabilities(small_model: RoleModel) -> None:
    postings = [p.text() for p in _subset(2)]
    predictions = small_model.predict(postings)
    assert [p.posting_id for p in predictions] == [p.posting_id for p in postings]
    for pred in predictions:
        assert set(pred.probabilities) == set(ROLES)
        assert sum(pred.probabilities.values()) == pytest.approx(1.0, abs=1e-6)
        assert all(0.0 <= v <= 1.0 for v in pred.probabilities.values())
        assert pred.label == max(pred.probabilities, key=pred.probabilities.__getitem__)


def test_empty_input_gives_no_predictions(small_model: RoleModel) -> None:
    assert small_model.predict([]) == []


def test_empty_description_is_low_confidence(small_model: RoleModel) -> None:
    pred = small_model.predict([PostingText("e", "Community Manager", "")])[0]
    assert pred.low_confidence


def test_failed_extraction_is_low_confidence(small_model: RoleModel) -> None:
    posting = _subset(1)[0].text()
    failed = Extraction(posting.posting_id, "unknown", "error", reason="boom")
    pred = small_model.predict([posting], [failed])[0]
    assert pred.low_confidence


def test_mismatched_extractions_are_refused(small_model: RoleModel) -> None:
    posting = _subset(1)[0].text()
    other = Extraction("someone-else", "fr", "ok")
    with pytest.raises(ValueError, match="paired"):
        small_model.predict([posting], [other])
    with pytest.raises(ValueError, match="extractions"):
        small_model.predict([posting, posting], [None])


def test_prior_shift_moves_probabilities_towards_target() -> None:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 3))
    y = np.array(ROLES * 50, dtype=object)
    plain = PriorShiftClassifier(TwoStageClassifier(folds=3), target_priors=None).fit(X, y)
    shifted = PriorShiftClassifier(
        TwoStageClassifier(folds=3),
        target_priors={
            "community_manager": 0.05,
            "social_media_manager": 0.05,
            "social_media_strategist": 0.05,
            "other": 0.85,
        },
    ).fit(X, y)
    p_plain = plain.predict_proba(X)
    p_shift = shifted.predict_proba(X)
    other = list(plain.classes_).index("other")
    assert np.allclose(p_shift.sum(axis=1), 1.0)
    assert (p_shift[:, other] > p_plain[:, other]).all()


def test_training_needs_every_label() -> None:
    picked = [p for p in _subset(10) if p.label != "social_media_strategist"]
    with pytest.raises(ValueError, match="lacks labels"):
        fit_model(
            make_inputs([p.text() for p in picked]),
            [p.label for p in picked],
            config=ModelConfig(calibration_folds=3),
            training_data_hash="0" * 64,
        )


def test_save_load_round_trip(small_model: RoleModel, tmp_path: Path) -> None:
    path = save_model(small_model, tmp_path / "m.skops")
    assert path.exists() and path.with_suffix(".json").exists()
    loaded = load_model(path)
    assert loaded.version == small_model.version
    assert loaded.metadata["sklearn_version"]
    assert loaded.metadata["training_data_hash"] == "0" * 64
    postings = [p.text() for p in _subset(2)]
    before = small_model.predict_proba(make_inputs(postings))
    after = loaded.predict_proba(make_inputs(postings))
    assert np.allclose(before, after)


def test_load_refuses_untrusted_types(tmp_path: Path) -> None:
    import skops.io as sio
    from sklearn.pipeline import FunctionTransformer, Pipeline

    path = tmp_path / "evil.skops"
    sio.dump(Pipeline([("f", FunctionTransformer(func=print))]), path)
    with pytest.raises(Exception, match=r"not trusted|[Uu]ntrusted"):
        load_model(path)


def test_missing_artifact_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        load_model(tmp_path / "nothing.skops")


@pytest.fixture(scope="module")
def shipped() -> RoleModel:
    return load_model(None)


def test_shipped_model_metadata(shipped: RoleModel) -> None:
    meta = shipped.metadata
    for key in ("version", "training_data_hash", "sklearn_version", "metrics", "created_at"):
        assert meta.get(key), key
    assert meta["metrics"]["heldout_corpus"]["n"] > 0


def test_shipped_model_matches_the_feature_data_files(shipped: RoleModel) -> None:
    from models.classifier import feature_data_hash

    # features.yaml / title_rules.yaml changed since the artifact was built:
    # rebuild it with `python -m models.training`.
    assert shipped.metadata["feature_data_hash"] == feature_data_hash()


def test_title_mismatch_on_community_manager_with_strategic_duties(shipped: RoleModel) -> None:
    from models.evaluation.classifier_eval import default_extract

    extract, _ = default_extract()
    pred = shipped.predict([STRATEGIC_CM], extract([STRATEGIC_CM]))[0]
    assert pred.title_label == "community_manager"
    assert pred.label in ("social_media_manager", "social_media_strategist")
    assert pred.title_mismatch
    assert pred.top_criteria, "the prediction should name the criteria behind it"
    assert all(c.evidence for c in pred.top_criteria)
    assert all(c.contribution > 0 for c in pred.top_criteria)


def test_criteria_come_with_quoted_evidence(shipped: RoleModel) -> None:
    mention = Mention(
        kind="criterion",
        ref_id="smm.defines_strategy",
        family="strategy",
        field="description",
        start=0,
        end=10,
        text="Définir et piloter la stratégie",
        sentence="Définir et piloter la stratégie social media du groupe",
    )
    extraction = Extraction("t-1", "fr", "ok", mentions=(mention,))
    pred = shipped.predict([STRATEGIC_CM], [extraction])[0]
    quoted = [e for c in pred.top_criteria for e in c.evidence]
    assert all(isinstance(e, str) and e for e in quoted)


@pytest.mark.parametrize("label", ROLES)
def test_codes_for_every_label(label: str) -> None:
    codes = codes_for(label)
    assert set(codes) == {"esco_uri", "isco_code", "rome_code", "onet_code"}


def test_codes_for_roles_and_unknown_label() -> None:
    assert codes_for("community_manager")["rome_code"] == "E1101"
    assert codes_for("other")["isco_code"] is None
    with pytest.raises(ValueError):
        codes_for("astronaut")
