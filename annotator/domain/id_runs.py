"""A list of ids kept as runs of consecutive ids.

An import says which document each record became, in the records' order.
New documents are numbered one after another, so a million records are a
handful of runs here, where a list of a million ints holds ~36 MB and grows
with the file.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator, Sequence
from typing import Any, overload


class IdRuns(Sequence[int]):
    """Ids in the order appended; equal to any sequence of the same ids."""

    def __init__(self, ids: Iterator[int] | Sequence[int] = ()) -> None:
        self._firsts: list[int] = []
        """The first id of each run."""
        self._ends: list[int] = []
        """Where each run ends among all ids (its last position + 1)."""
        self._next: int | None = None
        """The id that would lengthen the last run."""
        for doc_id in ids:
            self.append(doc_id)

    def append(self, doc_id: int) -> None:
        if doc_id == self._next:
            self._ends[-1] += 1
        else:
            self._firsts.append(doc_id)
            self._ends.append(len(self) + 1)
        self._next = doc_id + 1

    @property
    def runs(self) -> int:
        return len(self._firsts)

    def __len__(self) -> int:
        return self._ends[-1] if self._ends else 0

    @overload
    def __getitem__(self, index: int) -> int: ...
    @overload
    def __getitem__(self, index: slice) -> list[int]: ...

    def __getitem__(self, index: int | slice) -> int | list[int]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        size = len(self)
        if index < 0:
            index += size
        if not 0 <= index < size:
            raise IndexError("id index out of range")
        run = bisect_right(self._ends, index)
        return self._firsts[run] + index - (self._ends[run - 1] if run else 0)

    def __iter__(self) -> Iterator[int]:
        begin = 0
        for first, end in zip(self._firsts, self._ends):
            yield from range(first, first + end - begin)
            begin = end

    def __eq__(self, other: Any) -> bool:
        if not isinstance(other, Sequence) or isinstance(other, str | bytes):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other))

    __hash__ = None  # type: ignore[assignment]  # it changes as ids are appended

    def __repr__(self) -> str:
        return f"IdRuns({list(self)!r})" if len(self) <= 20 else f"IdRuns(<{len(self)} ids in {self.runs} runs>)"
