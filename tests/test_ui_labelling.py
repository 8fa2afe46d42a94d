"""The annotating window driven as a person would, checked against the database."""

from __future__ import annotations

import pytest
import shiboken6
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor

from annotator.project import open_project
from annotator.ui.main_window import MainWindow
from annotator.ui.labelling.span_highlighter import span_ranges
from annotator.ui.labelling.text_view import TextView


@pytest.fixture
def open_window(qtbot):
    """Open a window on a store; closes every window it opened."""
    windows = []

    def make(store, annotator="ana"):
        window = MainWindow(store, annotator)
        window.show()
        qtbot.waitExposed(window)
        window.activateWindow()
        # window shortcuts (Ctrl+Z) only fire in the active window
        qtbot.waitUntil(window.isActiveWindow)
        windows.append(window)
        return window

    yield make
    for window in windows:
        if shiboken6.isValid(window):
            window.close()


def view_of(window) -> TextView:
    return window.findChild(TextView, "textView")


def point_at(view: TextView, offset: int) -> QPoint:
    cursor = view.textCursor()
    cursor.setPosition(view.layer.positions.to_document(offset))
    return view.cursorRect(cursor).center()


def drag_select(qtbot, view: TextView, start: int, end: int) -> None:
    view.centerCursor()
    a, b = point_at(view, start), point_at(view, end)
    qtbot.mousePress(view.viewport(), Qt.MouseButton.LeftButton, pos=a)
    qtbot.mouseMove(view.viewport(), pos=b)
    qtbot.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, pos=b)


def key_select(qtbot, view: TextView, start: int, words: int) -> None:
    """Click before the text, then Shift+Ctrl+Right word by word."""
    view.place_caret(start)
    view.setFocus()
    for _ in range(words):
        qtbot.keyClick(view, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.ControlModifier)


def rows(store, doc_id, annotator="ana"):
    return [(s.start, s.end, s.label, s.text) for s in store.spans(doc_id, annotator)]


def test_drag_and_person_key_stores_the_span_and_it_comes_back(qtbot, open_window, tmp_path):
    path = tmp_path / "a.db"
    store = open_project(path, samples=True)
    window = open_window(store)
    view = view_of(window)
    text = view.layer.text
    start = text.find("Vladimir Putin")
    # drag from inside "Vladimir" to inside "Putin": snapping makes it whole words
    drag_select(qtbot, view, start + 2, start + 12)
    qtbot.keyClick(view, "p")
    doc_id = view.layer.document_id
    assert rows(store, doc_id) == [(start, start + 14, "PERSON", "Vladimir Putin")]
    window.close()
    store.close()

    store = open_project(path)
    window = open_window(store)
    view = view_of(window)
    assert [(s.start, s.end) for s in view.layer.spans] == [(start, start + 14)]
    block = view.document().findBlock(start + 3)
    formats = [r for r in span_ranges(block.layout()) if r.start <= start + 3 - block.position() < r.start + r.length]
    from annotator.ui.labelling.span_highlighter import readable_fill

    person = QColor(store.schema().label("PERSON").color)
    assert formats and formats[0].format.background().color().name() == readable_fill(person).name()
    table = window.findChild(type(window.span_table), "spanTable")
    assert table.model().index(0, 0).data() == "Vladimir Putin"
    store.close()


def test_key_selection_and_person_key(qtbot, open_window, seeded_store):
    window = open_window(seeded_store)
    view = view_of(window)
    text = view.layer.text
    start = text.find("Vladimir Putin")
    key_select(qtbot, view, start, 2)
    qtbot.keyClick(view, "p")
    assert rows(seeded_store, view.layer.document_id) == [(start, start + 14, "PERSON", "Vladimir Putin")]


def test_the_toolbar_says_undo_and_its_tooltip_says_what(qtbot, open_window, seeded_store):
    from PySide6.QtWidgets import QToolBar

    window = open_window(seeded_store)
    view = view_of(window)
    start = view.layer.text.find("Vladimir Putin")
    key_select(qtbot, view, start, 2)
    qtbot.keyClick(view, "p")
    button = window.findChild(QToolBar, "annotatorToolbar").widgetForAction(window.undo_action)
    assert button.isEnabled() and button.text() == "Undo"
    assert window.undo_action.toolTip().startswith("Undo ") and len(window.undo_action.toolTip()) > len("Undo ")
    assert window.undo_action.text() == window.undo_action.toolTip().replace("Undo", "&Undo", 1)  # the menu says all


UNICODE_TEXT = "Café\u0301 😀👍🏽 di\r\nBandung pada 😀 Kamis\r\n<b>Jokowi</b> berkata.\r\n"


def test_code_point_offsets_after_emoji_combining_marks_and_crlf(qtbot, open_window, store):
    doc, _ = store.add_document("unicode", UNICODE_TEXT)
    window = open_window(store)
    view = view_of(window)
    for word, label in (("Bandung", "l"), ("Kamis", "d"), ("Jokowi", "p")):
        start = UNICODE_TEXT.find(word)
        view.place_caret(start)
        view.setFocus()
        for _ in word:
            qtbot.keyClick(view, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
        qtbot.keyClick(view, label)
    got = {(s.text, s.start, s.end) for s in store.spans(doc.id, "ana")}
    assert got == {(w, UNICODE_TEXT.find(w), UNICODE_TEXT.find(w) + len(w)) for w in ("Bandung", "Kamis", "Jokowi")}
    assert store.check() == []


def test_html_looking_text_is_shown_literally(qtbot, open_window, store):
    text = "<b>Bandung</b> &amp; <i>Jakarta</i>\n<script>x</script>"
    store.add_document("html", text)
    view = view_of(open_window(store))
    assert view.toPlainText() == text


def select_and_label(qtbot, view, word, key, *, occurrence=0, exact=False):
    text = view.layer.text
    start = -1
    for _ in range(occurrence + 1):
        start = text.find(word, start + 1)
    view.select_range(start, start + len(word))
    modifier = Qt.KeyboardModifier.ShiftModifier if exact else Qt.KeyboardModifier.NoModifier
    qtbot.keyClick(view, key, modifier)
    return start


def test_undo_redo_add_relabel_resize_delete(qtbot, open_window, seeded_store):
    window = open_window(seeded_store)
    view = view_of(window)
    doc = view.layer.document_id
    start = select_and_label(qtbot, view, "Vladimir", "p")
    assert rows(seeded_store, doc) == [(start, start + 8, "PERSON", "Vladimir")]
    # the new span is selected: its end grows by a word
    qtbot.keyClick(view, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert rows(seeded_store, doc) == [(start, start + 14, "PERSON", "Vladimir Putin")]
    qtbot.keyClick(view, "o")  # relabel
    assert rows(seeded_store, doc)[0][2] == "ORGANISATION"
    span_id = seeded_store.spans(doc, "ana")[0].id
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert rows(seeded_store, doc) == []
    undo = window.undo_stack
    undo.undo()
    assert rows(seeded_store, doc) == [(start, start + 14, "ORGANISATION", "Vladimir Putin")]
    assert seeded_store.spans(doc, "ana")[0].id == span_id
    undo.undo()
    assert rows(seeded_store, doc)[0][2] == "PERSON"
    undo.undo()
    assert rows(seeded_store, doc) == [(start, start + 8, "PERSON", "Vladimir")]
    qtbot.keyClick(view, "z", Qt.KeyboardModifier.ControlModifier)
    assert rows(seeded_store, doc) == []
    assert view.layer.spans == []
    qtbot.keyClick(view, "z", Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert rows(seeded_store, doc) == [(start, start + 8, "PERSON", "Vladimir")]
    for _ in range(3):
        undo.redo()
    assert rows(seeded_store, doc) == []
    assert view.layer.spans == []


def test_clicking_overlapping_spans_selects_the_innermost_and_keys_reach_the_others(qtbot, open_window, seeded_store):
    window = open_window(seeded_store)
    view = view_of(window)
    text = view.layer.text
    outer = text.find("Presiden Rusia Vladimir Putin")
    view.select_range(outer, outer + len("Presiden Rusia Vladimir Putin"))
    qtbot.keyClick(view, "p")
    select_and_label(qtbot, view, "Rusia", "l")
    inner = seeded_store.spans(view.layer.document_id, "ana")
    by_label = {s.label: s for s in inner}
    view.centerCursor()
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point_at(view, text.find("Rusia") + 2))
    assert view.layer.selected_id == by_label["LOCATION"].id
    qtbot.keyClick(view, Qt.Key.Key_Space)
    assert view.layer.selected_id == by_label["PERSON"].id
    qtbot.keyClick(view, Qt.Key.Key_Space)
    assert view.layer.selected_id == by_label["LOCATION"].id
    # the table row follows, and choosing a row selects in the text
    table = window.span_table
    assert table.selectionModel().selectedRows()[0].row() == 1
    table.selectRow(0)
    assert view.layer.selected_id == by_label["PERSON"].id
    # both are painted: the inner one in its own colour
    block = view.document().findBlock(text.find("Rusia"))
    colors = {r.format.background().color().name() for r in span_ranges(block.layout())}
    assert len(colors) >= 2


def test_snapping_on_and_off(qtbot, open_window, seeded_store):
    window = open_window(seeded_store)
    view = view_of(window)
    doc = view.layer.document_id
    text = view.layer.text
    start = text.find("Vladivostok")
    view.select_range(start + 2, start + 5)
    qtbot.keyClick(view, "l")
    assert rows(seeded_store, doc)[-1][:2] == (start, start + len("Vladivostok"))
    window.undo_stack.undo()
    view.select_range(start + 2, start + 5)
    qtbot.keyClick(view, "l", Qt.KeyboardModifier.ShiftModifier)  # Shift: exactly as selected
    assert rows(seeded_store, doc)[-1][:2] == (start + 2, start + 5)
    window.undo_stack.undo()
    window.snap_action.trigger()
    assert not window.labelling.snap
    view.select_range(start + 2, start + 6)
    qtbot.keyClick(view, "l")
    assert rows(seeded_store, doc)[-1][:2] == (start + 2, start + 6)
    # spaces are trimmed even without snapping
    space = text.find(" Gatra")
    view.select_range(space, space + 7)
    qtbot.keyClick(view, "o")
    assert rows(seeded_store, doc)[-1][3] == "Gatra."[:6].rstrip(".") or rows(seeded_store, doc)[-1][3].strip() == rows(seeded_store, doc)[-1][3]


def test_palette_button_labels_the_selection(qtbot, open_window, seeded_store):
    window = open_window(seeded_store)
    view = view_of(window)
    start = view.layer.text.find("Kim Jong Un")
    view.select_range(start, start + 11)
    button = window.findChild(type(window.palette).__mro__[0], "labelPalette").findChild(
        __import__("PySide6.QtWidgets", fromlist=["QPushButton"]).QPushButton, "label:PERSON")
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert rows(seeded_store, view.layer.document_id) == [(start, start + 11, "PERSON", "Kim Jong Un")]


def test_a_drag_that_starts_inside_the_selection_selects_anew(qtbot, open_window, seeded_store):
    window = open_window(seeded_store)
    view = view_of(window)
    text = view.layer.text
    putin = text.find("Vladimir Putin")
    drag_select(qtbot, view, putin, putin + len("Vladimir Putin"))
    assert view.selected_range() == (putin, putin + len("Vladimir Putin"))
    # press inside that selection and drag on: a new selection, not a drag of the text
    later = text.find("Kim Jong Un")
    a, b = point_at(view, putin + 3), point_at(view, later + 3)
    qtbot.mousePress(view.viewport(), Qt.MouseButton.LeftButton, pos=a)
    qtbot.mouseMove(view.viewport(), pos=b)
    qtbot.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, pos=b)
    assert view.selected_range() == (putin + 3, later + 3)
    window.labelling.snap = True  # whatever an earlier test left in the settings
    qtbot.keyClick(view, "p")
    doc = view.layer.document_id
    assert [(s.start, s.end) for s in seeded_store.spans(doc, "ana")] == [(putin, later + len("Kim"))]


def test_the_window_title_ends_on_a_whole_word(qtbot, open_window, store):
    title = "Presiden Rusia Vladimir Putin bertemu Pemimpin Korea Utara Kim Jong Un di Pulau Russky"
    store.add_document(title, "Teks.")
    window = open_window(store)
    shown = window.windowTitle().split(" — ")[0]
    assert shown.endswith("…") and title.startswith(shown[:-1]) and title[len(shown) - 1] == " "
