"""Builders shared by tests."""

from __future__ import annotations

from datetime import date

from spiders.items import JobPosting, Location, sha256_text


def make_posting(
    external_id: str,
    *,
    source: str = "test",
    title: str = "Community Manager",
    text: str = "Animer la communauté et répondre aux commentaires.",
    date_posted: date | None = date(2026, 11, 1),
) -> JobPosting:
    """A valid posting with the given id and content."""
    return JobPosting(
        source=source,
        external_id=external_id,
        canonical_url=f"https://jobs.example.org/{source}/{external_id}",
        title=title,
        company="Exemple SA",
        location=Location(city="Lyon", country="FR"),
        language="fr",
        date_posted=date_posted,
        description_html=f"<p>{text}</p>",
        description_text=text,
        raw_hash=sha256_text(f"{external_id}{title}{text}"),
    )
