"""Evaluation helpers for the models (metrics, cross-validation, dev-set reports)."""
