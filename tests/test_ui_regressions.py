"""Window bugs found in use, each reproduced through the keys a user presses."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QToolButton

from annotator.store.seeding import open_project
from test_ui_labelling import open_window  # noqa: F401 (a fixture)

NEWS = "Budi Santoso berkata bahwa Jakarta akan banjir pada Senin.\n"
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def select_text(window, word: str) -> None:
    start = window.layer.text.find(word)
    window.text_view.select_range(start, start + len(word))
    window.text_view.setFocus()


def two_documents(tmp_path, first: str = NEWS):
    store = open_project(tmp_path / "a.db")
    doc, _ = store.add_document("first", first)
    store.add_document("second", "Budi Santoso pergi ke Jakarta kemarin.")
    return store, doc


def type_note_and_go_next(qtbot, window, note) -> None:
    note.setFocus()
    qtbot.waitUntil(note.hasFocus)
    qtbot.keyClicks(note, "check this")
    # within the pause after which the note saves itself
    qtbot.keyClick(note, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)


def test_an_entity_note_typed_just_before_next_document_is_kept(qtbot, open_window, tmp_path):
    store, doc = two_documents(tmp_path)
    window = open_window(store)
    window.show_document(doc.id)
    select_text(window, "Budi Santoso")
    qtbot.keyClick(window.text_view, "p")
    span_id = window.layer.selected_id
    type_note_and_go_next(qtbot, window, window.annotation_panel.note)
    assert window.layer.document_id != doc.id
    assert store.span(span_id).note == "check this"


def test_a_fact_note_typed_just_before_next_document_is_kept(qtbot, open_window, tmp_path):
    store, doc = two_documents(tmp_path)
    window = open_window(store)
    window.show_document(doc.id)
    select_text(window, "berkata bahwa")
    qtbot.keyClick(window.text_view, "u")
    fact = window.facts.selected
    type_note_and_go_next(qtbot, window, window.fact_panel.note)
    assert window.layer.document_id != doc.id
    assert store.fact(fact.id).note == "check this"


def test_a_note_typed_just_before_switching_annotator_is_kept(qtbot, open_window, tmp_path):
    store, doc = two_documents(tmp_path)
    window = open_window(store)
    window.show_document(doc.id)
    select_text(window, "Budi Santoso")
    qtbot.keyClick(window.text_view, "p")
    span_id = window.layer.selected_id
    note = window.annotation_panel.note
    note.setFocus()
    qtbot.waitUntil(note.hasFocus)
    qtbot.keyClicks(note, "check this")
    window.set_annotator("budi")
    assert store.span(span_id).note == "check this"
    assert store.span(span_id).annotator == "ana"
