"""The window's undo stack: an edit the store could not save leaves no trace.

Every undo command writes to the store when Qt runs it. If that write fails
(a full disk, a database another program keeps locked, a refusal such as a
label still in use), an exception must not cross back into Qt: Qt would move
the stack as if the step succeeded, and PySide would raise the error later in
whatever Python slot runs next. So this stack wraps each command it is given:
the command's failure is caught in Python, the stack is put back where the
store is, and the failure is reported through `refused` (and returned):

- a failed push drops the command (it was never applied);
- a failed undo or redo moves the index back without running the command
  again, so the same step can be retried once the disk has room.

Any other exception of a step is caught the same way and reported as a
`StoreError` naming the step. The undo and redo actions the stack makes call
these Python methods (Qt's own `createUndoAction` would call the C++ slots
and bypass them).

Given an `EditQueue`, every push, undo and redo goes through it: the step
runs in one transaction the queue began, and while another program writes it
waits in the queue, in order with the steps after it. The call then returns
`EditWaiting` (not a refusal: the step will be saved; callers do nothing more
with it until then), and a failure met later is reported through `refused`.
"""

from __future__ import annotations

import logging
import weakref
from collections.abc import Callable
from typing import NamedTuple

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction, QUndoCommand, QUndoGroup, QUndoStack

from annotator.store import StoreError
from annotator.ui.widgets.edit_queue import EditQueue, Immediately
from annotator.ui.widgets.plain_text import literal, no_mnemonic

_log = logging.getLogger(__name__)


class EditWaiting(StoreError):
    """A step that waits for another program to finish writing: it is queued,
    not refused, and will be saved."""


class StoreUndoStack(QUndoStack):
    refused = Signal(object)
    """A `StoreError` from a push, undo or redo that was taken back."""

    def __init__(self, parent: QObject | None = None, queue: EditQueue | None = None) -> None:
        super().__init__(parent)
        self.queue: EditQueue | Immediately = queue if queue is not None else Immediately()
        self._failure: StoreError | None = None
        self._pushing = False
        self._stepping_over = False

    def push(self, command: QUndoCommand) -> StoreError | None:  # type: ignore[override]
        """Run and keep `command`; the store's refusal instead when it failed
        (the command is then dropped and `refused` is emitted); `EditWaiting`
        when it waits for another program."""
        waiting = self.queue.newest_waiting()
        if isinstance(waiting, _Push) and waiting.stack is self and _merged(waiting.command, command):
            # a note typed on while its first save waits: one step, saved once, as Qt would merge them
            return EditWaiting(self.queue.waiting_message())  # type: ignore[union-attr]
        for method in ("redo", "undo"):
            # PySide looks an override up on the instance before the class
            setattr(command, method, self._guarded(command, getattr(type(command), method)))
        return self._in_turn(lambda: self._push_now(command), _Push(self, command))

    def undo(self) -> StoreError | None:  # type: ignore[override]
        # on failure the store still holds the change: step forward again without redoing it
        # (whether there is a step to undo is asked when its turn comes, after the steps before it)
        return self._in_turn(lambda: self._step(self.canUndo, self._qt_undo, self._qt_redo))

    def redo(self) -> StoreError | None:  # type: ignore[override]
        # on failure the change is still not in the store: step back without undoing it
        return self._in_turn(lambda: self._step(self.canRedo, self._qt_redo, self._qt_undo))

    def _qt_undo(self) -> None:
        QUndoStack.undo(self)

    def _qt_redo(self) -> None:
        QUndoStack.redo(self)

    def _in_turn(self, step: Callable[[], StoreError | None], what: object = None) -> StoreError | None:
        outcome: list[StoreError | None] = []
        if self.queue.run(lambda: outcome.append(step()), what):
            return outcome[0]
        return EditWaiting(self.queue.waiting_message())  # type: ignore[union-attr]

    def _push_now(self, command: QUndoCommand) -> StoreError | None:
        self._failure, self._pushing = None, True
        try:
            QUndoStack.push(self, command)
        finally:
            self._pushing = False
        return self._report()

    def _step(self, possible: Callable[[], bool], go: Callable[[], None],
              back: Callable[[], None]) -> StoreError | None:
        if not possible():
            return None
        self._failure = None
        go()
        if self._failure is not None:
            self._stepping_over = True  # the guarded command does nothing this time
            try:
                back()
            finally:
                self._stepping_over = False
        return self._report()

    def _guarded(self, command: QUndoCommand, run: Callable[[QUndoCommand], None]) -> Callable[[], None]:
        # The stack keeps its commands, so the guard refers to both weakly: a
        # strong reference would make a cycle (stack -> command -> guard ->
        # stack) that only Python's collector frees, and collecting a stack
        # together with its commands crashed the process inside PySide.
        stack_ref, command_ref = weakref.ref(self), weakref.ref(command)

        def guarded() -> None:
            stack, step = stack_ref(), command_ref()
            if stack is None or step is None or stack._stepping_over:
                return
            try:
                try:
                    run(step)
                except BaseException:
                    stack.queue.rollback()
                    raise
                stack.queue.commit()  # a commit that fails (a full disk) fails the step
            except Exception as exc:  # noqa: BLE001 (nothing may cross into Qt, which would move the stack on)
                # kept and returned without its traceback, whose frames (this one's
                # callers) would hold the stack in a cycle with the refusal
                stack._failure = _detached(exc) if isinstance(exc, StoreError) else _unexpected(step, exc)
                if stack._pushing:
                    step.setObsolete(True)  # Qt then deletes it instead of keeping it
        return guarded

    def _report(self) -> StoreError | None:
        failure, self._failure = self._failure, None
        if failure is not None:
            self.refused.emit(failure)
        return failure

    def createUndoAction(self, parent: QObject, prefix: str = "") -> QAction:  # type: ignore[override]  # noqa: N802
        return StepAction(self, parent, prefix or "Undo", "undo", self.queue)

    def createRedoAction(self, parent: QObject, prefix: str = "") -> QAction:  # type: ignore[override]  # noqa: N802
        return StepAction(self, parent, prefix or "Redo", "redo", self.queue)


class _Push(NamedTuple):
    """A push waiting in the queue."""

    stack: StoreUndoStack
    command: QUndoCommand


def _merged(waiting: QUndoCommand, command: QUndoCommand) -> bool:
    """Whether the waiting command took `command` over (Qt's merging, before either ran)."""
    return command.id() != -1 and command.id() == waiting.id() and waiting.mergeWith(command)


def _detached(exc: StoreError) -> StoreError:
    """`exc` and the errors it came from, without their tracebacks."""
    seen: set[int] = set()
    link: BaseException | None = exc
    while link is not None and id(link) not in seen:
        seen.add(id(link))
        link.__traceback__ = None
        link = link.__cause__ or link.__context__
    return exc


def _unexpected(command: QUndoCommand, exc: Exception) -> StoreError:
    """Any other failure of a step (a bug, a database error the store did not
    word) is reported like a refusal, with the stack kept in step; the
    traceback goes to the log for whoever fixes it."""
    _log.error("%s failed", command.text(), exc_info=exc)
    return StoreError(f"{command.text()}: failed ({exc}); nothing was changed")


class StepAction(QAction):
    """Undo or redo through the stack's Python methods, titled like Qt's own.

    While edits wait for another program (`EditQueue`), it stays enabled: an
    undo pressed then waits in line and takes back the waiting edit once saved."""

    def __init__(self, stack: StoreUndoStack | QUndoGroup, parent: QObject, prefix: str, direction: str,
                 queue: EditQueue | Immediately | None = None) -> None:
        super().__init__(prefix, parent)
        self._prefix = prefix
        self._waiting = 0
        possible, text, possible_changed, text_changed, step = (
            (stack.canUndo, stack.undoText, stack.canUndoChanged, stack.undoTextChanged, stack.undo)
            if direction == "undo" else
            (stack.canRedo, stack.redoText, stack.canRedoChanged, stack.redoTextChanged, stack.redo))
        self._possible = possible
        self._enable()
        self._show(text())
        possible_changed.connect(self._enable)
        text_changed.connect(self._show)
        if isinstance(queue, EditQueue):
            queue.waitingChanged.connect(self._queue_waiting)
        self.triggered.connect(step)

    def _queue_waiting(self, count: int) -> None:
        self._waiting = count
        self._enable()

    def _enable(self, *_: object) -> None:
        self.setEnabled(self._possible() or self._waiting > 0)

    def _show(self, command_text: str) -> None:
        # the step's text names labels and roles: its "&" is no shortcut mark, its "<b>" no markup
        self.setText(f"{self._prefix} {no_mnemonic(command_text)}".strip())
        # a toolbar button shows the icon text: just "Undo", the step in its tooltip
        # (the whole step text would be squeezed into something like "U…N")
        self.setIconText(self._prefix.replace("&", ""))
        self.setToolTip(literal(f"{self._prefix.replace('&', '')} {command_text}".strip()))
