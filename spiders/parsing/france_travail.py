"""France Travail "Offres d'emploi v2" search results -> ``JobPosting`` records."""

from __future__ import annotations

import re
from typing import Any

from spiders.parsing.ats import records_in
from spiders.parsing.record import Output, build_posting, quarantine
from spiders.parsing.values import (
    clean_str,
    employment_type,
    make_location,
    make_salary,
    parse_date,
)

DETAIL_URL = "https://candidat.francetravail.fr/offres/recherche/detail/{id}"
_SALARY = re.compile(
    r"^(?P<period>\w+)\s+de\s+(?P<low>[\d\s.,]+?)\s*Euros?"
    r"(?:\s+à\s+(?P<high>[\d\s.,]+?)\s*Euros?)?",
    re.IGNORECASE,
)
_CONTENT_RANGE = re.compile(r"(\d+)\s*-\s*(\d+)\s*/\s*(\d+)")


def parse_salary(label: Any) -> Any:
    """A Salary from a label such as ``Annuel de 30000.0 Euros à 35000.0 Euros sur 12 mois``."""
    text = clean_str(label)
    match = _SALARY.match(text or "")
    if not match:
        return None
    return make_salary(match["low"], match["high"] or match["low"], "EUR", match["period"])


def _place(lieu: dict[str, Any]) -> Any:
    label = clean_str(lieu.get("libelle")) or ""
    dept, _, city = label.partition(" - ")
    if not city:
        dept, city = "", label
    return make_location(city or None, dept.strip() or None, "FR")


def offer_fields(offer: dict[str, Any]) -> dict[str, Any]:
    """JobPosting fields of one offer; ``romeCode`` is kept as ``rome_code``."""
    ident = clean_str(offer.get("id"))
    origin = offer.get("origineOffre") or {}
    company = offer.get("entreprise") or {}
    contract = employment_type(offer.get("typeContrat"))
    if not contract or contract.upper() == "CDI":
        contract = employment_type(offer.get("dureeTravailLibelleConverti")) or contract
    return {
        "external_id": ident,
        "canonical_url": clean_str(origin.get("urlOrigine"))
        or (DETAIL_URL.format(id=ident) if ident else ""),
        "title": clean_str(offer.get("intitule")) or "",
        "company": clean_str(company.get("nom")),
        "company_size": clean_str(offer.get("trancheEffectifEtab")),
        "location": _place(offer.get("lieuTravail") or {}),
        "date_posted": parse_date(offer.get("dateCreation")),
        "employment_type": contract,
        "salary": parse_salary((offer.get("salaire") or {}).get("libelle")),
        "description_html": offer.get("description") or "",
        "rome_code": clean_str(offer.get("romeCode")),
    }


def search_records(payload: Any) -> list[Any]:
    """Offer records of a search response (``{"resultats": [...], "filtresPossibles": ...}``)."""
    return records_in(payload, "resultats")


def offer_record(source: str, offer: Any) -> Output:
    """One offer as a posting or a quarantine record."""
    if not isinstance(offer, dict):
        return quarantine(source, None, "unexpected record shape: not a JSON object", offer)
    try:
        fields = offer_fields(offer)
    except (TypeError, ValueError, AttributeError) as error:
        return quarantine(source, None, f"unusable offer: {error}", offer)
    return build_posting(source, fields["canonical_url"], offer, fields)


def next_range(content_range: str | None, page_size: int, max_index: int) -> tuple[int, int] | None:
    """The next ``range`` window after a ``Content-Range: offres 0-149/1234`` header, or None."""
    match = _CONTENT_RANGE.search(content_range or "")
    if not match:
        return None
    last, total = int(match[2]), int(match[3])
    start = last + 1
    if start >= total or start > max_index:
        return None
    return start, min(start + page_size - 1, total - 1, max_index + page_size - 1)
