"""Tokens and sentences for the token-based formats (CoNLL, Hugging Face, spaCy).

Tokens are code-point ranges of the document's text, never copies of it, so
every token format keeps offsets exact. Two tokenizers:

- "regex": a Unicode word/symbol pattern; combining marks stay on their
  letter, emoji sequences (ZWJ, skin tones, flags) stay whole, and invisible
  format characters (zero-width space, BOM) are not tokens.
- "spacy": `spacy.blank(language).tokenizer` (language "xx" when spaCy does
  not know the one asked for).

"auto" is spaCy's tokenizer when spaCy is installed, else the regex one.
"source" (the default) gives a document that came from a token format
(CoNLL, Hugging Face) the tokens and sentences it came with, and tokenizes
the others as "auto" does. Whichever runs, tokens are then split at every span edge that
falls inside a token, so no span is dropped or shifted where the tokenizer
would not split (`Bandung` inside `<b>Bandung</b>`, a span that stops before
the comma of `Glycerin,`); `Tokens.split` counts those extra splits.

Sentences end at line breaks and after sentence-final punctuation, but never
inside a span, so an entity is never cut in two by a sentence break.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from itertools import accumulate, compress, count

from annotator.domain import SourceTokens

SENTENCE_FINAL = frozenset({".", "!", "?", "…", "。", "！", "？", "؟", "۔", "।", "॥"})
_LINE_BREAK = re.compile(r"[\n\r\u2028\u2029\x0b\x0c\x85]")


@cache
def _char_class(categories: tuple[str, ...]) -> str:
    """A regex character class body for every code point of the given Unicode
    categories; Python's `re` has no `\\p{M}`, and `\\w` leaves out combining marks."""
    ranges: list[list[int]] = []
    # Planes 2-13 and 15-16 hold no marks or format characters; skipping them keeps this fast.
    for cp in (*range(0x20000), *range(0xE0000, 0xE1000)):
        if unicodedata.category(chr(cp)).startswith(categories):
            if ranges and ranges[-1][1] == cp - 1:
                ranges[-1][1] = cp
            else:
                ranges.append([cp, cp])
    return "".join(
        re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in ranges
    )


@cache
def regex_pattern() -> re.Pattern[str]:
    marks = _char_class(("M",))
    invisible = _char_class(("Cf",))
    tones = "\U0001F3FB-\U0001F3FF"
    letter = rf"[\w{marks}{tones}]"  # one character class: far faster than an alternation
    word = rf"\w{letter}*(?:[-'’.]\w{letter}*)*"
    symbol = rf"(?:[\U0001F1E6-\U0001F1FF]{{2}}|[^\w\s{invisible}])(?:[{marks}{tones}]|\u200d[^\w\s])*"
    return re.compile(f"{word}|{symbol}")


class TokenizerUnavailable(ValueError):
    """The spaCy tokenizer was asked for and spaCy is not installed (a ValueError,
    like other choices that cannot be honoured, so the command and window report it)."""


@cache
def spacy_installed() -> bool:
    try:
        import spacy  # noqa: F401
    except ImportError:
        return False
    return True


@cache
def blank_pipeline(language: str):
    """`spacy.blank(language)`, or the multi-language "xx" for a language spaCy lacks."""
    try:
        import spacy
    except ImportError as exc:
        raise TokenizerUnavailable(
            "the spaCy tokenizer needs spaCy: pip install 'annotator[spacy]'"
        ) from exc
    try:
        return spacy.blank(language or "xx")
    except (ImportError, KeyError, ValueError, OSError) as exc:
        if language == "xx":
            raise TokenizerUnavailable(f"spaCy cannot make a blank pipeline: {exc}") from exc
        return spacy.blank("xx")


TOKENIZERS = ("source", "auto", "regex", "spacy")
SOURCE = "source"


def resolve_tokenizer(name: str) -> str:
    """The tokenizer that runs on a text: "auto" made concrete ("spacy" when
    spaCy is installed, else "regex"); for "source", the one that runs on
    documents that came with no tokens, which is auto's."""
    if name in ("auto", SOURCE):
        return "spacy" if spacy_installed() else "regex"
    if name not in TOKENIZERS:
        raise ValueError(f"unknown tokenizer {name!r} (known: {', '.join(TOKENIZERS)})")
    return name


@dataclass
class Tokens:
    """Parallel lists: token i covers text[starts[i]:ends[i]]."""

    text: str
    starts: list[int]
    ends: list[int]
    split: int = 0
    """Tokens split at a span edge where the tokenizer had not split."""
    known_words: list[str] | None = None
    """The token strings when the tokenizer handed them over (the regex one does)."""

    def __len__(self) -> int:
        return len(self.starts)

    def words(self) -> list[str]:
        if self.known_words is not None:
            return self.known_words
        text = self.text
        return [text[s:e] for s, e in zip(self.starts, self.ends)]

    def index_range(self, start: int, end: int) -> tuple[int, int]:
        """Token indexes [first, last) of the tokens inside [start, end).

        Exact once tokens are split at span edges: no token straddles either edge.
        """
        return bisect_left(self.starts, start), bisect_left(self.starts, end)


@cache
def plain_pattern() -> re.Pattern[str]:
    """`regex_pattern` for texts without clusters: the same tokens, twice as fast."""
    return re.compile(r"\w+(?:[-'’.]\w+)*|[^\w\s]")


@cache
def _cluster_char() -> re.Pattern[str]:
    """A character that makes `regex_pattern` differ from `plain_pattern`: a
    combining mark, a format character (ZWJ, zero-width space), a skin tone, half a flag."""
    return re.compile(f"[{_char_class(('M',))}{_char_class(('Cf',))}\U0001F3FB-\U0001F3FF\U0001F1E6-\U0001F1FF]")


@cache
def _splitting(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """The pattern as one capturing group: `split` then hands over the gaps and
    the tokens in turn, all strings, without a match object per token."""
    return re.compile(f"({pattern.pattern})")


def _regex_tokens(text: str) -> tuple[list[int], list[int], list[str]]:
    """Starts, ends and strings of the regex tokens."""
    clusters = not text.isascii() and _cluster_char().search(text) is not None
    pattern = regex_pattern() if clusters else plain_pattern()
    # [gap, token, gap, ..., token, gap]: every offset is a running sum of the
    # pieces' lengths, with no Python frame per token on this hot path
    pieces = _splitting(pattern).split(text)
    offsets = list(accumulate(map(len, pieces), initial=0))
    return offsets[1:-1:2], offsets[2::2], pieces[1::2]


_NON_SPACE = re.compile(r"\S+")
_SPACE = re.compile(r"\s")


def _spacy_ranges(text: str, language: str) -> tuple[list[int], list[int]]:
    doc = blank_pipeline(language).tokenizer(text)
    starts: list[int] = []
    ends: list[int] = []
    for token in doc:
        if token.is_space:
            continue
        start = token.idx
        piece = token.text
        if _SPACE.search(piece):
            # Keep the token formats' promise that no token holds white space.
            for m in _NON_SPACE.finditer(piece):
                starts.append(start + m.start())
                ends.append(start + m.end())
        else:
            starts.append(start)
            ends.append(start + len(piece))
    return _merge_clusters(text, starts, ends)


@cache
def _glue() -> re.Pattern[str]:
    return re.compile(f"[{_char_class(('M',))}\u200d\U0001F3FB-\U0001F3FF]")


def _regional(ch: str) -> bool:
    return "\U0001F1E6" <= ch <= "\U0001F1FF"


def _merge_clusters(text: str, starts: list[int], ends: list[int]) -> tuple[list[int], list[int]]:
    """Join touching tokens that split a character cluster (a letter and its
    combining mark, an emoji ZWJ sequence or skin tone, a flag's two halves),
    which spaCy's tokenizer splits and the regex one keeps whole."""
    glue = _glue()
    out_s: list[int] = []
    out_e: list[int] = []
    for s, e in zip(starts, ends):
        if out_e and out_e[-1] == s and (
            glue.match(text, s) or text[s - 1] == "\u200d"
            or (e - s == 1 and out_e[-1] - out_s[-1] == 1 and _regional(text[s]) and _regional(text[s - 1]))
        ):
            out_e[-1] = e
        else:
            out_s.append(s)
            out_e.append(e)
    return out_s, out_e


def tokenize(text: str, edges: Iterable[int] = (), tokenizer: str = "regex", language: str = "xx") -> Tokens:
    """Tokens of `text`, split at every offset in `edges` that falls inside one."""
    words: list[str] | None = None
    if resolve_tokenizer(tokenizer) == "spacy":
        starts, ends = _spacy_ranges(text, language)
    else:
        starts, ends, words = _regex_tokens(text)
    split = _split_at(starts, ends, edges)
    return Tokens(text, starts, ends, split, None if split else words)


def _split_at(starts: list[int], ends: list[int], edges: Iterable[int]) -> int:
    """Split the tokens in place at every edge inside one; returns how many splits."""
    split = 0
    # Most edges already fall between tokens; only the others need a search.
    inside = set(edges).difference(starts, ends)
    for edge in sorted(inside):
        i = bisect_right(starts, edge) - 1
        if i >= 0 and starts[i] < edge < ends[i]:
            starts.insert(i + 1, edge)
            ends.insert(i + 1, ends[i])
            ends[i] = edge
            split += 1
    return split


def from_source(text: str, source: SourceTokens, edges: Iterable[int] = ()) -> Tokens:
    """The tokens a document came with, split at every offset in `edges` that
    falls inside one (a span made or moved since the import)."""
    starts, ends = list(source.starts), list(source.ends)
    return Tokens(text, starts, ends, _split_at(starts, ends, edges))


def source_sentence_bounds(tokens: Tokens, source: SourceTokens,
                           unbreakable: Iterable[tuple[int, ...]] = ()) -> list[tuple[int, int]]:
    """The sentences a document came with, as ranges of `tokens` (its source
    tokens, perhaps split since), never breaking inside an `unbreakable` range."""
    n = len(tokens)
    if n == 0:
        return []
    starts = tokens.starts
    breaks = {bisect_left(starts, source.starts[i]) for i in source.sentence_starts if i < len(source)}
    breaks.discard(0)
    breaks.discard(n)
    for first, last, *_ in unbreakable:
        if last - first > 1:
            breaks.difference_update(range(first + 1, last))
    cuts = [0, *sorted(breaks), n]
    return list(zip(cuts, cuts[1:]))


def sentence_bounds(tokens: Tokens, words: list[str], unbreakable: Iterable[tuple[int, ...]] = ()) -> list[tuple[int, int]]:
    """Sentences as token index ranges [first, last).

    A sentence ends at a line break and after sentence-final punctuation,
    except inside any of the `unbreakable` token ranges (the spans; only the
    first two items of each, first and last, are read).
    """
    n = len(words)
    if n == 0:
        return []
    breaks = set(compress(count(1), map(SENTENCE_FINAL.__contains__, words)))
    text = tokens.text
    if _LINE_BREAK.search(text):
        starts = tokens.starts
        breaks.update([bisect_left(starts, m.start()) for m in _LINE_BREAK.finditer(text)])
    breaks.discard(n)
    breaks.discard(0)
    if not breaks:
        return [(0, n)]
    for first, last, *_ in unbreakable:
        if last - first > 1:
            breaks.difference_update(range(first + 1, last))
    cuts = sorted(breaks)
    return list(zip([0, *cuts], [*cuts, n]))
