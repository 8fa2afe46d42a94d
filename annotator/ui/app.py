"""Start the window: the QApplication, the database, the event loop."""

from __future__ import annotations

import sys
from pathlib import Path
from types import TracebackType

from PySide6.QtWidgets import QApplication, QMessageBox

from annotator.store import StoreError
from annotator.store.errors import store_error
from annotator.project import open_project
from annotator.ui.widgets.plain_text import literal


def run_app(db_path: Path, annotator: str, *, is_default: bool) -> int:
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("annotator")
    app.setOrganizationName("annotator")
    from annotator.ui.main_window import MainWindow, remember_database

    try:
        store = open_project(db_path, samples=is_default)
        window = MainWindow(store, annotator)
    except Exception as exc:  # noqa: BLE001 - only database errors become a message
        error = exc if isinstance(exc, StoreError) else store_error(exc, db_path)
        if error is None:
            raise
        QMessageBox.critical(None, "annotator cannot open the database", literal(str(error)))
        return 1
    remember_database(db_path)
    report_database_faults()
    window.show()
    window.start_automatic_backup()
    return app.exec()


def report_database_faults() -> None:
    """Show, instead of a traceback on stderr, a database error that escapes a
    slot: damage SQLite found in a page being read (opening reads only the
    header and schema), or any `StoreError` no widget caught."""
    previous = sys.excepthook

    def hook(kind: type[BaseException], exc: BaseException, trace: TracebackType | None) -> None:
        error = exc if isinstance(exc, StoreError) else store_error(exc, _database_in_use())
        if error is None:
            previous(kind, exc, trace)
            return
        QMessageBox.critical(QApplication.activeWindow(), "Database error", literal(error.message))

    sys.excepthook = hook


def _database_in_use() -> Path | None:
    """The file of the window the user works in (the error came from there)."""
    app = QApplication.instance()
    windows = [QApplication.activeWindow(), *app.topLevelWidgets()] if app is not None else []
    for window in windows:
        while window is not None:
            store = getattr(window, "store", None)
            if store is not None and store.path is not None:
                return store.path
            window = window.parentWidget()
    return None
