"""What the labelling keys do: turn a selection into a span, relabel, resize, delete.

Every edit goes through the window's undo stack as one command.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from annotator.domain.spans import resize_by_word, snap_to_words, trim
from annotator.ui.labelling.commands import DeleteSpan, UpdateSpan
from annotator.ui.labelling.current_layer import CurrentLayer
from annotator.ui.facts.fact_commands import Compound, new_span_command, push, relabel_command
from annotator.ui.labelling.text_view import TextView


class Labelling(QObject):
    message = Signal(str)
    """Something the user should read in the status bar (why a key did nothing)."""
    relationRequested = Signal(str)
    """A relation label (a fact label without a trigger) was chosen: it starts from
    the selected entity rather than labelling text."""

    def __init__(self, layer: CurrentLayer, view: TextView, undo: QUndoStack, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.layer, self.view, self.undo = layer, view, undo
        self.snap = True
        self.may_delete = lambda span: True
        """Asked before a span is deleted (the window asks when the span fills a fact's role)."""
        view.hotkeyPressed.connect(self.on_hotkey)
        view.deleteRequested.connect(self.delete_selected)
        view.resizeRequested.connect(self.resize_selected)

    def on_hotkey(self, key: str, exact: bool) -> None:
        label = self.layer.store.schema().by_hotkey(key)
        if label is None:
            self.message.emit(f"no label has the key {key!r}")
            return
        self.apply_label(label.name, exact=exact)

    def apply_label(self, label: str, *, exact: bool = False) -> None:
        """Label the text selection; without one, relabel the selected span.
        A relation label starts a relation instead (by key or by palette button alike)."""
        if self.layer.document is None:
            return
        schema_label = self.layer.store.schema().label(label)
        if schema_label is not None and schema_label.kind == "fact" and not schema_label.trigger:
            self.relationRequested.emit(label)
            return
        selection = self.view.selected_range()
        if selection is not None:
            self._add(label, *selection, exact=exact)
        elif self.layer.selected is not None:
            self.relabel_selected(label)
        else:
            self.message.emit("select some text first, or a span to relabel")

    def _add(self, label: str, start: int, end: int, *, exact: bool) -> None:
        text = self.layer.text
        start, end = trim(text, start, end) if exact or not self.snap else snap_to_words(text, start, end)
        if start >= end:
            self.message.emit("the selection holds only spaces")
            return
        existing = next((s for s in self.layer.overlapping(start, end)
                         if (s.start, s.end, s.label) == (start, end, label)), None)
        if existing is not None:
            self.layer.select(existing.id)  # type: ignore[arg-type]
            self.message.emit(f"that text is already labelled {label}")
            return
        # a fact label with a trigger creates the span and its fact in one step
        command = new_span_command(self.layer.store, self.layer.document_id, self.layer.annotator,  # type: ignore[arg-type]
                                   start, end, label, mirror=self.layer)
        if self._push(command):
            self.view.place_caret(end)
            self.layer.select(command.span.id)  # type: ignore[union-attr, arg-type]

    def label_all(self, ranges: list[tuple[int, int]], label: str) -> tuple[int, int]:
        """Label each range (every occurrence of a phrase) in one undo step and one
        transaction, leaving alone those over an existing span of the layer:
        (how many were labelled, how many were left alone)."""
        schema_label = self.layer.store.schema().label(label)
        if self.layer.document is None or schema_label is None:
            return 0, 0
        if schema_label.kind == "fact" and not schema_label.trigger:
            self.message.emit(f"{label} is a relation: it joins two entities rather than labelling text")
            return 0, 0
        free = [(start, end) for start, end in ranges if not self.layer.overlapping(start, end)]
        if not free:
            return 0, len(ranges)
        store, doc, annotator = self.layer.store, self.layer.document_id, self.layer.annotator
        parts = [new_span_command(store, doc, annotator, start, end, label, mirror=self.layer)  # type: ignore[arg-type]
                 for start, end in free]
        if not self._push(Compound(store, f"Label {len(free)} × {label}", parts, self.layer)):
            return 0, len(ranges) - len(free)
        return len(free), len(ranges) - len(free)

    def relabel_selected(self, label: str) -> None:
        span = self.layer.selected
        if span is None or span.label == label:
            return
        self._push(relabel_command(self.layer.store, span, label, self.layer))

    def resize_selected(self, edge: str, grow: bool) -> None:
        span = self.layer.selected
        if span is None:
            return
        start, end = resize_by_word(self.layer.text, span.start, span.end, edge, grow)
        if (start, end) == (span.start, span.end):
            return
        verb = "Grow" if grow else "Shrink"
        self._push(UpdateSpan(self.layer.store, span, f"{verb} span", self.layer, start=start, end=end))

    def delete_selected(self) -> None:
        span = self.layer.selected
        if span is not None and self.may_delete(span):
            self._push(DeleteSpan(self.layer.store, span.id, self.layer, shown=span))  # type: ignore[arg-type]

    def _push(self, command) -> bool:
        refused = push(self.undo, command)
        if refused is not None:
            self.message.emit(refused)
            return False
        return True
