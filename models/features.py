"""Features of a posting for the role classifier.

Three families, each an sklearn transformer over :class:`ClassifierInput`:

* :class:`DutyProfileFeatures` — the posting read the way ROLES.md reads it:
  split into sections and sentences, the duty sentences tagged with duty
  families (social media, PR, events, ads/SEO, design...) and with decision
  rights / scope signals (defines or applies the strategy, reports to
  management, manages a team, budget, several business units...). The share of
  social-media duties and whether they are the largest block are what separate
  a social role from ``other``; the signals separate the three roles.
* :class:`ExtractionFeatures` — counts of the criteria, skills, signals and red
  flags the spaCy extractor found (``models.extract``), by ref_id and family.
* :class:`TextSelector` + TF-IDF on the duty text and on the title (built in
  :mod:`models.classifier`), kept small and regularised.

The lexicon lives in ``features.yaml``; this module only applies it.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import yaml
from sklearn.base import BaseEstimator, TransformerMixin

from models.pattern_groups import PatternGroups
from models.title_rules import title_match
from models.types import ROLES, Extraction, PostingText

LEXICON_FILE = Path(__file__).with_name("features.yaml")

TOPICS_OTHER: tuple[str, ...] = (
    "pr_press",
    "communication",
    "events",
    "ads_seo",
    "design",
    "web",
    "email_crm",
    "internal_comms",
    "writing",
    "marketing",
    "sales",
    "customer_service",
    "admin",
    "video_photo",
)
# Families that are a job of their own (used for "largest single block"); video /
# photo and writing are often part of social work itself so they count less.
BLOCK_TOPICS: tuple[str, ...] = (
    "pr_press",
    "communication",
    "events",
    "ads_seo",
    "design",
    "web",
    "email_crm",
    "internal_comms",
    "marketing",
    "sales",
    "customer_service",
    "admin",
)
SIGNALS: tuple[str, ...] = (
    "define_strategy",
    "apply_strategy",
    "kpi_objectives",
    "report_management",
    "manage_team",
    "manage_social_staff",
    "budget",
    "agencies",
    "scope_multi",
    "governance",
    "training_coaching",
    "change_transformation",
    "crisis_own",
    "crisis_escalate",
    "monitoring_plan",
    "execution",
    "measurement",
    "paid_social",
    "content_creation",
)
# Signals also counted only in sentences that are themselves about social media.
SOCIAL_CONTEXT_SIGNALS: tuple[str, ...] = (
    "define_strategy",
    "apply_strategy",
    "kpi_objectives",
    "report_management",
    "budget",
    "crisis_own",
    "crisis_escalate",
    "execution",
    "content_creation",
    "measurement",
    "scope_multi",
)
ANYWHERE: tuple[str, ...] = (
    "intern",
    "junior",
    "senior",
    "large_org",
    "small_org",
    "agency",
    "public_sector",
    "not_a_job",
    "personal_account",
    "follower_promise",
    "pr_background",
    "digital_marketing_background",
)
TITLE_FLAGS: tuple[str, ...] = ("head_title", "manager_title", "junior_title", "intern")


@dataclass(frozen=True)
class ClassifierInput:
    """What the classifier reads of one posting: its text and what extraction found."""

    posting: PostingText
    extraction: Extraction | None = None


@dataclass(frozen=True)
class Sentence:
    """One sentence or bullet of a description, with the section it sits in."""

    text: str
    norm: str
    section: str


@dataclass
class DutyProfile:
    """Numeric duty-profile features of one posting and the sentences behind each."""

    values: dict[str, float]
    evidence: dict[str, list[str]] = field(default_factory=dict)
    duty_text: str = ""
    # Character spans of the description under a company heading ("About us",
    # "Qui sommes-nous"): what the company does there is not the job's duties.
    company_spans: tuple[tuple[int, int], ...] = ()


# -- text normalisation and segmentation -----------------------------------------------


class _FoldTable(dict[int, str]):
    """``str.translate`` table: each character to its accent-stripped form, built lazily.

    Decomposing character by character and dropping combining marks gives the
    same string as decomposing the whole text (only the order of combining marks
    can differ, and they are all dropped).
    """

    def __missing__(self, code: int) -> str:
        decomposed = unicodedata.normalize("NFKD", chr(code))
        folded = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
        folded = {"’": "'", "‘": "'", "œ": "oe", "æ": "ae"}.get(folded, folded)
        self[code] = folded
        return folded


_FOLD = _FoldTable()
_SPACES = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Lower-case, accent-stripped, apostrophes unified, spaces collapsed."""
    return _SPACES.sub(" ", text.lower().translate(_FOLD)).strip()


@dataclass(frozen=True)
class Lexicon:
    """The compiled contents of ``features.yaml``."""

    sections: dict[str, re.Pattern[str]]
    numbers: dict[str, tuple[re.Pattern[str], ...]]
    camel_case_words: frozenset[str]
    groups: PatternGroups  # topics, signals and anywhere as "topic:x", "signal:x", "anywhere:x"
    boilerplate: tuple[str, ...]  # the groups of features.yaml's boilerplate: "boilerplate:x"


def _compile_all(patterns: Iterable[str]) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p) for p in patterns)


@lru_cache(maxsize=2)
def lexicon(path: Path = LEXICON_FILE) -> Lexicon:
    """Load and compile the feature lexicon."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    sections = {
        name: re.compile(r"^(?:" + "|".join(f"(?:{p})" for p in pats) + r")\b")
        for name, pats in data["sections"].items()
    }
    return Lexicon(
        sections=sections,
        numbers={k: _compile_all(v) for k, v in data["numbers"].items()},
        camel_case_words=frozenset(w.lower() for w in data.get("camel_case_words", [])),
        groups=PatternGroups(
            {f"topic:{k}": v for k, v in data["topics"].items()}
            | {f"signal:{k}": v for k, v in data["signals"].items()}
            | {f"anywhere:{k}": v for k, v in data["anywhere"].items()}
            | {f"boilerplate:{k}": v for k, v in data["boilerplate"].items()}
        ),
        boilerplate=tuple(f"boilerplate:{k}" for k in data["boilerplate"]),
    )


_MARKUP = re.compile(r"^[\s#>*_\-–—•·▪►▶✓✔➢➤→+=]+|[\s*_#:=]+$")
_BULLET_START = re.compile(r"^\s*(?:[-*•·▪►▶✓✔➢➤→o+]|\d{1,2}[.)])\s+")
_INLINE_BULLET = re.compile(r"\s[-–•·▪►✓✔➢➤]\s|\s\d{1,2}[.)]\s(?=[A-ZÀ-Ýa-z])")
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+(?=[\"'«(]?[A-ZÀ-Ý0-9])")


# "Heading: text", and the "Your day to day will look like…Managing" a board leaves
# when it glues a heading to its first item.
_HEAD_SEPARATOR = re.compile(r"\s*(:|…|\.\.\.)\s*")


def _split_head(text: str) -> tuple[str, str, str]:
    match = _HEAD_SEPARATOR.search(text)
    if match is None:
        return text, "", ""
    return text[: match.start()], match.group(1), text[match.end() :]


def _heading(line: str, lex: Lexicon, *, bullet: bool = False) -> tuple[str | None, str]:
    """(section, remaining text) when ``line`` opens a section, else (None, line).

    A heading is a short line naming a section ("Vos missions", "## Requirements",
    "Profil :"), or a "Heading: text" or "Heading… text" line. Bullet lines are headings
    only when they end with a colon, so a duty such as "- Formation des équipes" stays a duty.
    """
    clean = _MARKUP.sub("", line).strip()
    norm = normalise(clean).rstrip(" :.-")
    if not norm:
        return None, line
    ends_separator = line.rstrip(" *_").endswith((":", "…", "..."))
    head, sep, rest = _split_head(clean)
    if sep and rest.strip() and len(head) <= 60 and not bullet:
        head_norm = normalise(head).strip(" *#_-")
        for name, pattern in lex.sections.items():
            match = pattern.match(head_norm)
            if match and (len(head_norm.split()) <= 6 or not head_norm[match.end() :].strip()):
                return name, rest.strip()
    if bullet and not ends_separator:
        return None, line
    marked = line.lstrip().startswith(("#", "**", "__")) or (clean.isupper() and len(clean) > 3)
    words = norm.split()
    if len(norm) <= 70 and len(words) <= 9:
        for name, pattern in lex.sections.items():
            match = pattern.match(norm)
            if not match:
                continue
            extra = len(norm[match.end() :].split())
            if ends_separator or marked or extra <= 2:
                return name, ""
    return None, line


def _pieces(text: str) -> list[str]:
    parts: list[str] = []
    for chunk in _INLINE_BULLET.split(text):
        for sentence in _SENTENCE_END.split(chunk):
            sentence = sentence.strip(" \t-–•·*_#")
            if len(sentence) >= 3:
                parts.append(sentence)
    return parts


_ESCAPED_BREAK = re.compile(r"\\[nr]")
_CAMEL_TOKEN = re.compile(r"[^\W\d_]*[a-zà-ÿ][A-ZÀ-Ý][^\W\d_]*")
_CAMEL_JOIN = re.compile(r"(?<=[a-zà-ÿ])(?=[A-ZÀ-Ý][a-zà-ÿ])")


def unglue(text: str, lex: Lexicon | None = None) -> str:
    """Put back the line breaks a scraper lost.

    Literal ``\\n`` sequences become breaks, and a lower-case letter directly
    followed by a capitalised word ("content calendarCreating posts") is where a
    list item or heading ended; camel-case brand names ("LinkedIn", "TikTok")
    from the lexicon stay whole.
    """
    lex = lex or lexicon()
    text = _ESCAPED_BREAK.sub("\n", text)

    def split(match: re.Match[str]) -> str:
        parts = _CAMEL_JOIN.split(match.group(0))
        words: list[str] = []
        i = 0
        while i < len(parts):
            # The longest run of parts that spells a known camel-case word stays whole.
            j = next(
                (
                    j
                    for j in range(len(parts), i + 1, -1)
                    if "".join(parts[i:j]).lower() in lex.camel_case_words
                ),
                i + 1,
            )
            words.append("".join(parts[i:j]))
            i = j
        return "\n".join(words)

    return _CAMEL_TOKEN.sub(split, text)


def segment(description: str, lex: Lexicon | None = None) -> list[Sentence]:
    """Split a description into sentences tagged with their section.

    Sections are ``duties``, ``profile``, ``company``, ``other`` (benefits,
    how to apply...) or ``unknown`` before the first recognised heading.
    """
    lex = lex or lexicon()
    section = "unknown"
    out: list[Sentence] = []
    for raw_line in unglue(description, lex).replace("\r", "\n").split("\n"):
        line = raw_line.strip()
        if not line:
            continue
        bullet = bool(_BULLET_START.match(line))
        name, rest = _heading(line, lex, bullet=bullet)
        if name is not None:
            section = name
            if not rest:
                continue
            line = rest
        line = _BULLET_START.sub("", line)
        for piece in _pieces(line):
            if len(piece) <= 70 and piece.rstrip(" *_").endswith(":"):
                name, rest = _heading(piece, lex)
                if name is not None:
                    section = name
                    if not rest:
                        continue
                    piece = rest
            out.append(Sentence(text=piece, norm=normalise(piece), section=section))
    return out


# -- the duty profile ------------------------------------------------------------------


def is_social(norm: str, lex: Lexicon) -> bool:
    """Whether a normalised sentence is about social-media / community work."""
    return _social(lex.groups.counts(norm))


def _social(hits: dict[str, int]) -> bool:
    # One strong term, or two distinct weak ones.
    return hits["topic:social_strong"] > 0 or hits["topic:social_weak"] >= 2


def _numbers(pattern_list: Sequence[re.Pattern[str]], text: str) -> list[float]:
    values: list[float] = []
    for pattern in pattern_list:
        for match in pattern.finditer(text):
            raw = match.group(1)
            digits = re.sub(r"[^\d]", "", raw)
            if not digits:
                continue
            value = float(digits)
            suffix = match.group(2) if (match.lastindex or 0) >= 2 else None
            if suffix == "k":
                value *= 1_000
            elif suffix == "m":
                value *= 1_000_000
            elif suffix == "000":
                value *= 1_000
            values.append(value)
    return values


def duty_feature_names() -> list[str]:
    """Names of the duty-profile features, in column order."""
    names = [
        "share_social",
        "share_social_topical",
        "share_social_all",
        "social_largest_block",
        "social_under_third",
        "social_minus_top_other",
        "social_density",
        "n_social_duties",
        "top_other_share",
    ]
    names += [f"share_{t}" for t in TOPICS_OTHER]
    names += [f"sig_{s}" for s in SIGNALS]
    names += [f"sig_{s}_social" for s in SOCIAL_CONTEXT_SIGNALS]
    names += [
        "define_anywhere",
        "decision_balance",
        "execution_share",
    ]
    names += [f"any_{a}" for a in ANYWHERE]
    names += [f"title_{t}" for t in TITLE_FLAGS]
    names += [
        "title_social",
        "title_other_topic",
        "years_max",
        "years_ge3",
        "years_ge6",
        "employees_log",
        "employees_ge1000",
        "countries_log",
        "no_social",
    ]
    return names


_HIRING = "boilerplate:hiring"
_BY_OTHER = "signal:strategy_by_other"


def _duty_indices(
    sentences: Sequence[Sentence],
    hits: Sequence[dict[str, int]],
    social: Sequence[bool],
    boilerplate: Sequence[str],
) -> list[int]:
    """Which sentences are the duties.

    The duty section when there is one; else what precedes any section, less
    the sentences about pay, contract, applying or the company (kept when they
    speak of social media) and the hiring sentence when it names no duty;
    else everything.
    """
    duties = [i for i, s in enumerate(sentences) if s.section == "duties"]
    if len(duties) >= 2:
        return duties
    candidates = [i for i, s in enumerate(sentences) if s.section in ("duties", "unknown")]

    def boilerplate_only(i: int) -> bool:
        if social[i]:
            return False
        if hits[i][_HIRING]:
            # "We are looking for an assistant to run our events" names a duty.
            return not any(hits[i][f"topic:{t}"] for t in TOPICS_OTHER)
        return any(hits[i][name] for name in boilerplate)

    kept = [i for i in candidates if not boilerplate_only(i)]
    return kept or candidates or list(range(len(sentences)))


def _analyse(title: str, description: str) -> DutyProfile:
    lex = lexicon()
    sentences = segment(description, lex)
    hits = [lex.groups.counts(s.norm) for s in sentences]
    social = [_social(h) for h in hits]
    duties = _duty_indices(sentences, hits, social, lex.boilerplate)
    n_duties = len(duties)
    values: dict[str, float] = {}
    evidence: dict[str, list[str]] = {}

    def add_evidence(key: str, text: str) -> None:
        bucket = evidence.setdefault(key, [])
        if len(bucket) < 3 and text not in bucket:
            bucket.append(text[:300])

    topic_counts = dict.fromkeys(TOPICS_OTHER, 0)
    topical_non_social = 0
    for i in duties:
        hit_any = False
        for topic in TOPICS_OTHER:
            if hits[i][f"topic:{topic}"]:
                topic_counts[topic] += 1
                hit_any = True
                if not social[i]:
                    add_evidence(topic, sentences[i].text)
        if social[i]:
            add_evidence("social_duties", sentences[i].text)
        elif hit_any:
            topical_non_social += 1
    n_social = sum(social[i] for i in duties)
    denom = max(n_duties, 1)
    share_social = n_social / denom
    block_max = max((topic_counts[t] for t in BLOCK_TOPICS), default=0)
    all_social = sum(social)
    full_norm = normalise(description)
    strong_hits = lex.groups.occurrences("topic:social_strong", full_norm)
    top_other = max(topic_counts[t] / denom for t in BLOCK_TOPICS) if n_duties else 0.0

    values.update(
        share_social=share_social,
        share_social_topical=n_social / max(n_social + topical_non_social, 1),
        share_social_all=all_social / max(len(sentences), 1),
        social_largest_block=float(n_social > 0 and n_social >= block_max),
        social_under_third=float(share_social < 1 / 3),
        social_minus_top_other=share_social - top_other,
        social_density=math.log1p(1000 * strong_hits / max(len(full_norm), 200)),
        n_social_duties=math.log1p(n_social),
        top_other_share=top_other,
    )
    for topic in TOPICS_OTHER:
        values[f"share_{topic}"] = topic_counts[topic] / denom

    signal_counts = dict.fromkeys(SIGNALS, 0)
    social_signal_counts = dict.fromkeys(SOCIAL_CONTEXT_SIGNALS, 0)
    for i in duties:
        fired = {sig for sig in SIGNALS if hits[i][f"signal:{sig}"]}
        if hits[i][_BY_OTHER]:
            # Someone else defines the strategy: the holder applies it (ROLES.md case 1).
            fired = (fired - {"define_strategy"}) | {"apply_strategy"}
        elif "define_strategy" in fired:
            # "Develop and execute the strategy" defines it: executing what one
            # defined is not ROLES.md's "appliquez la stratégie" of someone else.
            fired.discard("apply_strategy")
        for sig in SIGNALS:
            if sig in fired:
                signal_counts[sig] += 1
                add_evidence(sig, sentences[i].text)
                if social[i] and sig in social_signal_counts:
                    social_signal_counts[sig] += 1
    for sig in SIGNALS:
        values[f"sig_{sig}"] = math.log1p(signal_counts[sig])
    for sig in SOCIAL_CONTEXT_SIGNALS:
        values[f"sig_{sig}_social"] = math.log1p(social_signal_counts[sig])
    define_anywhere = sum(1 for h in hits if h["signal:define_strategy"] and not h[_BY_OTHER])
    values["define_anywhere"] = math.log1p(define_anywhere)
    d, a = signal_counts["define_strategy"], signal_counts["apply_strategy"]
    values["decision_balance"] = (d - a) / (d + a + 1)
    values["execution_share"] = signal_counts["execution"] / denom

    norm_title = normalise(title)
    title_hits = lex.groups.counts(norm_title)
    for name in ANYWHERE:
        first = next((i for i, h in enumerate(hits) if h[f"anywhere:{name}"]), None)
        if first is not None:
            add_evidence(name, sentences[first].text)
        found = first is not None or bool(title_hits[f"anywhere:{name}"])
        values[f"any_{name}"] = float(found)
    for name in TITLE_FLAGS:
        values[f"title_{name}"] = float(bool(title_hits[f"anywhere:{name}"]))
    values["title_social"] = float(_social(title_hits) or title_match(title)[1] is not None)
    values["title_other_topic"] = float(
        any(title_hits[f"topic:{t}"] for t in BLOCK_TOPICS)
        and not title_hits["topic:social_strong"]
    )

    years = [y for y in _numbers(lex.numbers["years_experience"], full_norm) if 0 < y <= 25]
    years_max = max(years, default=0.0)
    employees = [e for e in _numbers(lex.numbers["employees"], full_norm) if e >= 2]
    countries = [c for c in _numbers(lex.numbers["countries"], full_norm) if 1 < c < 250]
    employees_max = max(employees, default=0.0)
    values.update(
        years_max=min(years_max, 15.0) / 15.0,
        years_ge3=float(years_max >= 3),
        years_ge6=float(years_max >= 6),
        employees_log=math.log10(1 + employees_max) / 6.0,
        employees_ge1000=float(employees_max >= 1000),
        countries_log=math.log1p(max(countries, default=0.0)),
    )
    # ROLES.md's `other` at its plainest: nothing in the title or the text is about
    # social media or online communities (no role in any labelled set lacks one).
    values["no_social"] = float(all_social == 0 and strong_hits == 0 and not values["title_social"])
    return DutyProfile(
        values=values,
        evidence=evidence,
        duty_text="\n".join(sentences[i].text for i in duties),
        company_spans=_section_spans(description, sentences, "company"),
    )


def _section_spans(
    description: str, sentences: Sequence[Sentence], section: str
) -> tuple[tuple[int, int], ...]:
    """Where the sentences of ``section`` sit in ``description``.

    Each sentence is a substring of the description (segmentation only cuts and
    trims), found in order; one that cannot be found is left out.
    """
    spans: list[tuple[int, int]] = []
    cursor = 0
    for sentence in sentences:
        start = description.find(sentence.text, cursor)
        if start < 0:
            continue
        cursor = start + len(sentence.text)
        if sentence.section == section:
            spans.append((start, cursor))
    return tuple(spans)


def job_extraction(item: ClassifierInput) -> Extraction | None:
    """The extraction less the criteria found in the company blurb.

    "We are an agency that builds social media strategies" describes the
    company, not what the job holder will do (ROLES.md labels by duties);
    signals there (headcount, countries, sector) still describe the employer
    and are kept.
    """
    extraction = item.extraction
    if extraction is None or extraction.status != "ok":
        return extraction
    spans = analyse(item.posting).company_spans
    if not spans:
        return extraction
    kept = tuple(
        m
        for m in extraction.mentions
        if not (
            m.kind == "criterion"
            and m.field == "description"
            and any(a <= m.start < b for a, b in spans)
        )
    )
    if len(kept) == len(extraction.mentions):
        return extraction
    return replace(extraction, mentions=kept)


@lru_cache(maxsize=8192)
def _analyse_cached(title: str, description: str) -> DutyProfile:
    return _analyse(title, description)


def analyse(posting: PostingText) -> DutyProfile:
    """The duty profile of one posting (cached: training reads each posting several times)."""
    return _analyse_cached(posting.title or "", posting.description or "")


# -- sklearn transformers --------------------------------------------------------------


def _postings(X: Iterable[Any]) -> list[ClassifierInput]:
    items: list[ClassifierInput] = []
    for x in X:
        if isinstance(x, ClassifierInput):
            items.append(x)
        elif isinstance(x, PostingText):
            items.append(ClassifierInput(posting=x))
        else:
            raise TypeError(f"expected ClassifierInput or PostingText, got {type(x).__name__}")
    return items


class DutyProfileFeatures(TransformerMixin, BaseEstimator):
    """The numeric duty profile (see module docstring) as a dense matrix."""

    def fit(self, X: Sequence[Any], y: Any = None) -> DutyProfileFeatures:
        """Nothing to learn; records the feature names."""
        self.feature_names_ = duty_feature_names()
        return self

    def transform(self, X: Sequence[Any]) -> np.ndarray:
        """One row of duty-profile features per posting."""
        names = duty_feature_names()
        rows = [[analyse(x.posting).values[n] for n in names] for x in _postings(X)]
        return np.asarray(rows, dtype=np.float64).reshape(len(rows), len(names))

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        """Column names."""
        return np.asarray(duty_feature_names(), dtype=object)


def role_links() -> dict[str, list[float]]:
    """Per criterion / red flag id: signed weight towards each role (ROLES order).

    From the extractor's knowledge base: ``+weight`` for the roles an entry
    supports, ``-weight`` for the roles it argues against. Empty when the
    knowledge base is not available.
    """
    try:
        from models.knowledge import load_knowledge

        entries = load_knowledge().entries
    except Exception:  # an unreadable knowledge base leaves the support features at zero
        return {}
    links: dict[str, list[float]] = {}
    for entry in entries:
        if entry.roles is None:
            continue
        vector = [0.0] * len(ROLES)
        for role in entry.roles.supports:
            vector[ROLES.index(role)] += float(entry.weight)
        for role in entry.roles.against:
            vector[ROLES.index(role)] -= float(entry.weight)
        links[entry.id] = vector
    return links


def mention_keys(
    extraction: Extraction | None, links: dict[str, list[float]] | None = None
) -> dict[str, float]:
    """Feature values of an extraction.

    ``kind:ref_id`` and ``kind~family`` counts, ``title:kind:ref_id`` for mentions
    in the title, ``value:ref_id`` (log of the largest number found: years of
    experience, headcount...) and, with ``links``, ``support:role`` — the summed
    signed weights of the distinct criteria found, towards each role.
    """
    counts: dict[str, float] = {}
    if extraction is None or extraction.status != "ok":
        return counts
    seen: set[str] = set()
    for m in extraction.mentions:
        for key in (f"{m.kind}:{m.ref_id}", f"{m.kind}~{m.family}"):
            counts[key] = counts.get(key, 0.0) + 1.0
        if m.field == "title":
            key = f"title:{m.kind}:{m.ref_id}"
            counts[key] = counts.get(key, 0.0) + 1.0
        if m.value is not None and m.kind == "signal":
            key = f"value:{m.ref_id}"
            counts[key] = max(counts.get(key, 0.0), math.log1p(max(float(m.value), 0.0)))
        if links and m.ref_id in links and m.ref_id not in seen:
            seen.add(m.ref_id)
            for role, weight in zip(ROLES, links[m.ref_id], strict=True):
                counts[f"support:{role}"] = counts.get(f"support:{role}", 0.0) + weight
    return counts


class ExtractionFeatures(TransformerMixin, BaseEstimator):
    """What the extractor found: mention counts (log), largest values, role support."""

    def __init__(self, min_count: int = 3) -> None:
        self.min_count = min_count

    def fit(self, X: Sequence[Any], y: Any = None) -> ExtractionFeatures:
        """Keep the keys seen in at least ``min_count`` training postings."""
        self.links_ = role_links()
        seen: dict[str, int] = {}
        for x in _postings(X):
            for key in mention_keys(job_extraction(x), self.links_):
                seen[key] = seen.get(key, 0) + 1
        kept = sorted(k for k, n in seen.items() if n >= self.min_count)
        kept += [f"support:{r}" for r in ROLES if f"support:{r}" not in kept]
        self.vocabulary_ = {key: i for i, key in enumerate(sorted(kept))}
        return self

    def transform(self, X: Sequence[Any]) -> np.ndarray:
        """One row per posting (zeros when extraction is missing or failed)."""
        items = _postings(X)
        out = np.zeros((len(items), len(self.vocabulary_)), dtype=np.float64)
        for row, x in enumerate(items):
            for key, value in mention_keys(job_extraction(x), self.links_).items():
                col = self.vocabulary_.get(key)
                if col is None:
                    continue
                if key.startswith(("value:", "support:")):
                    out[row, col] = value
                else:
                    out[row, col] = math.log1p(value)
        return out

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        """Column names."""
        return np.asarray(
            [k for k, _ in sorted(self.vocabulary_.items(), key=lambda kv: kv[1])], dtype=object
        )


class TextSelector(TransformerMixin, BaseEstimator):
    """The text a TF-IDF reads: ``title``, ``duties`` (the duty sentences) or ``description``."""

    def __init__(self, field: str = "duties") -> None:
        self.field = field

    def fit(self, X: Sequence[Any], y: Any = None) -> TextSelector:
        """Nothing to learn."""
        if self.field not in ("title", "duties", "description"):
            raise ValueError(f"unknown field {self.field!r}")
        return self

    def transform(self, X: Sequence[Any]) -> list[str]:
        """One string per posting."""
        items = _postings(X)
        if self.field == "title":
            return [x.posting.title or "" for x in items]
        if self.field == "description":
            return [x.posting.description or "" for x in items]
        return [analyse(x.posting).duty_text for x in items]

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        """The single text column."""
        return np.asarray([self.field], dtype=object)


class TitleRuleFeatures(TransformerMixin, BaseEstimator):
    """One-hot of the role the title-keyword rule gives the title."""

    def fit(self, X: Sequence[Any], y: Any = None) -> TitleRuleFeatures:
        """Nothing to learn."""
        return self

    def transform(self, X: Sequence[Any]) -> np.ndarray:
        """Four columns, one per role."""
        items = _postings(X)
        out = np.zeros((len(items), len(ROLES)), dtype=np.float64)
        for row, x in enumerate(items):
            role, _ = title_match(x.posting.title or "")
            out[row, ROLES.index(role)] = 1.0
        return out

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        """Column names."""
        return np.asarray(list(ROLES), dtype=object)
