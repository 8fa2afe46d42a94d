"""Writes that are no undo step (the sample articles, settings) meet another
program writing as the edits do: they wait in the edit queue, the window goes
on answering, and they are saved once the other program is done."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

import pytest
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from test_ui_storage_errors import warnings  # noqa: F401 (fixture)

from annotator.project import open_project, sample_files
from annotator.ui.suggestions.suggestions import ON_OPEN_SETTING
from annotator.ui.main_window import MainWindow


@pytest.fixture
def window(qtbot, tmp_path) -> Iterator[MainWindow]:
    store = open_project(tmp_path / "p.db")
    store.add_document("Pertama", "Presiden Joko Widodo tiba di Jakarta.")
    win = MainWindow(store, "ana")
    win.show()
    qtbot.waitExposed(win)
    # a write that waited on the window's thread would stop the test here, not after a minute
    store.db.execute("PRAGMA busy_timeout = 200")
    yield win
    if shiboken6.isValid(win):
        win.close()
    store.close()


@pytest.fixture
def other_program(window) -> Iterator[sqlite3.Connection]:
    """Another program in the middle of a long write (an import)."""
    other = sqlite3.connect(window.store.path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    yield other
    if other.in_transaction:
        other.execute("ROLLBACK")
    other.close()


def action(window: MainWindow, name: str) -> QAction:
    found = window.findChild(QAction, name)
    assert found is not None, name
    return found


def test_sample_articles_wait_for_another_program_then_all_arrive(qtbot, window, other_program, warnings):  # noqa: F811
    action(window, "importSamples").trigger()
    assert window.undo_stack.queue.waiting == 1 and warnings == []
    assert window.store.document_count() == 1
    other_program.execute("COMMIT")
    qtbot.waitUntil(lambda: window.undo_stack.queue.waiting == 0)
    assert window.store.document_count() == 1 + len(sample_files())
    assert "sample article(s)" in window.statusBar().currentMessage() and warnings == []


def test_a_setting_waits_its_turn_behind_the_edits(qtbot, window, other_program, warnings):  # noqa: F811
    action(window, "suggestOnOpen").setChecked(True)
    assert window.undo_stack.queue.waiting == 1
    assert window.store.setting(ON_OPEN_SETTING, "0") == "0"
    other_program.execute("COMMIT")
    qtbot.waitUntil(lambda: window.undo_stack.queue.waiting == 0)
    assert window.store.setting(ON_OPEN_SETTING) == "1" and warnings == []
    # saved, it takes effect: the suggesters are built, then the shown document is suggested for
    qtbot.waitUntil(lambda: window.suggestions.preparing is None and window.suggestions.ready is not None)
    qtbot.waitUntil(lambda: window.undo_stack.queue.waiting == 0)


def test_suggestions_for_a_document_opened_wait_their_turn_too(qtbot, window, warnings):  # noqa: F811
    first = window.layer.document_id
    window.store.add_span(first, "ana", 0, 8, "PERSON")  # something to learn from
    second = window.store.add_document("Kedua", "Presiden Joko Widodo tiba di Bandung.")[0].id
    action(window, "suggestOnOpen").setChecked(True)
    qtbot.waitUntil(lambda: window.suggestions.ready is not None and window.undo_stack.queue.waiting == 0)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    other = sqlite3.connect(window.store.path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        qtbot.keyClick(window, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)  # the next document
        assert window.layer.document_id == second
        assert window.undo_stack.queue.waiting == 1
    finally:
        other.execute("COMMIT")
        other.close()
    qtbot.waitUntil(lambda: window.undo_stack.queue.waiting == 0)
    assert window.store.pending_suggestions(second, "ana") and warnings == []


def test_a_refused_write_is_reported_and_keeps_nothing(qtbot, window, warnings, monkeypatch):  # noqa: F811
    from annotator import project
    from annotator.store.errors import StorageError

    added: list[str] = []

    def half_then_refused(store):
        added.append(store.add_document("Separuh", "Teks yang tidak akan tinggal.")[0].title)
        raise StorageError("the disk is full")

    monkeypatch.setattr(project, "add_samples", half_then_refused)
    action(window, "importSamples").trigger()
    assert added == ["Separuh"] and window.store.document_count() == 1
    assert any("the disk is full" in w for w in warnings)
