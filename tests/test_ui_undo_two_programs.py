"""The window's Ctrl+Z and Ctrl+Shift+Z while another program works on the same
file: its spans are never deleted or overwritten, and a step whose rows it
changed is refused with a message, the step staying where it was."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from test_ui_storage_errors import LONG_TEXT, label, view_of, warnings, window  # noqa: F401 (fixtures)

from annotator.store import Store

WORDS = {"Presiden": (0, 8), "berkunjung": (9, 19), "Jakarta": (23, 30)}


@pytest.fixture
def other(window):  # noqa: F811
    """The other program: its own connection to the window's file."""
    store = Store.open(window.store.path)
    yield store
    store.close()


def where(word: str) -> tuple[int, int]:
    assert LONG_TEXT[slice(*WORDS[word])] == word
    return WORDS[word]


def undo(qtbot, win) -> None:
    qtbot.keyClick(win, "z", Qt.KeyboardModifier.ControlModifier)


def redo(qtbot, win) -> None:
    qtbot.keyClick(win, "z", Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)


def saved(store: Store, doc_id: int) -> list[tuple]:
    return sorted((s.id, s.annotator, s.text, s.label) for s in store.spans(doc_id))


def test_undo_of_a_delete_leaves_the_other_programs_new_span_alone(qtbot, window, other, warnings):  # noqa: F811
    doc = window.layer.document_id
    label(qtbot, window, *where("Presiden"), "p")
    label(qtbot, window, *where("berkunjung"), "p")
    visit = window.layer.selected
    qtbot.keyClick(view_of(window), Qt.Key.Key_Delete)
    assert [s.text for s in other.spans(doc)] == ["Presiden"]
    jakarta = other.add_span(doc, "bea", *where("Jakarta"), "LOCATION")  # before ids were kept: the id of "berkunjung"
    undo(qtbot, window)
    assert saved(other, doc) == sorted([(window.store.spans(doc, "ana")[0].id, "ana", "Presiden", "PERSON"),
                                        (visit.id, "ana", "berkunjung", "PERSON"), (jakarta.id, "bea", "Jakarta", "LOCATION")])
    for _ in range(2):
        redo(qtbot, window)
        undo(qtbot, window)
    undo(qtbot, window)
    undo(qtbot, window)
    assert saved(other, doc) == [(jakarta.id, "bea", "Jakarta", "LOCATION")]
    assert warnings == []


def test_undo_refused_when_the_other_program_relabelled_the_span(qtbot, window, other, warnings):  # noqa: F811
    doc = window.layer.document_id
    label(qtbot, window, *where("Presiden"), "p")
    presiden = window.layer.selected
    other.update_span(presiden.id, label="ORGANISATION")
    undo(qtbot, window)
    assert len(warnings) == 1 and "PERSON span 'Presiden' was changed since" in warnings[0]
    assert "was changed since" in window.statusBar().currentMessage()
    assert saved(other, doc) == [(presiden.id, "ana", "Presiden", "ORGANISATION")]
    assert (window.undo_stack.index(), window.undo_stack.count()) == (1, 1)
    assert [(s.id, s.label) for s in window.layer.spans] == [(presiden.id, "ORGANISATION")]  # the window shows what is saved
    # the other program deletes it: undo is refused again, and nothing comes back
    other.delete_span(presiden.id)
    undo(qtbot, window)
    assert len(warnings) == 2 and "was deleted since" in warnings[1]
    assert saved(other, doc) == [] and window.layer.spans == []
    assert window.undo_stack.index() == 1


def test_delete_refused_when_the_other_program_changed_the_shown_span(qtbot, window, other, warnings):  # noqa: F811
    doc = window.layer.document_id
    label(qtbot, window, *where("Presiden"), "p")
    presiden = window.layer.selected
    other.update_span(presiden.id, note="the president, says bea")  # the window has not looked yet
    qtbot.keyClick(view_of(window), Qt.Key.Key_Delete)
    assert len(warnings) == 1 and "was changed since" in warnings[0]
    assert other.span(presiden.id).note == "the president, says bea"
    assert window.undo_stack.count() == 1
    assert window.layer.span(presiden.id).note == "the president, says bea"  # reloaded: now it shows what is saved
    qtbot.keyClick(view_of(window), Qt.Key.Key_Delete)  # deleting what it now shows works
    assert saved(other, doc) == [] and len(warnings) == 1
