"""Find criteria, skills, signals and red flags in postings, with their evidence.

``Extractor`` is pure over text and the data files: it cleans each posting
(markup removed, offsets kept), detects its language, tokenises it with a blank
spaCy pipeline of that language, runs the Matcher compiled from the knowledge
base, and turns matches into :class:`models.types.Mention` objects whose
offsets point into the original title or description.

After matching, four data-driven steps shape the result:

1. ``suppresses``: a match removes an overlapping match of an entry it names
   (for two entries that suppress each other, the longer span wins: "participer
   à la définition de la stratégie" is execution, not definition);
2. overlapping matches of one entry merge into one mention;
3. ``implies``: a mention also evidences the entries it implies (optionally only
   when its value reaches ``min_value``), on the same span;
4. ``when``: posting-level rules (a red flag that needs an intern *and* a sole
   public voice) fire on the span of the evidence that triggered them.

Bad input never raises: empty or markup-only descriptions get status "empty",
languages other than French and English "unsupported_language", and any
unexpected failure "error", each with a reason. Descriptions longer than
``MAX_DESCRIPTION_CHARS`` are read up to that length (and say so in ``reason``):
real job ads are far shorter, and the cut keeps time and memory bounded.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import multiprocessing
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Literal

import spacy
from spacy.tokens import Doc

from models.extract_patterns import CompiledPatterns, compile_patterns
from models.extract_text import CleanText, Sentences, clean_text, fold, has_letters
from models.extract_tokens import CachingTokenizer
from models.extract_values import parse_number
from models.knowledge import LANGUAGES, Entry, KnowledgeBase, load_knowledge
from models.language import OTHER, Detector, default_detector
from models.types import Extraction, Mention, PostingText

EXTRACTOR_VERSION = "1.0"
MAX_DESCRIPTION_CHARS = 200_000
MAX_TITLE_CHARS = 1_000
DEFAULT_BATCH_SIZE = 64
UNKNOWN_LANGUAGE = "unknown"

Field = Literal["title", "description"]
_FIELDS: tuple[Field, ...] = ("title", "description")


@dataclass
class _Hit:
    """A match in clean-text coordinates, before it becomes a Mention."""

    entry: Entry
    field: Field
    start: int
    end: int
    value: float | None

    def overlaps(self, other: _Hit) -> bool:
        return self.field == other.field and self.start < other.end and other.start < self.end


@dataclass
class _Prepared:
    """A posting after cleaning and language detection."""

    posting: PostingText
    texts: dict[Field, CleanText]
    language: str
    status: Literal["ok", "empty", "unsupported_language", "error"]
    reason: str | None = None


class _LanguagePipeline:
    """A tokeniser and the compiled Matcher for one language."""

    def __init__(self, lang: str, kb: KnowledgeBase) -> None:
        self.nlp = spacy.blank(lang)
        self.nlp.tokenizer = CachingTokenizer(self.nlp.tokenizer, self.nlp.vocab)
        self.patterns: CompiledPatterns = compile_patterns(kb, lang, self.nlp.vocab)


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


class Extractor:
    """Extracts mentions from postings; build once, reuse (compiling patterns takes a second)."""

    def __init__(self, kb: KnowledgeBase | None = None, detector: Detector | None = None) -> None:
        self.kb = kb if kb is not None else load_knowledge()
        self._by_id = self.kb.by_id()
        self._conditional = [e for e in self.kb.entries if e.when is not None]
        self._detector = detector if detector is not None else default_detector()
        self._pipelines = {lang: _LanguagePipeline(lang, self.kb) for lang in LANGUAGES}
        self._version = hashlib.sha256(
            f"{EXTRACTOR_VERSION}:{self.kb.fingerprint()}".encode()
        ).hexdigest()[:16]

    @property
    def version(self) -> str:
        """Changes whenever the code version constant or any data file changes."""
        return self._version

    def pattern_count(self, lang: str) -> int:
        """Number of concrete spaCy patterns compiled for ``lang``."""
        return self._pipelines[lang].patterns.pattern_count

    # -- public API -----------------------------------------------------------------

    def extract_one(self, posting: PostingText) -> Extraction:
        """Extract one posting (see ``extract_many``)."""
        return next(self.extract_many([posting]))

    def extract_many(
        self,
        postings: Iterable[PostingText],
        batch_size: int = DEFAULT_BATCH_SIZE,
        n_process: int = 1,
    ) -> Iterator[Extraction]:
        """Yield one Extraction per posting, in input order; never raises on bad input.

        ``n_process > 1`` forks workers that inherit this extractor; it pays off
        on large batches only (each worker handles ``batch_size`` postings at a time).
        """
        batches = _batched(postings, max(batch_size, 1))
        if n_process > 1:
            yield from _extract_in_processes(self, batches, n_process)
            return
        for batch in batches:
            yield from self._extract_batch(batch)

    # -- steps ------------------------------------------------------------------------

    def _extract_batch(self, batch: Sequence[PostingText]) -> list[Extraction]:
        prepared = [self._prepare(posting) for posting in batch]
        results: list[Extraction | None] = [None] * len(prepared)
        by_language: dict[str, list[int]] = defaultdict(list)
        for index, item in enumerate(prepared):
            if item.status == "ok":
                by_language[item.language].append(index)
            else:
                results[index] = _without_mentions(item)
        for lang, indices in by_language.items():
            pipeline = self._pipelines[lang]
            texts = [fold(prepared[i].texts[f].text) for i in indices for f in _FIELDS]
            try:
                docs = list(pipeline.nlp.pipe(texts, batch_size=len(texts)))
            except Exception:  # one bad text must not sink the batch: redo one by one
                docs = []
            for position, index in enumerate(indices):
                pair = docs[2 * position : 2 * position + 2] if docs else None
                results[index] = self._finish(prepared[index], pipeline, pair)
        return [r for r in results if r is not None]

    def _prepare(self, posting: PostingText) -> _Prepared:
        try:
            title_raw = _text(posting.title)[:MAX_TITLE_CHARS]
            raw = _text(posting.description)
            reason = None
            if len(raw) > MAX_DESCRIPTION_CHARS:
                reason = (
                    f"description truncated to its first {MAX_DESCRIPTION_CHARS:,} "
                    f"of {len(raw):,} characters"
                )
                raw = raw[:MAX_DESCRIPTION_CHARS]
            texts: dict[Field, CleanText] = {
                "title": clean_text(title_raw),
                "description": clean_text(raw),
            }
            hint = posting.language if isinstance(posting.language, str) else None
            body = texts["description"].text
            if not has_letters(body):
                why = "description is empty" if not raw.strip() else "description has no text"
                return _Prepared(posting, texts, hint or UNKNOWN_LANGUAGE, "empty", why)
            language = self._detector.detect(f"{texts['title'].text}\n{body}", hint)
            if language == OTHER:
                name = self._detector.name_of(body)
                why = f"language is not French or English (detected: {name})"
                return _Prepared(posting, texts, OTHER, "unsupported_language", why)
            return _Prepared(posting, texts, language, "ok", reason)
        except Exception as error:  # never raise on input
            empty = clean_text("")
            texts = {"title": empty, "description": empty}
            return _Prepared(
                posting, texts, UNKNOWN_LANGUAGE, "error", f"preparation failed: {error!r}"
            )

    def _finish(
        self, item: _Prepared, pipeline: _LanguagePipeline, docs: Sequence[Doc] | None
    ) -> Extraction:
        try:
            if docs is None:
                docs = [pipeline.nlp(fold(item.texts[f].text)) for f in _FIELDS]
            hits: list[_Hit] = []
            for field, doc in zip(_FIELDS, docs, strict=True):
                hits.extend(self._resolve(self._match(doc, field, pipeline)))
            hits.extend(self._conditions(hits))
            mentions = self._mentions(item, hits)
            return Extraction(item.posting.posting_id, item.language, "ok", mentions, item.reason)
        except Exception as error:  # never raise on input
            return Extraction(
                _posting_id(item.posting),
                item.language,
                "error",
                (),
                f"extraction failed: {error!r}",
            )

    def _match(self, doc: Doc, field: Field, pipeline: _LanguagePipeline) -> list[_Hit]:
        rules = pipeline.patterns.rules
        hits: list[_Hit] = []
        for key, start, end in pipeline.patterns.matcher(doc):
            rule = rules[key]
            if rule.field is not None and rule.field != field:
                continue
            start, end = start + rule.trim[0], end - rule.trim[1]
            entry = self._by_id[rule.entry_id]
            value = rule.value
            if value is None and entry.value == "number":
                value = parse_number([t.lower_ for t in doc[start:end]], self.kb.numbers)
            if value is not None and entry.value_range is not None:
                low, high = entry.value_range
                if not low <= value <= high:
                    continue
            span = doc[start:end]
            hits.append(_Hit(entry, field, span.start_char, span.end_char, value))
        return hits

    def _resolve(self, hits: list[_Hit]) -> list[_Hit]:
        """Suppression, then merging, then implications (see the module docstring)."""
        by_entry: dict[str, list[_Hit]] = defaultdict(list)
        for hit in hits:
            by_entry[hit.entry.id].append(hit)
        dropped: set[int] = set()
        for entry_id, own in by_entry.items():
            for target in self._by_id[entry_id].suppresses:
                mutual = entry_id in self._by_id[target].suppresses
                for a, b in itertools.product(own, by_entry.get(target, ())):
                    if not a.overlaps(b):
                        continue
                    if mutual and (a.end - a.start) <= (b.end - b.start):
                        continue
                    dropped.add(id(b))
        kept = _merge([h for h in hits if id(h) not in dropped])
        implied = [
            _Hit(self._by_id[i.id], h.field, h.start, h.end, None)
            for h in kept
            for i in h.entry.implies
            if i.min_value is None or (h.value is not None and h.value >= i.min_value)
        ]
        return _merge(kept + implied) if implied else kept

    def _conditions(self, hits: list[_Hit]) -> list[_Hit]:
        present: dict[str, _Hit] = {}
        for hit in sorted(hits, key=lambda h: (h.field != "description", h.start)):
            present.setdefault(hit.entry.id, hit)
        out: list[_Hit] = []
        for entry in self._conditional:
            rule = entry.when
            assert rule is not None
            if not all(i in present for i in rule.all):
                continue
            anchors = [present[i] for i in rule.any if i in present]
            if rule.any and not anchors:
                continue
            anchor = anchors[0] if anchors else present[rule.all[0]]
            out.append(_Hit(entry, anchor.field, anchor.start, anchor.end, None))
        return out

    def _mentions(self, item: _Prepared, hits: list[_Hit]) -> tuple[Mention, ...]:
        sentences = {f: Sentences(item.texts[f].text) for f in _FIELDS}
        mentions = []
        for hit in _merge(hits):
            clean = item.texts[hit.field]
            start, end = clean.to_original(hit.start, hit.end)
            mentions.append(
                Mention(
                    kind=hit.entry.kind,
                    ref_id=hit.entry.id,
                    family=hit.entry.family,
                    field=hit.field,
                    start=start,
                    end=end,
                    text=clean.original[start:end],
                    sentence=sentences[hit.field].around(hit.start, hit.end),
                    value=hit.value,
                )
            )
        mentions.sort(key=lambda m: (m.field != "title", m.start, m.end, m.kind, m.ref_id))
        return tuple(mentions)


@functools.cache
def default_extractor() -> Extractor:
    """The process-wide extractor over the shipped data files (built on first use)."""
    return Extractor()


def _merge(hits: list[_Hit]) -> list[_Hit]:
    """Union overlapping hits of the same entry; the longest piece's value wins."""
    ordered = sorted(hits, key=lambda h: (h.entry.id, h.field, h.start, -h.end))
    merged: list[_Hit] = []
    for hit in ordered:
        last = merged[-1] if merged else None
        if last is not None and last.entry.id == hit.entry.id and last.overlaps(hit):
            longer = hit if (hit.end - hit.start) > (last.end - last.start) else last
            value = longer.value
            if value is None:
                value = last.value if last.value is not None else hit.value
            merged[-1] = _Hit(last.entry, last.field, last.start, max(last.end, hit.end), value)
        else:
            merged.append(hit)
    return merged


def _posting_id(posting: object) -> str:
    return _text(getattr(posting, "posting_id", "")) or ""


def _without_mentions(item: _Prepared) -> Extraction:
    return Extraction(_posting_id(item.posting), item.language, item.status, (), item.reason)


def _batched(items: Iterable[PostingText], size: int) -> Iterator[list[PostingText]]:
    iterator = iter(items)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


# Workers inherit the parent's extractor through fork instead of rebuilding it.
_WORKER_EXTRACTOR: Extractor | None = None


def _worker_batch(batch: list[PostingText]) -> list[Extraction]:
    assert _WORKER_EXTRACTOR is not None
    return _WORKER_EXTRACTOR._extract_batch(batch)


def _extract_in_processes(
    extractor: Extractor, batches: Iterable[list[PostingText]], n_process: int
) -> Iterator[Extraction]:
    global _WORKER_EXTRACTOR
    _WORKER_EXTRACTOR = extractor
    context = multiprocessing.get_context("fork")
    with context.Pool(n_process) as pool:
        for results in pool.imap(_worker_batch, batches):
            yield from results
