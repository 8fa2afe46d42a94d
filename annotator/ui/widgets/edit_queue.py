"""The window's edits, saved one after another: an edit that meets another
program writing waits here for its turn instead of freezing the window or failing.

SQLite lets one connection write at a time, and the write phase of a large
`annotator import` can hold the lock longer than the busy timeout. Waiting for it on the window's
thread would freeze the window; giving up after the busy timeout would lose
the edit. So each step of the undo stack first takes the write lock itself,
waiting at most `TRY_MS`: when another program holds it, the step joins this
queue, `waitingChanged` says so, and the queue tries again every `RETRY_MS`
while the window goes on drawing and answering. Steps made meanwhile (edits,
undo, redo) wait behind it, so they are saved in the order they were made.

A step runs inside the transaction the queue began, so it is one transaction
whatever store calls it makes, and the lock it met was met before it had
written anything. The step ends that transaction (`commit`, `rollback`), so
that a failure to commit (a full disk) is the step's failure, reported like
any other.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QElapsedTimer, QObject, QTimer, Signal
from PySide6.QtWidgets import QDialog, QProgressDialog, QWidget

from annotator.store import Store, StoreError
from annotator.store.core import WriteTransaction
from annotator.store.database import DatabaseBusyError

Step = Callable[[], None]


class EditQueue(QObject):
    waitingChanged = Signal(int)
    """How many steps wait for another program to finish writing; 0 once all are saved."""

    TRY_MS = 50
    """The longest the window's thread waits for the write lock for a new step
    (a short write of another program, such as another window's edit, ends within it)."""
    RETRY_MS = 200
    """How often a waiting step tries again..."""
    RETRY_TRY_MS = 10
    """... waiting at most this long each time, so that the window answers at once meanwhile."""
    BATCH_MS = 50
    """How long saving the steps that waited may go on before the window answers again."""

    def __init__(self, store: Store, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.tries = 0
        """Attempts to take the lock that found another program writing (for tests and figures)."""
        self._steps: deque[Step] = deque()
        self._newest: object = None
        """What the step queued last said it was (`run`'s `what`), while it is still waiting."""
        self._transaction: WriteTransaction | None = None
        self._running = False
        self._retry_timer = QTimer(self)
        self._retry_timer.setInterval(self.RETRY_MS)
        self._retry_timer.timeout.connect(self._retry)

    @property
    def waiting(self) -> int:
        return len(self._steps)

    def waiting_message(self, ending: str | None = None) -> str:
        count = len(self._steps)
        where = self.store.path if self.store.path is not None else Path("memory")
        if ending is None:
            ending = "your edit will be saved" if count <= 1 else f"your {count} edits will be saved"
        return f"Waiting for another program to finish writing ({where})… {ending}"

    def run(self, step: Step, what: object = None) -> bool:
        """Run `step` now with the write lock held, or queue it when another
        program writes or earlier steps wait; True when it ran. `what` is kept
        while it is the newest step waiting (`newest_waiting`)."""
        # while a step runs (its refusal shown in a message box) a new one waits its turn
        if self._running or self._steps or not self._begin(self.TRY_MS):
            self._steps.append(step)
            self._newest = what
            self._retry_timer.start()
            self.waitingChanged.emit(len(self._steps))
            return False
        self._run(step)
        return True

    def newest_waiting(self) -> object:
        """The `what` of the newest step waiting, or None: a caller may fold a
        new step into it (a note typed on, while the first save waits)."""
        return self._newest if self._steps else None

    def commit(self) -> None:
        """End the step's transaction, keeping what it wrote (raises when the commit fails)."""
        transaction, self._transaction = self._transaction, None
        if transaction is not None:
            transaction.commit()

    def rollback(self) -> None:
        transaction, self._transaction = self._transaction, None
        if transaction is not None:
            transaction.rollback()

    def _begin(self, wait_ms: int) -> bool:
        try:
            self._transaction = self.store.begin_write(wait_ms)
        except DatabaseBusyError:
            self.tries += 1
            return False
        except StoreError:
            # any other trouble (a read-only file): the step's own transaction meets it and reports it
            self._transaction = None
        return True

    def _run(self, step: Step) -> None:
        self._running = True
        try:
            step()
        finally:
            self._running = False
            self.rollback()  # a step that ran no command leaves its transaction open and empty

    def _retry(self) -> None:
        if self._running:
            return
        self._retry_timer.setInterval(self.RETRY_MS)
        spent = QElapsedTimer()
        spent.start()
        while self._steps:
            if spent.elapsed() > self.BATCH_MS:
                # many steps waited: save the rest in turns, the window answering between them
                self._retry_timer.setInterval(0)
                return
            if not self._begin(self.RETRY_TRY_MS):
                return
            step = self._steps.popleft()
            if not self._steps:
                self._newest = None  # it runs now: nothing may fold into it any more
            self._run(step)
            self.waitingChanged.emit(len(self._steps))
        self._retry_timer.stop()


def save_in_turn(queue: EditQueue | Immediately, write: Callable[[], Any],
                 done: Callable[[Any], None] | None = None,
                 failed: Callable[[StoreError], None] | None = None) -> bool:
    """A write that is no undo step (a setting, the sample articles), saved as
    the edits are: now, or in its turn once another program has finished
    writing, so the window never waits for it. `done` hears what `write`
    returned, `failed` the store's refusal (nothing of it is kept). True when
    it was saved now."""

    def step() -> None:
        try:
            result = write()
            queue.commit()
        except StoreError as exc:
            queue.rollback()
            if failed is not None:
                failed(exc)
            return
        if done is not None:
            done(result)

    return queue.run(step)


def save_waiting_edits(queue: EditQueue, parent: QWidget) -> bool:
    """Before a window closes: wait, in a dialog that says so, until the edits
    that wait for another program are saved. False when the user keeps the
    window open instead (the edits still wait, and the window says so)."""
    if not queue.waiting:
        return True

    def closing() -> str:
        return queue.waiting_message("the window closes once your edit is saved" if queue.waiting == 1 else
                                     f"the window closes once your {queue.waiting} edits are saved")

    dialog = QProgressDialog(closing(), "Keep the window open", 0, 0, parent)
    dialog.setObjectName("savingBeforeClose")
    dialog.setWindowTitle("Saving edits")
    dialog.setMinimumDuration(0)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)

    def follow(count: int) -> None:
        if count:
            dialog.setLabelText(closing())
        else:
            dialog.done(QDialog.DialogCode.Accepted)

    queue.waitingChanged.connect(follow)
    try:
        dialog.exec()  # ends once they are saved, or at "Keep the window open"
    finally:
        queue.waitingChanged.disconnect(follow)
        dialog.deleteLater()
    return not queue.waiting


class Immediately:
    """No queue: each step runs at once in its own transactions (a stack without a store)."""

    waiting = 0

    def run(self, step: Step, what: object = None) -> bool:
        step()
        return True

    def newest_waiting(self) -> object:
        return None

    def commit(self) -> None:
        pass

    def rollback(self) -> None:
        pass
