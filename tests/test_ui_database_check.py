"""The window on a database damaged inside its data: it opens (opening checks
only header and schema), File → Check database… finds the damage in the
background, and reading a damaged page is a message naming the file."""

from __future__ import annotations

import sys

import pytest
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QMessageBox

from annotator.project import open_project
from annotator.ui.app import report_database_faults
from annotator.ui.main_window import MainWindow
from damaged_database import damaged_project, make_project


@pytest.fixture
def messages(monkeypatch):
    shown: list[tuple[str, str]] = []
    for kind in ("information", "warning", "critical"):
        monkeypatch.setattr(QMessageBox, kind,
                            lambda parent, title, text, *rest, kind=kind: shown.append((kind, text)))
    return shown


def window_on(qtbot, path):
    window = MainWindow(open_project(path, create=False), "ana")
    qtbot.addWidget(window)
    window.show()
    return window


@pytest.mark.parametrize("damaged", [True, False], ids=["damaged", "sound"])
def test_check_database_reports_what_it_finds(qtbot, tmp_path, messages, damaged):
    path = tmp_path / "p.db"
    (damaged_project if damaged else make_project)(path)
    window = window_on(qtbot, path)
    window.findChild(QAction, "checkDatabase").trigger()
    qtbot.waitUntil(lambda: messages != [])
    kind, text = messages[0]
    if damaged:
        assert kind == "warning"
        assert text.startswith(f"{path}: the database is damaged") and "integrity check found" in text
    else:
        assert (kind, text) == ("information", f"{path}: every page of the file is sound.")


@pytest.mark.qt_no_exception_capture
def test_a_damaged_page_met_in_the_window_is_a_message(qtbot, tmp_path, messages, monkeypatch):
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # restored after the test
    path = tmp_path / "p.db"
    damaged_project(path)
    window = window_on(qtbot, path)
    report_database_faults()
    next_document = window.findChild(QAction, "nextDocument")
    for _ in range(40):  # the damaged page holds the last documents' spans
        next_document.trigger()
        QApplication.processEvents()  # the lazy tables read (and report) as they paint
        if messages:
            break
    assert messages and messages[0][0] == "critical"
    assert messages[0][1].startswith(f"{path}: the database is damaged (")


def test_cancel_stops_the_check(qtbot, tmp_path, messages, monkeypatch):
    import threading

    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtWidgets import QProgressDialog, QPushButton

    from annotator.store import integrity
    from annotator.ui.files import database_check

    path = tmp_path / "p.db"
    make_project(path)
    window = window_on(qtbot, path)
    cancelled = threading.Event()
    cancel = database_check.DeepCheckTask.cancel
    monkeypatch.setattr(database_check.DeepCheckTask, "cancel", lambda task: (cancel(task), cancelled.set()))
    monkeypatch.setattr(integrity, "STEPS_PER_CALL", 1)
    # the check waits, at its first step, for the Cancel button: the small file cannot finish first
    monkeypatch.setattr(database_check, "_deep_check", lambda store, progress: integrity.integrity_problems(
        store, lambda: progress(0, 0) if cancelled.wait(30) else True))

    def press_cancel() -> None:
        dialog = window.findChild(QProgressDialog, "exchangeProgress")
        qtbot.mouseClick(dialog.findChild(QPushButton), Qt.MouseButton.LeftButton)

    QTimer.singleShot(0, press_cancel)
    window.findChild(QAction, "checkDatabase").trigger()
    qtbot.waitUntil(lambda: messages != [])
    assert messages == [("information", "The check was cancelled.")]
