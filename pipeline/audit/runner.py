"""Run the models on one ad and audit it: the edge where the knowledge base, the extractor
and the classifier are loaded (once per process) and the pure audit is called."""

from __future__ import annotations

import threading
from functools import lru_cache
from pathlib import Path
from typing import Any

from models.types import PostingText
from pipeline.audit.engine import AuditContext, audit_posting
from pipeline.audit.inputs import AuditInput
from pipeline.audit.report import AuditReport


class ModelUnavailableError(RuntimeError):
    """The classifier or the knowledge base cannot be loaded; the message says why."""


def active_model_path(analyst_path: Path | None) -> Path | None:
    """The artifact of the model the nightly run uses (active in the analyst copy), if any."""
    if analyst_path is None or not analyst_path.exists():
        return None
    import duckdb

    try:
        con = duckdb.connect(str(analyst_path), read_only=True)
    except duckdb.Error:
        return None
    try:
        row = con.execute(
            "SELECT artifact_path FROM model_versions WHERE is_active "
            "ORDER BY registered_at DESC LIMIT 1"
        ).fetchone()
    except duckdb.Error:
        return None
    finally:
        con.close()
    if row and row[0] and Path(row[0]).is_file():
        return Path(row[0])
    return None


class Auditor:
    """Loads the models lazily (thread-safe) and audits ads with them."""

    def __init__(self, model_path: Path | None = None) -> None:
        self.model_path = model_path
        self._lock = threading.Lock()
        self._loaded: tuple[Any, Any, Any] | None = None

    def _models(self) -> tuple[Any, Any, Any]:
        with self._lock:
            if self._loaded is None:
                from models.classifier import load_model
                from models.extract import Extractor
                from models.knowledge import KnowledgeError, load_knowledge

                try:
                    knowledge = load_knowledge()
                except (KnowledgeError, OSError) as exc:
                    raise ModelUnavailableError(f"knowledge base unusable: {exc}") from exc
                try:
                    model = load_model(self.model_path)
                except FileNotFoundError as exc:
                    raise ModelUnavailableError(
                        f"no role classifier available ({exc}); train one with `rolescope train`"
                    ) from exc
                self._loaded = (knowledge, Extractor(knowledge), model)
            return self._loaded

    def warm_up(self) -> None:
        """Load the models now rather than on the first audit."""
        self._models()

    def audit(self, ad: AuditInput, lang: str | None = None) -> AuditReport:
        """Extract, classify and audit one ad."""
        knowledge, extractor, model = self._models()
        posting = PostingText(
            posting_id=ad.posting_id,
            title=ad.title,
            description=ad.description,
            language=ad.language,
            company=ad.company,
        )
        extraction = extractor.extract_one(posting)
        prediction = model.predict([posting], [extraction])[0]
        context = AuditContext(
            structured=ad.structured,
            title_from_option=ad.title_from_option,
            title_from_first_line=ad.title_from_first_line,
            model_version=model.version,
            extractor_version=extractor.version,
            source_url=ad.url,
        )
        return audit_posting(posting, extraction, prediction, knowledge, lang=lang, context=context)


@lru_cache(maxsize=4)
def shared_auditor(model_path: Path | None = None) -> Auditor:
    """One auditor per model for the whole process (models load once, on first use)."""
    return Auditor(model_path)
