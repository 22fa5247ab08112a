"""Near-duplicate clustering of job postings across sources and runs (pure: no database, no I/O).

``assign_clusters(existing, new)`` gives every new posting a cluster id: the
id of the existing cluster it duplicates, else a fresh one (the posting's own
id, or the smallest id of a group of new postings that duplicate each other).

How a pair is judged:

* exact: the same posting id, or the same normalised title + company + text;
* near: candidates come from MinHash-LSH over word shingles of the text (and
  from a block of identical normalised titles at the same company), so the
  work grows with the number of candidates, not with n²;
* each candidate pair is then verified: the titles must agree (token
  containment, ignoring gender markers such as "H/F"), the companies and
  locations must not contradict each other, and one text's shingles must be
  mostly contained in the other's. Containment, rather than cosine or
  Jaccard, lets a board copy that trims or adds boilerplate still match, and
  the title gate keeps apart two roles written on the same company template.
  Digits are folded, so a repost with a new date or reference still matches.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
import zlib
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np

Doc = Mapping[str, Any]

_GENDER = re.compile(
    r"\(\s*[hfmwdx]\s*(?:/\s*[hfmwdx]\s*){1,2}\)|\b[hfmwdx]\s*/\s*[hfmwdx](?:\s*/\s*[hfmwdx])?\b"
)
_FEMININE = re.compile(r"\((?:e|es|ne|se|ice|trice)\)")
_TOKEN = re.compile(r"[a-z0-9]+")
_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_DIGITS = re.compile(r"\d+")
_TITLE_STOPWORDS = frozenset(
    [
        "de",
        "du",
        "des",
        "la",
        "le",
        "les",
        "l",
        "d",
        "un",
        "une",
        "en",
        "et",
        "ou",
        "a",
        "au",
        "aux",
        "pour",
        "sur",
        "avec",
        "dans",
        "the",
        "of",
        "and",
        "or",
        "for",
        "to",
        "in",
        "at",
        "an",
        "with",
        "on",
    ]
)
_COMPANY_STOPWORDS = frozenset(
    [
        "sa",
        "sas",
        "sasu",
        "sarl",
        "eurl",
        "sci",
        "scop",
        "group",
        "groupe",
        "gmbh",
        "ag",
        "ltd",
        "limited",
        "inc",
        "llc",
        "plc",
        "bv",
        "nv",
        "co",
        "company",
        "corp",
        "corporation",
        "the",
        "le",
        "la",
        "les",
        "et",
        "and",
        "de",
    ]
)


@dataclass(frozen=True)
class DedupConfig:
    """Thresholds and sketch sizes (defaults tuned on tests/fixtures/dedup)."""

    shingle_words: int = 4
    bands: int = 20
    rows: int = 4
    text_containment: float = 0.8
    title_containment: float = 0.75
    min_shingles: int = 8
    max_bucket: int = 500
    max_candidates: int = 50
    seed: int = 20240501


def fold(text: str) -> str:
    """Lower case without accents (NFKD, combining marks dropped)."""
    return _COMBINING.sub("", unicodedata.normalize("NFKD", text or "")).lower()


def text_tokens(text: str) -> list[str]:
    """Word tokens of a description, digits folded to ``0`` (dates and references vary)."""
    return _TOKEN.findall(_DIGITS.sub("0", fold(text)))


def title_tokens(title: str) -> frozenset[str]:
    """Content words of a title, without gender markers, feminine endings or stopwords."""
    folded = _FEMININE.sub("", _GENDER.sub(" ", fold(title)))
    return frozenset(t for t in _TOKEN.findall(folded) if len(t) > 1 and t not in _TITLE_STOPWORDS)


def company_tokens(company: str | None) -> frozenset[str]:
    """Distinctive words of a company name (legal forms dropped)."""
    return frozenset(
        t for t in _TOKEN.findall(fold(company or "")) if t not in _COMPANY_STOPWORDS and len(t) > 1
    )


def content_key(title: frozenset[str], company: frozenset[str], tokens: Sequence[str]) -> str:
    """Hash of the normalised title, company and text: equal keys are exact duplicates."""
    parts = [" ".join(sorted(title)), " ".join(sorted(company)), " ".join(tokens)]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def _token_ids(tokens: Sequence[str], vocab: dict[str, int]) -> np.ndarray:
    # the text's distinct tokens are looked up once each (a text repeats most of its words)
    distinct = set(tokens) - vocab.keys()
    vocab.update((t, zlib.crc32(t.encode("utf-8"))) for t in distinct)
    return np.fromiter(map(vocab.__getitem__, tokens), dtype=np.uint64, count=len(tokens))


def shingle_hashes(tokens: Sequence[str], k: int, vocab: dict[str, int]) -> np.ndarray:
    """Sorted unique 64-bit hashes of the word k-grams (the whole text when shorter than k)."""
    ids = _token_ids(tokens, vocab)
    if ids.size == 0:
        return ids
    if ids.size < k:
        k = int(ids.size)
    prime = np.uint64(1_000_003)
    acc = np.zeros(ids.size - k + 1, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for i in range(k):
            acc = acc * prime + ids[i : ids.size - k + 1 + i]
    return np.unique(acc)


class _Prepared:
    """A doc as deduplication compares it. A doc given with its ``Sketch`` is not re-read,
    and its title, company and location tokens are only worked out when it meets a
    candidate (most stored postings never do)."""

    def __init__(self, doc: Doc, config: DedupConfig, vocab: dict[str, int]) -> None:
        self.doc = doc
        self.ident = str(doc["posting_id"])
        self.cluster = str(doc["cluster_id"]) if doc.get("cluster_id") else None
        known = doc.get("sketch")
        self.signature: np.ndarray | None
        if isinstance(known, Sketch):
            self.key, self.shingles = known.key, known.shingles
            self.signature, self.title_key = known.signature, known.title_key
        else:
            tokens = text_tokens(str(doc.get("text") or ""))
            self.key = content_key(self.title, self.company, tokens)
            self.shingles = shingle_hashes(tokens, config.shingle_words, vocab)
            self.signature, self.title_key = None, title_block(self.title, self.company)

    @cached_property
    def title(self) -> frozenset[str]:
        """Content words of the title."""
        return title_tokens(str(self.doc.get("title") or ""))

    @cached_property
    def company(self) -> frozenset[str]:
        """Distinctive words of the company name."""
        return company_tokens(self.doc.get("company"))

    @cached_property
    def location(self) -> frozenset[str]:
        """Words of the location."""
        return frozenset(_TOKEN.findall(fold(str(self.doc.get("location") or ""))))


def title_block(title: frozenset[str], company: frozenset[str]) -> str:
    """The title + company block a doc is a near-duplicate candidate in ("" without a title)."""
    return " ".join(sorted(title)) + "\x1f" + " ".join(sorted(company)) if title else ""


# Bump when tokens, shingles or signatures change: stored sketches are then recomputed.
SKETCH_VERSION = 2  # 2: sketches keep the title + company block


@dataclass(frozen=True)
class Sketch:
    """What deduplication keeps of a posting's title, company and text: the exact-duplicate
    key, the shingle hashes, the MinHash signature and the title + company block. A doc
    given with a ``sketch`` entry is not re-read (its ``text`` may be left out)."""

    key: str
    shingles: np.ndarray
    signature: np.ndarray
    title_key: str


def sketch_fingerprint(config: DedupConfig) -> str:
    """Identifies how sketches are computed: sketches with another fingerprint are stale."""
    parts = (SKETCH_VERSION, config.shingle_words, config.bands, config.rows, config.seed)
    return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()[:16]


def sketches(docs: Sequence[Doc], config: DedupConfig | None = None) -> list[Sketch]:
    """The sketch of each doc (``posting_id``, ``title``, ``company``, ``text``), in order."""
    config = config or DedupConfig()
    vocab: dict[str, int] = {}
    index = _Index([_Prepared(d, config, vocab) for d in docs], 0, config)
    signatures = index.signatures
    return [
        Sketch(d.key, d.shingles, signatures[i].copy(), d.title_key)
        for i, d in enumerate(index.docs)
    ]


class _Index:
    """Sketches and candidate pairs for one ``assign_clusters`` call."""

    def __init__(self, docs: list[_Prepared], n_existing: int, config: DedupConfig):
        self.docs = docs
        self.n_existing = n_existing
        self.config = config
        rng = np.random.default_rng(config.seed)
        perms = config.bands * config.rows
        self.mul = rng.integers(1, 2**63, size=perms, dtype=np.uint64) | np.uint64(1)
        self.add = rng.integers(0, 2**63, size=perms, dtype=np.uint64)

    @cached_property
    def signatures(self) -> np.ndarray:
        """MinHash signature per doc (multiply-shift hashing), computed in batches."""
        perms = self.mul.size
        out = np.full((len(self.docs), perms), np.iinfo(np.uint32).max, dtype=np.uint32)
        batch: list[int] = []
        size = 0
        for i, doc in enumerate(self.docs):
            if doc.signature is not None:
                out[i] = doc.signature
            elif doc.shingles.size:
                batch.append(i)
                size += doc.shingles.size
            if size >= 50_000 or (i == len(self.docs) - 1 and batch):
                self._sign(batch, out)
                batch, size = [], 0
        return out

    def _sign(self, batch: list[int], out: np.ndarray) -> None:
        if not batch:
            return
        arrays = [self.docs[i].shingles for i in batch]
        values = np.concatenate(arrays)
        starts = np.cumsum([0] + [a.size for a in arrays[:-1]])
        with np.errstate(over="ignore"):
            hashed = (values[:, None] * self.mul[None, :] + self.add[None, :]) >> np.uint64(32)
        out[batch] = np.minimum.reduceat(hashed.astype(np.uint32), starts, axis=0)

    def _groups(self) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
        """Per LSH band, then for the title+company block: (group of each doc, member
        offsets, members grouped) over the docs with text (blocks: with a title)."""
        has_text = np.array([d.shingles.size > 0 for d in self.docs], dtype=bool)
        rows = self.config.rows
        keyed: list[tuple[np.ndarray, np.ndarray]] = []
        for band in range(self.config.bands):
            chunk = np.ascontiguousarray(self.signatures[:, band * rows : (band + 1) * rows])
            keys = chunk.view(np.dtype((np.void, chunk.dtype.itemsize * rows))).ravel()
            keyed.append((np.unique(keys, return_inverse=True)[1].ravel(), has_text))
        titles: dict[str, int] = {}
        block = np.array([titles.setdefault(d.title_key, len(titles)) for d in self.docs])
        keyed.append((block, np.array([bool(d.title_key) for d in self.docs], dtype=bool)))
        out = []
        for group, eligible in keyed:
            group = np.where(eligible, group, -1)
            members = np.flatnonzero(eligible)
            members = members[np.argsort(group[members], kind="stable")]
            sizes = np.bincount(group[members], minlength=int(group.max(initial=-1)) + 1)
            out.append((group, np.concatenate(([0], np.cumsum(sizes))), members))
        return out

    def candidates(self) -> Iterator[tuple[int, np.ndarray]]:
        """(new doc, its candidate docs) for each new doc that shares an LSH bucket or a
        title+company block with another doc, candidates in index order.

        A bucket contributes at most ``max_bucket`` members (the first ones: existing
        docs, then new ones, in order), and a doc keeps at most ``max_candidates``
        candidates, those sharing the most buckets (the block counts as one) first:
        ads written on a shared template fall into the same buckets by the thousand,
        and without the cap their candidate pairs grow quadratically.
        """
        if self.n_existing == len(self.docs):
            return
        limit, cap = self.config.max_bucket, self.config.max_candidates
        groups = self._groups()
        for i in range(self.n_existing, len(self.docs)):
            found = []
            for group, offsets, members in groups:
                g = group[i]
                if g < 0 or offsets[g + 1] - offsets[g] < 2:
                    continue
                found.append(members[offsets[g] : min(offsets[g + 1], offsets[g] + limit)])
            if not found:
                continue
            others = np.concatenate(found)
            others = others[(others != i) & ((others < self.n_existing) | (others < i))]
            if others.size == 0:
                continue
            unique, shared = np.unique(others, return_counts=True)
            if unique.size > cap:
                # most shared buckets first, ties to the lower index; then back to index order
                unique = np.sort(unique[np.lexsort((unique, -shared))[:cap]])
            yield i, unique


def _containment(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def similarity(a: _Prepared, b: _Prepared, config: DedupConfig) -> float:
    """Duplicate score of a pair in [0, 1]; 0 when a gate (title, company, location) fails."""
    if a.key == b.key:
        return 1.0
    if a.company and b.company and not (a.company & b.company):
        return 0.0
    if a.location and b.location and not (a.location & b.location):
        return 0.0
    if a.title and b.title and _containment(a.title, b.title) < config.title_containment:
        return 0.0
    smaller = min(a.shingles.size, b.shingles.size)
    if smaller == 0:
        return 0.0
    if smaller < config.min_shingles and a.title != b.title:
        return 0.0
    shared = np.intersect1d(a.shingles, b.shingles, assume_unique=True).size
    return shared / smaller


def _index(existing: Iterable[Doc], new: Iterable[Doc], config: DedupConfig) -> _Index:
    vocab: dict[str, int] = {}
    old = [_Prepared(d, config, vocab) for d in existing]
    fresh = [_Prepared(d, config, vocab) for d in new]
    return _Index(old + fresh, len(old), config)


def candidate_sets(
    existing: Iterable[Doc], new: Iterable[Doc], config: DedupConfig | None = None
) -> dict[str, list[str]]:
    """The posting ids each new posting is compared with (at most ``max_candidates``)."""
    index = _index(existing, new, config or DedupConfig())
    return {
        index.docs[i].ident: [index.docs[j].ident for j in others.tolist()]
        for i, others in index.candidates()
    }


def duplicate_pairs(
    existing: Iterable[Doc], new: Iterable[Doc], config: DedupConfig | None = None
) -> list[tuple[str, str, float]]:
    """(new posting id, other posting id, score) for every verified duplicate pair."""
    config = config or DedupConfig()
    index = _index(existing, new, config)
    out = []
    for i, others in index.candidates():
        for j in others.tolist():
            score = similarity(index.docs[i], index.docs[j], config)
            if score >= config.text_containment:
                out.append((index.docs[i].ident, index.docs[j].ident, score))
    return out


def assign_clusters(
    existing: Iterable[Doc], new: Iterable[Doc], config: DedupConfig | None = None
) -> dict[str, str]:
    """Cluster id for every new posting.

    ``existing`` docs carry ``posting_id``, ``cluster_id``, ``title``,
    ``company``, ``text`` (and optionally ``location``); ``new`` docs the same
    without ``cluster_id``. A new posting that duplicates an existing one gets
    that posting's cluster id (the best-scoring one when several match); new
    postings that only duplicate each other share the smallest posting id
    among them (or the existing cluster one of them reached); any other
    posting gets its own id.
    """
    config = config or DedupConfig()
    old_docs, new_docs = list(existing), list(new)
    known = {str(d["posting_id"]): str(d["cluster_id"]) for d in old_docs}
    pending = [d for d in new_docs if str(d["posting_id"]) not in known]
    result = {
        str(d["posting_id"]): known[str(d["posting_id"])]
        for d in new_docs
        if str(d["posting_id"]) in known
    }
    best: dict[str, tuple[float, str]] = {}
    parent = {str(d["posting_id"]): str(d["posting_id"]) for d in pending}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for new_id, other_id, score in duplicate_pairs(old_docs, pending, config):
        if other_id in known:
            current = best.get(new_id)
            candidate = (score, known[other_id])
            if current is None or (candidate[0], _neg(candidate[1])) > (
                current[0],
                _neg(current[1]),
            ):
                best[new_id] = candidate
        elif other_id in parent:
            a, b = find(new_id), find(other_id)
            if a != b:
                parent[max(a, b)] = min(a, b)
    groups: dict[str, list[str]] = defaultdict(list)
    for ident in parent:
        groups[find(ident)].append(ident)
    for members in groups.values():
        reached = sorted((best[m] for m in members if m in best), key=lambda c: (-c[0], c[1]))
        group_id = reached[0][1] if reached else min(members)
        for member in members:
            result[member] = best[member][1] if member in best else group_id
    return result


def _neg(cluster_id: str) -> tuple[int, ...]:
    # Ties on score go to the smallest cluster id: compare on negated code points.
    return tuple(-ord(c) for c in cluster_id)


def tfidf_duplicate_pairs(
    texts: Sequence[str], pairs: Sequence[tuple[int, int]], threshold: float = 0.75
) -> list[bool]:
    """JobFunnel's rule, the baseline to beat: TF-IDF cosine of the descriptions >= 0.75.

    The vectorizer is fitted on all ``texts`` (JobFunnel fits on the current and
    previous scrapes together) with English stop words and accents stripped.
    """
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics.pairwise import cosine_similarity

    vectorizer = TfidfVectorizer(strip_accents="unicode", lowercase=True, stop_words="english")
    matrix = vectorizer.fit_transform(texts)
    return [bool(cosine_similarity(matrix[i], matrix[j])[0, 0] >= threshold) for i, j in pairs]
