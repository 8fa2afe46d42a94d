"""The free-text note of an annotation, saved as it is typed.

The box asks to be saved after a short pause in typing and when the focus
leaves it; the panel that owns it also saves when the selection changes and
when it is hidden (the window closing), so a note is never lost.
"""

from __future__ import annotations

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QPlainTextEdit, QWidget

NOTE_SAVE_DELAY_MS = 600


class NoteEdit(QPlainTextEdit):
    saveRequested = Signal()
    """The typed text should be written now."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPlaceholderText("Note (saved as you type)")
        self.setMaximumHeight(70)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(NOTE_SAVE_DELAY_MS)
        self._timer.timeout.connect(self.saveRequested)
        self.textChanged.connect(self._timer.start)

    def focusOutEvent(self, event) -> None:  # noqa: N802, ANN001
        super().focusOutEvent(event)
        self.saveRequested.emit()

    def settle(self) -> None:
        """Forget the pending pause: the owner is saving now."""
        self._timer.stop()

    def show_note(self, note: str, *, same_owner: bool) -> None:
        """Show an annotation's note; the note of the annotation being typed in is left as typed."""
        if same_owner and (self.hasFocus() or self._timer.isActive()):
            return
        if self.toPlainText() != note:
            self.blockSignals(True)
            self.setPlainText(note)
            self.blockSignals(False)
