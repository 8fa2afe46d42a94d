"""The window when the store cannot save: a full disk, a database another
program keeps locked, a step that fails half-way, an undo that fails. The user
is told (naming the file), nothing half-done stays in the view or on the undo
stack, everything saved before stays, and the same key works once the cause
is gone."""

from __future__ import annotations

import sqlite3

import pytest
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMessageBox

from annotator.store.database import DatabaseBusyError, StorageFullError
from annotator.project import open_project
from annotator.ui.main_window import MainWindow
from annotator.ui.labelling.text_view import TextView

# long enough that a span over all of it needs new pages; emoji and a combining mark test the offsets
LONG_TEXT = "Presiden berkunjung ke Jakarta 🇮🇩 dan Café\u0301 hari ini.\r\n" * 400


@pytest.fixture
def warnings(monkeypatch):
    """The messages the window would show in a warning box."""
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text, *rest: shown.append(text))
    return shown


@pytest.fixture
def window(qtbot, tmp_path):
    store = open_project(tmp_path / "p.db")
    store.add_document("Berita", LONG_TEXT)
    win = MainWindow(store, "ana")
    win.show()
    qtbot.waitExposed(win)
    win.activateWindow()
    qtbot.waitUntil(win.isActiveWindow)  # window shortcuts (Ctrl+Z) fire only in the active window
    yield win
    if shiboken6.isValid(win):
        win.close()
    store.close()


def view_of(win) -> TextView:
    return win.findChild(TextView, "textView")


def label(qtbot, win, start: int, end: int, key: str) -> None:
    view = view_of(win)
    view.select_range(start, end)
    qtbot.keyClick(view, key)


def saved_spans(win) -> list[tuple[int, int, str]]:
    return [(s.start, s.end, s.label) for s in win.store.spans(win.layer.document_id, "ana")]


def shown_spans(win) -> list[tuple[int, int, str]]:
    return [(s.start, s.end, s.label) for s in win.layer.spans]


def fill_up(win) -> None:
    pages = win.store.db.execute("PRAGMA page_count").fetchone()[0]
    win.store.db.execute(f"PRAGMA max_page_count = {pages}")


def test_full_disk_tells_the_user_and_keeps_earlier_work(qtbot, window, warnings):
    label(qtbot, window, 0, 8, "p")
    earlier = saved_spans(window)
    assert earlier == [(0, 8, "PERSON")]
    steps = window.undo_stack.count()
    fill_up(window)
    label(qtbot, window, 0, len(LONG_TEXT), "l")
    assert len(warnings) == 1
    assert "disk is full" in warnings[0] and str(window.store.path) in warnings[0]
    assert "Error calling Python override" not in warnings[0]  # PySide's wrapping is not shown
    assert saved_spans(window) == earlier
    assert shown_spans(window) == earlier
    assert window.undo_stack.count() == steps
    assert "NOT saved" in window.save_status.text()
    window.store.db.execute("PRAGMA max_page_count = 1073741823")
    label(qtbot, window, 0, len(LONG_TEXT), "l")
    assert len(warnings) == 1
    assert (0, len(LONG_TEXT.rstrip()), "LOCATION") in saved_spans(window)  # the line break is trimmed
    assert shown_spans(window) == saved_spans(window)
    assert window.undo_stack.count() == steps + 1


def test_locked_database_makes_the_edit_wait_and_then_saves_it(qtbot, window, warnings):
    other = sqlite3.connect(window.store.path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        label(qtbot, window, 0, 8, "p")
        assert warnings == []  # not refused: it waits
        banner = window.findChild(QLabel, "writeWaiting")
        assert banner.isVisible() and str(window.store.path) in banner.text()
        assert "your edit will be saved" in banner.text()
        assert saved_spans(window) == [] and shown_spans(window) == []
    finally:
        other.execute("ROLLBACK")
        other.close()
    qtbot.waitUntil(lambda: saved_spans(window) == [(0, 8, "PERSON")])
    assert shown_spans(window) == saved_spans(window)
    assert window.undo_stack.count() == 1 and not banner.isVisible()
    assert warnings == []


def test_fact_step_failing_half_way_leaves_no_trigger_span(qtbot, window, warnings, monkeypatch):
    """A fact label writes its trigger span, then the fact: if the fact fails,
    the span is taken back too."""

    def full(*args, **kwargs):
        raise StorageFullError(f"{window.store.path}: the disk is full")

    monkeypatch.setattr(window.store, "add_fact", full)
    label(qtbot, window, 0, 8, "u")  # QUOTE
    assert len(warnings) == 1
    assert saved_spans(window) == [] and shown_spans(window) == []
    assert window.store.facts(window.layer.document_id) == []
    assert window.undo_stack.count() == 0
    monkeypatch.undo()
    label(qtbot, window, 0, 8, "u")
    assert saved_spans(window) == [(0, 8, "QUOTE")]
    assert len(window.store.facts(window.layer.document_id)) == 1


def test_failed_undo_keeps_the_step_to_try_again(qtbot, window, warnings, monkeypatch):
    label(qtbot, window, 0, 8, "p")
    store_delete = window.store.delete_span

    def busy(span_id, **expectation):
        raise DatabaseBusyError(f"{window.store.path}: another program is writing to the database")

    monkeypatch.setattr(window.store, "delete_span", busy)
    qtbot.keyClick(window, "z", Qt.KeyboardModifier.ControlModifier)
    assert len(warnings) == 1 and "another program" in warnings[0]
    assert saved_spans(window) == [(0, 8, "PERSON")] == shown_spans(window)
    assert (window.undo_stack.index(), window.undo_stack.count()) == (1, 1)  # still undoable
    monkeypatch.setattr(window.store, "delete_span", store_delete)
    qtbot.keyClick(window, "z", Qt.KeyboardModifier.ControlModifier)
    assert saved_spans(window) == [] == shown_spans(window)
    assert window.undo_stack.index() == 0


def test_failed_redo_can_be_tried_again(qtbot, window, warnings, monkeypatch):
    label(qtbot, window, 0, 8, "p")
    window.undo_stack.undo()
    assert saved_spans(window) == []
    store_restore = window.store.restore_span

    def full(deleted):
        raise StorageFullError(f"{window.store.path}: the disk is full")

    monkeypatch.setattr(window.store, "restore_span", full)
    window.redo_action.trigger()
    assert len(warnings) == 1
    assert saved_spans(window) == [] == shown_spans(window)
    assert (window.undo_stack.index(), window.undo_stack.count()) == (0, 1)  # the redo is still there
    monkeypatch.setattr(window.store, "restore_span", store_restore)
    window.redo_action.trigger()
    assert saved_spans(window) == [(0, 8, "PERSON")] == shown_spans(window)


def test_refusal_that_is_not_storage_trouble_goes_to_the_status_bar(qtbot, window, warnings):
    from annotator.ui.labelling.commands import DeleteLabel

    label(qtbot, window, 0, 8, "p")
    refused = window.undo_stack.push(DeleteLabel(window.store, "PERSON"))  # in use: the store refuses
    assert refused is not None and "PERSON" in window.statusBar().currentMessage()
    assert warnings == []
    assert window.undo_stack.count() == 1
    assert window.store.schema().label("PERSON") is not None


def test_review_window_keeps_no_gold_step_the_store_failed_to_save(qtbot, window, monkeypatch):
    from annotator.domain import GOLD
    from annotator.ui.labelling.commands import SetStatus
    from annotator.ui.review.review_view import ReviewWindow

    review = ReviewWindow(window.store, "rina", document_id=window.layer.document_id)
    qtbot.addWidget(review)

    def full(*args, **expectation):
        raise StorageFullError(f"{window.store.path}: the disk is full")

    monkeypatch.setattr(window.store, "set_status", full)
    assert not review._push(SetStatus(window.store, window.layer.document_id, GOLD, "reviewed"))
    assert "disk is full" in review.statusBar().currentMessage()
    assert review.undo_stack.count() == 0
    assert window.store.status(window.layer.document_id, GOLD) == "todo"


def test_sample_import_into_a_full_database_is_a_message(qtbot, window, warnings):
    fill_up(window)
    window.import_samples()
    assert len(warnings) == 1 and "disk is full" in warnings[0]
    assert window.documents.model.rowCount() == 1 and window.documents.model.summary_at(0).title == "Berita"
