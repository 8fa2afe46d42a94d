"""The document on screen and the current annotator's spans in it.

Views (text, highlighter, span table) read from here and listen to its
signals; the store stays the owner of the data. Edits made through the undo
commands are mirrored in without a reload (`quiet`, `put`, `drop`), which is
what keeps labelling within one frame on documents with 10,000 spans; any
other change to the store reloads the layer.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator
from contextlib import contextmanager

from PySide6.QtCore import QObject, Signal

from annotator.domain import Document, Span
from annotator.domain.offsets import DocumentPositionMap
from annotator.store import Store


def _order(span: Span) -> tuple[int, int, int]:
    return (span.start, -span.end, span.id or 0)


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
        self.spans: list[Span] = []
        self._keys: list[tuple[int, int, int]] = []
        self.selected_id = -1
        self.longest = 0
        """Length of the longest span: how far back a lookup must reach."""
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
        if self.document is None:
            self.spans = []
        else:
            # the store returns a layer already in _order
            self.spans = self.store.spans(self.document.id, self.annotator)  # type: ignore[arg-type]
        self._keys = [(s.start, -s.end, s.id or 0) for s in self.spans]
        self.longest = max((s.end - s.start for s in self.spans), default=0)
        if self.selected_id != -1 and self.span(self.selected_id) is None:
            self.select(-1)

    # -- lookups ------------------------------------------------------------

    def span(self, span_id: int) -> Span | None:
        return next((s for s in self.spans if s.id == span_id), None)

    def index_of(self, span_id: int) -> int:
        return next((i for i, s in enumerate(self.spans) if s.id == span_id), -1)

    def overlapping(self, start: int, end: int) -> list[Span]:
        """Spans that share at least one code point with [start, end), in order."""
        lo = bisect_left(self._keys, (start - self.longest,))
        hi = bisect_left(self._keys, (end,))
        return [s for s in self.spans[lo:hi] if s.end > start]

    def covering(self, offset: int) -> list[Span]:
        """Spans that contain the code point at `offset`, innermost (shortest) first."""
        hits = self.overlapping(offset, offset + 1)
        return sorted(hits, key=lambda s: (s.end - s.start, -s.start))

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
        """Ignore store notifications while an edit we mirror ourselves is written."""
        self._quiet += 1
        try:
            yield
        finally:
            self._quiet -= 1

    def put(self, span: Span) -> None:
        """Add or replace a span of the shown document and layer."""
        if self.document is None or span.document_id != self.document.id or span.annotator != self.annotator:
            return
        ranges = [(span.start, span.end)]
        old = self._remove(span.id)  # type: ignore[arg-type]
        if old is not None:
            ranges.append((old.start, old.end))
        self.longest = max(self.longest, span.end - span.start)
        key = _order(span)
        i = bisect_left(self._keys, key)
        self._keys.insert(i, key)
        self.spans.insert(i, span)
        self.spansChanged.emit(ranges)

    def drop(self, span_id: int) -> None:
        old = self._remove(span_id)
        if old is not None:
            if self.selected_id == span_id:
                self.select(-1)
            self.spansChanged.emit([(old.start, old.end)])

    def _remove(self, span_id: int) -> Span | None:
        i = self.index_of(span_id)
        if i < 0:
            return None
        del self._keys[i]
        return self.spans.pop(i)

    def _on_store_changed(self, kind: str, document_id: int | None) -> None:
        if self._quiet or self.document is None:
            return
        if kind == "spans" and document_id in (None, self.document.id) or kind == "schema" and document_id is None:
            self._load()
            self.spansReset.emit()


__all__ = ["CurrentLayer"]
