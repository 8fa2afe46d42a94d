"""Long articles in the window: only what is on screen is painted, and an edit
touches neither the whole text nor the whole layer, with offsets right
across emoji, combining marks and CRLF."""

from __future__ import annotations

import re

from PySide6.QtCore import Qt
from test_ui_labelling import open_window  # noqa: F401 (a fixture)

from annotator.domain import AnnotatedDocument, Span
from annotator.ui.labelling.span_highlighter import span_ranges
from annotator.ui.labelling.text_view import TextView

PARAGRAPHS = 3000


def add_article(store, text: str, pattern: str, annotator: str = "ana") -> int:
    doc, _ = store.add_document("long", text)
    spans = [Span(None, None, annotator, m.start(), m.end(), "PERSON", m.group()) for m in re.finditer(pattern, text)]
    store.import_annotated([AnnotatedDocument(doc, spans)])
    return doc.id


def long_article(line_break: str = "\n") -> str:
    return line_break.join(f"Paragraf {i}: Presiden Joko Widodo bertemu Kim di Bandung." for i in range(PARAGRAPHS))


def formatted_blocks(view: TextView) -> list[int]:
    numbers, block = [], view.document().begin()
    while block.isValid():
        if block.layout().formats():
            numbers.append(block.blockNumber())
        block = block.next()
    return numbers


def painted(view: TextView) -> set[tuple[int, int, str]]:
    """(start, end, colour) in code points of every format painted on the text."""
    from_document = view.layer.positions.from_document
    found, block = set(), view.document().begin()
    while block.isValid():
        for r in span_ranges(block.layout()):
            start = from_document(block.position() + r.start)
            found.add((start, from_document(block.position() + r.start + r.length), r.format.background().color().name()))
        block = block.next()
    return found


def test_a_long_article_paints_only_the_blocks_in_view(qtbot, open_window, store):
    add_article(store, long_article(), "Joko Widodo")
    window = open_window(store)
    view = window.findChild(TextView, "textView")
    assert view.document().blockCount() == PARAGRAPHS
    shown = formatted_blocks(view)
    first = view.firstVisibleBlock().blockNumber()
    assert first in shown
    assert 0 < len(shown) < 150, "only the blocks on screen (and a margin) carry highlights"
    assert view.highlighter.blocks_painted < 150

    bar = view.verticalScrollBar()
    bar.setValue(bar.maximum() // 2)
    qtbot.wait(1)
    middle = view.firstVisibleBlock().blockNumber()
    assert middle > 1000
    shown = formatted_blocks(view)
    assert middle in shown
    assert PARAGRAPHS - 1 not in shown, "a block never scrolled to is never painted"
    assert len(shown) < 300
    assert view.highlighter.blocks_painted < 300


def test_editing_a_long_article_reads_neither_its_text_nor_its_whole_layer(qtbot, open_window, store, monkeypatch):
    doc_id = add_article(store, long_article(), "Joko Widodo")
    window = open_window(store)
    view = window.findChild(TextView, "textView")
    text = view.layer.text
    calls = {"span_starts": 0}
    real_starts = store.span_starts

    def counted_starts(*args):
        calls["span_starts"] += 1
        return real_starts(*args)

    def whole_layer(*_args, **_kwargs):
        raise AssertionError("an edit read every span of the layer")

    monkeypatch.setattr(store, "span_starts", counted_starts)
    monkeypatch.setattr(store, "spans", whole_layer)
    statements: list[str] = []
    store.db.conn.set_trace_callback(statements.append)
    try:
        start = text.index("Bandung", text.index("Paragraf 3:"))
        view.select_range(start, start + 7)
        view.setFocus()
        qtbot.wait(1)
        painted_before = view.highlighter.blocks_painted
        qtbot.keyClick(view, "l")  # LOCATION
        added = [s for s in store.spans_by_id(range(1, 10_000)).values() if s.start == start]
        assert [(s.label, s.text) for s in added] == [("LOCATION", "Bandung")]
        assert view.layer.selected_id == added[0].id
        assert view.highlighter.blocks_painted - painted_before <= 2, "a label repaints the block it is in"
        qtbot.keyClick(view, "o")  # relabel ORGANISATION
        assert store.span(added[0].id).label == "ORGANISATION"
        qtbot.keyClick(view, Qt.Key.Key_Delete)
        assert not store.has_span(added[0].id)
        qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
        assert store.span(added[0].id).label == "ORGANISATION"
        qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
        assert store.span(added[0].id).label == "LOCATION"
        # Tab from the caret (left at the restored span) goes on through the spans, Shift+Tab back
        qtbot.keyClick(view, Qt.Key.Key_Tab)
        assert view.layer.selected_id == added[0].id
        qtbot.keyClick(view, Qt.Key.Key_Tab)
        assert view.layer.selected.text == "Joko Widodo"
        assert view.layer.selected.start == text.index("Joko", text.index("Paragraf 4:"))
        qtbot.keyClick(view, Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
        assert view.layer.selected_id == added[0].id
    finally:
        store.db.conn.set_trace_callback(None)
    assert not [s for s in statements if re.search(r"\btext\b.*\bFROM documents\b", s, re.S)], \
        "an edit read the document's text again"
    assert calls["span_starts"] <= 1, "the span table reads the starts once and keeps them in step"
    assert view.layer.count == PARAGRAPHS + 1
    assert window.span_table.model().rowCount() == PARAGRAPHS + 1
    # the table selects the row of the selected span: four Joko Widodo come before it
    table = window.span_table
    assert table.selectionModel().selectedRows()[0].row() == 4
    assert [table.model().index(r, 0).data() for r in range(3, 6)] == ["Joko Widodo", "Bandung", "Joko Widodo"]
    assert doc_id == view.layer.document_id


UNICODE_LINE = "Halo 👋 Joko Widodo; Café Jose\u0301 di 🇮🇩 Bandung."


def test_offsets_stay_right_across_emoji_combining_marks_and_crlf_after_edits(qtbot, open_window, store):
    text = "\r\n".join(f"{i} {UNICODE_LINE}" for i in range(400))
    doc_id = add_article(store, text, "Joko Widodo")
    window = open_window(store)
    view = window.findChild(TextView, "textView")
    colors = {label.name: label.color for label in store.schema().labels}

    def current_blocks() -> set[int]:
        # the blocks that show the layer as it is: those in view, and a margin
        return view.highlighter.painted

    def expected() -> set[tuple[int, int]]:
        doc, to_document = view.document(), view.layer.positions.to_document
        return {(s.start, s.end) for s in store.spans(doc_id, "ana")
                if doc.findBlock(to_document(s.start)).blockNumber() in current_blocks()}

    def painted_offsets() -> set[tuple[int, int]]:
        doc, to_document = view.document(), view.layer.positions.to_document
        return {(a, b) for a, b, _ in painted(view) if doc.findBlock(to_document(a)).blockNumber() in current_blocks()}

    view.setFocus()
    for line in (1, 3, 5):
        line_start = text.index(f"{line} Halo")
        for word in ("Café", "Jose\u0301", "Bandung"):
            start = text.index(word, line_start)
            view.select_range(start, start + len(word))
            qtbot.keyClick(view, "p", Qt.KeyboardModifier.ShiftModifier)  # exactly as selected
    assert {(s.text, s.label) for s in store.spans(doc_id, "ana")} >= {("Café", "PERSON"), ("Jose\u0301", "PERSON"),
                                                                       ("Bandung", "PERSON")}
    for span in store.spans(doc_id, "ana"):
        assert text[span.start:span.end] == span.text
    assert painted_offsets() == expected()

    # relabel, resize and delete spans after the emoji; undo one
    bandung = next(s for s in store.spans(doc_id, "ana") if s.text == "Bandung")
    view.layer.select(bandung.id)
    qtbot.keyClick(view, "l")
    qtbot.keyClick(view, Qt.Key.Key_Left, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
                   | Qt.KeyboardModifier.AltModifier)
    grown = store.span(bandung.id)
    assert (grown.label, grown.text) == ("LOCATION", "di 🇮🇩 Bandung")
    assert text[grown.start:grown.end] == grown.text and grown.end == bandung.end and grown.start < bandung.start
    jose = next(s for s in store.spans(doc_id, "ana") if s.text == "Jose\u0301")
    view.layer.select(jose.id)
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert not store.has_span(jose.id)
    assert painted_offsets() == expected()
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert store.has_span(jose.id)
    assert painted_offsets() == expected()
    location = next(c for a, b, c in painted(view) if (a, b) == (grown.start, grown.end))
    person = next(c for a, b, c in painted(view) if (a, b) == (jose.start, jose.end))
    assert location != person and colors["LOCATION"] != colors["PERSON"]

    # Tab goes through the spans in reading order, across the CRLFs
    view.layer.select(-1)
    view.place_caret(0)
    seen = []
    for _ in range(6):
        qtbot.keyClick(view, Qt.Key.Key_Tab)
        seen.append(view.layer.selected.start)
    assert seen == sorted(seen)
    in_order = [s.start for s in store.spans(doc_id, "ana")][:6]
    assert seen == in_order
    # the span table lists them in the same order, and selects the row of the selected span
    table = window.span_table
    assert [table.model().index(r, 3).data() for r in range(6)] == in_order
    assert table.selectionModel().selectedRows()[0].row() == 5


def test_an_edit_changes_one_row_of_the_span_table_without_a_reset(qtbot, open_window, store):
    doc_id = add_article(store, long_article(), "Joko Widodo")
    window = open_window(store)
    view = window.findChild(TextView, "textView")
    model = window.span_table.model()
    events = []
    model.modelReset.connect(lambda: events.append("reset"))
    model.rowsInserted.connect(lambda _parent, first, last: events.append(("inserted", first, last)))
    model.rowsRemoved.connect(lambda _parent, first, last: events.append(("removed", first, last)))

    def table_rows() -> list[tuple[int, int, str]]:
        return [(model.index(r, 3).data(), model.index(r, 4).data(), model.index(r, 1).data())
                for r in range(model.rowCount())]

    def stored_rows() -> list[tuple[int, int, str]]:
        return [(s.start, s.end, s.label) for s in store.spans(doc_id, "ana")]

    text = view.layer.text
    start = text.index("Bandung", text.index("Paragraf 1500:"))
    view.select_range(start, start + 7)
    view.setFocus()
    qtbot.keyClick(view, "l")  # LOCATION: one row comes, after the 1,501 Joko Widodo before it
    assert events == [("inserted", 1501, 1501)]
    assert window.span_table.selectionModel().selectedRows()[0].row() == 1501
    qtbot.keyClick(view, "o")  # relabel: the row changes in place
    assert events == [("inserted", 1501, 1501)]
    assert model.index(1501, 1).data() == "ORGANISATION"
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert events[-1] == ("removed", 1501, 1501)
    window.undo_stack.undo()
    window.undo_stack.undo()
    assert events[-1] == ("inserted", 1501, 1501) and "reset" not in events
    assert model.index(1501, 1).data() == "LOCATION"
    assert table_rows() == stored_rows()
    # an edit far from the rows read so far: the table still lists the spans in reading order
    first = text.index("Joko", text.index("Paragraf 2:"))
    view.select_range(first, first + 4)
    qtbot.keyClick(view, "p", Qt.KeyboardModifier.ShiftModifier)  # a span inside Joko Widodo, after it
    assert events[-1] == ("inserted", 2, 2) and "reset" not in events
    assert table_rows() == stored_rows()


def test_arcs_for_all_facts_find_the_facts_in_view_without_reading_the_store(qtbot, open_window, store, monkeypatch):
    from annotator.domain import Argument

    lines = [f"Paragraf {i}: Joko Widodo dari Bank Indonesia di Bandung." for i in range(PARAGRAPHS)]
    doc, _ = store.add_document("long", "\n".join(lines))
    at = 0
    with store.transaction():
        for line in lines:
            person = store.add_span(doc.id, "ana", at + line.index("Joko"), at + line.index("Joko") + 11, "PERSON")
            bank = line.index("Bank")
            group = store.add_span(doc.id, "ana", at + bank, at + bank + 14, "ORGANISATION")
            store.add_fact(doc.id, "ana", "MEMBER_OF", None, [Argument("member", person.id), Argument("group", group.id)])
            at += len(line) + 1
    window = open_window(store)
    window.findChild(type(window.show_arcs_action), "showArcsAction").trigger()
    overlay, view = window.arcs, window.findChild(TextView, "textView")
    try:
        bar = view.verticalScrollBar()
        bar.setValue(bar.maximum() // 2)
        overlay.repaint()
        lo, hi = overlay.visible_range()
        spans = window.facts.spans_by_id()
        expected = {f.id for f in window.facts.facts
                    if any(spans[a.span_id].start <= hi and spans[a.span_id].end > lo for a in f.args)}
        assert 0 < len(expected) < 100 and {f.id for f in overlay._facts_in(lo, hi)} == expected
        gathered = overlay.facts_read

        def no_store_reads(*_args, **_kwargs):
            raise AssertionError("a repaint of the arcs read the store")

        for name in ("ranges_starting", "facts", "spans_by_id"):
            monkeypatch.setattr(store, name, no_store_reads)
        for step in range(5):
            overlay.repaint()
            assert overlay._facts_in(lo + step * 3000, hi + step * 3000)  # as further down, once scrolled there
        assert overlay.facts_read == gathered, "the facts' places are gathered once, not on every repaint"
    finally:
        window.show_arcs_action.trigger()  # the setting is kept for the next window


def test_the_role_picker_lists_the_spans_around_the_fact_not_the_whole_layer(qtbot, open_window, store, monkeypatch):
    from PySide6.QtWidgets import QWidget

    from annotator.ui.facts.fact_linking import NEARBY

    text = long_article()
    doc, _ = store.add_document("long", text)
    spans = [Span(None, None, "ana", m.start(), m.end(), label, m.group())
             for pattern, label in (("Joko Widodo", "PERSON"), ("Bandung", "LOCATION"))
             for m in re.finditer(pattern, text)]
    store.import_annotated([AnnotatedDocument(doc, sorted(spans, key=lambda s: s.start))])
    window = open_window(store)
    view = window.findChild(TextView, "textView")

    def whole_layer(*_args, **_kwargs):
        raise AssertionError("the role picker read every span of the layer")

    monkeypatch.setattr(store, "spans", whole_layer)
    line = text.index("Paragraf 2000:")
    person = next(s for s in store.spans_by_id(range(1, 7000)).values() if s.start == text.index("Joko", line))
    view.layer.select(person.id)
    view.setFocus()
    qtbot.keyClick(view, "r", Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    picker = window.findChild(QWidget, "rolePicker")
    qtbot.keyClick(picker.filter, "1")  # MEMBER_OF: now the group, a LOCATION
    assert 0 < len(picker.rows()) <= NEARBY
    assert picker.list.currentItem().text().endswith(f"LOCATION {text.index('Bandung', line)}")
    qtbot.keyClick(picker.filter, Qt.Key.Key_Return)
    (fact,) = store.facts(doc.id, "ana")
    assert [store.span(a.span_id).start for a in fact.args] == [person.start, text.index("Bandung", line)]
