"""Facts in the window, driven as a person would and checked against the database."""

from __future__ import annotations

import json

from click.testing import CliRunner
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QLabel, QMessageBox, QPlainTextEdit, QWidget

from annotator.cli import main as cli
from annotator.domain import Argument
from annotator.project import open_project
from test_ui_labelling import open_window, view_of  # noqa: F401 (a fixture)

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


def quote_range(text):
    start = text.find('"Kami berbicara')
    end = text.find('perbaikan situasi,"') + len('perbaikan situasi,"')
    return start, end


def putin_after_quote(text):
    return text.find("kata Putin", quote_range(text)[1]) + len("kata ")


def label_range(qtbot, view, start, end, key, exact=False):
    view.setFocus()
    view.select_range(start, end)
    qtbot.keyClick(view, key, SHIFT if exact else Qt.KeyboardModifier.NoModifier)


def make_quote_and_putin(qtbot, window):
    view = view_of(window)
    text = view.layer.text
    start, end = quote_range(text)
    label_range(qtbot, view, start, end, "u")
    quote_fact = window.facts.selected
    putin = putin_after_quote(text)
    label_range(qtbot, view, putin, putin + 5, "p")
    return quote_fact, putin


def fill_by_keyboard(qtbot, window, role_number: str, typed: str) -> None:
    view = view_of(window)
    view.setFocus()
    qtbot.keyClick(view, "r", CTRL)
    picker = window.findChild(QWidget, "rolePicker")
    assert picker.isVisible()
    qtbot.keyClick(picker.filter, role_number)
    qtbot.keyClicks(picker.filter, typed)
    qtbot.keyClick(picker.filter, Qt.Key.Key_Return)


def speaker_rows(store, doc_id):
    return [(f.label, [(a.role, store.span(a.span_id).text) for a in f.args]) for f in store.facts(doc_id, "ana")]


def select_pulau_russky_in_vladivostok(qtbot, view) -> int:
    """Label both places LOCATION and select the inner one; its offset."""
    text = view.layer.text
    city = text.find("Pulau Russky")
    label_range(qtbot, view, city, city + 12, "l")
    outer = text.find("Vladivostok")
    label_range(qtbot, view, outer, outer + 11, "l")
    view.layer.select(next(s.id for s in view.layer.spans if s.text == "Pulau Russky"))
    return city


def finish_located_in(qtbot, picker, store, doc) -> None:
    """Pick Vladivostok as the outer place in the picker and check the stored relation."""
    qtbot.keyClicks(picker.filter, "Vladiv")
    qtbot.keyClick(picker.filter, Qt.Key.Key_Return)
    fact = store.facts(doc, "ana")[0]
    assert fact.label == "LOCATED_IN" and fact.span_id is None
    assert [(a.role, store.span(a.span_id).text) for a in fact.args] == [
        ("inner", "Pulau Russky"), ("outer", "Vladivostok")]


def test_quote_with_speaker_by_keyboard_undo_redo_restart_and_show(qtbot, open_window, tmp_path):
    path = tmp_path / "facts.db"
    store = open_project(path, samples=True)
    window = open_window(store)
    view = view_of(window)
    doc = view.layer.document_id
    text = view.layer.text
    start, end = quote_range(text)
    label_range(qtbot, view, start, end, "u")
    facts = store.facts(doc, "ana")
    assert len(facts) == 1 and facts[0].label == "QUOTE"
    trigger = store.span(facts[0].span_id)
    assert (trigger.start, trigger.end, trigger.label) == (start, end, "QUOTE")
    assert window.facts.selected_id == facts[0].id
    # the panel marks the required speaker as missing
    missing = window.fact_panel.findChild(QLabel, "missing:speaker")
    assert missing is not None and missing.isVisibleTo(window) and "required" in missing.text()

    putin = putin_after_quote(text)
    label_range(qtbot, view, putin, putin + 5, "p")
    assert window.facts.selected_id == facts[0].id  # an entity selected: the fact stays selected

    fill_by_keyboard(qtbot, window, "1", "Put")
    assert speaker_rows(store, doc) == [("QUOTE", [("speaker", "Putin")])]
    speaker_id = store.facts(doc, "ana")[0].args[0].span_id
    assert store.span(speaker_id).start == putin
    assert not window.findChild(QWidget, "rolePicker").isVisible()
    assert window.fact_panel.findChild(QLabel, "missing:speaker") is None

    qtbot.keyClick(view, "z", CTRL)
    assert speaker_rows(store, doc) == [("QUOTE", [])]
    qtbot.keyClick(view, "z", CTRL | SHIFT)
    assert speaker_rows(store, doc) == [("QUOTE", [("speaker", "Putin")])]
    window.close()
    store.close()

    store = open_project(path)
    window = open_window(store)
    assert speaker_rows(store, doc) == [("QUOTE", [("speaker", "Putin")])]
    assert [f.label for f in window.facts.facts] == ["QUOTE"]
    window.close()
    store.close()
    result = CliRunner().invoke(cli, ["--db", str(path), "--annotator", "ana", "show", str(doc), "--json"])
    assert result.exit_code == 0, result.output
    shown = json.loads(result.output)
    quote = next(f for f in shown["facts"] if f["label"] == "QUOTE")
    assert quote["text"] == text[start:end]
    assert [(a["role"], a["text"]) for a in quote["args"]] == [("speaker", "Putin")]


def test_a_disallowed_filler_is_refused(qtbot, open_window, seeded_store):
    window = open_window(seeded_store)
    view = view_of(window)
    doc = view.layer.document_id
    make_quote_and_putin(qtbot, window)
    city = view.layer.text.find("Vladivostok")
    label_range(qtbot, view, city, city + 11, "l")
    window.facts.select(window.facts.facts[0].id)
    messages = []
    window.fact_linking.message.connect(messages.append)
    # the picker offers only allowed fillers: typing the city finds nothing
    fill_by_keyboard(qtbot, window, "1", "Vladiv")
    picker = window.findChild(QWidget, "rolePicker")
    assert picker.rows() == []
    # clicking the LOCATION in the text is refused with a reason
    view.layer.select(next(s.id for s in view.layer.spans if s.label == "LOCATION"))
    assert messages and "LOCATION" in messages[-1] and "speaker" in messages[-1]
    assert seeded_store.facts(doc, "ana")[0].args == []
    qtbot.keyClick(picker.filter, Qt.Key.Key_Escape)
    assert not picker.isVisible() and window.fact_linking.pending is None


def test_deleting_a_role_filler_asks_and_undo_restores_the_role(qtbot, open_window, seeded_store, monkeypatch):
    window = open_window(seeded_store)
    view = view_of(window)
    doc = view.layer.document_id
    make_quote_and_putin(qtbot, window)
    fill_by_keyboard(qtbot, window, "1", "Put")
    putin_id = seeded_store.facts(doc, "ana")[0].args[0].span_id
    questions = []
    answer = QMessageBox.StandardButton.No
    monkeypatch.setattr(QMessageBox, "question", lambda parent, title, text, *a: questions.append(text) or answer)
    view.layer.select(putin_id)
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert "Putin fills speaker of QUOTE" in questions[0] and "Delete anyway?" in questions[0]
    assert seeded_store.span(putin_id) is not None
    answer = QMessageBox.StandardButton.Yes
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert putin_id not in {s.id for s in seeded_store.spans(doc)}
    fact = seeded_store.facts(doc, "ana")[0]
    assert fact.args == []
    qtbot.keyClick(view, "z", CTRL)
    assert seeded_store.fact(fact.id).args == [Argument("speaker", putin_id)]


def test_attributes_and_note_edit_and_undo(qtbot, open_window, seeded_store):
    window = open_window(seeded_store)
    view = view_of(window)
    quote, _ = make_quote_and_putin(qtbot, window)
    window.facts.select(quote.id)
    panel = window.fact_panel
    panel.findChild(QCheckBox, "attribute:negated").click()
    assert seeded_store.fact(quote.id).attributes == {"negated": True}
    panel.findChild(QComboBox, "attribute:source_type").setCurrentText("media")
    assert seeded_store.fact(quote.id).attributes == {"negated": True, "source_type": "media"}
    note = panel.findChild(QPlainTextEdit, "factNote")
    note.setFocus()
    qtbot.keyClicks(note, "dari Aljazeera")
    # saved after a short pause without further typing
    qtbot.waitUntil(lambda: seeded_store.fact(quote.id).note == "dari Aljazeera")
    view.setFocus()
    window.undo_stack.undo()
    assert seeded_store.fact(quote.id).note == ""
    assert note.toPlainText() == ""
    window.undo_stack.undo()
    assert seeded_store.fact(quote.id).attributes == {"negated": True}
    assert panel.findChild(QComboBox, "attribute:source_type").currentText() == ""
    window.undo_stack.undo()
    assert seeded_store.fact(quote.id).attributes == {}
    assert not panel.findChild(QCheckBox, "attribute:negated").isChecked()


def test_fact_table_lists_facts_and_selects_them(qtbot, open_window, seeded_store):
    window = open_window(seeded_store)
    view = view_of(window)
    quote, _ = make_quote_and_putin(qtbot, window)
    fill_by_keyboard(qtbot, window, "1", "Put")
    table = window.findChild(QWidget, "factTable")
    model = table.model()
    assert model.rowCount() == 1
    assert model.index(0, 0).data() == "QUOTE"
    assert model.index(0, 1).data().startswith('"Kami berbicara')
    assert model.index(0, 2).data() == "speaker=Putin"
    view.layer.select(-1)
    assert window.facts.selected_id == -1
    table.selectRow(0)
    assert window.facts.selected_id == quote.id
    assert view.layer.selected_id == quote.span_id


def test_relation_between_two_entities_by_keyboard(qtbot, open_window, seeded_store):
    window = open_window(seeded_store)
    view = view_of(window)
    doc = view.layer.document_id
    text = view.layer.text
    putin = text.find("Vladimir Putin")
    label_range(qtbot, view, putin, putin + 14, "p")
    russia = text.find("Rusia")
    label_range(qtbot, view, russia, russia + 5, "l")
    view.layer.select(next(s.id for s in view.layer.spans if s.label == "PERSON"))
    qtbot.keyClick(view, "r", CTRL | SHIFT)
    picker = window.findChild(QWidget, "rolePicker")
    qtbot.keyClick(picker.filter, "1")  # MEMBER_OF
    qtbot.keyClicks(picker.filter, "Rus")
    qtbot.keyClick(picker.filter, Qt.Key.Key_Return)
    facts = seeded_store.facts(doc, "ana")
    assert [(f.label, f.span_id) for f in facts] == [("MEMBER_OF", None)]
    assert [(a.role, seeded_store.span(a.span_id).text) for a in facts[0].args] == [
        ("member", "Vladimir Putin"), ("group", "Rusia")]
    assert window.facts.selected_id == facts[0].id
    # the relation has no text span of its own: Ctrl+Shift+Delete deletes it, the entities stay
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Delete, CTRL | SHIFT)
    assert seeded_store.facts(doc, "ana") == []
    assert len(seeded_store.spans(doc, "ana")) == 2
    qtbot.keyClick(view, "z", CTRL)
    assert [f.label for f in seeded_store.facts(doc, "ana")] == ["MEMBER_OF"]
    window.undo_stack.undo()
    assert seeded_store.facts(doc, "ana") == []


def test_context_menu_fills_a_role(qtbot, open_window, seeded_store):
    window = open_window(seeded_store)
    view = view_of(window)
    doc = view.layer.document_id
    quote, putin = make_quote_and_putin(qtbot, window)
    window.facts.select(quote.id)
    cursor = view.textCursor()
    cursor.setPosition(view.layer.positions.to_document(putin + 2))
    menu = window.fact_linking.context_menu(view.cursorRect(cursor).center())
    fill_menu = next(a.menu() for a in menu.actions() if a.menu() and a.text().startswith("Fill role of QUOTE"))
    by_text = {a.text(): a for a in fill_menu.actions()}
    assert not by_text["time ('time' takes DATETIME, not PERSON)"].isEnabled()
    by_text["speaker"].trigger()
    assert [(a.role, seeded_store.span(a.span_id).start) for a in seeded_store.facts(doc, "ana")[0].args] == [
        ("speaker", putin)]


def test_arguments_are_outlined_and_arcs_option(qtbot, open_window, seeded_store):
    window = open_window(seeded_store)
    quote, putin = make_quote_and_putin(qtbot, window)
    fill_by_keyboard(qtbot, window, "1", "Put")
    overlay = window.arcs
    view = view_of(window)
    view.place_caret(putin)
    view.ensureCursorVisible()
    trigger_rects, args = overlay._ends(window.facts.selected)
    assert trigger_rects and args[0][0] == "speaker" and args[0][1]
    # the outline is painted over the text: the overlay's pixels change under the argument
    image = overlay.grab().toImage()
    rect = args[0][1][0]
    edge = [image.pixelColor(int(rect.left()) - dx, int(rect.center().y())) for dx in range(0, 5)]
    assert any(c.alpha() > 0 for c in edge)  # the outline drawn at the argument's left edge
    action = window.findChild(type(window.show_arcs_action), "showArcsAction")
    action.trigger()
    assert overlay.show_all
    lo, hi = overlay.visible_range()
    assert lo <= putin < hi


def test_schema_dialog_edits_roles_and_attributes(qtbot, store):
    from PySide6.QtGui import QUndoStack

    from annotator.ui.schema.schema_dialog import SchemaDialog

    stack = QUndoStack()
    dialog = SchemaDialog(store, stack)
    qtbot.addWidget(dialog)
    editor = dialog.findChild(QWidget, "roleEditor")
    for row in range(dialog.labels.count()):
        if dialog.labels.item(row).data(256) == "QUOTE":
            dialog.labels.setCurrentRow(row)
    assert editor.isVisibleTo(dialog)
    editor.add_role("medium", "many", ["ORGANISATION"], "Where it was said.")
    assert store.schema().label("QUOTE").role("medium").allowed == ["ORGANISATION"]
    editor.set_role("speaker", cardinality="optional", allowed=["PERSON"])
    speaker = store.schema().label("QUOTE").role("speaker")
    assert (speaker.cardinality, speaker.allowed) == ("optional", ["PERSON"])
    messages = []
    editor.message.connect(messages.append)
    assert not editor.add_role("who", "one", ["NOPE"], "")
    assert messages and "NOPE" in messages[-1]
    editor.remove_role("addressee")
    assert store.schema().label("QUOTE").role("addressee") is None
    editor.set_trigger(False)
    assert store.schema().label("QUOTE").trigger is False
    for _ in range(4):
        stack.undo()
    quote = store.schema().label("QUOTE")
    assert quote.trigger and quote.role("addressee") and quote.role("speaker").cardinality == "one"
    assert quote.role("medium") is None
    attributes = dialog.findChild(QWidget, "attributeEditor")
    attributes.save_attribute("genre", "choice", ["news", "opinion"], ["fact"], "")
    assert store.schema().attribute("genre").choices == ["news", "opinion"]
    stack.undo()
    assert store.schema().attribute("genre") is None


UNICODE_TEXT = "Café\u0301 😀👍🏽\r\n«Kami siap 😀» kata Jokowi di Bandung.\r\nSelesai."


def test_fact_offsets_are_code_points_with_emoji_marks_and_crlf(qtbot, open_window, store):
    doc, _ = store.add_document("unicode", UNICODE_TEXT)
    window = open_window(store)
    view = view_of(window)
    quote = UNICODE_TEXT.find("«")
    quote_end = UNICODE_TEXT.find("»") + 1
    label_range(qtbot, view, quote, quote_end, "u", exact=True)
    jokowi = UNICODE_TEXT.find("Jokowi")
    label_range(qtbot, view, jokowi, jokowi + 6, "p")
    window.facts.select(store.facts(doc.id, "ana")[0].id)
    # the panel's + button starts filling that role: the picker asks for the filler at once
    window.fact_panel.findChild(QWidget, "fill:speaker").click()
    picker = window.findChild(QWidget, "rolePicker")
    assert picker.isVisible() and picker.rows() and "Jokowi" in picker.rows()[0]
    qtbot.keyClicks(picker.filter, "Jok")
    qtbot.keyClick(picker.filter, Qt.Key.Key_Return)
    fact = store.facts(doc.id, "ana")[0]
    trigger = store.span(fact.span_id)
    assert (trigger.start, trigger.end, trigger.text) == (quote, quote_end, "«Kami siap 😀»")
    speaker = store.span(fact.args[0].span_id)
    assert (fact.args[0].role, speaker.start, speaker.text) == ("speaker", jokowi, "Jokowi")
    assert store.check() == []
    # the outline lands on the speaker's text: its rectangle starts where Qt draws "Jokowi"
    rects = window.arcs.span_rects(speaker.start, speaker.end)
    cursor = view.textCursor()
    cursor.setPosition(view.layer.positions.to_document(jokowi))
    assert rects and abs(rects[0].left() - view.cursorRect(cursor).left()) <= 2


def test_palette_button_of_a_relation_starts_it_from_the_selected_entity(qtbot, open_window, seeded_store):
    from PySide6.QtWidgets import QPushButton

    window = open_window(seeded_store)
    view = view_of(window)
    doc = view.layer.document_id
    select_pulau_russky_in_vladivostok(qtbot, view)
    button = window.palette.findChild(QPushButton, "label:LOCATED_IN")
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    picker = window.findChild(QWidget, "rolePicker")
    assert picker.isVisible() and "LOCATED_IN" in picker.prompt.text()
    finish_located_in(qtbot, picker, seeded_store, doc)
    assert [s.label for s in seeded_store.spans(doc, "ana")] == ["LOCATION", "LOCATION"]  # no relation span


def test_a_note_typed_just_before_closing_is_kept(qtbot, open_window, seeded_store):
    window = open_window(seeded_store)
    quote, _ = make_quote_and_putin(qtbot, window)
    window.facts.select(quote.id)
    note = window.fact_panel.findChild(QPlainTextEdit, "factNote")
    note.setFocus()
    qtbot.keyClicks(note, "cek ulang")
    window.close()
    assert seeded_store.fact(quote.id).note == "cek ulang"


def test_hotkey_of_a_relation_starts_the_relation_instead_of_labelling_text(qtbot, open_window, seeded_store):
    from dataclasses import replace

    seeded_store.save_label(replace(seeded_store.schema().label("LOCATED_IN"), hotkey="i"))
    window = open_window(seeded_store)
    view = view_of(window)
    doc = view.layer.document_id
    city = select_pulau_russky_in_vladivostok(qtbot, view)
    view.setFocus()
    qtbot.keyClick(view, "i")
    picker = window.findChild(QWidget, "rolePicker")
    assert picker.isVisible() and "LOCATED_IN" in picker.prompt.text()
    assert [s.label for s in seeded_store.spans(doc, "ana")] == ["LOCATION", "LOCATION"]  # no span labelled
    finish_located_in(qtbot, picker, seeded_store, doc)
    # with text selected the key still does not label it as a relation span
    view.setFocus()
    label_range(qtbot, view, city, city + 5, "i")
    assert all(s.label != "LOCATED_IN" for s in seeded_store.spans(doc, "ana"))


def test_selected_span_keeps_a_light_fill_under_black_text_for_every_colour(qtbot, open_window, seeded_store):
    from annotator.ui.labelling.span_highlighter import MIN_CONTRAST, contrast, span_ranges

    window = open_window(seeded_store)
    view = view_of(window)
    start, end = quote_range(view.layer.text)
    label_range(qtbot, view, start, end, "u")
    assert view.layer.selected is not None and view.layer.selected.label == "QUOTE"
    block = view.document().findBlock(view.layer.positions.to_document(start + 3))
    offset = view.layer.positions.to_document(start + 3) - block.position()
    formats = span_ranges(block.layout())
    [painted] = [r.format for r in formats if r.start <= offset < r.start + r.length]
    # the selected quote keeps its label colour and is boxed by over- and underline
    assert painted.background().color().name() == seeded_store.schema().label("QUOTE").color
    assert painted.fontOverline() and painted.fontUnderline()
    highlighter = view.highlighter
    dark = ["#1f1f1f", "#000080", "#8b0000", "#4b0082", "#006400"]
    for color in [label.color for label in seeded_store.schema().labels] + dark:
        highlighter._colors["X"] = color
        for depth in range(5):
            for selected in (False, True):
                fmt = highlighter.format_for("X", depth, selected)
                ratio = contrast(fmt.background().color(), fmt.foreground().color())
                assert ratio >= MIN_CONTRAST, (color, depth, selected, ratio)
        highlighter._formats.clear()


def ctrl_drag(qtbot, view, start: int, end: int) -> None:
    """Ctrl+press at one code-point offset, move and release at another, on the text's viewport."""
    from test_ui_labelling import point_at

    view.place_caret(start)
    view.centerCursor()
    a, b = point_at(view, start), point_at(view, end)
    qtbot.mousePress(view.viewport(), Qt.MouseButton.LeftButton, CTRL, pos=a)
    qtbot.mouseMove(view.viewport(), pos=(a + b) / 2)
    qtbot.mouseMove(view.viewport(), pos=b)
    qtbot.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, CTRL, pos=b)


def test_a_ctrl_drag_draws_a_line_from_the_fact_to_the_pointer_until_dropped(qtbot, open_window, seeded_store):
    from test_ui_labelling import point_at

    window = open_window(seeded_store)
    view = view_of(window)
    make_quote_and_putin(qtbot, window)
    view.layer.select(-1)
    quote_start = quote_range(view.layer.text)[0]
    view.place_caret(quote_start + 5)
    view.centerCursor()
    a = point_at(view, quote_start + 5)
    b = a + QPoint(0, -60 if a.y() > 80 else 60)  # somewhere on screen, 60 px away
    assert window.arcs.rubber_band is None
    qtbot.mousePress(view.viewport(), Qt.MouseButton.LeftButton, CTRL, pos=a)
    qtbot.mouseMove(view.viewport(), pos=b)
    assert window.arcs.rubber_band == (a, b) and window.arcs.isVisible()
    during = window.arcs.grab().toImage()
    qtbot.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, CTRL, pos=b)
    assert window.arcs.rubber_band is None
    after = window.arcs.grab().toImage()
    middle = (a + b) / 2
    around = [(middle.x() + dx, middle.y() + dy) for dx in range(-3, 4) for dy in range(-3, 4)]
    # the line was painted halfway between the two points, and is gone once dropped
    assert any(during.pixelColor(x, y) != after.pixelColor(x, y) for x, y in around)


def test_ctrl_drag_from_a_fact_to_entities_fills_roles(qtbot, open_window, seeded_store):
    window = open_window(seeded_store)
    view = view_of(window)
    doc = view.layer.document_id
    text = view.layer.text
    quote, putin = make_quote_and_putin(qtbot, window)
    when = text.find("Kamis (25/4)")
    label_range(qtbot, view, when, when + len("Kamis (25/4)"), "d")
    view.layer.select(-1)
    assert window.facts.selected_id == -1
    offered = []

    def pick(menu, _where):
        offered.append([a.text() for a in menu.actions()])
        return next(a for a in menu.actions() if a.text() == "speaker")

    window.fact_linking.ask_menu = pick
    quote_start = quote_range(text)[0]
    # a person fits speaker, addressee and topic: the menu asks, and only those
    ctrl_drag(qtbot, view, quote_start + 5, putin + 2)
    assert offered == [["speaker", "addressee", "topic"]]
    putin_id = next(s.id for s in view.layer.spans if s.start == putin)
    assert seeded_store.fact(quote.id).args == [Argument("speaker", putin_id)]
    assert window.facts.selected_id == quote.id
    assert view.textCursor().hasSelection() is False  # the drag selected no text
    # a date fits only time: filled without asking
    ctrl_drag(qtbot, view, quote_start + 5, when + 3)
    assert len(offered) == 1
    when_id = next(s.id for s in view.layer.spans if s.start == when)
    assert seeded_store.fact(quote.id).args == [Argument("speaker", putin_id), Argument("time", when_id)]
    # one undo step each
    qtbot.keyClick(view, "z", CTRL)
    assert seeded_store.fact(quote.id).args == [Argument("speaker", putin_id)]
    # dropped on plain text: nothing changes
    plain = text.find("Pertemuan pertama")
    ctrl_drag(qtbot, view, quote_start + 5, plain + 2)
    assert seeded_store.fact(quote.id).args == [Argument("speaker", putin_id)]
    assert [f.id for f in seeded_store.facts(doc, "ana")] == [quote.id]


def test_the_role_picker_offers_the_filler_nearest_the_fact_first(qtbot, open_window, seeded_store):
    window = open_window(seeded_store)
    view = view_of(window)
    text = view.layer.text
    far = text.find("Vladimir Putin")  # first paragraph, long before the quote
    label_range(qtbot, view, far, far + len("Vladimir Putin"), "p")
    _, putin = make_quote_and_putin(qtbot, window)
    view.setFocus()
    qtbot.keyClick(view, "r", CTRL)
    picker = window.findChild(QWidget, "rolePicker")
    qtbot.keyClick(picker.filter, "1")  # speaker
    rows = picker.rows()
    assert rows.index(picker.list.currentItem().text()) == 1  # rows stay in text order
    assert picker.list.currentItem().text().endswith(f"PERSON {putin}")
    qtbot.keyClick(picker.filter, Qt.Key.Key_Return)
    (fact,) = seeded_store.facts(view.layer.document_id, "ana")
    assert [(a.role, seeded_store.span(a.span_id).start) for a in fact.args] == [("speaker", putin)]


def test_fact_table_shortens_a_long_filler_after_a_whole_word(qtbot, open_window, seeded_store):
    from annotator.domain import Argument

    window = open_window(seeded_store)
    view = view_of(window)
    quote, _ = make_quote_and_putin(qtbot, window)
    text = view.layer.text
    start = quote_range(text)[0] + 1  # a long "speaker" of many words: the quote's own words
    long_name = seeded_store.add_span(quote.document_id, "ana", start, start + 60, "PERSON")
    seeded_store.update_fact(quote.id, args=[Argument("speaker", long_name.id)])
    roles = window.findChild(QWidget, "factTable").model().index(0, 2).data()
    words = " ".join(text[start:start + 60].split())
    assert roles.startswith("speaker=") and roles.endswith("…")
    shown = roles[len("speaker="):-1]
    assert words.startswith(shown) and not words[len(shown)].isalnum() and len(shown) <= 30  # a whole word
