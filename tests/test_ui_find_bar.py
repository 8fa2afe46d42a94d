"""Find in the text (Ctrl+F) driven by keys, and labelling every occurrence,
checked against the database."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QMenu, QWidget
from test_ui_labelling import open_window  # noqa: F401 (a fixture)

from annotator.domain.finding import find_all
from annotator.store.database import StorageError
from annotator.ui.labelling.text_view import TextView

# emoji (two UTF-16 units), a combining mark (Budí is not Budi), CRLF line ends
TEXT = ("Budi 😀 bertemu Budiman di Bandung.\r\n"
        "Kata BUDI: \"budi, Budi\u0301 dan Budi!\"\r\n"
        "Lalu Budi Santoso pergi.")
CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


def occurrences(word: str) -> list[int]:
    return [start for start, _ in find_all(TEXT, word)]


@pytest.fixture
def window(open_window, store):  # noqa: F811
    doc, _ = store.add_document("budi", TEXT)
    santoso = TEXT.index("Budi Santoso")
    store.add_span(doc.id, "ana", santoso, santoso + len("Budi Santoso"), "PERSON")
    window = open_window(store)
    window.resize(1280, 800)  # every hit on screen, whatever size an earlier test left in the settings
    return window


def open_find(qtbot, window, phrase: str) -> tuple[QWidget, QLineEdit]:
    view = window.findChild(TextView, "textView")
    view.setFocus()
    view.place_caret(0)
    qtbot.keyClick(view, Qt.Key.Key_F, CTRL)
    bar = window.findChild(QWidget, "findBar")
    line = bar.findChild(QLineEdit, "findText")
    assert bar.isVisible() and line.hasFocus()
    qtbot.keyClicks(line, phrase)
    return bar, line


def test_find_steps_through_every_hit_and_a_label_key_labels_it(qtbot, window, store):
    view = window.findChild(TextView, "textView")
    bar, line = open_find(qtbot, window, "budi")
    count = bar.findChild(QLabel, "findCount")
    starts = occurrences("budi")  # Budi, Budi(man), BUDI, budi, Budi(+mark), Budi, Budi (Santoso)
    assert len(starts) == 7
    assert count.text() == "1 of 7"
    # every hit on screen is highlighted, the current one differently
    marked = {view.layer.positions.from_document(s.cursor.selectionStart()) for s in view.extraSelections()}
    assert marked == set(starts)
    qtbot.keyClick(line, Qt.Key.Key_Return)  # to the second hit; the text takes the keys
    assert view.hasFocus() and count.text() == "2 of 7"
    assert view.selected_range() == (starts[1], starts[1] + 4)
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert view.selected_range() == (TEXT.index("BUDI"), TEXT.index("BUDI") + 4)
    qtbot.keyClick(view, "p", SHIFT)  # exactly the hit (snapping would take the word anyway)
    doc = view.layer.document_id
    assert ("BUDI", "PERSON") in {(s.text, s.label) for s in store.spans(doc, "ana")}
    # Shift+Enter goes back, and round from the first hit to the last
    view.select_range(starts[0], starts[0] + 4)
    qtbot.keyClick(view, Qt.Key.Key_Return, SHIFT)
    assert view.selected_range() == (starts[-1], starts[-1] + 4)
    assert count.text() == "7 of 7"
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert count.text() == "1 of 7" and view.selected_range() == (starts[0], starts[0] + 4)
    # case counts once asked
    bar.findChild(QWidget, "findMatchCase").click()
    assert count.text() == "1 of 1" and view.selected_range() == (TEXT.index("budi"), TEXT.index("budi") + 4)
    # Esc in the bar closes it and takes the highlights away
    line.setFocus()
    qtbot.keyClick(line, Qt.Key.Key_Escape)
    assert not bar.isVisible() and view.extraSelections() == []


def test_a_hit_after_emoji_and_crlf_is_selected_at_its_code_points(qtbot, window):
    view = window.findChild(TextView, "textView")
    bar, line = open_find(qtbot, window, "Santoso")
    assert bar.findChild(QLabel, "findCount").text() == "1 of 1"
    assert view.selected_range() == (TEXT.index("Santoso"), TEXT.index("Santoso") + 7)
    line.clear()
    qtbot.keyClicks(line, "zzz")
    assert bar.findChild(QLabel, "findCount").text() == "no hits"


def label_all_by_keys(qtbot, bar, line, key: str) -> None:
    qtbot.keyClick(line, Qt.Key.Key_Return, CTRL)
    menu = bar.findChild(QMenu, "findLabelMenu")
    qtbot.waitUntil(menu.isVisible)
    qtbot.keyClick(menu, key)
    qtbot.waitUntil(lambda: not menu.isVisible())


def test_label_all_takes_whole_words_leaves_spans_alone_and_is_one_undo_step(qtbot, window, store):
    view = window.findChild(TextView, "textView")
    doc = view.layer.document_id
    before = {(s.start, s.end, s.label) for s in store.spans(doc, "ana")}
    bar, line = open_find(qtbot, window, "budi")
    steps = window.undo_stack.count()
    label_all_by_keys(qtbot, bar, line, "p")
    made = {(s.start, s.end, s.label) for s in store.spans(doc, "ana")} - before
    # Budi, BUDI, budi, Budi: not Budiman, not Budí (a combining mark), not inside Budi Santoso
    expected = {(start, start + 4, "PERSON") for start in occurrences("budi")
                if TEXT[start:start + 5] not in ("Budim", "Budi\u0301") and start != TEXT.index("Budi Santoso")}
    assert made == expected and len(made) == 4
    assert {(s.start, s.end, s.label) for s in store.spans(doc, "ana")} >= before  # the span over a hit is kept
    assert window.undo_stack.count() == steps + 1
    assert "4" in window.statusBar().currentMessage()
    window.undo_stack.undo()
    assert {(s.start, s.end, s.label) for s in store.spans(doc, "ana")} == before
    window.undo_stack.redo()
    assert {(s.start, s.end, s.label) for s in store.spans(doc, "ana")} == before | expected


def test_label_all_is_one_transaction(qtbot, window, store, monkeypatch):
    view = window.findChild(TextView, "textView")
    doc = view.layer.document_id
    before = {(s.start, s.end, s.label) for s in store.spans(doc, "ana")}
    bar, line = open_find(qtbot, window, "budi")
    add_span, calls = store.add_span, []

    def failing_third(*args, **kwargs):
        calls.append(args)
        if len(calls) == 3:
            raise StorageError("disk full (a test)")
        return add_span(*args, **kwargs)

    monkeypatch.setattr(store, "add_span", failing_third)
    monkeypatch.setattr("annotator.ui.main_window.QMessageBox.warning", lambda *a, **k: None)
    label_all_by_keys(qtbot, bar, line, "p")
    assert len(calls) == 3
    # the two spans written before the failure went back with it
    assert {(s.start, s.end, s.label) for s in store.spans(doc, "ana")} == before


def test_ctrl_f_takes_a_selected_phrase(qtbot, window):
    view = window.findChild(TextView, "textView")
    start = TEXT.index("Bandung")
    view.select_range(start, start + len("Bandung"))
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_F, CTRL)
    line = window.findChild(QLineEdit, "findText")
    assert line.text() == "Bandung" and QApplication.focusWidget() is line


def test_labelling_thousands_of_occurrences_is_asked_first(qtbot, open_window, store, monkeypatch):  # noqa: F811
    from annotator.ui.labelling import find_bar

    text = " ".join(["Budi"] * 30)
    doc, _ = store.add_document("many", text)
    window = open_window(store)
    monkeypatch.setattr(find_bar, "ASK_ABOVE", 20)
    asked = []
    answer = [find_bar.QMessageBox.StandardButton.No]
    monkeypatch.setattr(find_bar.QMessageBox, "question", lambda *a, **k: asked.append(a[2]) or answer[0])
    bar, line = open_find(qtbot, window, "Budi")
    label_all_by_keys(qtbot, bar, line, "p")
    assert "30 occurrences" in asked[0] and store.spans(doc.id, "ana") == []
    answer[0] = find_bar.QMessageBox.StandardButton.Yes
    line.setFocus()
    label_all_by_keys(qtbot, bar, line, "p")
    assert len(store.spans(doc.id, "ana")) == 30
