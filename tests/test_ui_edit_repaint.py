"""What an edit repaints in the window: the span table's rows from the edited
one down, painted from what the model keeps (no role asked of it per cell);
the entity panel where it was; the label names of the edited block measured
again, the rest kept; the layers over the text repainted only where the text
is. Functional checks (regions, calls, geometry), no timings: the figures are
in benchmarks/scale_window.py."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QRect, Qt
from PySide6.QtGui import QRegion
from PySide6.QtWidgets import QApplication, QLabel, QStyleOptionViewItem
from test_ui_labelling import open_window, view_of  # noqa: F401 (a fixture)
from test_ui_long_article import add_article, long_article

import annotator.ui.labelling.label_tags as label_tags
from annotator.ui.labelling.annotation_panel import NO_ENTITY_TITLE
from annotator.ui.labelling.span_table import SpanTableModel

WORDS = "Budi bertemu Siti di Medan lalu Ani pergi ke Bandung bersama Joko dan Dewi pada hari Senin pagi."


class Painted(QObject):
    """The regions of the paint events a widget gets while `on`."""

    def __init__(self, widget) -> None:  # noqa: ANN001
        super().__init__(widget)
        self.region, self.events, self.on = QRegion(), 0, False
        widget.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802, ANN001
        if self.on and event.type() == QEvent.Type.Paint:
            self.region += event.region()
            self.events += 1
        return False


def idle() -> None:
    for _ in range(3):
        QApplication.processEvents()


def short_window(open_window, store):  # noqa: ANN001, F811
    """A window on one article whose spans all fit in the span table, none selected."""
    doc, _ = store.add_document("kabar", WORDS)
    for name in ("Budi", "Siti", "Medan", "Ani", "Joko", "Dewi"):
        start = WORDS.index(name)
        store.add_span(doc.id, "ana", start, start + len(name), "PERSON" if name != "Medan" else "LOCATION")
    window = open_window(store)
    window.resize(1400, 900)
    window.show_document(doc.id)
    idle()
    return window


def test_labelling_repaints_the_span_table_from_its_row_down_and_asks_the_model_no_roles(
        qtbot, open_window, store, monkeypatch):  # noqa: F811
    asked = []
    data = SpanTableModel.data
    # (patched before the window is made: Qt looks the method up when the model is created)
    monkeypatch.setattr(SpanTableModel, "data", lambda self, index, role=0: asked.append(role) or data(self, index, role))
    window = short_window(open_window, store)
    view, table = view_of(window), window.span_table
    assert table.model().rowCount() == 6
    start = WORDS.index("Bandung")  # after Budi, Siti, Medan, Ani: the fifth row of seven
    view.select_range(start, start + len("Bandung"))
    view.setFocus()
    idle()
    asked.clear()
    qtbot.keyClick(view, "l")
    table.viewport().repaint()  # every row in view, as when the rows scroll
    idle()
    assert table.model().rowCount() == 7 and table.verticalScrollBar().value() == 0
    assert table.selectionModel().selectedRows()[0].row() == 4
    assert Qt.ItemDataRole.DisplayRole not in asked and Qt.ItemDataRole.DecorationRole not in asked
    # what the cells show comes from the model's rows as kept, through the delegate
    option = QStyleOptionViewItem()
    shown = []
    for column in range(5):
        table.itemDelegate().initStyleOption(option, table.model().index(4, column))
        shown.append(option.text)
    assert shown == ["Bandung", "LOCATION", "ana", str(start), str(start + 7)]
    assert table.model().index(4, 3).data() == start  # data() still answers, as a number


def test_an_added_row_repaints_no_row_above_it(qtbot, open_window, store):  # noqa: F811
    window = short_window(open_window, store)
    view, table = view_of(window), window.span_table
    start = WORDS.index("Bandung")
    view.select_range(start, start + len("Bandung"))
    view.setFocus()
    idle()
    painted = Painted(table.viewport())
    painted.on = True
    qtbot.keyClick(view, "l")
    idle()
    assert painted.events
    assert painted.region.boundingRect().top() >= table.rowViewportPosition(4)
    # and a removed one: the rows from its place down
    painted.region, painted.events = QRegion(), 0
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    idle()
    assert table.model().rowCount() == 6
    assert painted.events and painted.region.boundingRect().top() >= table.rowViewportPosition(4)


def test_the_entity_panel_keeps_its_place_when_a_span_is_labelled_and_deleted(qtbot, open_window, store):  # noqa: F811
    window = short_window(open_window, store)
    view, panel = view_of(window), window.annotation_panel
    title = panel.findChild(QLabel, "annotationTitle")
    places = lambda: (panel.isVisible(), panel.geometry(), window.fact_panel.geometry())  # noqa: E731
    before = places()
    assert before[0] and title.text() == NO_ENTITY_TITLE and not panel.note.isEnabled()
    start = WORDS.index("Bandung")
    view.select_range(start, start + len("Bandung"))
    view.setFocus()
    qtbot.keyClick(view, "l")
    idle()
    assert title.text().startswith("LOCATION") and panel.note.isEnabled()
    assert title.fill is not None and title.fill.name() == window.store.schema().label("LOCATION").color.lower()
    assert places() == before
    qtbot.keyClick(view, "p")  # relabelled: the title's colour follows
    idle()
    assert title.text().startswith("PERSON") and title.fill.name() == window.store.schema().label("PERSON").color.lower()
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    idle()
    assert title.text() == NO_ENTITY_TITLE and title.fill is None and not panel.note.isEnabled()
    assert places() == before


def test_label_names_of_the_edited_block_alone_are_measured_again(qtbot, open_window, store, monkeypatch):  # noqa: F811
    add_article(store, long_article(), r"Joko Widodo|Kim")
    window = open_window(store)
    view, tags = view_of(window), window.label_tags
    tags.grab()
    before = dict(tags.drawn)
    measured = []
    line_start = label_tags._line_start
    monkeypatch.setattr(label_tags, "_line_start", lambda block, position: measured.append(block.blockNumber())
                        or line_start(block, position))
    text = view.layer.text
    start = text.index("Bandung", text.index("Paragraf 3:"))
    block = view.document().findBlock(view.layer.positions.to_document(start)).blockNumber()
    view.select_range(start, start + len("Bandung"))
    view.setFocus()
    qtbot.keyClick(view, "l")
    idle()
    tags.grab()
    after = dict(tags.drawn)
    assert set(measured) == {block}  # Joko Widodo, Kim and the new Bandung of that paragraph
    assert len(after) == len(before) + 1
    # the same places as measured from nothing
    tags._forget()
    tags.grab()
    assert dict(tags.drawn) == after


def test_the_layers_over_the_text_repaint_only_where_the_text_does(qtbot, open_window, store):  # noqa: F811
    add_article(store, long_article(), r"Joko Widodo")
    window = open_window(store)
    view = view_of(window)
    view.place_caret(view.layer.text.index("Bandung", 2000))
    view.ensureCursorVisible()
    idle()
    painted = Painted(window.label_tags)
    painted.on = True
    view.place_caret(view.layer.text.index("Bandung", 2000) + 1)  # the text asks to repaint where the caret was and is
    idle()
    assert painted.events
    assert painted.region.boundingRect().height() < view.viewport().height() / 4


def test_the_blocks_painted_last_keep_their_glyphs_and_no_more(qtbot, open_window, store, monkeypatch):  # noqa: F811
    import annotator.ui.labelling.span_highlighter as span_highlighter

    monkeypatch.setattr(span_highlighter, "KEPT_GLYPHS", 40)
    add_article(store, long_article(), r"Joko Widodo")
    window = open_window(store)
    view = view_of(window)
    doc = view.document()

    def keeping() -> list[int]:
        found, block = [], doc.begin()
        while block.isValid():
            if block.layout().cacheEnabled():
                found.append(block.blockNumber())
            block = block.next()
        return found

    first = view.firstVisibleBlock().blockNumber()
    assert first in keeping()  # the lines on screen are drawn without being shaped again
    bar = view.verticalScrollBar()
    for step in range(1, 8):
        bar.setValue(bar.maximum() * step // 8)
        idle()
    kept = keeping()
    assert 0 < len(kept) <= max(40, len(view.highlighter.visible)) and first not in kept
    assert view.firstVisibleBlock().blockNumber() in kept
    # a block that let go of its glyphs is painted again when it comes back into view
    bar.setValue(0)
    idle()
    assert first in keeping() and first in view.highlighter.painted
