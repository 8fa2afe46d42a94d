"""Spans: a labelled stretch of a document's text, in code-point offsets."""

from __future__ import annotations

import re
import unicodedata
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


def _is_mark(ch: str) -> bool:
    return unicodedata.category(ch).startswith("M")


def _is_word_at(text: str, i: int) -> bool:
    """Whether the code point at `i` is part of a word.

    A combining mark (category M*) belongs to the character it follows: after
    a letter it is part of the word, after an emoji (U+FE0F, the emoji
    presentation selector, is a mark) it is not. Emoji themselves are not
    word characters.
    """
    if _WORD.match(text[i]):
        return True
    if not _is_mark(text[i]):
        return False
    while i > 0 and _is_mark(text[i - 1]):
        i -= 1
    return i > 0 and bool(_WORD.match(text[i - 1]))


def is_whole_words(text: str, start: int, end: int) -> bool:
    """Whether [start, end) cuts no word at either edge (`Budi` in `Budiman` does)."""
    return not (start > 0 and _is_word_at(text, start - 1) and _is_word_at(text, start)) and \
        not (end < len(text) and _is_word_at(text, end) and _is_word_at(text, end - 1))


def trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Drop leading and trailing white space from a selection."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


TRAILING_PUNCTUATION = frozenset(",.;:!?…" "，。、；：！？．" "،؛؟۔" "।॥" "።፣፤")
"""What ends a clause or sentence, in several scripts: a selection dragged a little too far
takes it in, and snapping gives it back (quotation marks, brackets and % stay: they are
often part of what is labelled)."""


def snap_to_words(text: str, start: int, end: int) -> tuple[int, int]:
    """Grow a selection outward so it does not cut a word, then trim spaces and the
    punctuation that ends a clause after the last word (`Putin,` is `Putin`). A final
    period stays after an abbreviation with periods inside (`U.S.`)."""
    start, end = trim(text, start, end)
    if start >= end:
        return start, end
    while start > 0 and _is_word_at(text, start - 1) and _is_word_at(text, start):
        start -= 1
    while end < len(text) and _is_word_at(text, end) and _is_word_at(text, end - 1):
        end += 1
    while end > start + 1 and text[end - 1] in TRAILING_PUNCTUATION:
        if text[end - 1] == "." and "." in text[start:end - 1] and _is_word_at(text, end - 2):
            break
        end = trim(text, start, end - 1)[1]
    return start, end


def next_word_end(text: str, pos: int) -> int:
    """Offset just after the next word that ends after `pos`; `pos` when no word follows."""
    n, i = len(text), pos
    while i < n and not _is_word_at(text, i):
        i += 1
    if i == n:
        return pos
    while i < n and _is_word_at(text, i):
        i += 1
    return i


def previous_word_start(text: str, pos: int) -> int:
    """Offset of the start of the word that starts before `pos`; `pos` when no word precedes."""
    i = pos
    while i > 0 and not _is_word_at(text, i - 1):
        i -= 1
    if i == 0:
        return pos
    while i > 0 and _is_word_at(text, i - 1):
        i -= 1
    return i


def _previous_word_end(text: str, pos: int) -> int:
    """Offset just after the word before the last word that ends by `pos` (0 when there is none)."""
    i = pos
    for in_word in (False, True, False):
        while i > 0 and _is_word_at(text, i - 1) == in_word:
            i -= 1
    return i


def _next_word_start(text: str, pos: int) -> int:
    """Offset of the word after the first word that starts from `pos` (the text's length when there is none)."""
    n, i = len(text), pos
    for in_word in (False, True, False):
        while i < n and _is_word_at(text, i) == in_word:
            i += 1
    return i


def resize_by_word(text: str, start: int, end: int, edge: str, grow: bool) -> tuple[int, int]:
    """Move one edge of a span by a word.

    Growing takes in the next word (and what lies between), or does nothing
    when no word is left; shrinking gives back the edge word and what lies
    between it and the word before. The result is trimmed of white space and
    never empty: a step that would empty the span leaves it as it is.
    """
    if edge == "end":
        new_start, new_end = start, (next_word_end(text, end) if grow else _previous_word_end(text, end))
    else:
        new_start, new_end = (previous_word_start(text, start) if grow else _next_word_start(text, start)), end
    new_start, new_end = trim(text, new_start, new_end)
    return (new_start, new_end) if new_start < new_end else (start, end)
