"""Conversion between code-point offsets (ours) and UTF-16 offsets (Qt's).

Our offsets count Unicode code points of the stored text everywhere. Qt's
text classes count UTF-16 code units, where a character outside the Basic
Multilingual Plane (most emoji) takes two. Only the widget layer converts.
"""

from __future__ import annotations

from bisect import bisect_left


class OffsetMap:
    """Maps code-point offsets of one text to UTF-16 offsets and back.

    Built once per text in O(n); each conversion is a bisect over the
    positions of astral characters, so it stays cheap on long articles.
    """

    def __init__(self, text: str) -> None:
        # Code-point indices of characters that take two UTF-16 units.
        self._astral = [i for i, ch in enumerate(text) if ord(ch) > 0xFFFF]
        # The same characters' UTF-16 indices (of their first unit).
        self._astral_utf16 = [i + k for k, i in enumerate(self._astral)]
        self.length = len(text)

    def to_utf16(self, offset: int) -> int:
        return offset + bisect_left(self._astral, offset)

    def from_utf16(self, offset: int) -> int:
        """A UTF-16 offset inside a surrogate pair rounds down to its character."""
        before = bisect_left(self._astral_utf16, offset)
        # an offset on the second unit of a pair counts that pair as "before"
        # but must land on the character's own start
        if before and self._astral_utf16[before - 1] + 1 == offset:
            return self._astral[before - 1]
        return offset - before

    @property
    def has_astral(self) -> bool:
        return bool(self._astral)


def utf16_length(text: str) -> int:
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


__all__ = ["OffsetMap", "utf16_length"]
