"""Realistic synthetic job ads for the benchmarks, from the templates in ``synthetic.yaml``.

French and English ads for the four labels (community manager, social media
manager, strategist, other), 1,500 to 4,000 characters of description each,
laid out like real ads (company, role, duties, profile, benefits, how to apply).
Posting ``i`` depends only on ``(seed, i)``: the 10k set is the first tenth of
the 100k set, and any slice can be generated on its own, streamed, without
holding a million ads in memory.

    from benchmarks.synthetic import synthetic_postings
    for ad in synthetic_postings(10_000, seed=7): ad.posting, ad.label, ad.text()
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from html import escape
from pathlib import Path
from typing import Any

from models.types import ROLES, PostingText
from spiders.items import JobPosting, Location, Salary, sha256_text

TEMPLATES = Path(__file__).with_name("synthetic.yaml")
SCALES: dict[str, int] = {"10k": 10_000, "100k": 100_000, "1m": 1_000_000}
MIN_CHARS = 1_500
MAX_CHARS = 4_000
SOURCES = 20
LANGUAGE_SHARE = {"fr": 0.6, "en": 0.4}
LABEL_SHARE = {
    "community_manager": 0.3,
    "social_media_manager": 0.25,
    "social_media_strategist": 0.15,
    "other": 0.3,
}
_REFERENCE = {"fr": "Référence de l'annonce : {ref}", "en": "Job reference: {ref}"}


@dataclass(frozen=True)
class SyntheticAd:
    """One generated ad: the posting as a spider yields it, and the label it was written for."""

    posting: JobPosting
    label: str
    language: str

    def text(self) -> PostingText:
        """What the models read of this ad."""
        p = self.posting
        return PostingText(
            posting_id=p.posting_key,
            title=p.title,
            description=p.description_text,
            language=p.language,
            company=p.company,
        )


@cache
def templates() -> dict[str, Any]:
    """The parsed template file."""
    import yaml

    data: dict[str, Any] = yaml.safe_load(TEMPLATES.read_text(encoding="utf-8"))
    return data


def _pick(rng: random.Random, shares: dict[str, float]) -> str:
    return rng.choices(list(shares), weights=list(shares.values()))[0]


def _slots(rng: random.Random, lang: str, ref: str) -> dict[str, str]:
    data, names = templates()[lang], templates()["names"]
    place = rng.choice(templates()["places"][lang])
    platforms = rng.sample(data["platforms"], k=rng.randint(2, 4))
    joiner = " et " if lang == "fr" else " and "
    return {
        "company": f"{rng.choice(names['first'])} {rng.choice(names['second'])}",
        "sector": rng.choice(data["sectors"]),
        "headcount": str(rng.choice((12, 35, 80, 150, 400, 1200, 5000, 20000))),
        "year": str(rng.randint(1950, 2022)),
        "years": str(rng.randint(1, 12)),
        "platforms": ", ".join(platforms[:-1]) + joiner + platforms[-1],
        "tools": ", ".join(rng.sample(data["tools"], k=rng.randint(2, 3))),
        "team": str(rng.randint(2, 12)),
        "budget": f"{rng.randint(5, 300) * 10_000:,}".replace(",", "\u202f"),
        "followers": str(rng.randint(5, 900) * 1000),
        "countries": str(rng.randint(3, 40)),
        "ref": ref,
        "city": place["city"],
        "country": place["country"],
    }


def _compose(rng: random.Random, lang: str, label: str, slots: dict[str, str]) -> dict[str, Any]:
    """Choose the paragraphs and bullets of one ad, aiming at a random length."""
    data = templates()[lang]
    role = data["labels"][label]
    others = [r for r in ROLES if r != label]
    duties = rng.sample(role["duties"], k=len(role["duties"]))
    extra = rng.sample(data["labels"][rng.choice(others)]["duties"], k=rng.randint(0, 2))
    parts: dict[str, list[str]] = {
        "intro": [],
        "context": [],
        "summary": [rng.choice(role["summary"])],
        "duties": [],
        "profile": [],
        "benefits": [],
        "process": [],
    }
    pools = {
        "intro": rng.sample(data["intro"], k=2),
        "context": rng.sample(data["context"], k=2),
        "duties": duties[:4] + extra + duties[4:],
        "profile": rng.sample(role["profile"] + data["soft_skills"], k=7),
        "benefits": rng.sample(data["benefits"], k=7),
        "process": [rng.choice(data["process"])],
    }
    # a skeleton every ad has, then optional pieces in random order up to the target
    for section, count in (("intro", 1), ("duties", 4), ("profile", 2), ("benefits", 2)):
        for _ in range(count):
            parts[section].append(pools[section].pop(0))
    optional = [s for s, pool in pools.items() for _ in pool]
    rng.shuffle(optional)
    target = rng.randint(MIN_CHARS + 100, MAX_CHARS - 150)
    length = sum(len(t) + 3 for ts in parts.values() for t in ts)
    for section in optional:
        piece = pools[section][0]
        if length + len(piece) + 3 > target:
            continue
        parts[section].append(pools[section].pop(0))
        length += len(piece) + 3
    return parts


def _render(lang: str, parts: dict[str, list[str]], slots: dict[str, str]) -> tuple[str, str]:
    """(plain text, HTML) of an ad's sections."""
    headings = templates()[lang]["headings"]
    lines: list[str] = []
    html: list[str] = []
    for section in ("intro", "context", "summary", "duties", "profile", "benefits", "process"):
        items = [t.format(**slots) for t in parts[section]]
        if not items:
            continue
        lines.append(headings[section])
        html.append(f"<h3>{escape(headings[section])}</h3>")
        if section in ("duties", "profile", "benefits"):
            lines += [f"- {t}" for t in items]
            html.append("<ul>" + "".join(f"<li>{escape(t)}</li>" for t in items) + "</ul>")
        else:
            lines += items
            html += [f"<p>{escape(t)}</p>" for t in items]
        lines.append("")
    reference = _REFERENCE[lang].format(**slots)
    lines.append(reference)
    html.append(f"<p>{escape(reference)}</p>")
    return "\n".join(lines), "".join(html)


def synthetic_ad(index: int, seed: int = 7) -> SyntheticAd:
    """Ad number ``index`` of the synthetic board generated with ``seed``."""
    rng = random.Random(f"{seed}:{index}")
    lang = _pick(rng, LANGUAGE_SHARE)
    label = _pick(rng, LABEL_SHARE)
    ref = f"{'RS' if lang == 'fr' else 'JR'}-{seed}-{index:07d}"
    slots = _slots(rng, lang, ref)
    text, html = "", ""
    for _ in range(5):  # the target is random; redraw the rare ad that misses the range
        text, html = _render(lang, _compose(rng, lang, label, slots), slots)
        if MIN_CHARS <= len(text) <= MAX_CHARS:
            break
    title = rng.choice(templates()[lang]["labels"][label]["titles"])
    if lang == "fr" and rng.random() < 0.3:
        title += " (H/F)"
    posted = date(2026, 1, 1) + timedelta(days=rng.randint(0, 300))
    salary = None
    if rng.random() < 0.4:
        low = rng.randint(26, 60) * 1000
        salary = Salary(min=low, max=low + rng.randint(2, 15) * 1000, currency="EUR", period="YEAR")
    source = f"synthetic-{index % SOURCES:02d}"
    posting = JobPosting(
        source=source,
        external_id=f"{index:07d}",
        canonical_url=f"https://jobs.example.org/{source}/{index:07d}",
        title=title,
        company=slots["company"],
        location=Location(city=slots["city"], country=slots["country"]),
        language=lang if rng.random() < 0.7 else None,
        date_posted=posted,
        valid_through=posted + timedelta(days=60),
        employment_type=rng.choice(("FULL_TIME", "FULL_TIME", "PART_TIME", "CONTRACTOR")),
        salary=salary,
        description_html=html,
        description_text=text,
        raw_hash=sha256_text(f"{seed}:{index}:{text}"),
    )
    return SyntheticAd(posting=posting, label=label, language=lang)


def synthetic_postings(count: int, seed: int = 7, start: int = 0) -> Iterator[SyntheticAd]:
    """Ads ``start`` to ``start + count - 1`` of the board generated with ``seed``, streamed."""
    for index in range(start, start + count):
        yield synthetic_ad(index, seed)
