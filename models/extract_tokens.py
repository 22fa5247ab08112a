"""spaCy's tokenizer with a cache that keeps working across a whole document.

spaCy tokenizes a text one whitespace-delimited span at a time and caches each
span's tokens, but stops caching for the rest of a document as soon as one span
was a special case (an elision such as "l'", "(H/F)", "e.g."), which is almost
every job ad: the French tokenizer then re-splits every word of every ad.
:class:`CachingTokenizer` cuts the text into the same spans spaCy does, asks
spaCy's own tokenizer for each span it has not seen, and remembers the answer.
The tokens are the same as spaCy's (tested token for token, with their
whitespace and offsets); the extractor only reads lexeme attributes
(``LOWER``, ``ORTH``, ``SHAPE``, flags), which a ``Doc`` built from the same
words carries.
"""

from __future__ import annotations

from collections.abc import Callable

from spacy.tokens import Doc
from spacy.vocab import Vocab

MAX_CACHED_SPANS = 200_000


def spans(text: str) -> list[tuple[str, bool]]:
    """The spans spaCy's tokenizer splits ``text`` into, each with whether a single
    space (not a token of its own) follows it.

    Spans are maximal runs of whitespace or of non-whitespace; the first space
    after a non-whitespace run belongs to that run's last token instead.
    """
    out: list[tuple[str, bool]] = []
    if not text:
        return out
    in_ws = text[0].isspace()
    start = 0
    for i, char in enumerate(text):
        if char.isspace() == in_ws:
            continue
        if start < i:
            out.append((text[start:i], False))
        if char == " ":
            out[-1] = (out[-1][0], True)
            start = i + 1
        else:
            start = i
        in_ws = not in_ws
    if start < len(text):
        out.append((text[start:], text[-1] == " " and not in_ws))
    return out


class CachingTokenizer:
    """A drop-in ``nlp.tokenizer`` giving spaCy's tokens, with a per-span cache."""

    def __init__(self, tokenizer: Callable[[str], Doc], vocab: Vocab) -> None:
        self.tokenizer = tokenizer
        self.vocab = vocab
        self._cache: dict[str, tuple[str, ...]] = {}

    def _tokens(self, span: str) -> tuple[str, ...]:
        cached = self._cache.get(span)
        if cached is None:
            if len(self._cache) >= MAX_CACHED_SPANS:
                self._cache.clear()
            cached = tuple(token.text for token in self.tokenizer(span))
            self._cache[span] = cached
        return cached

    def __call__(self, text: str) -> Doc:
        """The tokens of ``text`` as a ``Doc``."""
        words: list[str] = []
        spaces: list[bool] = []
        for span, space_after in spans(text):
            tokens = self._tokens(span)
            if not tokens:
                continue
            words.extend(tokens)
            spaces.extend([False] * len(tokens))
            spaces[-1] = space_after
        return Doc(self.vocab, words=words, spaces=spaces)
