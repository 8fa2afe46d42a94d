"""Fact undo commands pushed onto a bare QUndoStack, checked against the store."""

from __future__ import annotations

from PySide6.QtGui import QUndoStack

from annotator.domain import Argument
from annotator.ui.labelling.commands import AddSpan, DeleteSpan
from annotator.ui.facts.fact_commands import (
    CreateFact,
    CreateTriggeredFact,
    DeleteFact,
    SetFactNote,
    clear_role,
    fill_role,
    new_span_command,
    relabel_command,
    set_attribute,
)

TEXT = '"Kami siap," kata Putin di Vladivostok 😀.'


def setup(store):
    doc, _ = store.add_document("t", TEXT)
    putin = store.add_span(doc.id, "ana", TEXT.find("Putin"), TEXT.find("Putin") + 5, "PERSON")
    city = store.add_span(doc.id, "ana", TEXT.find("Vladivostok"), TEXT.find("Vladivostok") + 11, "LOCATION")
    return doc, putin, city


def facts(store, doc_id):
    return [(f.label, f.span_id, f.args, f.attributes, f.note) for f in store.facts(doc_id, "ana")]


def test_triggered_fact_is_one_step_with_the_same_ids_after_redo(qapp, store):
    doc, _, _ = setup(store)
    stack = QUndoStack()
    command = new_span_command(store, doc.id, "ana", 0, 11, "QUOTE")
    assert isinstance(command, CreateTriggeredFact)
    stack.push(command)
    span, fact = command.span, command.fact
    assert store.span(span.id).text == '"Kami siap,"'[:11]
    assert facts(store, doc.id) == [("QUOTE", span.id, [], {}, "")]
    stack.undo()
    assert facts(store, doc.id) == []
    assert span.id not in {s.id for s in store.spans(doc.id)}
    stack.redo()
    assert store.fact(fact.id).span_id == span.id
    assert isinstance(new_span_command(store, doc.id, "ana", 0, 5, "PERSON"), AddSpan)
    # a relation label has no trigger: labelling text with it makes only a span
    assert isinstance(new_span_command(store, doc.id, "ana", 0, 5, "MEMBER_OF"), AddSpan)


def test_fill_clear_role_attribute_note_and_delete(qapp, store):
    doc, putin, city = setup(store)
    stack = QUndoStack()
    stack.push(new_span_command(store, doc.id, "ana", 0, 11, "QUOTE"))
    fact = store.facts(doc.id)[0]
    stack.push(fill_role(store, fact, "speaker", span_id=putin.id))
    assert store.fact(fact.id).args == [Argument("speaker", putin.id)]
    stack.push(fill_role(store, store.fact(fact.id), "topic", span_id=city.id))
    stack.push(clear_role(store, store.fact(fact.id), "speaker"))
    assert store.fact(fact.id).args == [Argument("topic", city.id)]
    stack.push(set_attribute(store, store.fact(fact.id), "source_type", "media"))
    stack.push(set_attribute(store, store.fact(fact.id), "negated", True))
    assert store.fact(fact.id).attributes == {"source_type": "media", "negated": True}
    stack.push(set_attribute(store, store.fact(fact.id), "negated", False))
    assert store.fact(fact.id).attributes == {"source_type": "media"}
    # typing a note saves as it goes; the saves merge into one undo step
    for note in ("k", "ku", "kutipan"):
        stack.push(SetFactNote(store, store.fact(fact.id), note))
    assert store.fact(fact.id).note == "kutipan"
    count = stack.count()
    stack.undo()
    assert store.fact(fact.id).note == ""
    stack.redo()
    stack.push(DeleteFact(store, fact.id))
    assert store.facts(doc.id) == []
    stack.undo()
    assert store.fact(fact.id).note == "kutipan"
    while stack.index() > count - 4:
        stack.undo()
    assert store.fact(fact.id).args == [Argument("topic", city.id)]
    assert store.fact(fact.id).attributes == {}
    stack.undo()
    assert store.fact(fact.id).args == [Argument("speaker", putin.id), Argument("topic", city.id)]
    stack.undo()
    stack.undo()
    assert store.fact(fact.id).args == []


def test_replacing_the_filler_of_a_single_role(qapp, store):
    doc, putin, _ = setup(store)
    other = store.add_span(doc.id, "ana", 1, 5, "PERSON")
    fact = store.add_fact(doc.id, "ana", "QUOTE", None, [Argument("speaker", putin.id)])
    stack = QUndoStack()
    stack.push(fill_role(store, fact, "speaker", span_id=other.id, replace=True))
    assert store.fact(fact.id).args == [Argument("speaker", other.id)]
    stack.undo()
    assert store.fact(fact.id).args == [Argument("speaker", putin.id)]


def test_relation_without_trigger_and_deleting_its_filler(qapp, store):
    doc, putin, city = setup(store)
    stack = QUndoStack()
    create = CreateFact(store, doc.id, "ana", "MEMBER_OF", None,
                        [Argument("member", putin.id), Argument("group", city.id)])
    stack.push(create)
    stack.push(DeleteSpan(store, city.id))
    assert store.fact(create.fact.id).args == [Argument("member", putin.id)]
    stack.undo()
    assert store.fact(create.fact.id).args == [Argument("member", putin.id), Argument("group", city.id)]
    stack.undo()
    assert store.facts(doc.id) == []
    stack.redo()
    assert store.fact(create.fact.id).span_id is None


def test_relabel_keeps_facts_in_step(qapp, store):
    doc, putin, _ = setup(store)
    stack = QUndoStack()
    quote = store.add_span(doc.id, "ana", 0, 11, "QUOTE")  # a span without its fact (older data)
    stack.push(relabel_command(store, quote, "CLAIM"))
    assert facts(store, doc.id) == [("CLAIM", quote.id, [], {}, "")]
    stack.push(relabel_command(store, store.span(quote.id), "HAPPENING"))
    assert facts(store, doc.id)[0][0] == "HAPPENING"
    stack.push(relabel_command(store, store.span(quote.id), "EVENT"))
    assert facts(store, doc.id) == []
    assert store.span(quote.id).label == "EVENT"
    stack.undo()
    assert facts(store, doc.id)[0][:2] == ("HAPPENING", quote.id)
    stack.undo()
    stack.undo()
    assert facts(store, doc.id) == []
    assert store.span(quote.id).label == "QUOTE"
