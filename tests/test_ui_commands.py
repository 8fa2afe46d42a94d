"""Undo commands pushed onto a bare QUndoStack, checked against the store."""

from __future__ import annotations

from PySide6.QtGui import QUndoStack

from annotator.domain import Label
from annotator.ui.labelling.commands import AddSpan, DeleteLabel, DeleteSpan, RenameLabel, ReorderLabels, SaveLabel, SetStatus, UpdateSpan

TEXT = "Presiden Joko Widodo bertemu Kim di Bandung."


def layer(store, doc_id):
    return [(s.start, s.end, s.label) for s in store.spans(doc_id, "ana")]


def test_span_commands_undo_and_redo(qapp, store):
    doc, _ = store.add_document("t", TEXT)
    stack = QUndoStack()
    add = AddSpan(store, doc.id, "ana", 9, 13, "PERSON")
    stack.push(add)
    assert layer(store, doc.id) == [(9, 13, "PERSON")]
    span = store.spans(doc.id, "ana")[0]
    fact = store.add_fact(doc.id, "ana", "HAPPENING", None)
    stack.push(UpdateSpan(store, span, "grow", end=20))
    stack.push(UpdateSpan(store, store.span(span.id), "relabel", label="ORGANISATION"))
    assert layer(store, doc.id) == [(9, 20, "ORGANISATION")]
    from annotator.domain import Argument
    from annotator.ui.facts.fact_commands import fill_role

    stack.push(fill_role(store, store.fact(fact.id), "participant", span_id=span.id))
    stack.push(DeleteSpan(store, span.id))
    assert layer(store, doc.id) == []
    stack.undo()
    assert layer(store, doc.id) == [(9, 20, "ORGANISATION")]
    assert store.fact(fact.id).args == [Argument("participant", span.id)]  # the role is filled again
    stack.undo()
    assert store.fact(fact.id).args == []
    stack.undo()
    stack.undo()
    assert layer(store, doc.id) == [(9, 13, "PERSON")]
    stack.undo()
    assert layer(store, doc.id) == []
    stack.redo()
    assert store.spans(doc.id, "ana")[0].id == span.id
    while stack.canRedo():
        stack.redo()
    assert layer(store, doc.id) == []


def test_status_command(qapp, store):
    doc, _ = store.add_document("t", TEXT)
    stack = QUndoStack()
    stack.push(SetStatus(store, doc.id, "ana", "done"))
    assert store.status(doc.id, "ana") == "done"
    stack.undo()
    assert store.status(doc.id, "ana") == "todo"


def test_label_commands(qapp, store):
    doc, _ = store.add_document("t", TEXT)
    store.add_span(doc.id, "ana", 9, 13, "PERSON")
    stack = QUndoStack()
    stack.push(SaveLabel(store, Label("WEAPON", "entity", "#ff0000", "w")))
    assert store.schema().label("WEAPON").hotkey == "w"
    stack.push(RenameLabel(store, "PERSON", "PER"))
    assert layer(store, doc.id) == [(9, 13, "PER")]
    before = [label.name for label in store.schema().labels]
    stack.push(ReorderLabels(store, list(reversed(before))))
    assert store.schema().labels[0].name == before[-1]
    stack.push(DeleteLabel(store, "PER", "relabel", "LOCATION"))
    assert layer(store, doc.id) == [(9, 13, "LOCATION")]
    stack.undo()
    assert layer(store, doc.id) == [(9, 13, "PER")]
    stack.undo()
    assert [label.name for label in store.schema().labels] == before
    stack.undo()
    assert layer(store, doc.id) == [(9, 13, "PERSON")]
    stack.undo()
    assert store.schema().label("WEAPON") is None
