"""A document's pending suggestions in reading order, found by position.

An article may have 100,000 suggestions: the caret moves and the overlay
repaints many times a second, so every lookup bisects the starts (kept
beside the list) instead of walking every suggestion.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterator, Sequence

from annotator.store.suggestions import Suggestion


class PendingSuggestions(Sequence[Suggestion]):
    def __init__(self, suggestions: list[Suggestion] | None = None) -> None:
        self._list = list(suggestions or [])
        self._starts = [s.start for s in self._list]
        self._longest = max((s.end - s.start for s in self._list), default=0)
        """How far back a suggestion covering a point may start (never too short)."""

    def __len__(self) -> int:
        return len(self._list)

    def __getitem__(self, index):  # type: ignore[no-untyped-def, override]
        return self._list[index]

    def __iter__(self) -> Iterator[Suggestion]:
        return iter(self._list)

    def between(self, low: int, high: int) -> list[Suggestion]:
        """Those with an end at or after `low` and a start at or before `high`."""
        first = bisect_left(self._starts, low - self._longest)
        return [s for s in self._list[first:bisect_right(self._starts, high)] if s.end >= low]

    def under(self, offset: int) -> list[Suggestion]:
        """Those that hold `offset`, or end right at it."""
        return [s for s in self.between(offset, offset) if s.start <= offset <= s.end]

    def first_from(self, offset: int, *, after: bool = False) -> Suggestion | None:
        """The first starting at `offset` or later (`after`: later only)."""
        i = (bisect_right if after else bisect_left)(self._starts, offset)
        return self._list[i] if i < len(self._list) else None

    def last_before(self, offset: int) -> Suggestion | None:
        """The last starting before `offset`."""
        i = bisect_left(self._starts, offset)
        return self._list[i - 1] if i else None

    def replace_starting(self, low: int, high: int, fresh: list[Suggestion]) -> None:
        """Put `fresh` (in reading order, each starting in [low, high]) in place
        of those starting in [low, high]."""
        first, last = bisect_left(self._starts, low), bisect_right(self._starts, high)
        self._list[first:last] = fresh
        self._starts[first:last] = [s.start for s in fresh]
        self._longest = max([self._longest, *(s.end - s.start for s in fresh)])
