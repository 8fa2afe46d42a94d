"""Spans: a labelled stretch of a document's text, in code-point offsets."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any


@dataclass
class Span:
    """A labelled [start, end) range of code points in a document's text.

    `text` is the covered text as it was when the span was made; `annotator
    check` compares it with the document so that a shifted offset can never
    pass unnoticed.
    """

    id: int | None
    document_id: int | None
    annotator: str
    start: int
    end: int
    label: str
    text: str
    attributes: dict[str, Any] = field(default_factory=dict)
    note: str = ""
    created: str = ""
    updated: str = ""

    def overlaps(self, other: Span) -> bool:
        return self.start < other.end and other.start < self.end

    def contains(self, other: Span) -> bool:
        return self.start <= other.start and other.end <= self.end

    def with_(self, **changes: Any) -> Span:
        return replace(self, **changes)


class OffsetError(ValueError):
    """An offset pair that does not describe a non-empty range inside the text."""


def check_range(text: str, start: int, end: int) -> None:
    if not (0 <= start < end <= len(text)):
        raise OffsetError(f"offsets {start}-{end} are outside the text (length {len(text)})")


_WORD = re.compile(r"\w", re.UNICODE)


def _is_word_char(ch: str) -> bool:
    # Combining marks (category M*) belong to the letter before them, so they
    # count as word characters even where \w says otherwise.
    import unicodedata

    return bool(_WORD.match(ch)) or unicodedata.category(ch).startswith("M")


def trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Drop leading and trailing white space from a selection."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def snap_to_words(text: str, start: int, end: int) -> tuple[int, int]:
    """Grow a selection outward so it does not cut a word, then trim spaces."""
    start, end = trim(text, start, end)
    if start >= end:
        return start, end
    while start > 0 and _is_word_char(text[start - 1]) and _is_word_char(text[start]):
        start -= 1
    while end < len(text) and _is_word_char(text[end]) and _is_word_char(text[end - 1]):
        end += 1
    return start, end


def next_word_end(text: str, pos: int) -> int:
    """Offset just after the next word that ends after `pos`."""
    n = len(text)
    while pos < n and not _is_word_char(text[pos]):
        pos += 1
    while pos < n and _is_word_char(text[pos]):
        pos += 1
    return pos


def previous_word_start(text: str, pos: int) -> int:
    """Offset of the start of the word that starts before `pos`."""
    while pos > 0 and not _is_word_char(text[pos - 1]):
        pos -= 1
    while pos > 0 and _is_word_char(text[pos - 1]):
        pos -= 1
    return pos


def resize_by_word(text: str, start: int, end: int, edge: str, grow: bool) -> tuple[int, int]:
    """Move one edge of a span by a word; never lets the span become empty."""
    if edge == "end":
        if grow:
            new_end = next_word_end(text, end)
            return start, new_end if new_end > end else end
        new_end = previous_word_start(text, end)
        new_start, new_end = trim(text, start, new_end)
        return (start, end) if new_end <= new_start else (new_start, new_end)
    if grow:
        new_start = previous_word_start(text, start)
        return new_start, end
    new_start = next_word_end(text, start)
    new_start, new_end = trim(text, new_start, end)
    return (start, end) if new_end <= new_start else (new_start, new_end)
