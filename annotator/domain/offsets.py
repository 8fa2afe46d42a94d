"""Conversion between code-point offsets (ours) and UTF-16 offsets (Qt's).

Our offsets count Unicode code points of the stored text everywhere. Qt's
text classes count UTF-16 code units, where a character outside the Basic
Multilingual Plane (most emoji) takes two. Only the widget layer converts.
"""

from __future__ import annotations

import re
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


_ASTRAL = re.compile("[\U00010000-\U0010FFFF]")


class DocumentPositionMap:
    """Maps code-point offsets of a text to positions in a Qt text document
    showing it (`setPlainText`), and back.

    Besides counting astral characters twice, Qt turns each "\\r\\n" into a
    single block separator, so the document has one position fewer per CRLF
    than the text has code points. A lone "\\r", U+2028 and U+2029 keep one
    position each. An offset on the "\\r" or the "\\n" of a pair maps to the
    end of the line; the end of a line maps back to the "\\r".
    """

    def __init__(self, text: str) -> None:
        # the regex scans in C: a 1 MB article must map in milliseconds
        self._crlf = [m.start() for m in re.finditer("\r\n", text)]
        self._crlf_shown = [i - k for k, i in enumerate(self._crlf)]
        self._astral_shown = [m.start() for m in _ASTRAL.finditer(text)] if not text.isascii() else []
        if self._crlf:
            self._astral_shown = [i - bisect_left(self._crlf, i) for i in self._astral_shown]
        self._astral_utf16 = [i + k for k, i in enumerate(self._astral_shown)]
        self.length = len(text)
        self.identity = not self._crlf and not self._astral_shown

    def to_document(self, offset: int) -> int:
        if self.identity:
            return offset
        shown = offset - bisect_left(self._crlf, offset)
        return shown + bisect_left(self._astral_shown, shown)

    def from_document(self, position: int) -> int:
        """A position inside a surrogate pair rounds down to its character."""
        if self.identity:
            return position
        before = bisect_left(self._astral_utf16, position)
        if before and self._astral_utf16[before - 1] + 1 == position:
            shown = self._astral_shown[before - 1]
        else:
            shown = position - before
        return shown + bisect_left(self._crlf_shown, shown)


def utf16_length(text: str) -> int:
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


__all__ = ["DocumentPositionMap", "OffsetMap", "utf16_length"]
