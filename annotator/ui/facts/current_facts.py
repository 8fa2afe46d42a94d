"""The facts of the shown document and layer, and which one is selected.

The fact panel, the fact table and the text overlay read from here. The
store owns the data; this reloads the document's facts when the store says
facts (or the schema) changed, which costs one query for the facts and one
for their arguments.

Selecting follows the text: selecting a span that states a fact selects that
fact; selecting an entity keeps the fact selected (so its roles can be filled
from there); deselecting in the text (Esc) deselects the fact.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from annotator.domain import Fact, Span
from annotator.domain.validation import fact_problems
from annotator.ui.labelling.current_layer import CurrentLayer


class CurrentFacts(QObject):
    factsChanged = Signal()
    """The facts were reloaded (or the spans they point at changed)."""
    selectedChanged = Signal(int)
    """The selected fact id, or -1 for none."""

    def __init__(self, layer: CurrentLayer, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.layer = layer
        self.store = layer.store
        self.facts: list[Fact] = []
        self.selected_id = -1
        self._ranges: list[tuple[int, int]] = []
        """Where the spans the facts point at lie: an edit elsewhere leaves the facts as they are."""
        self._absent: set[int] = set()
        """Spans the facts point at that the layer lacks (yet): an undone delete puts them back after the facts reload."""
        self._spans: dict[int, Span] = {}
        """The spans the facts point at, by id."""
        layer.documentChanged.connect(self._document_changed)
        layer.spansReset.connect(self.reload)
        layer.spansChanged.connect(self._spans_changed)
        layer.selectedChanged.connect(self._span_selected)
        self.store.subscribe(self._on_store_changed)
        self.reload()

    def detach(self) -> None:
        self.store.unsubscribe(self._on_store_changed)

    # -- loading ------------------------------------------------------------

    def reload(self) -> None:
        doc = self.layer.document_id
        self.facts = [] if doc is None else self.store.facts(doc, self.layer.annotator)
        self._ranges = self._referenced_ranges()
        if self.selected_id != -1 and self.fact(self.selected_id) is None:
            self.selected_id = -1
            self.selectedChanged.emit(-1)
        self.factsChanged.emit()

    def _referenced_ranges(self) -> list[tuple[int, int]]:
        self._absent = set()
        self._spans = {}
        if not self.facts:
            return []
        ids = {f.span_id for f in self.facts} | {a.span_id for f in self.facts for a in f.args}
        ids.discard(None)
        self._spans = self.layer.spans_by_id(ids)  # type: ignore[arg-type]
        self._absent = {i for i in ids if i not in self._spans}  # type: ignore[misc]
        return [(span.start, span.end) for span in self._spans.values()]

    def _spans_changed(self, ranges: list[tuple[int, int]]) -> None:
        # labelling an entity must stay within a frame on long documents: only
        # a change to a span that a fact points at (resized, relabelled, put back) concerns the facts
        if any(s < end and start < e for s, e in self._ranges for start, end in ranges) or self._absent_returned(ranges):
            self._ranges = self._referenced_ranges()
            self.factsChanged.emit()

    def _absent_returned(self, ranges: list[tuple[int, int]]) -> bool:
        return bool(self._absent) and any(
            span.id in self._absent for start, end in ranges for span in self.layer.overlapping(start, max(end, start + 1)))

    def _document_changed(self) -> None:
        self.selected_id = -1
        self.reload()
        self.selectedChanged.emit(-1)

    def _on_store_changed(self, kind: str, document_id: int | None) -> None:
        if kind == "facts" and document_id in (None, self.layer.document_id) or kind == "schema":
            self.reload()

    # -- lookups ------------------------------------------------------------

    def fact(self, fact_id: int) -> Fact | None:
        return next((f for f in self.facts if f.id == fact_id), None)

    @property
    def selected(self) -> Fact | None:
        return self.fact(self.selected_id) if self.selected_id != -1 else None

    def stated_by(self, span_id: int) -> Fact | None:
        return next((f for f in self.facts if f.span_id == span_id), None)

    def filling(self, span_id: int) -> list[tuple[Fact, str]]:
        """(fact, role) for every role the span fills."""
        return [(f, a.role) for f in self.facts for a in f.args if a.span_id == span_id]

    def spans_by_id(self) -> dict[int, Span]:
        """The spans the facts point at (triggers and arguments), by id."""
        return self._spans

    def problems(self, fact: Fact, spans: dict[int, Span] | None = None) -> list[str]:
        spans = self.spans_by_id() if spans is None else spans
        return fact_problems(fact, self.store.schema(), spans, {f.id: f for f in self.facts})  # type: ignore[misc]

    def text_of(self, fact: Fact, spans: dict[int, Span] | None = None) -> str:
        """What the fact says: its trigger's text, or for a relation its arguments."""
        spans = self.spans_by_id() if spans is None else spans
        if fact.span_id is not None and fact.span_id in spans:
            return spans[fact.span_id].text
        return " — ".join(self.argument_text(a.span_id, a.fact_id, spans) for a in fact.args)

    def argument_text(self, span_id: int | None, fact_id: int | None, spans: dict[int, Span] | None = None) -> str:
        spans = self.spans_by_id() if spans is None else spans
        if span_id is not None:
            span = spans.get(span_id)
            return span.text if span else f"(span {span_id} is gone)"
        target = self.fact(fact_id)  # type: ignore[arg-type]
        return f"{target.label} #{target.id}" if target else f"(fact {fact_id} is gone)"

    def describe(self, fact: Fact, spans: dict[int, Span] | None = None, width: int = 30) -> str:
        """A short name for the fact, for menus and messages: QUOTE '"Kami berbicara…'."""
        text = " ".join(self.text_of(fact, spans).split())
        if len(text) > width:
            text = text[: width - 1] + "…"
        return f"{fact.label} '{text}'"

    # -- selecting ----------------------------------------------------------

    def select(self, fact_id: int) -> None:
        """Select a fact, and its trigger span in the text."""
        if fact_id != self.selected_id:
            self.selected_id = fact_id
            self.selectedChanged.emit(fact_id)
        fact = self.selected
        if fact is not None and fact.span_id is not None and self.layer.selected_id != fact.span_id:
            self.layer.select(fact.span_id)

    def _span_selected(self, span_id: int) -> None:
        if span_id == -1:
            self.select(-1)
            return
        stated = self.stated_by(span_id)
        if stated is not None:
            self.select(stated.id)  # type: ignore[arg-type]
