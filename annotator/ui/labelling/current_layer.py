"""The document on screen and the current annotator's spans in it.

Views (text, highlighter, span table) read from here and listen to its
signals; the store stays the owner of the data. The layer is not loaded:
views ask for the spans where they look (`overlapping`, `beside`, `span`),
and the store answers from its index, so opening an article with 100,000
spans reads none of them beyond the screen. Edits made through the undo
commands are mirrored in without a reload (`quiet`, `put`, `drop`); any
other change to the store reloads the layer's size.
"""

from __future__ import annotations

import sys
from bisect import bisect_left, insort
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import NamedTuple

from PySide6.QtCore import QObject, Signal

from annotator.domain import Document, Span
from annotator.domain.offsets import DocumentPositionMap
from annotator.store import Store


class SpanRange(NamedTuple):
    """Where a span lies and its label, without the rest of it: what painting needs."""

    start: int
    end: int
    label: str
    id: int


def _key(span: Span | SpanRange) -> tuple[int, int, str, int]:
    return span.start, span.end, span.label, span.id  # type: ignore[return-value]


NEAR_TOP = 5000
"""Rows up to here are found by counting in the index; further down, by the spans' starts."""
_BEFORE_ALL = (-1, 0, "", 0)
_AFTER_ALL = (sys.maxsize, 0, "", 0)


class CurrentLayer(QObject):
    documentAboutToChange = Signal()
    """Another document (or annotator) is about to be shown: save what is being typed about this one."""
    documentChanged = Signal()
    """A different document (or annotator) is shown; everything is new."""
    spansChanged = Signal(list)
    """Some spans changed; the argument lists the code-point ranges (start, end) to repaint."""
    spansReset = Signal()
    """The whole layer was reloaded."""
    selectedChanged = Signal(int)
    """The selected span id, or -1 for none."""

    def __init__(self, store: Store, annotator: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.annotator = annotator
        self.document: Document | None = None
        self.positions = DocumentPositionMap("")
        self.selected_id = -1
        self.count = 0
        """How many spans the layer holds."""
        self.longest = 0
        """Length of the longest span: how far back a lookup must reach (never too short; may be too long)."""
        self._spans: dict[int, Span] = {}
        """Spans asked for by id (the selected one, those facts point at), as the store last gave them."""
        self._starts: list[int] | None = None
        self._quiet = 0
        store.subscribe(self._on_store_changed)

    def detach(self) -> None:
        self.store.unsubscribe(self._on_store_changed)

    # -- what is shown ------------------------------------------------------

    def show_document(self, document_id: int | None) -> None:
        self.documentAboutToChange.emit()
        self._show(document_id)

    def _show(self, document_id: int | None) -> None:
        self.document = self.store.document(document_id) if document_id is not None else None
        self.positions = DocumentPositionMap(self.document.text if self.document else "")
        self.selected_id = -1
        self._load()
        self.documentChanged.emit()
        self.selectedChanged.emit(-1)

    def set_annotator(self, annotator: str) -> None:
        self.documentAboutToChange.emit()
        self.annotator = annotator
        self._show(self.document.id if self.document else None)

    @property
    def document_id(self) -> int | None:
        return self.document.id if self.document else None

    @property
    def text(self) -> str:
        return self.document.text if self.document else ""

    def _load(self) -> None:
        self._spans.clear()
        self._starts = None
        if self.document is None:
            self.count = self.longest = 0
        else:
            self.count, self.longest = self.store.layer_size(self.document.id, self.annotator)  # type: ignore[arg-type]
        if self.selected_id != -1 and self.span(self.selected_id) is None:
            self.select(-1)

    # -- lookups ------------------------------------------------------------

    @property
    def spans(self) -> list[Span]:
        """Every span of the layer, read from the store: for a look at the whole
        layer (the role picker's list). Views ask by position instead."""
        if self.document is None:
            return []
        return self.store.spans(self.document.id, self.annotator)  # type: ignore[arg-type]

    def span(self, span_id: int) -> Span | None:
        """The span of this layer with that id, or None."""
        return self.spans_by_id([span_id]).get(span_id)

    def spans_by_id(self, ids: Iterable[int]) -> dict[int, Span]:
        """The spans of this layer among `ids`, by id."""
        wanted = list(ids)
        missing = [i for i in wanted if i not in self._spans]
        if missing and self.document is not None:
            for span_id, span in self.store.spans_by_id(missing).items():
                if span.document_id == self.document.id and span.annotator == self.annotator:
                    self._spans[span_id] = span
        return {i: self._spans[i] for i in wanted if i in self._spans}

    def _row_starts(self) -> list[int]:
        """The spans' starts in reading order, read when a row is first asked for and then kept in step."""
        if self._starts is None:
            self._starts = [] if self.document is None else self.store.span_starts(self.document.id, self.annotator)  # type: ignore[arg-type]
        return self._starts

    def index_of(self, span_id: int) -> int:
        """The span's row in reading order, or -1."""
        span = self.span(span_id)
        if span is None:
            return -1
        row = bisect_left(self._row_starts(), span.start)
        return row + self.store.ties_before(self.document.id, self.annotator, _key(span))  # type: ignore[union-attr, arg-type]

    def rows_from(self, start: int) -> int:
        """How many spans start before `start`: the first row a span starting there can have."""
        return bisect_left(self._row_starts(), start)

    def spans_at(self, row: int, count: int) -> list[Span]:
        """`count` spans from row `row` on, in reading order."""
        if self._starts is None and row < NEAR_TOP and self.document is not None:
            # the first rows (a table just opened) are found as fast by counting in the index
            return self.store.spans_from(self.document.id, self.annotator, 0, row, count)  # type: ignore[arg-type]
        starts = self._row_starts()
        if self.document is None or row >= len(starts):
            return []
        start = starts[row]
        skip = row - bisect_left(starts, start)
        return self.store.spans_from(self.document.id, self.annotator, start, skip, count)  # type: ignore[arg-type]

    def overlapping(self, start: int, end: int) -> list[SpanRange]:
        """Spans that share at least one code point with [start, end), in reading order."""
        return [SpanRange(*r) for r in self.ranges_overlapping(start, end)]

    def ranges_overlapping(self, start: int, end: int) -> list[tuple[int, int, str, int]]:
        """`overlapping` as plain (start, end, label, id) tuples: what painting thousands of spans needs."""
        if self.document is None or not self.count:
            return []
        rows = self.store.ranges_starting(self.document.id, self.annotator, start - self.longest, end)  # type: ignore[arg-type]
        return [r for r in rows if r[1] > start]

    def covering(self, offset: int) -> list[Span]:
        """Spans that contain the code point at `offset`, innermost (shortest) first."""
        hits = self.spans_by_id(r.id for r in self.overlapping(offset, offset + 1))
        return sorted(hits.values(), key=lambda s: (s.end - s.start, -s.start))

    def beside(self, span: Span | SpanRange | None, step: int) -> SpanRange | None:
        """The span after (`step` 1) or before (-1) `span` in reading order, going
        round at the ends; without a span, the first or the last."""
        if self.document is None or not self.count:
            return None
        doc, name = self.document.id, self.annotator
        key = _key(span) if span is not None else (_BEFORE_ALL if step > 0 else _AFTER_ALL)
        found = self.store.range_beside(doc, name, key, step)  # type: ignore[arg-type]
        if found is None:
            found = self.store.range_beside(doc, name, _BEFORE_ALL if step > 0 else _AFTER_ALL, step)  # type: ignore[arg-type]
        return SpanRange(*found) if found is not None else None

    def select(self, span_id: int) -> None:
        if span_id != self.selected_id:
            self.selected_id = span_id
            self.selectedChanged.emit(span_id)

    @property
    def selected(self) -> Span | None:
        return self.span(self.selected_id) if self.selected_id != -1 else None

    # -- mirroring edits ----------------------------------------------------

    @contextmanager
    def quiet(self) -> Iterator[None]:
        """Ignore store notifications while an edit we mirror ourselves is written,
        and after it, when a transaction around the edit tells of it as it ends."""
        self._quiet += 1
        try:
            with self.store.mirrored():
                yield
        finally:
            self._quiet -= 1

    @property
    def mirroring(self) -> bool:
        """Whether an edit the layer is told of (`put`, `drop`) is being written:
        the store's notices of it are not news."""
        return self._quiet > 0 or self.store.delivering_mirrored

    def put(self, span: Span, previous: tuple[int, int] | None = None) -> None:
        """A span of the shown document and layer was added, or (with its `previous`
        start and end) changed."""
        if self.document is None or span.document_id != self.document.id or span.annotator != self.annotator:
            return
        ranges = [(span.start, span.end)]
        if previous is None:
            self.count += 1
        else:
            ranges.append(previous)
            self._forget_start(previous[0])
        if self._starts is not None:
            insort(self._starts, span.start)
        self._spans[span.id] = span  # type: ignore[index]
        self.longest = max(self.longest, span.end - span.start)
        self.spansChanged.emit(ranges)

    def drop(self, span: Span) -> None:
        """A span of the shown document and layer was deleted."""
        if self.document is None or span.document_id != self.document.id or span.annotator != self.annotator:
            return
        self.count -= 1
        self._forget_start(span.start)
        self._spans.pop(span.id, None)  # type: ignore[arg-type]
        if self.selected_id == span.id:
            self.select(-1)
        self.spansChanged.emit([(span.start, span.end)])

    def _forget_start(self, start: int) -> None:
        if self._starts is not None:
            i = bisect_left(self._starts, start)
            if i < len(self._starts) and self._starts[i] == start:
                del self._starts[i]

    def _on_store_changed(self, kind: str, document_id: int | None) -> None:
        if self.mirroring or self.document is None:
            return
        if kind == "spans" and document_id in (None, self.document.id) or kind == "schema" and document_id is None:
            self._load()
            self.spansReset.emit()


__all__ = ["CurrentLayer", "SpanRange"]
