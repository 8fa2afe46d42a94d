"""The document list at the desk: filtered by status and by who finished,
sorted, "next unfinished" on one key, and a note per document and layer."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QComboBox, QPlainTextEdit

from annotator.domain import AnnotatedDocument, Document
from annotator.store import StoreError
from test_ui_document_list import listed
from test_ui_labelling import open_window  # noqa: F401  (the fixture: a shown, active window)


@pytest.fixture
def desk(store):
    """Five documents: ana finished 2 and 4, budi finished 3, ana has spans on 5."""
    titles = ["delta", "Alpha", "echo", "charlie", "bravo"]
    ids = [store.add_document(title, f"Artikel {title} tentang pasar dan banjir.")[0].id for title in titles]
    store.set_status(ids[1], "ana", "done")
    store.set_status(ids[3], "ana", "reviewed")
    store.set_status(ids[2], "budi", "done")
    for start in (0, 8, 20):
        store.add_span(ids[4], "ana", start, start + 5, "PERSON")
    store.add_span(ids[0], "ana", 0, 7, "PERSON")
    return store, ids


def choose(qtbot, box: QComboBox, data: str) -> None:
    """Pick an entry as a person does: open the box by keyboard and step to it."""
    box.setFocus()
    index = box.findData(data)
    assert index >= 0, data
    while box.currentIndex() != index:
        qtbot.keyClick(box, Qt.Key.Key_Down if box.currentIndex() < index else Qt.Key.Key_Up)


def test_the_store_sorts_in_sql_and_finds_rows_in_every_order(desk):
    store, ids = desk
    titles = lambda order, query="": [s.title for s in store.document_page("ana", query, order=order)]  # noqa: E731
    assert titles("title") == ["Alpha", "bravo", "charlie", "delta", "echo"]  # case-blind
    assert titles("status") == ["echo", "delta", "bravo", "Alpha", "charlie"]  # to do, in progress, done, reviewed
    assert titles("spans")[:2] == ["bravo", "delta"]
    assert titles("title", "status:done") == ["Alpha", "echo"]
    assert titles("title", "status:finished annotator:ana") == ["Alpha", "charlie"]
    for order in ("id", "title", "status", "spans"):
        page = store.document_page("ana", "", order=order)
        assert [store.document_position(s.id, order=order, annotator="ana") for s in page] == list(range(5))
        assert [s.title for s in store.document_page("ana", "", 2, 2, order=order)] == [s.title for s in page[2:4]]
    with pytest.raises(StoreError, match="unknown order"):
        store.document_page("ana", order="colour")


def test_the_sorted_list_keeps_its_order_until_sorted_again(desk):
    store, ids = desk
    assert store.document_page("ana", "", order="status")[0].title == "echo"
    store.set_status(ids[2], "ana", "done")  # echo: an edit does not move the row under the reader
    assert store.document_page("ana", "", order="status")[0].title == "echo"
    store.forget_list_order()
    assert store.document_page("ana", "", order="status")[0].title == "delta"


def test_next_unfinished_follows_the_list_and_goes_round(desk):
    store, ids = desk
    assert store.next_unfinished("ana", ids[0]) == ids[2]  # 2 is done: skipped
    assert store.next_unfinished("ana", ids[4]) == ids[0]  # round to the top
    assert store.next_unfinished("ana", ids[0], order="title") == ids[2]  # delta → echo
    assert store.next_unfinished("ana", ids[2], order="title") == ids[4]  # echo → round → bravo
    assert store.next_unfinished("ana", None, "banjir status:todo annotator:ana") == ids[2]
    for doc in ids:
        store.set_status(doc, "ana", "done")
    assert store.next_unfinished("ana", ids[0]) is None


def test_a_document_note_is_kept_per_layer_recorded_and_reverted(desk):
    store, ids = desk
    store.set_document_note(ids[0], "ana", "scan cut off after the second paragraph")
    store.set_document_note(ids[0], "budi", "duplicate of charlie?")
    assert store.document_note(ids[0], "ana") == "scan cut off after the second paragraph"
    assert store.document_notes(ids[0]) == {"ana": "scan cut off after the second paragraph",
                                             "budi": "duplicate of charlie?"}
    with pytest.raises(StoreError, match="changed by another program"):
        store.set_document_note(ids[0], "ana", "x", expect="something else")
    store.set_document_note(ids[0], "ana", "")
    assert store.document_note(ids[0], "ana") == "" and "ana" not in store.document_notes(ids[0])
    change = store.history(ids[0], "ana", limit=1)[0]
    assert (change.kind, change.action, change.before, change.after) == (
        "document_note", "delete", {"note": "scan cut off after the second paragraph"}, None)
    assert "document note of ana deleted" in change.what()
    store.revert_change(change.id)
    assert store.document_note(ids[0], "ana") == "scan cut off after the second paragraph"


def test_a_database_without_notes_is_migrated(tmp_path):
    import sqlite3

    from annotator.store import Store
    from annotator.store.migrations import migrations

    path = tmp_path / "old.db"
    db = Store.open(path)
    db.close()
    conn = sqlite3.connect(path)
    conn.execute("DROP TABLE document_notes")
    conn.execute("DROP INDEX documents_by_title")
    conn.execute("DELETE FROM _sqlite_migrations WHERE name = 'm009_document_notes'")
    conn.commit()
    conn.close()
    store = Store.open(path)
    doc, _ = store.add_document("t", "a text")
    store.set_document_note(doc.id, "ana", "hello")
    assert store.document_note(doc.id, "ana") == "hello"
    assert "m009_document_notes" in {m.name for m in migrations.applied(store.db)}


def test_status_and_annotator_boxes_filter_the_list(qtbot, desk, open_window):
    store, ids = desk
    window = open_window(store)
    status = window.findChild(QComboBox, "documentStatusFilter")
    who = window.findChild(QComboBox, "documentAnnotatorFilter")
    choose(qtbot, status, "done")
    assert listed(window) == ["Alpha", "echo"]  # done by anyone
    choose(qtbot, who, "budi")
    assert listed(window) == ["echo"]  # who finished it
    choose(qtbot, status, "reviewed")
    assert listed(window) == []
    choose(qtbot, who, "ana")
    assert listed(window) == ["charlie"]
    choose(qtbot, status, "finished")
    assert listed(window) == ["Alpha", "charlie"]  # what ana has finished: done or reviewed
    choose(qtbot, who, "")
    assert listed(window) == ["Alpha", "echo", "charlie"]
    choose(qtbot, who, "ana")
    choose(qtbot, status, "todo")
    assert listed(window) == ["echo"]  # ana has not begun echo
    window.documents.filter.setText("banjir")
    window.documents.filter.returnPressed.emit()
    assert window.documents.query() == "banjir status:todo annotator:ana"
    assert listed(window) == ["echo"]
    choose(qtbot, status, "")
    choose(qtbot, who, "")
    assert len(listed(window)) == 5


def test_the_order_box_sorts_and_the_current_document_stays_selected(qtbot, desk, open_window):
    store, ids = desk
    window = open_window(store)
    window.show_document(ids[3])  # charlie
    choose(qtbot, window.findChild(QComboBox, "documentOrder"), "title")
    assert listed(window) == ["Alpha", "bravo", "charlie", "delta", "echo"]
    view = window.documents.list
    assert view.currentIndex().row() == 2 and window.layer.document_id == ids[3]
    window.findChild(QAction, "nextDocument").trigger()
    assert window.layer.document.title == "delta"
    choose(qtbot, window.findChild(QComboBox, "documentOrder"), "status")
    assert listed(window)[0] == "echo" and view.currentIndex().row() == 1  # delta: in progress


def test_next_unfinished_key_skips_finished_documents(qtbot, desk, open_window):
    store, ids = desk
    window = open_window(store)
    assert window.layer.document_id == ids[0]
    window.text_view.setFocus()
    qtbot.keyClick(window.text_view, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert window.layer.document_id == ids[2]  # Alpha (done) skipped
    assert window.documents.list.currentIndex().row() == 2
    qtbot.keyClick(window.text_view, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)  # done: then on
    qtbot.keyClick(window.text_view, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert window.layer.document_id == ids[4]
    qtbot.keyClick(window.text_view, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert window.layer.document_id == ids[0]  # round to the top


def test_the_document_note_is_saved_as_typed_per_document_and_undone(qtbot, desk, open_window):
    store, ids = desk
    window = open_window(store)
    note = window.findChild(QPlainTextEdit, "documentNote")
    note.setFocus()
    qtbot.keyClicks(note, "cut off")
    qtbot.waitUntil(lambda: store.document_note(ids[0], "ana") == "cut off")
    qtbot.keyClicks(note, " here")
    window.findChild(QAction, "nextDocument").trigger()  # saved before the next document shows
    assert store.document_note(ids[0], "ana") == "cut off here"
    assert note.toPlainText() == "" and window.layer.document_id == ids[1]
    window.findChild(QAction, "previousDocument").trigger()
    assert note.toPlainText() == "cut off here"
    assert store.document_note(ids[0], "budi") == ""
    window.text_view.setFocus()
    qtbot.keyClick(window.text_view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # one step: the whole note
    assert store.document_note(ids[0], "ana") == "" and note.toPlainText() == ""
    window.redo_action.trigger()
    assert store.document_note(ids[0], "ana") == "cut off here" and note.toPlainText() == "cut off here"
    window.set_annotator("budi")
    assert note.toPlainText() == ""  # budi's layer has its own note


# -- progress -----------------------------------------------------------------


def test_progress_figures_count_statuses_spans_and_facts_per_annotator(desk):
    store, ids = desk
    store.add_span(ids[2], "budi", 0, 7, "LOCATION")
    figures = store.progress_figures()
    assert figures == {"documents": 5, "annotators": {
        "ana": {"status": {"todo": 1, "in_progress": 2, "done": 1, "reviewed": 1}, "spans": {"PERSON": 4}, "facts": {}},
        "budi": {"status": {"todo": 4, "in_progress": 0, "done": 1, "reviewed": 0}, "spans": {"LOCATION": 1},
                 "facts": {}}}}


def test_stats_prints_the_same_figures(tmp_path, desk):
    import json

    from click.testing import CliRunner

    from annotator.cli import main
    from annotator.project import open_project

    path = tmp_path / "p.db"
    project = open_project(path)
    doc, _ = project.add_document("t", "Joko di Bandung. Joko berkata.")
    project.add_span(doc.id, "ana", 0, 4, "PERSON")
    project.set_status(doc.id, "ana", "done")
    expected = project.progress_figures()
    project.close()
    result = CliRunner().invoke(main, ["--db", str(path), "stats", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == expected
    assert expected["annotators"]["ana"]["status"]["done"] == 1
    result = CliRunner().invoke(main, ["--db", str(path), "stats"])
    assert "1 document\n" in result.output and "done 1" in result.output and "spans: PERSON 1" in result.output


def test_the_progress_panel_counts_when_shown_and_not_per_edit(qtbot, desk, open_window, monkeypatch):
    from PySide6.QtWidgets import QDockWidget, QLabel

    store, ids = desk
    window = open_window(store)
    panel = window.findChild(QDockWidget, "progressPanel")
    assert not panel.isVisible()
    counted = []
    figures = store.progress_figures
    monkeypatch.setattr(store, "progress_figures", lambda: counted.append(1) or figures())
    window.findChild(QAction, "showProgress").trigger()
    qtbot.waitUntil(lambda: counted == [1])
    summary = window.findChild(QLabel, "progressSummary")
    assert summary.text() == "ana: 2 of 5 documents finished, 4 spans, 0 facts"
    assert ("PERSON", 4) in [(caption, n) for caption, n, _ in panel.chart.rows]
    window.findChild(QAction, "markDone").trigger()  # delta done
    window.step_document(2)
    window.findChild(QAction, "markDone").trigger()  # echo done
    assert counted == [1]  # an edit does not count
    qtbot.waitUntil(lambda: summary.text().startswith("ana: 4 of 5"), timeout=10_000)
    assert len(counted) == 2  # one count for the edits together
    panel.chart.grab().save("/tmp/desk-list-chart.png")


def test_on_a_file_the_panel_counts_on_its_own_connection_in_the_background(qtbot, seeded_store, open_window):
    from PySide6.QtWidgets import QDockWidget, QLabel

    doc = seeded_store.document_ids()[0]
    seeded_store.add_span(doc, "ana", 0, 11, "LOCATION")
    window = open_window(seeded_store)
    window.findChild(QAction, "showProgress").trigger()
    panel = window.findChild(QDockWidget, "progressPanel")
    assert panel.task is not None and panel.figures is None  # counting on its own connection
    qtbot.waitUntil(lambda: panel.figures is not None, timeout=10_000)
    assert panel.figures == seeded_store.progress_figures() and panel.task is None
    assert window.findChild(QLabel, "progressSummary").text().startswith("ana: 0 of 1 document finished, 1 span")


# -- document notes travel --------------------------------------------------------


def test_document_notes_go_through_native_export_import_and_merge(tmp_path):
    from annotator.formats.native import record_as_json, record_from_json
    from annotator.project import open_project
    from annotator.store.merge import merge_databases

    ours = open_project(tmp_path / "ours.db")
    doc, _ = ours.add_document("t", "Joko di Bandung.")
    ours.add_span(doc.id, "ana", 0, 4, "PERSON")
    ours.set_document_note(doc.id, "ana", "ana's doubt")
    ours.set_document_note(doc.id, "budi", "only a note")
    record = ours.annotated(doc.id)
    assert record.notes == {"ana": "ana's doubt", "budi": "only a note"}
    data = record_as_json(record)
    assert data["notes"] == {"ana": "ana's doubt", "budi": "only a note"}
    assert "notes" not in record_as_json(ours.annotated(doc.id, ["nobody"]))  # files without notes stay as they were
    assert record_from_json(data, "x").notes == record.notes
    with pytest.raises(ValueError, match="must be text"):
        record_from_json({**data, "notes": {"ana": 3}}, "x")
    assert [r.notes for r in ours.annotated_many(None)] == [record.notes]
    ours.close()

    theirs = open_project(tmp_path / "theirs.db")
    other, _ = theirs.add_document("t", "Joko di Bandung.")
    theirs.set_document_note(other.id, "ana", "a note of another ana")  # a clash: ours is kept
    theirs.set_document_note(other.id, "cici", "cici's note")
    summary = merge_databases(theirs, [tmp_path / "ours.db"])
    assert theirs.document_notes(other.id) == {"ana": "a note of another ana", "budi": "only a note",
                                               "cici": "cici's note"}
    assert summary.clashes and summary.clashes[0].annotator == "ana"
    theirs.close()


def test_an_import_adds_notes_keeps_those_present_and_its_revert_takes_them_back(store):
    doc, _ = store.add_document("t", "Joko di Bandung.")
    store.set_document_note(doc.id, "ana", "mine")
    record = AnnotatedDocument(Document(None, "t", "Joko di Bandung."), [], [], {},
                               notes={"ana": "theirs", "budi": "budi's"})
    summary = store.import_annotated([record])
    assert store.document_notes(doc.id) == {"ana": "mine", "budi": "budi's"}
    assert summary.notes_kept == 1
    change = store.history(limit=1)[0]
    assert change.kind == "import" and change.after["notes"] == [[doc.id, "budi", "budi's"]]
    store.revert_change(change.id)
    assert store.document_notes(doc.id) == {"ana": "mine"}


def test_a_sorted_and_filtered_long_list_still_reads_only_the_rows_in_view(qtbot, store, open_window):
    store.import_annotated(
        AnnotatedDocument(Document(None, f"Berita {i * 7 % 5000:04d}", f"Artikel nomor {i} tentang pasar."), [], [],
                          {"ana": "done"} if i % 10 == 0 else {})
        for i in range(5000))
    window = open_window(store)
    model = window.documents.model
    choose(qtbot, window.findChild(QComboBox, "documentOrder"), "status")
    qtbot.wait(10)  # let the view paint what it shows
    # the page in view and the page of the current document (done: near the end), never every row
    assert model.rowCount() == 5000 and 0 < model.fetched_rows() <= 300
    assert window.documents.list.currentIndex().row() >= 4500
    assert listed(window)[0].startswith("Berita") and "to do" in model.index(0, 0).data()
    assert "done" in model.index(4999, 0).data()  # the last rows: the 500 done, read by their row number
    choose(qtbot, window.findChild(QComboBox, "documentStatusFilter"), "done")
    choose(qtbot, window.findChild(QComboBox, "documentOrder"), "title")
    assert model.rowCount() < 500 and model.canFetchMore()  # a filtered list grows a page at a time
    titles = [model.index(row, 0).data().split("\n")[0][2:] for row in range(100)]
    assert titles == sorted(titles)


def test_the_progress_panel_is_where_it_was_left(qtbot, desk, open_window):
    from PySide6.QtWidgets import QDockWidget

    store, _ids = desk
    window = open_window(store)
    window.findChild(QAction, "showProgress").trigger()
    window.close()
    again = open_window(store)
    assert again.findChild(QDockWidget, "progressPanel").isVisible()
    qtbot.waitUntil(lambda: again.progress_panel.figures is not None)
    again.findChild(QAction, "showProgress").trigger()
    again.close()
    assert not open_window(store).findChild(QDockWidget, "progressPanel").isVisible()


def test_next_unfinished_on_the_only_unfinished_document_says_so(qtbot, open_window, seeded_store):
    window = open_window(seeded_store)
    window.text_view.setFocus()
    qtbot.keyClick(window.text_view, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert window.statusBar().currentMessage() == "no other listed document is unfinished"  # not "every … finished"
    qtbot.keyClick(window.text_view, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(window.text_view, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert window.statusBar().currentMessage() == "every listed document is finished"


def test_on_a_file_the_list_sorts_in_the_background_and_says_so_meanwhile(qtbot, tmp_path, open_window):
    from PySide6.QtWidgets import QLabel

    from annotator.project import install_default_schema
    from annotator.store import Store

    store = Store.open(tmp_path / "project.db")
    install_default_schema(store)
    titles = ["delta", "Alpha", "echo", "charlie", "bravo"]
    ids = [store.add_document(title, f"Artikel {title} tentang pasar.")[0].id for title in titles]
    store.set_status(ids[1], "ana", "done")
    store.set_status(ids[3], "ana", "reviewed")
    store.add_span(ids[0], "ana", 0, 7, "PERSON")
    window = open_window(store)
    window.show_document(ids[1])  # Alpha
    message = window.findChild(QLabel, "documentSortMessage")
    choose(qtbot, window.findChild(QComboBox, "documentOrder"), "status")
    assert message.isVisible() and "status" in message.text()
    assert listed(window) == titles  # as imported until the order comes
    qtbot.waitUntil(lambda: not message.isVisible())
    assert listed(window) == ["echo", "bravo", "delta", "Alpha", "charlie"]  # to do, in progress, done, reviewed
    assert window.documents.list.currentIndex().row() == 3 and window.layer.document_id == ids[1]
    window.findChild(QAction, "nextUnfinished").trigger()  # along the sorted list, round to the top
    assert window.layer.document_id == ids[2]

    choose(qtbot, window.findChild(QComboBox, "documentOrder"), "spans")
    choose(qtbot, window.findChild(QComboBox, "documentOrder"), "title")  # before the sort by spans ends
    assert not message.isVisible() and listed(window) == sorted(titles, key=str.casefold)
    qtbot.waitUntil(lambda: not window.documents.sorting)
    assert listed(window) == sorted(titles, key=str.casefold)  # the sort no longer wanted is dropped
    window.close()
    store.close()
