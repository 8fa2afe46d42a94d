"""One undo history per document and layer: Ctrl+Z changes only what is on screen.

With one stack for the whole window, Ctrl+Z on document 3 deleted a span on
document 2, and after switching annotator it deleted the previous annotator's
span, with nothing on screen to say so. Here each (document, annotator) pair
keeps its own `StoreUndoStack`, and the one shown is the group's active
stack: the Edit menu's Undo and Redo name its steps, and undo and redo walk
only it. Going back to a document brings its history back. Schema edits are
steps of the history they were made in (they show in the palette everywhere).

All the stacks share one `EditQueue`, so steps are saved in the order they
were made whichever history they belong to, and a step that waits for another
program stays on the history it was made in.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction, QUndoCommand, QUndoGroup

from annotator.store import Store, StoreError
from annotator.ui.widgets.edit_queue import EditQueue
from annotator.ui.widgets.store_undo_stack import StepAction, StoreUndoStack

HistoryKey = tuple[int | None, str]
"""(document id, annotator); no document: None."""


class UndoHistories(QUndoGroup):
    refused = Signal(object)
    """A `StoreError` from a push, undo or redo of any history, taken back."""

    def __init__(self, store: Store, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.queue = EditQueue(store, self)
        self._stacks: dict[HistoryKey, StoreUndoStack] = {}
        self._active = self.show(None, "")

    def show(self, document_id: int | None, annotator: str) -> StoreUndoStack:
        """Make the history of `document_id` in `annotator`'s layer the one undo and redo walk."""
        key = (document_id, annotator)
        stack = self._stacks.get(key)
        if stack is None:
            stack = StoreUndoStack(self, self.queue)  # a stack made with the group as parent joins it
            stack.refused.connect(self.refused.emit)
            self._stacks[key] = stack
        self._active = stack
        self.setActiveStack(stack)
        return stack

    @property
    def active(self) -> StoreUndoStack:
        return self._active

    # the active history's stack, with the calls the window's widgets make
    def push(self, command: QUndoCommand) -> StoreError | None:
        return self._active.push(command)

    def undo(self) -> StoreError | None:  # type: ignore[override]
        return self._active.undo()

    def redo(self) -> StoreError | None:  # type: ignore[override]
        return self._active.redo()

    def count(self) -> int:
        return self._active.count()

    def index(self) -> int:
        return self._active.index()

    def clear(self) -> None:
        self._active.clear()

    def createUndoAction(self, parent: QObject, prefix: str = "") -> QAction:  # type: ignore[override]  # noqa: N802
        return StepAction(self, parent, prefix or "Undo", "undo", self.queue)

    def createRedoAction(self, parent: QObject, prefix: str = "") -> QAction:  # type: ignore[override]  # noqa: N802
        return StepAction(self, parent, prefix or "Redo", "redo", self.queue)
