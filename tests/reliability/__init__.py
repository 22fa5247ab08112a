"""Reliability tests: crashes at every stage, idempotence, overlap, hostile input, secrets."""
