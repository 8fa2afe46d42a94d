"""File → Check database…: the deep check of `annotator check --deep` (every
page of the file read by SQLite's integrity_check) in the background, with
Cancel, and its findings shown."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

from annotator.store import Store
from annotator.store.errors import CheckCancelled
from annotator.store.integrity import integrity_problems
from annotator.ui.widgets.background import Progress, WorkTask, run_with_progress
from annotator.ui.widgets.plain_text import literal

SHOWN_FINDINGS = 20


class DeepCheckTask(WorkTask):
    cancel_errors = (CheckCancelled,)


def _deep_check(store: Store, progress: Progress) -> list[str]:
    # SQLite cannot say how far it is: the dialog shows a busy bar, and Cancel works
    return integrity_problems(store, lambda: progress(0, 0))


def check_database_with_dialog(parent: QWidget, store: Store) -> DeepCheckTask:
    where = str(store.path) if store.path is not None else "the in-memory database"
    task = DeepCheckTask(store, _deep_check, parent)
    run_with_progress(parent, store, f"Reading every page of {where}…", _deep_check, task)
    title = "Check database"
    if task.cancelled:
        QMessageBox.information(parent, title, "The check was cancelled.")
    elif task.error:
        QMessageBox.critical(parent, title, literal(task.error))
    elif task.result:
        findings = task.result
        more = f"\n… and {len(findings) - SHOWN_FINDINGS} more" if len(findings) > SHOWN_FINDINGS else ""
        QMessageBox.warning(
            parent, title,
            literal(f"{where}: the database is damaged. SQLite's integrity check found:\n\n"
                    + "\n".join(findings[:SHOWN_FINDINGS]) + more
                    + "\n\nKeep a copy of the file, and restore it from a backup if you have one."))
    else:
        QMessageBox.information(parent, title, literal(f"{where}: every page of the file is sound."))
    return task
