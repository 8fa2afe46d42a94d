"""The label schema editor: clashes refused with a message, deletions asked and undoable."""

from __future__ import annotations

from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QLineEdit, QMessageBox, QPushButton

from annotator.domain import Label
from annotator.ui.schema.schema_dialog import SchemaDialog


def open_dialog(qtbot, store):
    stack = QUndoStack()
    dialog = SchemaDialog(store, stack)
    qtbot.addWidget(dialog)
    return dialog, stack


def choose(dialog, name):
    for row in range(dialog.labels.count()):
        if dialog.labels.item(row).data(256) == name:
            dialog.labels.setCurrentRow(row)
            return
    raise AssertionError(name)


def test_hotkey_clash_is_refused_with_a_message(qtbot, store, monkeypatch):
    dialog, stack = open_dialog(qtbot, store)
    messages = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *args: messages.append(args[2]))
    choose(dialog, "LOCATION")
    dialog.findChild(QLineEdit, "labelHotkey").setText("p")  # PERSON's key
    dialog.findChild(QPushButton, "applyLabel").click()
    assert messages and "'p'" in messages[0] and "PERSON" in messages[0]
    assert store.schema().label("LOCATION").hotkey == "l"
    assert not dialog.add(Label("PLACE", "entity", hotkey="o"))
    assert store.schema().label("PLACE") is None


def test_rename_recolour_and_rekey_in_one_undo_step(qtbot, store):
    doc, _ = store.add_document("t", "Kim di Bandung")
    store.add_span(doc.id, "ana", 7, 14, "LOCATION")
    colour = store.schema().label("LOCATION").color
    dialog, stack = open_dialog(qtbot, store)
    choose(dialog, "LOCATION")
    dialog.findChild(QLineEdit, "labelName").setText("PLACE")
    dialog.findChild(QLineEdit, "labelHotkey").setText("x")
    dialog._set_color("#123456")
    assert dialog.apply()
    label = store.schema().label("PLACE")
    assert (label.hotkey, label.color) == ("x", "#123456")
    assert store.spans(doc.id)[0].label == "PLACE"
    stack.undo()
    label = store.schema().label("LOCATION")
    assert (label.hotkey, label.color) == ("l", colour)
    assert store.spans(doc.id)[0].label == "LOCATION"


def test_deleting_a_used_label_asks_and_is_undoable(qtbot, store, monkeypatch):
    doc, _ = store.add_document("t", "Kim di Bandung")
    store.add_span(doc.id, "ana", 7, 14, "LOCATION")
    dialog, stack = open_dialog(qtbot, store)
    asked = []
    monkeypatch.setattr(dialog, "ask_what_to_do", lambda name, count: asked.append((name, count)) or ("delete", None))
    choose(dialog, "LOCATION")
    dialog.findChild(QPushButton, "deleteLabel").click()
    assert asked == [("LOCATION", 1)]
    assert store.schema().label("LOCATION") is None and store.spans(doc.id) == []
    stack.undo()
    assert store.schema().label("LOCATION") is not None
    assert [(s.start, s.end, s.label) for s in store.spans(doc.id)] == [(7, 14, "LOCATION")]


def test_cancelling_the_question_keeps_everything(qtbot, store, monkeypatch):
    doc, _ = store.add_document("t", "Kim di Bandung")
    store.add_span(doc.id, "ana", 7, 14, "LOCATION")
    dialog, stack = open_dialog(qtbot, store)
    monkeypatch.setattr(dialog, "ask_what_to_do", lambda name, count: (None, None))
    choose(dialog, "LOCATION")
    dialog.delete_label()
    assert store.schema().label("LOCATION") is not None and stack.count() == 0


def test_reorder(qtbot, store):
    dialog, stack = open_dialog(qtbot, store)
    first, second = [label.name for label in store.schema().labels[:2]]
    choose(dialog, second)
    dialog.findChild(QPushButton, "moveUp").click()
    assert [label.name for label in store.schema().labels[:2]] == [second, first]
    stack.undo()
    assert [label.name for label in store.schema().labels[:2]] == [first, second]
