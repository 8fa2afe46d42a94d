"""The document list at scale: rows are read lazily, an edit repaints the one
row it touched, the progress count is kept, and the filter box searches."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QAbstractItemView, QLabel, QLineEdit

from annotator.domain import AnnotatedDocument, Document
from test_ui_labelling import open_window  # noqa: F401  (the fixture: a shown, active window)

CORPUS = 10_000


@pytest.fixture
def big_store(store):
    """10,000 documents written by the bulk import, one transaction."""
    def topic(i: int) -> str:
        return "banjir" if i % 1000 == 7 else "pasar"

    store.import_annotated(
        AnnotatedDocument(Document(None, f"Berita {i}", f"Artikel nomor {i} tentang {topic(i)}."), [], [], {})
        for i in range(CORPUS))
    return store


def listed(window) -> list[str]:
    model = window.findChild(QAbstractItemView, "documentList").model()
    return [model.index(row, 0).data().split("\n")[0][2:] for row in range(model.rowCount())]


class Signals:
    """Counts the list model's row changes and resets."""

    def __init__(self, model):
        self.changed: list[tuple[int, int]] = []
        self.resets = 0
        model.dataChanged.connect(lambda top, bottom, *_: self.changed.append((top.row(), bottom.row())))
        model.modelReset.connect(self._reset)

    def _reset(self):
        self.resets += 1


def test_a_long_list_reads_only_a_window_of_rows(qtbot, big_store, open_window, monkeypatch):
    pages = []
    read_page = big_store.document_page
    monkeypatch.setattr(big_store, "document_page", lambda *args, **kw: pages.append(args) or read_page(*args, **kw))
    window = open_window(big_store)
    assert len(pages) == 1  # opening reads the first page of summaries once
    view = window.findChild(QAbstractItemView, "documentList")
    model = view.model()
    assert model.rowCount() == CORPUS
    qtbot.wait(10)  # let the view paint what it shows
    assert 0 < model.fetched_rows() <= 200
    target = big_store.document_page("ana", "", 8_999, 1)[0].id
    window.show_document(target)
    assert view.currentIndex().row() == 8_999 and window.layer.document_id == target
    window.findChild(QAction, "nextDocument").trigger()
    assert view.currentIndex().row() == 9_000
    assert window.layer.document.title == "Berita 9000"
    assert model.fetched_rows() <= 400


class Calls:
    """Counts the Python calls the view makes into the list model."""

    def __init__(self, monkeypatch):
        from annotator.ui.documents.document_list_model import DocumentListModel

        self.count = 0
        for name in ("rowCount", "data"):
            original = getattr(DocumentListModel, name)
            monkeypatch.setattr(DocumentListModel, name, self._counting(original))

    def _counting(self, original):
        def counted(model, *args):
            self.count += 1
            return original(model, *args)
        return counted


@pytest.mark.parametrize("corpus", [100, CORPUS])
def test_a_reset_of_the_list_asks_only_for_the_rows_in_sight(qtbot, store, open_window, monkeypatch, corpus):
    store.import_annotated(AnnotatedDocument(Document(None, f"Berita {i}", f"Artikel nomor {i}."), [], [], {})
                           for i in range(corpus))
    calls = Calls(monkeypatch)
    window = open_window(store)
    view = window.findChild(QAbstractItemView, "documentList")
    view.viewport().repaint()
    assert view.model().rowCount() == corpus and 0 < calls.count < 2_000
    for action in (window.documents.refresh, lambda: window.documents.model.forget_rows()):
        calls.count = 0
        action()
        view.viewport().repaint()
        # the rows in sight and a few more, not one call per document (QTreeView: 10,000+)
        assert 0 < calls.count < 1_000
    assert view.model().fetched_rows() <= 200


def test_an_edit_repaints_only_its_row_and_the_progress_is_kept(qtbot, big_store, open_window, monkeypatch):
    window = open_window(big_store)
    second = big_store.document_page("ana", "", 1, 1)[0].id
    window.show_document(second)
    progress = window.findChild(QLabel, "progressStatus")
    assert progress.text() == f"0 / {CORPUS} done"
    signals = Signals(window.documents.model)

    def no_counting(*args, **kwargs):
        raise AssertionError("the progress was counted over every document")

    monkeypatch.setattr(big_store, "finished_count", no_counting)
    monkeypatch.setattr(big_store, "document_count", no_counting)
    view = window.text_view
    view.place_caret(0)
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(view, Qt.Key.Key_P)  # PERSON
    assert [s.text for s in big_store.spans(second, "ana")] == ["Artikel"]
    assert signals.changed == [(1, 1)]
    assert "1 span · in progress" in window.documents.model.index(1, 0).data()
    window.findChild(QAction, "markDone").trigger()
    assert progress.text() == f"1 / {CORPUS} done"
    window.undo_stack.undo()  # the mark
    assert progress.text() == f"0 / {CORPUS} done"
    window.undo_stack.undo()  # the label
    assert big_store.spans(second, "ana") == []
    assert signals.resets == 0 and set(signals.changed) == {(1, 1)}  # row 1 alone, never the list
    assert "0 spans" in window.documents.model.index(1, 0).data()


def test_an_edit_of_the_shown_document_does_not_count_its_spans_again(qtbot, store, open_window, monkeypatch):
    doc, _ = store.add_document("Panjang", "kata " * 2_000)
    for i in range(0, 500, 2):  # spans on every other word: counting them is what a long article makes slow
        store.add_span(doc.id, "ana", i * 5, i * 5 + 4, "PERSON")
    window = open_window(store)
    model = window.documents.model
    assert "250 spans · in progress" in model.index(0, 0).data()
    summaries = []
    read = store.document_summary
    monkeypatch.setattr(store, "document_summary", lambda *a: summaries.append(a) or read(*a))
    view = window.text_view
    view.select_range(5, 9)
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_L)  # LOCATION
    assert "251 spans · in progress" in model.index(0, 0).data()
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert "250 spans" in model.index(0, 0).data()
    window.undo_stack.undo()
    assert "251 spans" in model.index(0, 0).data()
    window.findChild(QAction, "markDone").trigger()
    assert "251 spans · done · finished: ana" in model.index(0, 0).data()
    assert summaries == []  # the window's own count and one status read, not a count of every span
    store.add_span(doc.id, "budi", 0, 4, "PERSON")  # another layer: not the one shown, so read from the store
    window.documents.set_annotator("budi")
    assert "1 span · in progress" in model.index(0, 0).data()


def test_the_filter_box_searches(qtbot, big_store, open_window):
    window = open_window(big_store)
    box = window.findChild(QLineEdit, "documentFilter")
    qtbot.keyClicks(box, "banjir")
    qtbot.waitUntil(lambda: window.documents.model.rowCount() == 10)
    assert listed(window) == [f"Berita {i}" for i in range(7, CORPUS, 1000)]
    box.clear()
    qtbot.keyClicks(box, '"nomor 12')  # a phrase not yet closed: the list stays, a message says why
    qtbot.waitUntil(lambda: window.findChild(QLabel, "documentFilterMessage").isVisible())
    assert "not closed" in window.findChild(QLabel, "documentFilterMessage").text()
    qtbot.keyClicks(box, '3"')
    qtbot.waitUntil(lambda: listed(window) == ["Berita 123"])
    assert not window.findChild(QLabel, "documentFilterMessage").isVisible()
    box.setText("berita 42*")
    box.returnPressed.emit()
    model = window.documents.model
    # matches are not counted: rows come a page at a time as the list scrolls to its end
    assert listed(window)[:3] == ["Berita 42", "Berita 420", "Berita 421"] and model.rowCount() == 100
    assert model.canFetchMore()
    window.findChild(QAbstractItemView, "documentList").scrollToBottom()
    qtbot.waitUntil(lambda: model.rowCount() == 111)
    assert not model.canFetchMore() and listed(window)[-1] == "Berita 4299"
    box.setText("pasar")  # 9,990 matches: next document past the first page reads the next one
    box.returnPressed.emit()
    window.show_document(model.summary_at(99).id)
    window.findChild(QAction, "nextDocument").trigger()
    assert window.layer.document.title == "Berita 101" and model.rowCount() == 200


def test_the_filter_finds_annotations(qtbot, big_store, open_window):
    text = big_store.document(5).text
    big_store.add_span(5, "budi", 0, len("Artikel"), "PERSON")
    big_store.set_status(9, "ana", "done")
    window = open_window(big_store)
    assert window.findChild(QLabel, "progressStatus").text() == f"1 / {CORPUS} done"
    box = window.findChild(QLineEdit, "documentFilter")
    box.setText("label:PERSON artikel")
    box.returnPressed.emit()
    assert listed(window) == [big_store.document(5).title] and text.startswith("Artikel")
    box.setText("status:done")
    box.returnPressed.emit()
    assert listed(window) == [big_store.document(9).title]


def test_a_row_counts_its_spans_in_words_and_shows_its_title_as_plain_text(qtbot, store, open_window):
    doc, _ = store.add_document("<b>Berita</b> satu", "Joko di Bandung.")
    store.add_span(doc.id, "ana", 0, 4, "PERSON")
    window = open_window(store)
    index = window.documents.model.index(0, 0)
    assert "\n    1 span · in progress" in index.data(Qt.ItemDataRole.DisplayRole)
    assert "&lt;b&gt;Berita&lt;/b&gt;" in index.data(Qt.ItemDataRole.ToolTipRole)
    store.add_span(doc.id, "ana", 8, 15, "LOCATION")
    assert "\n    2 spans · in progress" in index.data(Qt.ItemDataRole.DisplayRole)


def test_the_filter_message_quotes_the_query_as_plain_text(qtbot, big_store, open_window):
    window = open_window(big_store)
    window.findChild(QLineEdit, "documentFilter").setText('"<b>Berita')
    message = window.findChild(QLabel, "documentFilterMessage")
    qtbot.waitUntil(message.isVisible)
    assert message.textFormat() == Qt.TextFormat.PlainText and "<b>" in message.text()


def test_the_list_is_walked_with_the_arrow_keys_and_tab_leaves_it(qtbot, store, open_window):
    for i in range(3):
        store.add_document(f"Berita {i}", f"Artikel nomor {i}.")
    window = open_window(store)
    view = window.findChild(QAbstractItemView, "documentList")
    view.setFocus()
    assert window.layer.document.title == "Berita 0"
    qtbot.keyClick(view, Qt.Key.Key_Down)
    qtbot.keyClick(view, Qt.Key.Key_Down)
    assert window.layer.document.title == "Berita 2" and view.currentIndex().row() == 2
    assert view.selectionModel().selectedRows()[0].row() == 2  # the whole row, as a list shows it
    qtbot.keyClick(view, Qt.Key.Key_Up)
    assert window.layer.document.title == "Berita 1"
    qtbot.keyClick(view, Qt.Key.Key_Tab)
    assert not view.hasFocus() and view.currentIndex().row() == 1  # Tab moves on, not to a next cell
