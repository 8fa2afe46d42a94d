"""The change history: every edit recorded with before and after, kept across
reopening, listed by `annotator history`, and reverted as a new change."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from PySide6.QtGui import QUndoStack

from annotator.cli import main
from annotator.domain import AnnotatedDocument, Argument, AttributeDef, Document, Label, Schema, Span
from annotator.project import open_project
from annotator.store import Store, StoreError
from annotator.ui.labelling.commands import AddSpan, DeleteSpan, UpdateSpan

TEXT = "Presiden Joko Widodo bertemu Kim di Bandung."


@pytest.fixture
def project(tmp_path):
    store = open_project(tmp_path / "p.db")
    store.actor = "ana"
    store.add_document("t", TEXT)
    yield store
    store.close()


def newest(store, n=1):
    changes = store.history(limit=n)
    return changes[0] if n == 1 else changes


def run(*args):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_span_edits_are_recorded_with_before_and_after(project):
    span = project.add_span(1, "budi", 9, 13, "PERSON")
    added, status = newest(project, 2)[::-1]
    assert (added.kind, added.action, added.target, added.annotator, added.actor) == ("span", "add", str(span.id), "budi", "ana")
    assert added.before is None and added.after["span"]["text"] == "Joko"
    assert (status.kind, status.before, status.after) == ("status", None, {"status": "in_progress"})  # the first edit's

    project.update_span(span.id, label="ORGANISATION", end=20)
    changed = newest(project)
    assert (changed.action, changed.before["span"]["label"], changed.after["span"]["label"]) == ("change", "PERSON", "ORGANISATION")
    assert changed.after["span"]["text"] == "Joko Widodo"
    assert "label 'PERSON' → 'ORGANISATION'" in changed.difference()

    project.delete_span(span.id)
    deleted = newest(project)
    assert (deleted.action, deleted.before["span"]["label"], deleted.after) == ("delete", "ORGANISATION", None)
    assert deleted.document_id == 1


def test_fact_edits_are_recorded_with_their_arguments(project):
    trigger = project.add_span(1, "ana", 21, 28, "HAPPENING")
    person = project.add_span(1, "ana", 9, 13, "PERSON")
    place = project.add_span(1, "ana", 36, 43, "LOCATION")
    fact = project.add_fact(1, "ana", "HAPPENING", trigger.id, [Argument("participant", person.id)])
    added = newest(project)
    assert (added.kind, added.action) == ("fact", "add")
    assert added.after["fact"]["args"] == [{"role": "participant", "span_id": person.id, "fact_id": None}]
    project.update_fact(fact.id, args=[Argument("participant", person.id), Argument("place", place.id)])
    changed = newest(project)
    assert len(changed.before["fact"]["args"]) == 1 and len(changed.after["fact"]["args"]) == 2
    project.delete_span(trigger.id)  # takes the fact it states along
    deleted = newest(project)
    assert deleted.kind == "span" and [f["fact"]["id"] for f in deleted.before["facts"]] == [fact.id]


def test_status_and_schema_edits_are_recorded_with_the_sessions_annotator(project):
    project.set_status(1, "budi", "done")
    status = newest(project)
    assert (status.target, status.annotator, status.before, status.after) == ("budi", "budi", None, {"status": "done"})
    project.set_status(1, "budi", "reviewed")
    assert newest(project).before == {"status": "done"}

    project.save_label(Label("VEHICLE", "entity", "#123456", "v"))
    label = newest(project)
    assert (label.kind, label.action, label.target, label.annotator, label.document_id) == ("label", "add", "VEHICLE", "ana", None)
    project.save_label(Label("VEHICLE", "entity", "#654321", "v", order=project.schema().label("VEHICLE").order))
    assert "color '#123456' → '#654321'" in newest(project).difference()
    project.rename_label("VEHICLE", "CAR")
    assert (newest(project).action, newest(project).before, newest(project).after) == ("rename", {"name": "VEHICLE"}, {"name": "CAR"})
    names = [label.name for label in project.schema().labels]
    project.reorder_labels(names[::-1])
    assert newest(project).kind == "label_order" and newest(project).before == {"order": names}
    schema = project.schema()
    project.set_schema(Schema(list(schema.labels), [*schema.attributes, AttributeDef("sarcastic")]))
    attribute = newest(project)
    assert (attribute.kind, attribute.action, attribute.target) == ("attribute", "add", "sarcastic")
    project.delete_label("CAR")
    assert (newest(project).kind, newest(project).action, newest(project).before["label"]["name"]) == ("label", "delete", "CAR")


def test_an_import_is_one_change_listing_what_it_added(project):
    records = [AnnotatedDocument(Document(None, f"d{i}", f"Kim di Bandung {i}."),
                                 [Span(None, None, "ana", 0, 3, "PERSON", "Kim")], [], {"ana": "done"})
               for i in range(50)]
    before = project.history()
    project.import_annotated(records)
    [change] = [c for c in project.history() if c.id > before[0].id]
    assert (change.kind, change.action, change.annotator) == ("import", "add", "ana")
    assert change.after["counts"] == {"documents": 50, "spans": 50, "facts": 0}
    assert change.after["ranges"]["documents"] == [2, 51]


def test_history_survives_reopening(project):
    project.add_span(1, "ana", 9, 13, "PERSON")
    kept = [c.as_json() for c in project.history()]
    path = project.path
    project.close()
    again = Store.open(path)
    assert [c.as_json() for c in again.history()] == kept
    again.close()


def test_undo_in_the_window_is_recorded_as_a_new_change(qapp, project):
    stack = QUndoStack()
    stack.push(AddSpan(project, 1, "ana", 9, 13, "PERSON"))
    span = project.spans(1, "ana")[0]
    stack.push(UpdateSpan(project, span, "relabel", label="ORGANISATION"))
    stack.undo()
    stack.undo()
    stack.redo()
    kinds = [(c.kind, c.action) for c in project.history(1) if c.kind == "span"][::-1]
    assert kinds == [("span", "add"), ("span", "change"), ("span", "change"), ("span", "delete"), ("span", "add")]
    undone = [c for c in project.history(1) if c.kind == "span"][2]
    assert (undone.before["span"]["label"], undone.after["span"]["label"]) == ("ORGANISATION", "PERSON")


# -- revert -----------------------------------------------------------------------


def test_revert_an_add_a_delete_a_relabel_and_a_status_change(project):
    span = project.add_span(1, "ana", 9, 13, "PERSON")
    add = newest(project, 2)[1]
    project.update_span(span.id, label="ORGANISATION")
    relabel = newest(project)
    project.set_status(1, "ana", "done")
    status = newest(project)

    [undone] = project.revert_change(status.id)
    assert project.status(1, "ana") == "in_progress"
    assert (undone.reverts, undone.before, undone.after) == (status.id, {"status": "done"}, {"status": "in_progress"})

    [back] = project.revert_change(relabel.id)
    assert project.span(span.id).label == "PERSON" and back.reverts == relabel.id

    [gone] = project.revert_change(add.id)
    assert not project.has_span(span.id)
    assert (gone.kind, gone.action, gone.reverts) == ("span", "delete", add.id)

    [restored] = project.revert_change(gone.id)  # a revert is a change like any other
    assert project.span(span.id).label == "PERSON" and restored.reverts == gone.id


def test_revert_a_deleted_span_brings_back_the_fact_it_stated(project):
    trigger = project.add_span(1, "ana", 21, 28, "HAPPENING")
    person = project.add_span(1, "ana", 9, 13, "PERSON")
    fact = project.add_fact(1, "ana", "HAPPENING", trigger.id, [Argument("participant", person.id)])
    project.delete_span(trigger.id)
    project.revert_change(newest(project).id)
    assert project.fact(fact.id).args == [Argument("participant", person.id)]
    assert project.fact(fact.id).span_id == trigger.id


def test_revert_refuses_when_a_later_change_depends_on_it(project):
    span = project.add_span(1, "ana", 9, 13, "PERSON")
    add = newest(project, 2)[1]
    project.update_span(span.id, label="ORGANISATION")
    relabel = newest(project)
    with pytest.raises(StoreError, match=f"change {relabel.id}"):
        project.revert_change(add.id)  # the span was changed later

    trigger = project.add_span(1, "ana", 21, 28, "HAPPENING")
    trigger_add = newest(project)
    project.add_fact(1, "ana", "HAPPENING", trigger.id, [Argument("participant", span.id)])
    fact_add = newest(project)
    with pytest.raises(StoreError, match=f"change {fact_add.id}.*fact"):
        project.revert_change(trigger_add.id)  # a fact uses the span it added

    project.delete_span(trigger.id)
    delete = newest(project)
    project.revert_change(delete.id)
    count = len(project.history())
    with pytest.raises(StoreError, match="already reverted"):
        project.revert_change(delete.id)  # the id is taken again
    assert len(project.history()) == count  # a refusal records nothing and changes nothing
    assert project.has_span(trigger.id)


def test_revert_refuses_what_another_program_changed_behind_the_history(project):
    span = project.add_span(1, "ana", 9, 13, "PERSON")
    add = newest(project, 2)[1]
    project.db.execute("UPDATE spans SET note = 'by hand' WHERE id = ?", [span.id])
    project.db.conn.commit()
    with pytest.raises(StoreError, match="no longer as the change left it"):
        project.revert_change(add.id)
    assert project.span(span.id).note == "by hand"


def test_an_undone_change_does_not_block_reverting_an_earlier_one(qapp, project):
    stack = QUndoStack()
    stack.push(AddSpan(project, 1, "ana", 9, 13, "PERSON"))
    add = [c for c in project.history() if c.kind == "span"][0]
    span = project.spans(1, "ana")[0]
    stack.push(UpdateSpan(project, span, "relabel", label="ORGANISATION"))
    stack.undo()  # relabel and its undo cancel out
    project.revert_change(add.id)
    assert project.spans(1, "ana") == []


def test_revert_an_import_deletes_what_it_added_unless_later_work_used_it(project):
    records = [AnnotatedDocument(Document(None, f"d{i}", f"Kim di Bandung {i}."),
                                 [Span(None, None, "ana", 0, 3, "PERSON", "Kim")], [], {"ana": "done"})
               for i in range(3)]
    project.import_annotated(records)
    imported = newest(project)
    documents = project.document_ids()
    project.update_span(project.spans(documents[-1])[0].id, label="ORGANISATION")
    with pytest.raises(StoreError, match="changed a span it added"):
        project.revert_change(imported.id)
    project.revert_change(newest(project).id)  # put the label back, then the import can go
    extra = project.add_span(documents[-1], "budi", 4, 6, "PERSON")
    with pytest.raises(StoreError, match="annotated since"):
        project.revert_change(imported.id)
    project.delete_span(extra.id)
    project.revert_change(imported.id)
    assert project.document_ids() == [1]
    assert newest(project).kind == "import" and newest(project).action == "delete"


def test_window_delete_is_recorded_with_the_window_annotator(qtbot, project):
    from annotator.ui.main_window import MainWindow

    project.add_span(1, "budi", 9, 13, "PERSON")
    window = MainWindow(project, "budi")
    qtbot.addWidget(window)
    window.undo_stack.push(DeleteSpan(project, project.spans(1, "budi")[0].id))
    deleted = newest(project)
    assert (deleted.action, deleted.annotator, deleted.actor) == ("delete", "budi", "budi")


# -- the command line ---------------------------------------------------------------


def test_history_command_lists_newest_first_with_filters_and_json(project):
    project.add_span(1, "ana", 9, 13, "PERSON")
    project.add_span(1, "budi", 36, 43, "LOCATION")
    project.add_document("two", "Lain kali.")
    db = str(project.path)
    text = run("--db", db, "history", "1", "--limit", "2")
    assert text.exit_code == 0, text.output
    lines = text.output.splitlines()
    assert len(lines) == 2 and "status of budi added" in lines[0] and "in_progress" in lines[0]
    assert lines[1].startswith("#") and "budi" in lines[1] and "span" in lines[1] and "LOCATION" in lines[1]

    data = json.loads(run("--db", db, "history", "--json").output)
    assert [c["id"] for c in data] == sorted((c["id"] for c in data), reverse=True)
    assert set(data[0]) == {"id", "time", "annotator", "actor", "document_id", "kind", "action", "target",
                            "before", "after", "reverts", "summary"}
    assert data[0]["kind"] == "document" and data[0]["document_id"] == 2

    budi = json.loads(run("--db", db, "history", "--annotator", "budi", "--json").output)
    assert {c["annotator"] for c in budi} == {"budi"} and {c["kind"] for c in budi} == {"span", "status"}
    assert json.loads(run("--db", db, "history", "2", "--json").output)[0]["kind"] == "document"


def test_revert_command_reverts_and_refuses_with_a_message(project):
    span = project.add_span(1, "ana", 9, 13, "PERSON")
    add = newest(project, 2)[1]
    project.update_span(span.id, label="ORGANISATION")
    relabel = newest(project)
    db = str(project.path)
    refused = run("--db", db, "revert", str(add.id))
    assert refused.exit_code == 1 and f"change {relabel.id}" in refused.output
    done = run("--db", db, "--annotator", "cici", "revert", str(relabel.id))
    assert done.exit_code == 0 and f"reverting #{relabel.id}" in done.output
    assert project.span(span.id).label == "PERSON"
    assert newest(project).actor == "cici"
    assert run("--db", db, "revert", "9999").exit_code == 1


def test_revert_schema_changes(project):
    span = project.add_span(1, "ana", 9, 13, "PERSON")
    project.save_label(Label("VEHICLE", "entity", "#123456", "v"))
    project.add_span(1, "ana", 36, 43, "VEHICLE")
    project.delete_label("VEHICLE", annotations="delete")
    deleted = newest(project)
    project.revert_change(deleted.id)
    assert project.schema().label("VEHICLE") is not None
    assert [s.label for s in project.spans(1, "ana")] == ["PERSON", "VEHICLE"]

    project.rename_label("VEHICLE", "CAR")
    project.revert_change(newest(project).id)
    assert project.schema().label("VEHICLE") is not None and project.schema().label("CAR") is None

    schema = project.schema()
    project.set_schema(Schema(list(schema.labels), [*schema.attributes, AttributeDef("sarcastic")]))
    project.revert_change(newest(project).id)
    assert "sarcastic" not in [a.name for a in project.schema().attributes]
    assert project.span(span.id).label == "PERSON"

    project.save_label(Label("UNUSED", "entity", "#000000"))
    added = newest(project)
    project.add_span(1, "ana", 21, 28, "UNUSED")
    with pytest.raises(StoreError, match="UNUSED"):
        project.revert_change(added.id)  # a label in use stays
