"""Start the window: the QApplication, the database, the event loop."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication, QMessageBox

from annotator.store import StoreError
from annotator.project import open_project


def run_app(db_path: Path, annotator: str, *, is_default: bool) -> int:
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("annotator")
    app.setOrganizationName("annotator")
    try:
        store = open_project(db_path, samples=is_default)
    except StoreError as exc:
        QMessageBox.critical(None, "annotator cannot open the database", str(exc))
        return 1
    from annotator.ui.main_window import MainWindow, remember_database

    remember_database(db_path)
    window = MainWindow(store, annotator)
    window.show()
    window.start_automatic_backup()
    return app.exec()
