"""Undo never changes what is not on screen: each document and layer keeps its
own history. Ctrl+Z on document B leaves document A alone; back on A it
undoes A's steps; after switching annotator it cannot touch the other
person's layer. The Edit menu's Undo names the shown document's step."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit
from test_ui_storage_errors import view_of, warnings  # noqa: F401 (fixture)

from annotator.project import open_project
from annotator.ui.main_window import MainWindow

FIRST = "Presiden berkunjung ke Jakarta hari ini."
SECOND = "Menteri tiba di Bandung kemarin."


@pytest.fixture
def window(qtbot, tmp_path) -> Iterator[MainWindow]:
    store = open_project(tmp_path / "p.db")
    store.add_document("Pertama", FIRST)
    store.add_document("Kedua", SECOND)
    win = MainWindow(store, "ana")
    win.show()
    qtbot.waitExposed(win)
    win.activateWindow()
    qtbot.waitUntil(win.isActiveWindow)
    yield win
    if shiboken6.isValid(win):
        win.close()
    store.close()


def press(qtbot, win, key, modifiers=Qt.KeyboardModifier.ControlModifier) -> None:  # noqa: ANN001
    qtbot.keyClick(win, key, modifiers)


def undo(qtbot, win) -> None:  # noqa: ANN001
    press(qtbot, win, "z")


def redo(qtbot, win) -> None:  # noqa: ANN001
    press(qtbot, win, "z", Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)


def next_document(qtbot, win) -> None:  # noqa: ANN001
    press(qtbot, win, Qt.Key.Key_PageDown)


def previous_document(qtbot, win) -> None:  # noqa: ANN001
    press(qtbot, win, Qt.Key.Key_PageUp)


def label(qtbot, win, text: str, word: str, key: str) -> None:  # noqa: ANN001
    start = text.index(word)
    view_of(win).select_range(start, start + len(word))
    qtbot.keyClick(view_of(win), key)


def switch_annotator(qtbot, win, name: str) -> None:  # noqa: ANN001
    edit = win.findChild(QLineEdit, "annotatorEdit")
    edit.selectAll()
    qtbot.keyClicks(edit, name)
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert win.layer.annotator == name


def texts(win, doc: int, annotator: str = "ana") -> list[str]:  # noqa: ANN001
    return sorted(s.text for s in win.store.spans(doc, annotator))


def test_undo_on_another_document_leaves_the_first_alone(qtbot, window, warnings):  # noqa: F811
    a = window.layer.document_id
    label(qtbot, window, FIRST, "Presiden", "p")
    label(qtbot, window, FIRST, "Jakarta", "l")
    press(qtbot, window, "d")  # mark done
    assert window.undo_action.text() == "&Undo Mark done"
    next_document(qtbot, window)
    b = window.layer.document_id
    assert b != a
    assert not window.undo_action.isEnabled() and window.undo_action.text() == "&Undo"
    undo(qtbot, window)
    undo(qtbot, window)
    assert texts(window, a) == ["Jakarta", "Presiden"] and window.store.status(a, "ana") == "done"
    label(qtbot, window, SECOND, "Bandung", "l")
    assert window.undo_action.text() == "&Undo Label LOCATION"
    previous_document(qtbot, window)
    assert window.undo_action.text() == "&Undo Mark done"  # the shown document's step
    undo(qtbot, window)
    assert window.store.status(a, "ana") != "done"
    undo(qtbot, window)
    assert texts(window, a) == ["Presiden"] and [s.text for s in window.layer.spans] == ["Presiden"]
    assert texts(window, b) == ["Bandung"]  # the other document's edit stays
    redo(qtbot, window)
    assert texts(window, a) == ["Jakarta", "Presiden"]
    next_document(qtbot, window)
    undo(qtbot, window)  # B's own step, undone where it is seen
    assert texts(window, b) == [] and texts(window, a) == ["Jakarta", "Presiden"]
    assert warnings == []


def test_undo_after_switching_annotator_never_touches_the_other_layer(qtbot, window, warnings):  # noqa: F811
    doc = window.layer.document_id
    label(qtbot, window, FIRST, "Presiden", "p")
    switch_annotator(qtbot, window, "bea")
    assert not window.undo_action.isEnabled()
    undo(qtbot, window)
    assert texts(window, doc, "ana") == ["Presiden"]
    label(qtbot, window, FIRST, "Jakarta", "l")
    undo(qtbot, window)
    assert texts(window, doc, "bea") == [] and texts(window, doc, "ana") == ["Presiden"]
    undo(qtbot, window)  # nothing more in bea's history
    assert texts(window, doc, "ana") == ["Presiden"]
    switch_annotator(qtbot, window, "ana")
    assert window.undo_action.text() == "&Undo Label PERSON"
    undo(qtbot, window)
    assert texts(window, doc, "ana") == []
    assert warnings == []


def test_an_edit_saved_after_switching_stays_in_its_own_history(qtbot, window, warnings):  # noqa: F811
    """A step that waited for another program lands in the history it was made
    in, even when another document is shown by then."""
    import sqlite3

    a = window.layer.document_id
    other = sqlite3.connect(window.store.path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        label(qtbot, window, FIRST, "Presiden", "p")
        next_document(qtbot, window)
    finally:
        other.execute("ROLLBACK")
        other.close()
    qtbot.waitUntil(lambda: texts(window, a) == ["Presiden"])
    assert window.layer.spans == [] and not window.undo_action.isEnabled()
    previous_document(qtbot, window)
    assert window.undo_action.text() == "&Undo Label PERSON"
    undo(qtbot, window)
    assert texts(window, a) == [] and warnings == []
