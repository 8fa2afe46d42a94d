"""Attributes and notes on entity spans, driven in the window as a person would
and checked against the database."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QLabel, QPlainTextEdit, QWidget

from annotator.project import open_project
from annotator.ui.labelling.annotation_panel import NO_ENTITY_TITLE
from test_ui_facts import label_range, quote_range
from test_ui_labelling import open_window, point_at, view_of  # noqa: F401 (a fixture)

CTRL = Qt.KeyboardModifier.ControlModifier


def click_offset(qtbot, view, offset: int) -> None:
    view.place_caret(offset)
    view.centerCursor()
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point_at(view, offset))


def panel_of(window) -> QWidget:
    return window.findChild(QWidget, "annotationPanel")


def shows_entity(window) -> bool:
    """The entity panel shows a span (it keeps its place, its fields disabled, when none is selected)."""
    panel = panel_of(window)
    shown = panel.findChild(QLabel, "annotationTitle").text() != NO_ENTITY_TITLE
    assert panel.isVisible() and panel.findChild(QPlainTextEdit, "annotationNote").isEnabled() == shown
    return shown


def label_putin(qtbot, window) -> int:
    """Label "Vladimir Putin" PERSON, deselect it, then select it by clicking; its id."""
    view = view_of(window)
    start = view.layer.text.find("Vladimir Putin")
    label_range(qtbot, view, start, start + len("Vladimir Putin"), "p")
    qtbot.keyClick(view, Qt.Key.Key_Escape)
    assert not shows_entity(window)
    click_offset(qtbot, view, start + 3)
    assert view.layer.selected is not None and view.layer.selected.text == "Vladimir Putin"
    return view.layer.selected_id


def test_entity_attributes_and_note_by_mouse_and_keys_undo_redo_and_reopen(qtbot, open_window, tmp_path):
    path = tmp_path / "entities.db"
    store = open_project(path, samples=True)
    window = open_window(store)
    view = view_of(window)
    span_id = label_putin(qtbot, window)
    panel = panel_of(window)
    assert shows_entity(window)
    assert panel.findChild(QLabel, "annotationTitle").text().startswith("PERSON")
    assert panel.findChild(QLabel, "annotationText").text() == "Vladimir Putin"
    # only the attributes the schema lets entities carry
    assert panel.findChild(QCheckBox, "attribute:negated") is not None
    assert panel.findChild(QCheckBox, "attribute:uncertain") is not None
    assert panel.findChild(QComboBox, "attribute:source_type") is None

    negated = panel.findChild(QCheckBox, "attribute:negated")
    qtbot.waitUntil(lambda: negated.height() > 10)  # laid out, as on screen by the time a person clicks
    # on the box itself (the row is wider than the box and its caption)
    qtbot.mouseClick(negated, Qt.MouseButton.LeftButton, pos=QPoint(8, negated.height() // 2))
    assert store.span(span_id).attributes == {"negated": True}
    note = panel.findChild(QPlainTextEdit, "annotationNote")
    note.setFocus()
    qtbot.keyClicks(note, "bukan Putin yang lain")
    # saved after a short pause, without leaving the box
    qtbot.waitUntil(lambda: store.span(span_id).note == "bukan Putin yang lain")
    # the span table marks a span that carries attributes or a note
    table = window.findChild(QWidget, "spanTable")
    row = view.layer.index_of(span_id)
    assert "•" in table.model().index(row, 1).data()
    assert "negated" in table.model().index(row, 1).data(Qt.ItemDataRole.ToolTipRole)

    view.setFocus()
    qtbot.keyClick(view, "z", CTRL)  # the whole note is one step
    assert store.span(span_id).note == ""
    assert note.toPlainText() == ""
    qtbot.keyClick(view, "z", CTRL)
    assert store.span(span_id).attributes == {}
    assert not panel.findChild(QCheckBox, "attribute:negated").isChecked()
    qtbot.keyClick(view, "z", CTRL | Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClick(view, "z", CTRL | Qt.KeyboardModifier.ShiftModifier)
    assert store.span(span_id).attributes == {"negated": True}
    assert store.span(span_id).note == "bukan Putin yang lain"
    assert panel.findChild(QCheckBox, "attribute:negated").isChecked()
    assert note.toPlainText() == "bukan Putin yang lain"
    window.close()
    store.close()

    reopened = open_project(path)
    [span] = [s for s in reopened.spans(reopened.document_ids()[0], "ana") if s.id == span_id]
    assert (span.text, span.attributes, span.note) == ("Vladimir Putin", {"negated": True}, "bukan Putin yang lain")
    reopened.close()


def test_a_fact_statement_shows_the_fact_panel_not_the_entity_panel(qtbot, open_window, seeded_store):
    window = open_window(seeded_store)
    view = view_of(window)
    label_putin(qtbot, window)
    assert shows_entity(window)
    start, end = quote_range(view.layer.text)
    label_range(qtbot, view, start, end, "u")
    assert window.facts.selected is not None
    assert not shows_entity(window)
    # back on the entity: its panel again, next to the fact still chosen for filling roles
    click_offset(qtbot, view, view.layer.text.find("Vladimir Putin") + 2)
    assert shows_entity(window)


def test_note_saved_when_another_span_is_clicked_and_when_closing(qtbot, open_window, seeded_store):
    window = open_window(seeded_store)
    view = view_of(window)
    span_id = label_putin(qtbot, window)
    text = view.layer.text
    russia = text.find("Rusia")
    label_range(qtbot, view, russia, russia + 5, "l")
    view.layer.select(span_id)
    note = panel_of(window).findChild(QPlainTextEdit, "annotationNote")
    note.setFocus()
    qtbot.keyClicks(note, "cek")
    click_offset(qtbot, view, russia + 1)
    assert seeded_store.span(span_id).note == "cek"
    russia_id = view.layer.selected_id
    assert russia_id != span_id and note.toPlainText() == ""
    note.setFocus()
    qtbot.keyClicks(note, "negara")
    window.close()
    assert seeded_store.span(russia_id).note == "negara"


def test_flag_on_an_emoji_crlf_text_keeps_code_point_offsets(qtbot, open_window, store):
    text = "Halo 👋🏽 dunia\r\nCafe\u0301 Putin 🇮🇩 ok"
    doc = store.add_document("emoji", text)[0].id
    window = open_window(store)
    window.show_document(doc)
    view = view_of(window)
    start = text.index("Putin")
    label_range(qtbot, view, start, start + 5, "p")
    qtbot.keyClick(view, Qt.Key.Key_Escape)
    click_offset(qtbot, view, start + 2)
    panel = panel_of(window)
    assert panel.findChild(QLabel, "annotationText").text() == "Putin"
    panel.findChild(QCheckBox, "attribute:uncertain").click()
    [span] = store.spans(doc, "ana")
    assert (span.start, span.end, span.text, span.attributes) == (start, start + 5, "Putin", {"uncertain": True})
