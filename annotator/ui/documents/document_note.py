"""The shown document's note in the annotator's layer, saved as it is typed
and undone like any edit.

Consecutive saves of one note merge into one undo step, as a span's note
does; the note is saved before another document or annotator is shown, so
it always lands on the document it was typed for.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QUndoCommand, QUndoStack
from PySide6.QtWidgets import QVBoxLayout, QWidget

from annotator.store import Store
from annotator.ui.facts.fact_commands import push
from annotator.ui.labelling.current_layer import CurrentLayer
from annotator.ui.widgets.note_edit import NoteEdit

DOCUMENT_NOTE_MERGE_ID = 0x444e  # "DN": QUndoCommand.id() groups merging commands


class SetDocumentNote(QUndoCommand):
    """Write an annotator's note on a document; each run expects the note the last one left."""

    def __init__(self, store: Store, document_id: int, annotator: str, note: str) -> None:
        super().__init__("Edit document note")
        self._store, self._key = store, (document_id, annotator)
        self._before = store.document_note(document_id, annotator)
        self._after = note

    def redo(self) -> None:
        self._store.set_document_note(*self._key, self._after, expect=self._before)

    def undo(self) -> None:
        self._store.set_document_note(*self._key, self._before, expect=self._after)

    def id(self) -> int:
        return DOCUMENT_NOTE_MERGE_ID

    def mergeWith(self, other: QUndoCommand) -> bool:  # noqa: N802 (Qt's name)
        if not isinstance(other, SetDocumentNote) or other.isObsolete() or other._key != self._key:
            return False
        self._after = other._after
        return True


class DocumentNote(QWidget):
    message = Signal(str)
    """A save the store refused, for the status bar."""

    def __init__(self, layer: CurrentLayer, undo: QUndoStack, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.layer, self.undo, self.store = layer, undo, layer.store
        self.note = NoteEdit(self)
        self.note.setObjectName("documentNote")
        self.note.setPlaceholderText("Note on this document (saved as you type)")
        self.note.setMaximumHeight(60)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 2, 0, 0)
        layout.addWidget(self.note)
        self._shown: tuple[int, str] | None = None
        """(document, annotator) whose note the box holds."""
        self._saved = ""
        """The note as last read or written: the box differs from it only when typed in."""
        self.note.saveRequested.connect(self.save)
        layer.documentAboutToChange.connect(self.save)
        layer.documentChanged.connect(self.refresh)
        self.store.subscribe(self._on_store_changed)
        self.destroyed.connect(lambda: self.store.unsubscribe(self._on_store_changed))
        self.refresh()

    def detach(self) -> None:
        """Save what was typed and stop following the store (the window closes)."""
        self.save()
        self.store.unsubscribe(self._on_store_changed)

    def _on_store_changed(self, kind: str, document_id: int | None) -> None:
        # an undo, a revert, another program: the box follows unless it is being typed in
        if kind in ("document_note", "documents") and document_id in (None, self.layer.document_id):
            self.refresh()

    def refresh(self) -> None:
        document_id = self.layer.document_id
        self.setEnabled(document_id is not None)
        if document_id is None:
            self._shown = None
            self.note.show_note("", same_owner=False)
            return
        shown = (document_id, self.layer.annotator)
        note = self.store.document_note(*shown)
        self.note.show_note(note, same_owner=shown == self._shown)
        if self.note.toPlainText() == note or shown != self._shown:
            self._saved = note
        self._shown = shown

    def hideEvent(self, event) -> None:  # noqa: N802, ANN001
        self.save()  # the window closing must not lose a note typed a moment ago
        super().hideEvent(event)

    def save(self) -> None:
        self.note.settle()
        if self._shown is None:
            return
        note = self.note.toPlainText()
        if note == self._saved:
            return  # nothing typed: the store is not read (it may be closing)
        refused = push(self.undo, SetDocumentNote(self.store, *self._shown, note))
        if refused:
            self.message.emit(refused)
        else:
            self._saved = note
