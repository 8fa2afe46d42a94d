"""Names people type (labels, roles, attributes, descriptions) are shown as
they are: `<b>X</b>` never turns bold, `R&D` keeps its `&`."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import Qt as QtText
from PySide6.QtGui import QTextDocument, QUndoStack
from PySide6.QtWidgets import QLabel, QLineEdit, QMessageBox, QPushButton, QToolButton

from annotator.domain import AttributeDef, Label, Role, Schema
from annotator.project import open_project
from annotator.ui.widgets.plain_text import literal
from annotator.ui.schema.schema_dialog import SchemaDialog
from test_ui_labelling import open_window, view_of  # noqa: F401 (a fixture)

ENTITY, FACT, ROLE, ATTRIBUTE = "<b>X</b>", "<b>F</b>", "<b>R</b>", "<b>A</b>"


def _markup_schema(store) -> None:
    schema = store.schema()
    store.set_schema(Schema(
        [*schema.labels, Label(ENTITY, hotkey="x", description="<i>who</i>"), Label("R&D", hotkey="k"),
         Label(FACT, "fact", hotkey="j", roles=[Role(ROLE, "one", [ENTITY], "<i>the one</i>")])],
        [*schema.attributes, AttributeDef(ATTRIBUTE, "choice", ["<u>a</u>", "b"], ["fact"])]))


def _rendered(text: str) -> str:
    """What Qt shows for a tooltip or message box text (rich text when it looks like it)."""
    if not QtText.mightBeRichText(text):
        return text
    document = QTextDocument()
    document.setHtml(text)
    return document.toPlainText()


def test_literal_text_renders_as_itself():
    for text in ["<b>ROLE</b>", "a < b & c > d", "plain", "two\nlines <i>x</i>", "  spaced  <br>"]:
        assert _rendered(literal(text)) == text
    assert literal("plain") == "plain"


def test_fact_panel_and_palette_show_markup_in_names_literally(qtbot, tmp_path, open_window):
    store = open_project(tmp_path / "p.db")
    _markup_schema(store)
    text = "Budi berkata harga naik."
    store.add_document("uji", text)
    window = open_window(store)
    view = view_of(window)
    view.setFocus()
    view.select_range(5, 12)
    qtbot.keyClick(view, "j")
    assert window.facts.selected is not None and window.facts.selected.label == FACT

    panel = window.fact_panel
    role = panel.findChild(QLabel, f"role:{ROLE}")
    assert role.textFormat() == Qt.TextFormat.PlainText and role.text() == ROLE
    assert "&lt;i&gt;the one&lt;/i&gt;" in role.toolTip() and "&lt;b&gt;X&lt;/b&gt;" in role.toolTip()
    assert _rendered(role.toolTip()).startswith("<i>the one</i>\nTakes: <b>X</b>")
    missing = panel.findChild(QLabel, f"missing:{ROLE}")
    assert missing.textFormat() == Qt.TextFormat.PlainText and missing.text() == f"{ROLE}: required"
    assert _rendered(panel.findChild(QToolButton, f"fill:{ROLE}").toolTip()) == f"Fill {ROLE} (Ctrl+R, 1)"
    assert panel.findChild(QLabel, "factTitle").textFormat() == Qt.TextFormat.PlainText
    caption = next(label for label in panel.findChildren(QLabel) if label.text() == ATTRIBUTE)
    assert caption.textFormat() == Qt.TextFormat.PlainText

    palette = window.findChild(QPushButton, f"label:{ENTITY}")
    assert palette.text() == f"{ENTITY}   [x]" and _rendered(palette.toolTip()) == "<i>who</i>"
    assert window.findChild(QPushButton, "label:R&D").text() == "R&&D   [k]"  # shown as R&D
    assert _rendered(window.undo_action.toolTip()) == f"Undo {window.undo_stack.undoText()}"
    assert FACT in window.undo_stack.undoText()
    assert window.findChild(QLabel, "annotatorStatus").textFormat() == Qt.TextFormat.PlainText
    window.close()  # before the store: the window reads what it paints from it
    store.close()


def test_schema_dialog_messages_quote_names_literally(qtbot, store, monkeypatch):
    _markup_schema(store)
    dialog = SchemaDialog(store, QUndoStack())
    qtbot.addWidget(dialog)
    messages = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *args: messages.append(args[2]))
    for row in range(dialog.labels.count()):
        if dialog.labels.item(row).data(256) == "LOCATION":
            dialog.labels.setCurrentRow(row)
    dialog.findChild(QLineEdit, "labelHotkey").setText("x")  # the key of <b>X</b>
    dialog.findChild(QPushButton, "applyLabel").click()
    assert messages and "&lt;b&gt;X&lt;/b&gt;" in messages[0] and ENTITY in _rendered(messages[0])
    assert dialog.findChild(QLabel, "roleError").textFormat() == Qt.TextFormat.PlainText


def test_shortened_cuts_after_a_whole_word():
    from annotator.ui.widgets.plain_text import shortened

    title = "Vladivostok, Gatra.com - Presiden Rusia Vladimir Putin dan Pemimpin Korea Utara Kim Jong Un"
    short = shortened(title, 60)
    assert short.endswith("…") and len(short) <= 61
    assert title.startswith(short[:-1]) and title[len(short) - 1] == " "
    assert shortened("short\n title", 60) == "short title"
    assert shortened("x" * 80, 60) == "x" * 60 + "…"
