"""The hand-written training corpus of the role classifier and its loader."""

from models.training.loader import (
    CORPUS_DIR,
    CorpusError,
    CorpusPosting,
    corpus_hash,
    load_corpus,
)

__all__ = ["CORPUS_DIR", "CorpusError", "CorpusPosting", "corpus_hash", "load_corpus"]
