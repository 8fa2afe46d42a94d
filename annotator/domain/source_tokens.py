"""The tokens and sentence breaks a document came with from a token format
(CoNLL, Hugging Face), kept so that an export can give them back unchanged
instead of tokenizing the text again.

Offsets are code points into the document's text. Stored compactly: a
token is the gap since the previous token's end and its length, a sentence
the number of tokens since the previous sentence's start, each in an array
of the smallest unsigned width that holds every number (one byte for
nearly all news text), so a token costs about two bytes and reading them
back is a few C-level passes, not a loop in Python.
"""

from __future__ import annotations

import struct
import sys
from array import array
from dataclasses import dataclass, field
from itertools import accumulate
from operator import le, lt, sub

_HEADER = struct.Struct("<ccI")
"""Typecode of the token array, typecode of the sentence array, number of tokens."""
_WIDTHS = (("B", 0xFF), ("H", 0xFFFF), ("I", 0xFFFFFFFF))


def _typecode(numbers: list[int]) -> str:
    top = max(numbers, default=0)
    for code, largest in _WIDTHS:
        if top <= largest and array(code).itemsize <= 4:
            return code
    raise ValueError(f"a token offset of {top} is too large to store")


def _packed(code: str, numbers: list[int]) -> bytes:
    packed = array(code, numbers)
    if sys.byteorder == "big":
        packed.byteswap()
    return packed.tobytes()


def _unpacked(code: str, data: bytes) -> array:
    numbers = array(code)
    numbers.frombytes(data)
    if sys.byteorder == "big":
        numbers.byteswap()
    return numbers


@dataclass(frozen=True)
class SourceTokens:
    """Token i covers text[starts[i]:ends[i]]; a sentence begins at each token
    index in `sentence_starts` (the first is 0 when there are tokens)."""

    starts: list[int]
    ends: list[int]
    sentence_starts: list[int]
    packed: bytes | None = field(default=None, compare=False, repr=False)
    """`encode()`'s bytes, when these tokens were decoded from them (an import's spool)."""

    def __len__(self) -> int:
        return len(self.starts)

    def fit(self, text: str) -> bool:
        """Whether these tokens can belong to `text`: in order, not overlapping,
        inside it, never empty. (A text changed since would fail this.)"""
        starts, ends = self.starts, self.ends
        if not starts:
            return True
        return (starts[0] >= 0 and ends[-1] <= len(text) and all(map(lt, starts, ends))
                and all(map(le, ends, starts[1:])))

    def sentences(self) -> list[tuple[int, int]]:
        """Sentences as token index ranges [first, last)."""
        bounds = [*self.sentence_starts, len(self.starts)]
        return [(first, last) for first, last in zip(bounds, bounds[1:]) if first < last]

    def encode(self) -> bytes:
        if self.packed is not None:
            return self.packed
        starts, ends = self.starts, self.ends
        pairs = [0] * (2 * len(starts))
        pairs[0::2] = map(sub, starts, [0, *ends])  # the gap before each token
        pairs[1::2] = map(sub, ends, starts)  # its length
        steps = [b - a for a, b in zip([0, *self.sentence_starts], self.sentence_starts)]
        token_code, sentence_code = _typecode(pairs), _typecode(steps)
        return (_HEADER.pack(token_code.encode(), sentence_code.encode(), len(self.starts))
                + _packed(token_code, pairs) + _packed(sentence_code, steps))

    @classmethod
    def decode(cls, data: bytes) -> SourceTokens:
        token_code, sentence_code, count = _HEADER.unpack_from(data)
        token_code, sentence_code = token_code.decode(), sentence_code.decode()
        at = _HEADER.size
        size = 2 * count * array(token_code).itemsize
        # running sums of (gap, length, gap, length, ...) are start, end, start, end, ...
        places = list(accumulate(_unpacked(token_code, data[at:at + size])))
        sentence_starts = list(accumulate(_unpacked(sentence_code, data[at + size:])))
        return cls(places[0::2], places[1::2], sentence_starts, data)
