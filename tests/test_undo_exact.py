"""Undo puts back exactly what was there: the order of a role's fillers (each
argument at its stored position) and the "to do" status a first edit moved to
"in progress". A step of several writes is one transaction: when a later
write fails, nothing of the step is left, and `check` finds a trigger span
left without its fact by a program that was not so careful."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from PySide6.QtGui import QUndoStack

from annotator.cli import main
from annotator.domain import Argument
from annotator.project import open_project
from annotator.store import EditConflictError
from annotator.store.database import StorageFullError
from annotator.ui.labelling.commands import AddSpan, DeleteSpan, SetStatus
from annotator.ui.facts.fact_commands import DeleteFact, clear_role, fill_role, new_span_command, relabel_command

TEXT = "Andi, Budi, Cici dan Dedi berkata Eko menang."


def where(word: str) -> tuple[int, int]:
    return TEXT.find(word), TEXT.find(word) + len(word)


def arg_rows(store, fact_id):
    return store.db.execute(
        "SELECT position, role, span_id, target_fact_id FROM fact_args WHERE fact_id = ? ORDER BY position",
        [fact_id]).fetchall()


@pytest.fixture
def quote(store):
    """A QUOTE whose topic holds Andi, Budi, Cici (in that order) and its entities by name."""
    doc, _ = store.add_document("t", TEXT)
    people = {name: store.add_span(doc.id, "ana", *where(name), "PERSON") for name in ["Andi", "Budi", "Cici", "Dedi"]}
    trigger = store.add_span(doc.id, "ana", *where("berkata"), "QUOTE")
    fact = store.add_fact(doc.id, "ana", "QUOTE", trigger.id,
                          [Argument("topic", people[n].id) for n in ["Andi", "Budi", "Cici"]])
    return doc.id, fact.id, people


def test_undo_puts_a_filler_back_at_its_position(qapp, store, quote):
    doc, fact_id, people = quote
    before = arg_rows(store, fact_id)
    stack = QUndoStack()
    stack.push(DeleteSpan(store, people["Budi"].id))  # Budi leaves the middle of the topic
    stack.push(fill_role(store, store.fact(fact_id), "speaker", span_id=people["Dedi"].id))
    stack.undo()
    stack.undo()
    assert arg_rows(store, fact_id) == before
    assert [a.span_id for a in store.fact(fact_id).args] == [people[n].id for n in ["Andi", "Budi", "Cici"]]
    stack.redo()
    stack.redo()
    stack.undo()
    stack.undo()
    assert arg_rows(store, fact_id) == before


def test_clearing_and_deleting_come_back_in_order(qapp, store, quote):
    doc, fact_id, people = quote
    before = arg_rows(store, fact_id)
    stack = QUndoStack()
    fact = store.fact(fact_id)
    stack.push(clear_role(store, fact, "topic", Argument("topic", people["Andi"].id)))
    stack.push(DeleteSpan(store, people["Cici"].id))
    stack.push(DeleteFact(store, fact_id))
    while stack.canUndo():
        stack.undo()
    assert arg_rows(store, fact_id) == before


def test_relabel_to_a_type_without_the_role_comes_back_in_order(qapp, store, quote):
    doc, fact_id, people = quote
    before = arg_rows(store, fact_id)
    trigger = store.span(store.fact(fact_id).span_id)
    stack = QUndoStack()
    stack.push(relabel_command(store, trigger, "FIGURE"))  # FIGURE has no topic: the fillers go
    assert store.fact(fact_id).args == []
    stack.undo()
    assert arg_rows(store, fact_id) == before


def test_a_first_edit_and_its_in_progress_status_are_one_step(qapp, store):
    doc, _ = store.add_document("t", TEXT)
    stack = QUndoStack()
    stack.push(AddSpan(store, doc.id, "ana", *where("Andi"), "PERSON"))
    assert store.status(doc.id, "ana") == "in_progress"
    stack.push(AddSpan(store, doc.id, "ana", *where("Budi"), "PERSON"))
    stack.undo()
    assert store.status(doc.id, "ana") == "in_progress"  # only the first edit set it
    stack.undo()
    assert store.status(doc.id, "ana") == "todo" and store.statuses(doc.id) == {}
    stack.redo()
    assert store.status(doc.id, "ana") == "in_progress"
    stack.undo()
    # a fact label (span and fact) and a relation set it and take it back too
    stack.push(new_span_command(store, doc.id, "ana", *where("berkata"), "QUOTE"))
    assert store.status(doc.id, "ana") == "in_progress"
    stack.undo()
    assert store.statuses(doc.id) == {}
    stack.redo()
    assert store.status(doc.id, "ana") == "in_progress"


def test_undoing_a_first_edit_keeps_a_status_set_since(qapp, store):
    doc, _ = store.add_document("t", TEXT)
    stack = QUndoStack()
    stack.push(AddSpan(store, doc.id, "ana", *where("Andi"), "PERSON"))
    stack.push(SetStatus(store, doc.id, "ana", "done"))
    stack.undo()
    stack.undo()
    assert store.status(doc.id, "ana") == "todo"
    stack.redo()
    stack.redo()
    assert store.status(doc.id, "ana") == "done"
    store.set_status(doc.id, "ana", "done")
    other = AddSpan(store, doc.id, "ana", *where("Budi"), "PERSON")
    stack.push(other)
    stack.undo()
    assert store.status(doc.id, "ana") == "done"  # not a first edit: the status is not touched


def test_a_fact_label_whose_fact_fails_leaves_no_span(qapp, store, monkeypatch):
    doc, _ = store.add_document("t", TEXT)
    stack = QUndoStack()

    def full(*args, **kwargs):
        raise StorageFullError("the disk is full")

    monkeypatch.setattr(store, "add_fact", full)
    with pytest.raises(StorageFullError):
        stack.push(new_span_command(store, doc.id, "ana", *where("berkata"), "QUOTE"))
    assert store.spans(doc.id) == [] and store.statuses(doc.id) == {}
    assert not store.db.conn.in_transaction


def test_a_fact_insert_the_database_refuses_takes_its_span_back(qapp, store):
    """The span is written, then the fact insert fails inside SQLite (a trigger
    RAISEs): the one transaction of the step is rolled back, span included."""
    doc, _ = store.add_document("t", TEXT)
    with store.transaction():
        store.db.execute("CREATE TRIGGER no_facts BEFORE INSERT ON facts BEGIN SELECT RAISE(ABORT, 'no facts'); END")
    stack = QUndoStack()
    with pytest.raises(EditConflictError, match="no facts"):
        stack.push(new_span_command(store, doc.id, "ana", *where("berkata"), "QUOTE"))
    assert store.spans(doc.id) == [] and store.check() == []
    # relabelling an entity to a fact label is one transaction too
    andi = store.add_span(doc.id, "ana", *where("Andi"), "PERSON")
    with pytest.raises(EditConflictError):
        stack.push(relabel_command(store, andi, "QUOTE"))
    assert store.span(andi.id).label == "PERSON"


def test_a_failed_undo_of_a_compound_step_can_be_tried_again(qapp, store, monkeypatch):
    """The fact is deleted, then the span delete fails: the fact is back, and
    the parts remember the state the store is in, so the next undo works."""
    from annotator.ui.widgets.store_undo_stack import StoreUndoStack

    doc, _ = store.add_document("t", TEXT)
    stack = StoreUndoStack()
    stack.push(new_span_command(store, doc.id, "ana", *where("berkata"), "QUOTE"))
    delete_span = store.delete_span

    def full(*args, **kwargs):
        raise StorageFullError("the disk is full")

    monkeypatch.setattr(store, "delete_span", full)
    assert isinstance(stack.undo(), StorageFullError)
    assert len(store.spans(doc.id)) == 1 and len(store.facts(doc.id)) == 1
    assert stack.index() == 1
    monkeypatch.setattr(store, "delete_span", delete_span)
    stack.undo()
    assert store.spans(doc.id) == [] and store.facts(doc.id) == []
    stack.redo()
    assert len(store.spans(doc.id)) == 1 and len(store.facts(doc.id)) == 1


def test_check_reports_a_trigger_span_without_its_fact(tmp_path):
    store = open_project(tmp_path / "p.db")
    doc, _ = store.add_document("t", TEXT)
    orphan = store.add_span(doc.id, "ana", *where("berkata"), "QUOTE")  # by hand: no fact
    whole = store.add_span(doc.id, "ana", *where("menang"), "HAPPENING")
    store.add_fact(doc.id, "ana", "HAPPENING", whole.id)
    problems = store.check()
    assert [(p.kind, p.id) for p in problems] == [("span", orphan.id)]
    assert "QUOTE span with no QUOTE fact" in problems[0].message
    store.close()
    result = CliRunner().invoke(main, ["--db", str(tmp_path / "p.db"), "check"])
    assert result.exit_code == 1 and "QUOTE span with no QUOTE fact" in result.output
