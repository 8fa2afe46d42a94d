"""Window bugs found in use, each reproduced through the keys a user presses."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QLabel, QMessageBox, QToolButton

from annotator.domain import Argument
from annotator.domain.validation import fact_problems
from annotator.project import open_project
from annotator.ui.facts.fact_commands import relabel_command
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


def window_on_first(open_window, tmp_path, first: str = NEWS):
    store, doc = two_documents(tmp_path, first)
    window = open_window(store)
    window.show_document(doc.id)
    return store, doc, window


def test_an_entity_note_typed_just_before_next_document_is_kept(qtbot, open_window, tmp_path):
    store, doc, window = window_on_first(open_window, tmp_path)
    select_text(window, "Budi Santoso")
    qtbot.keyClick(window.text_view, "p")
    span_id = window.layer.selected_id
    type_note_and_go_next(qtbot, window, window.annotation_panel.note)
    assert window.layer.document_id != doc.id
    assert store.span(span_id).note == "check this"


def test_a_fact_note_typed_just_before_next_document_is_kept(qtbot, open_window, tmp_path):
    store, doc, window = window_on_first(open_window, tmp_path)
    select_text(window, "berkata bahwa")
    qtbot.keyClick(window.text_view, "u")
    fact = window.facts.selected
    type_note_and_go_next(qtbot, window, window.fact_panel.note)
    assert window.layer.document_id != doc.id
    assert store.fact(fact.id).note == "check this"


def test_a_note_typed_just_before_switching_annotator_is_kept(qtbot, open_window, tmp_path):
    store, doc, window = window_on_first(open_window, tmp_path)
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


def quote_with_speaker(qtbot, window):
    """'berkata bahwa Jakarta akan banjir' a QUOTE whose speaker is the PERSON 'Budi Santoso'."""
    select_text(window, "Budi Santoso")
    qtbot.keyClick(window.text_view, "p")
    speaker = window.layer.selected_id
    select_text(window, "berkata bahwa Jakarta akan banjir")
    qtbot.keyClick(window.text_view, "u")
    fact = window.facts.selected
    window.fact_linking.start_fill()
    qtbot.keyClick(window.fact_linking.picker.filter, "1")
    window.layer.select(speaker)
    fact = window.store.fact(fact.id)
    assert [(a.role, a.span_id) for a in fact.args] == [("speaker", speaker)]
    return fact, speaker


def fact_rows(window):
    model = window.fact_table.source
    return [tuple(model.data(model.index(r, c)) for c in range(model.columnCount())) for r in range(model.rowCount())]


def test_undoing_the_delete_of_a_role_filler_shows_the_fact_whole_again(qtbot, open_window, tmp_path, monkeypatch):
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    store, _doc, window = window_on_first(open_window, tmp_path)
    fact, speaker = quote_with_speaker(qtbot, window)
    before = fact_rows(window)
    assert before[0][2] == "speaker=Budi Santoso"
    for span_id in (speaker, fact.span_id):
        window.layer.select(span_id)
        window.text_view.setFocus()
        qtbot.keyClick(window.text_view, Qt.Key.Key_Delete)
        assert span_id not in {s.id for s in store.spans(fact.document_id, 'ana')}
        qtbot.keyClick(window.text_view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
        assert fact_rows(window) == before
    window.facts.select(fact.id)
    assert window.fact_panel.problems.text() == ""
    assert window.fact_panel.findChild(QToolButton, "clear:speaker") is not None


def test_relabelling_a_quote_to_a_claim_drops_roles_a_claim_lacks_in_one_undo_step(store):
    doc, _ = store.add_document("t", NEWS)
    person = store.add_span(doc.id, "ana", 0, 12, "PERSON")
    place = store.add_span(doc.id, "ana", 27, 34, "LOCATION")
    trigger = store.add_span(doc.id, "ana", 13, 46, "QUOTE")
    claim_span = store.add_span(doc.id, "ana", 35, 46, "CLAIM")
    claim = store.add_fact(doc.id, "ana", "CLAIM", claim_span.id)
    args = [Argument("speaker", person.id, None), Argument("topic", place.id, None), Argument("topic", None, claim.id)]
    quote = store.add_fact(doc.id, "ana", "QUOTE", trigger.id, args)
    undo = QUndoStack()
    undo.push(relabel_command(store, trigger, "CLAIM"))
    relabelled = store.fact(quote.id)
    # a CLAIM has no speaker, and its topic takes no CLAIM; the LOCATION stays
    assert (relabelled.label, relabelled.args) == ("CLAIM", [Argument("topic", place.id, None)])
    spans = {s.id: s for s in store.spans(doc.id, "ana")}
    facts = {f.id: f for f in store.facts(doc.id, "ana")}
    assert fact_problems(relabelled, store.schema(), spans, facts) == []
    undo.undo()
    assert (store.fact(quote.id).label, store.fact(quote.id).args) == ("QUOTE", args)
    assert store.span(trigger.id).label == "QUOTE"


def test_relabel_key_on_a_quote_drops_its_speaker_and_undo_brings_it_back(qtbot, open_window, tmp_path):
    store, _doc, window = window_on_first(open_window, tmp_path)
    fact, speaker = quote_with_speaker(qtbot, window)
    window.layer.select(fact.span_id)
    window.text_view.setFocus()
    qtbot.keyClick(window.text_view, "c")
    assert (store.fact(fact.id).label, store.fact(fact.id).args) == ("CLAIM", [])
    assert window.fact_panel.problems.text() == ""
    qtbot.keyClick(window.text_view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert store.fact(fact.id).label == "QUOTE"
    assert [(a.role, a.span_id) for a in store.fact(fact.id).args] == [("speaker", speaker)]


def test_an_argument_in_a_role_the_schema_lacks_is_listed_and_can_be_cleared(qtbot, open_window, tmp_path):
    store, _doc, window = window_on_first(open_window, tmp_path)
    fact, _speaker = quote_with_speaker(qtbot, window)
    # data from before the fix, or from another tool: a CLAIM still holding a speaker
    store.update_fact(fact.id, label="CLAIM")
    window.facts.select(fact.id)
    assert "CLAIM has no role 'speaker'" in window.fact_panel.problems.text()
    assert window.fact_panel.findChild(QLabel, "unknown:speaker") is not None
    qtbot.mouseClick(window.fact_panel.findChild(QToolButton, "clear:speaker"), Qt.MouseButton.LeftButton)
    assert store.fact(fact.id).args == []
    assert window.fact_panel.problems.text() == ""
    assert window.fact_panel.findChild(QLabel, "unknown:speaker") is None


def test_growing_the_end_past_the_last_word_by_keyboard_stops_at_the_word(qtbot, open_window, tmp_path):
    store, doc, window = window_on_first(open_window, tmp_path, "Kemarin hujan di Jakarta.\n")
    select_text(window, "hujan")
    qtbot.keyClick(window.text_view, "e")
    seen = []
    for key in (Qt.Key.Key_Right, Qt.Key.Key_Right, Qt.Key.Key_Right, Qt.Key.Key_Left):
        qtbot.keyClick(window.text_view, key, CTRL_SHIFT)
        seen.append(store.spans(doc.id, "ana")[0].text)
    assert seen == ["hujan di", "hujan di Jakarta", "hujan di Jakarta", "hujan di"]
