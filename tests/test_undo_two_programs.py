"""Two programs on one database file: undo and redo in one never delete or
overwrite what the other saved. Ids are never reused, and a step whose rows
another program changed is refused with a message, the stack and the file
staying where they were."""

from __future__ import annotations

import pytest

from annotator.domain import Argument
from annotator.project import open_project
from annotator.store import EditConflictError, Store
from annotator.ui.labelling.commands import AddSpan, DeleteSpan, UpdateSpan
from annotator.ui.facts.fact_commands import DeleteFact, fill_role, new_span_command, relabel_command
from annotator.ui.widgets.store_undo_stack import StoreUndoStack

TEXT = "Andi bertemu Budi dan Cici di Bandung kemarin."


def where(word: str) -> tuple[int, int]:
    return TEXT.find(word), TEXT.find(word) + len(word)


@pytest.fixture
def programs(tmp_path):
    """Program A (with its undo stack) and program B, on one file, and the document."""
    a = open_project(tmp_path / "shared.db")
    doc, _ = a.add_document("Berita", TEXT)
    b = Store.open(tmp_path / "shared.db")
    yield a, b, doc.id
    b.close()
    a.close()


@pytest.fixture
def stack(qapp):
    refused: list[str] = []
    undo = StoreUndoStack()
    undo.refused.connect(lambda error: refused.append(error.message))
    undo.refusals = refused  # type: ignore[attr-defined]
    return undo


def rows(store: Store, doc_id: int) -> list[tuple]:
    return [(s.id, s.annotator, s.start, s.end, s.label) for s in store.spans(doc_id)]


def test_an_undone_delete_never_takes_the_id_of_another_programs_new_span(programs, stack):
    a, b, doc = programs
    stack.push(AddSpan(a, doc, "ana", *where("Andi"), "PERSON"))
    stack.push(AddSpan(a, doc, "ana", *where("Budi"), "PERSON"))
    budi = a.spans(doc, "ana")[-1]
    stack.push(DeleteSpan(a, budi.id))  # budi had the largest id: SQLite without AUTOINCREMENT gave it out again
    bea = b.add_span(doc, "bea", *where("Cici"), "PERSON")
    assert bea.id != budi.id
    stack.undo()
    assert stack.refusals == []
    assert (budi.id, "ana", *where("Budi"), "PERSON") in rows(b, doc)
    assert (bea.id, "bea", *where("Cici"), "PERSON") in rows(b, doc)
    for _ in range(3):
        stack.redo()
        stack.undo()
    stack.undo()
    stack.undo()
    assert rows(b, doc) == [(bea.id, "bea", *where("Cici"), "PERSON")]  # all of A's gone, B's untouched
    while stack.canRedo():
        stack.redo()
    assert sorted(rows(b, doc)) == sorted([(bea.id, "bea", *where("Cici"), "PERSON"),
                                           (a.spans(doc, "ana")[0].id, "ana", *where("Andi"), "PERSON")])
    assert stack.refusals == []


def test_undo_refuses_to_delete_a_span_another_program_relabelled(programs, stack):
    a, b, doc = programs
    stack.push(AddSpan(a, doc, "ana", *where("Andi"), "PERSON"))
    span = a.spans(doc, "ana")[0]
    b.update_span(span.id, label="ORGANISATION")
    refused = stack.undo()
    assert isinstance(refused, EditConflictError)
    assert "PERSON span 'Andi' was changed since" in stack.refusals[0]
    assert rows(b, doc) == [(span.id, "ana", *where("Andi"), "ORGANISATION")]
    assert (stack.index(), stack.count()) == (1, 1)  # the step is still there to undo


def test_undo_refuses_what_another_program_deleted_or_retook(programs, stack):
    a, b, doc = programs
    stack.push(AddSpan(a, doc, "ana", *where("Andi"), "PERSON"))
    andi = a.spans(doc, "ana")[0]
    b.delete_span(andi.id)
    assert isinstance(stack.undo(), EditConflictError)
    assert "was deleted since" in stack.refusals[-1]
    assert stack.index() == 1
    # the same span back in the same layer (the same person at another computer)
    again = b.add_span(doc, "ana", *where("Andi"), "PERSON")
    stack.push(DeleteSpan(a, again.id))
    b.add_span(doc, "ana", *where("Andi"), "PERSON")
    assert isinstance(stack.undo(), EditConflictError)
    assert "labelled PERSON again" in stack.refusals[-1]
    assert len(b.spans(doc, "ana")) == 1 and stack.index() == 2


def test_redo_of_a_delete_refuses_a_span_changed_since_the_undo(programs, stack):
    a, b, doc = programs
    andi = a.add_span(doc, "ana", *where("Andi"), "PERSON")
    stack.push(DeleteSpan(a, andi.id))
    stack.undo()
    b.update_span(andi.id, note="Andi Wijaya, kata B")
    assert isinstance(stack.redo(), EditConflictError)
    assert b.span(andi.id).note == "Andi Wijaya, kata B"
    assert (stack.index(), stack.count()) == (0, 1)


def test_undo_of_a_resize_refuses_when_the_span_was_resized_elsewhere(programs, stack):
    a, b, doc = programs
    span = a.add_span(doc, "ana", *where("Andi"), "PERSON")
    stack.push(UpdateSpan(a, span, "grow", end=where("bertemu")[1]))
    b.update_span(span.id, end=where("Andi")[1])
    assert isinstance(stack.undo(), EditConflictError)
    assert b.span(span.id).end == where("Andi")[1] and stack.index() == 1


def test_undo_never_empties_a_role_another_program_filled_again(programs, stack):
    a, b, doc = programs
    andi = a.add_span(doc, "ana", *where("Andi"), "PERSON")
    cici = a.add_span(doc, "ana", *where("Cici"), "PERSON")
    trigger = a.add_span(doc, "ana", *where("bertemu"), "HAPPENING")
    fact = a.add_fact(doc, "ana", "HAPPENING", trigger.id, [Argument("participant", andi.id)])
    stack.push(DeleteSpan(a, andi.id))  # the role is left empty
    b.update_fact(fact.id, args=[Argument("participant", cici.id)])  # B fills it, at the same position
    assert isinstance(stack.undo(), EditConflictError)
    assert "another filler took its place" in stack.refusals[-1]
    assert b.fact(fact.id).args == [Argument("participant", cici.id)]
    assert not b.has_span(andi.id)


def test_a_fact_filled_elsewhere_is_not_undone_over(programs, stack):
    a, b, doc = programs
    andi = a.add_span(doc, "ana", *where("Andi"), "PERSON")
    cici = a.add_span(doc, "ana", *where("Cici"), "PERSON")
    fact = a.add_fact(doc, "ana", "HAPPENING", a.add_span(doc, "ana", *where("bertemu"), "HAPPENING").id)
    stack.push(fill_role(a, a.fact(fact.id), "participant", span_id=andi.id))
    b.update_fact(fact.id, args=[Argument("participant", andi.id), Argument("participant", cici.id)])
    assert isinstance(stack.undo(), EditConflictError)
    assert len(b.fact(fact.id).args) == 2
    # a fact B made a role filler of cannot be deleted by A's redo either
    stack2 = StoreUndoStack()
    relation = a.add_fact(doc, "ana", "MEMBER_OF", None, [Argument("member", andi.id)])
    stack2.push(DeleteFact(a, relation.id))
    stack2.undo()
    b.update_fact(fact.id, args=[*b.fact(fact.id).args, Argument("participant", fact_id=relation.id)])
    assert isinstance(stack2.redo(), EditConflictError)
    assert b.has_fact(relation.id)


def test_an_integrity_error_is_a_refusal_and_the_stack_stays(programs, stack):
    """Whatever the database refuses (here a constraint another program's
    trigger enforces) reaches the window as a message, never as a silent
    exception after which the stack moves on."""
    a, b, doc = programs
    stack.push(AddSpan(a, doc, "ana", *where("Andi"), "PERSON"))
    with b.transaction():
        b.db.execute("CREATE TRIGGER no_deletes BEFORE DELETE ON spans BEGIN SELECT RAISE(ABORT, 'kept'); END")
    refused = stack.undo()
    assert isinstance(refused, EditConflictError) and "kept" in refused.message
    assert stack.index() == 1 and len(a.spans(doc)) == 1


def test_redo_of_a_label_deletion_never_takes_the_other_programs_new_spans(programs, stack):
    from annotator.ui.labelling.commands import DeleteLabel

    a, b, doc = programs
    a.add_span(doc, "ana", *where("Bandung"), "LOCATION")
    stack.push(DeleteLabel(a, "LOCATION", "delete"))
    stack.undo()
    mine = b.add_span(doc, "bea", *where("Cici"), "LOCATION")
    assert isinstance(stack.redo(), EditConflictError)
    assert b.has_span(mine.id) and b.schema().label("LOCATION") is not None
    assert stack.index() == 0


def test_undo_behind_a_relabelling_label_deletion_finds_its_rows_as_it_left_them(programs, stack):
    from annotator.ui.labelling.commands import DeleteLabel

    a, b, doc = programs
    span = a.add_span(doc, "ana", *where("Bandung"), "LOCATION")
    stack.push(UpdateSpan(a, span, "grow", end=where("kemarin")[1]))
    stack.push(DeleteLabel(a, "LOCATION", "relabel", "ORGANISATION"))
    assert a.span(span.id).label == "ORGANISATION"
    stack.undo()
    stack.undo()  # the row is exactly as the resize left it, time of change included
    assert stack.refusals == []
    assert (a.span(span.id).end, a.span(span.id).label) == (where("Bandung")[1], "LOCATION")
    stack.redo()
    stack.redo()
    b.update_span(span.id, note="B's note")  # another program changes the relabelled span
    assert isinstance(stack.undo(), EditConflictError)
    assert (b.span(span.id).label, b.span(span.id).note) == ("ORGANISATION", "B's note")
    assert b.schema().label("LOCATION") is None and stack.index() == 2


def test_random_steps_of_one_program_never_touch_the_others_layer(programs, stack):
    """A labels, relabels, resizes, deletes, makes facts, undoes and redoes at
    random while B does the same in its own layer without an undo stack: B's
    layer is always exactly what B made, and A's steps are never refused."""
    import random

    a, b, doc = programs
    rng = random.Random(10)
    words = [(m, m + len(w)) for w in TEXT.rstrip(".").split() for m in [TEXT.find(w)]]
    mine: dict[int, tuple] = {}
    for step in range(300):
        a_spans = a.spans(doc, "ana")
        roll = rng.random()
        if roll < 0.3:
            start, end = rng.choice(words)
            if all((s.start, s.end) != (start, end) for s in a_spans):
                stack.push(new_span_command(a, doc, "ana", start, end, rng.choice(["PERSON", "LOCATION", "QUOTE"])))
        elif roll < 0.4 and a_spans:
            span = rng.choice(a_spans)
            stack.push(relabel_command(a, span, rng.choice(["PERSON", "ORGANISATION", "HAPPENING"])))
        elif roll < 0.5 and a_spans:
            stack.push(DeleteSpan(a, rng.choice(a_spans).id))
        elif roll < 0.7:
            stack.undo()
        elif roll < 0.8:
            stack.redo()
        elif roll < 0.9:
            start, end = rng.choice(words)
            span = b.add_span(doc, "bea", start, end, rng.choice(["PERSON", "LOCATION"]))
            mine[span.id] = (span.start, span.end, span.label)
        elif mine:
            span_id = rng.choice(sorted(mine))
            if rng.random() < 0.5:
                b.delete_span(span_id)
                del mine[span_id]
            else:
                changed = b.update_span(span_id, label=rng.choice(["PERSON", "LOCATION", "EVENT"]))
                mine[span_id] = (changed.start, changed.end, changed.label)
        assert {s.id: (s.start, s.end, s.label) for s in b.spans(doc, "bea")} == mine, f"step {step}"
    assert stack.refusals == []


def test_random_steps_over_spans_another_program_edits_are_done_or_refused_whole(programs, stack):
    """B relabels, resizes and deletes A's spans at random between A's steps:
    each of A's steps is either done or refused, and a refused step changes
    nothing in the file and leaves the stack where it was."""
    import random

    a, b, doc = programs
    rng = random.Random(11)
    words = [(m, m + len(w)) for w in TEXT.rstrip(".").split() for m in [TEXT.find(w)]]

    def snapshot():
        return (b.spans(doc), b.facts(doc), b.statuses(doc))

    refused = 0
    for step in range(300):
        a_spans = a.spans(doc, "ana")
        roll = rng.random()
        if roll < 0.2:
            start, end = rng.choice(words)
            if all((s.start, s.end) != (start, end) for s in a_spans):
                stack.push(new_span_command(a, doc, "ana", start, end, rng.choice(["PERSON", "QUOTE"])))
        elif roll < 0.3 and a_spans:
            stack.push(DeleteSpan(a, rng.choice(a_spans).id))
        elif roll < 0.75:
            before, index = snapshot(), stack.index()
            failure = stack.undo() if rng.random() < 0.6 else stack.redo()
            if failure is not None:
                refused += 1
                assert isinstance(failure, EditConflictError), failure.message
                assert snapshot() == before and stack.index() == index, f"step {step}"
        elif a_spans:
            span = rng.choice(a_spans)
            if rng.random() < 0.3:
                b.delete_span(span.id)
            else:
                b.update_span(span.id, label=rng.choice(["PERSON", "LOCATION"]), note=f"bea {step}")
    assert refused > 10  # the walk did meet what B changed


def test_undo_of_a_label_edit_refuses_when_another_program_edited_the_label(programs, stack):
    from dataclasses import replace

    from annotator.ui.labelling.commands import SaveLabel

    a, b, doc = programs
    stack.push(SaveLabel(a, replace(a.schema().label("PERSON"), color="#123456")))
    b.save_label(replace(b.stored_label("PERSON"), color="#abcdef"))
    assert isinstance(stack.undo(), EditConflictError)
    assert b.stored_label("PERSON").color == "#abcdef" and stack.index() == 1
    # a new label another program has since changed is not deleted by undo either
    stack.push(SaveLabel(a, replace(a.schema().label("PERSON"), name="VEHICLE", hotkey="v")))
    b.save_label(replace(b.stored_label("VEHICLE"), description="cars and ships"))
    assert isinstance(stack.undo(), EditConflictError)
    assert b.stored_label("VEHICLE").description == "cars and ships"


def test_schema_steps_keep_what_another_program_changed_in_the_schema(programs, stack):
    from dataclasses import replace

    from annotator.domain import AttributeDef
    from annotator.ui.labelling.commands import ReorderLabels, SetAttributeDefs

    a, b, doc = programs
    a.schema()  # A has read the schema; then B recolours a label
    b.save_label(replace(b.stored_label("PERSON"), color="#abcdef"))
    extra = AttributeDef("checked", "flag")
    stack.push(SetAttributeDefs(a, [*a.schema().attributes, extra]))
    assert b.stored_label("PERSON").color == "#abcdef"  # not written back from what A had read
    b.reload()  # B forgets the schema it had read
    assert "checked" in [attr.name for attr in b.schema().attributes]
    b.set_attribute_defs([attr for attr in a.schema().attributes if attr.name != "checked"])
    assert isinstance(stack.undo(), EditConflictError)
    names = [label.name for label in a.schema().labels]
    stack.push(ReorderLabels(a, names[1:] + names[:1]))
    b.reorder_labels(names)
    assert isinstance(stack.undo(), EditConflictError)


def test_a_stack_and_its_commands_are_freed_without_the_cycle_collector(programs, qapp):
    """A stack that kept commands, and refused a step, goes as soon as nobody
    refers to it: no reference cycle runs through it, its commands and the
    refusal (collecting such a cycle crashed the process inside PySide)."""
    import gc
    import weakref

    a, b, doc = programs
    undo = StoreUndoStack()
    undo.push(AddSpan(a, doc, "ana", *where("Andi"), "PERSON"))
    undo.push(new_span_command(a, doc, "ana", *where("Budi"), "PERSON"))
    undo.undo()
    with b.transaction():
        b.db.execute("CREATE TRIGGER no_deletes BEFORE DELETE ON spans BEGIN SELECT RAISE(ABORT, 'kept'); END")
    refusal = undo.undo()
    assert isinstance(refusal, EditConflictError) and "kept" in refusal.message
    gone = weakref.ref(undo)
    gc.disable()
    try:
        del undo, refusal
        assert gone() is None
    finally:
        gc.enable()
    assert [s.label for s in a.spans(doc, "ana")] == ["PERSON"]
