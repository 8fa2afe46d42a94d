"""Long work off the window's thread: import, export, merge, agreement.

A task works on its own connection to the database file, so the window never
waits on it and no store notification reaches a widget from the worker
thread; the window's store is reloaded when the work is done. The work is
given a `progress(done, total)` callback that returns False once the user
has pressed Cancel; the work then stops by raising its cancel exception.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEventLoop, Qt, QThread, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from annotator.exchange import ExportCancelled
from annotator.store import Store, StoreError
from annotator.store.database import ImportCancelled
from annotator.store.errors import store_error

Progress = Callable[[int, int], bool]
Work = Callable[[Store, Progress], Any]


class BackgroundTask(QThread):
    """Runs `work_on` in a thread; afterwards `cancelled` or `error` says how it ended."""

    progressed = Signal(int, int)

    cancel_errors: tuple[type[Exception], ...] = ()
    """What the work raises when it stops at Cancel."""

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.error = ""
        self.exception: Exception | None = None
        """What `error` was made from, for callers that answer some errors (files that exist)."""
        self.cancelled = False
        self._cancel = threading.Event()

    def cancel(self) -> None:
        self._cancel.set()

    def _progress(self, done: int, total: int) -> bool:
        self.progressed.emit(done, total)
        return not self._cancel.is_set()

    def work_on(self, store: Store) -> None:
        raise NotImplementedError

    def run(self) -> None:
        own = Store.open(self.store.path, create=False) if self.store.path is not None else None
        if own is not None:
            own.actor = self.store.actor  # the history names the window's annotator
        try:
            self.work_on(own or self.store)
        except self.cancel_errors as exc:
            self.cancelled, self.error = True, str(exc)
        except (ValueError, StoreError, OSError) as exc:
            self.error, self.exception = str(exc), exc
        except Exception as exc:
            damaged = store_error(exc, self.store.path)  # a damaged page met on the way
            if damaged is not None:
                self.error, self.exception = str(damaged), damaged
            else:  # a fault of ours: still say what happened, never an empty box
                self.error = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
                self.exception = exc
        finally:
            if own is not None:
                own.close()


class WorkTask(BackgroundTask):
    """Runs one import, export or merge: `work(store, progress)`, kept in `result`."""

    cancel_errors = (ImportCancelled, ExportCancelled)

    def __init__(self, store: Store, work: Work, parent: QWidget | None = None) -> None:
        super().__init__(store, parent)
        self.work = work
        self.result: Any = None

    def work_on(self, store: Store) -> None:
        self.result = self.work(store, self._progress)


def run_with_progress(parent: QWidget | None, store: Store, title: str, work: Work,
                      task: WorkTask | None = None) -> WorkTask:
    """Run `work` in the background behind a progress dialog; returns the
    finished task (its result, error, or cancelled flag)."""
    task = task or WorkTask(store, work, parent)
    dialog = QProgressDialog(title, "Cancel", 0, 0, parent)
    dialog.setObjectName("exchangeProgress")
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(0)
    dialog.canceled.connect(task.cancel)

    def show_progress(done: int, total: int) -> None:
        if total and dialog.maximum() != total:
            dialog.setMaximum(total)
        dialog.setValue(min(done, total) if total else 0)

    task.progressed.connect(show_progress)
    loop = QEventLoop()
    task.finished.connect(loop.quit)
    task.start()
    if not task.isFinished():
        loop.exec()
    task.wait()
    dialog.reset()
    dialog.deleteLater()
    store.reload()
    return task
