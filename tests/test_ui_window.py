"""Window-level behaviour: starting on a bad database, documents and status."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QMessageBox

from annotator.ui.app import run_app
from annotator.ui.main_window import MainWindow


def test_a_corrupt_database_gets_a_message_not_a_traceback(qapp, tmp_path, monkeypatch):
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"this is not sqlite" * 100)
    shown = []
    monkeypatch.setattr(QMessageBox, "critical", lambda parent, title, text: shown.append(text))
    assert run_app(bad, "ana", is_default=False) == 1
    assert shown and str(bad) in shown[0]
    assert bad.read_bytes() == b"this is not sqlite" * 100


def test_next_document_mark_done_and_progress(qtbot, store):
    first, _ = store.add_document("one", "Satu dua tiga.")
    second, _ = store.add_document("two", "Empat lima.")
    window = MainWindow(store, "ana")
    qtbot.addWidget(window)
    assert window.layer.document_id == first.id
    window.findChild(type(window.mark_done_action), "markDone").trigger()
    assert store.status(first.id, "ana") == "done"
    assert window.findChild(QLabel, "progressStatus").text() == "1 / 2 done"
    window.findChild(type(window.mark_done_action), "nextDocument").trigger()
    assert window.layer.document_id == second.id
    assert window.text_view.toPlainText() == "Empat lima."
    window.undo_stack.undo()  # the second document's history is empty: the first's status stays
    assert store.status(first.id, "ana") == "done"
    window.findChild(type(window.mark_done_action), "previousDocument").trigger()
    window.undo_stack.undo()
    assert store.status(first.id, "ana") == "todo"
    assert window.findChild(QLabel, "progressStatus").text() == "0 / 2 done"


def test_switching_annotator_shows_only_their_layer(qtbot, store):
    doc, _ = store.add_document("one", "Joko di Bandung.")
    store.add_span(doc.id, "ana", 0, 4, "PERSON")
    store.add_span(doc.id, "budi", 8, 15, "LOCATION")
    window = MainWindow(store, "ana")
    qtbot.addWidget(window)
    assert [s.text for s in window.layer.spans] == ["Joko"]
    window.set_annotator("budi")
    assert [s.text for s in window.layer.spans] == ["Bandung"]
    assert window.findChild(QLabel, "annotatorStatus").text() == "annotator: budi"


def test_save_indicator_reports_each_commit(qtbot, tmp_path):
    from annotator.project import open_project

    store = open_project(tmp_path / "s.db", samples=True)
    window = MainWindow(store, "ana")
    qtbot.addWidget(window)
    status = window.findChild(QLabel, "saveStatus")
    assert status.text() == "all edits saved"
    text = store.document(1).text
    store.add_span(1, "ana", text.find("Kim"), text.find("Kim") + 3, "PERSON")
    assert status.text().startswith("saved ")
    window.close()
    store.close()


def test_every_label_button_is_in_view_at_1280_by_800(qtbot, seeded_store):
    from PySide6.QtWidgets import QPushButton, QScrollArea, QWidget

    from annotator.ui.main_window import MainWindow

    window = MainWindow(seeded_store, "ana")
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    qtbot.waitExposed(window)
    palette = window.findChild(QWidget, "labelPalette")
    viewport = next(a for a in window.findChildren(QScrollArea) if a.widget() is palette).viewport()
    buttons = [b for b in palette.findChildren(QPushButton) if b.objectName().startswith("label:")]
    assert len(buttons) == len(seeded_store.schema().labels)
    for button in buttons:
        top_left = button.mapTo(viewport, button.rect().topLeft())
        bottom_right = button.mapTo(viewport, button.rect().bottomRight())
        assert viewport.rect().contains(top_left) and viewport.rect().contains(bottom_right), button.objectName()
        assert button.fontMetrics().horizontalAdvance(button.text()) < button.width(), button.objectName()


def test_another_document_is_laid_out_at_the_width_the_text_had(qtbot, store):
    from PySide6.QtCore import QEvent, QObject
    from PySide6.QtWidgets import QApplication

    long_text = "\n".join(f"Paragraf {n}: Joko Widodo bertemu warga di Jakarta pada hari Senin." for n in range(80))
    first, _ = store.add_document("one", long_text)
    store.add_document("two", long_text.replace("Joko", "Budi"))
    store.add_document("short", "Empat lima.")
    window = MainWindow(store, "ana")
    qtbot.addWidget(window)
    window.resize(1000, 700)
    window.show()
    qtbot.waitExposed(window)
    QApplication.processEvents()  # the window's first layout settles
    viewport = window.text_view.viewport()
    width = viewport.width()

    class Resizes(QObject):
        seen = 0

        def eventFilter(self, watched, event):  # noqa: N802, ANN001
            if watched is viewport and event.type() == QEvent.Type.Resize:
                Resizes.seen += 1
            return False

    resizes = Resizes()
    viewport.installEventFilter(resizes)
    for _ in range(2):  # to the other long text, then the short one
        window.findChild(type(window.mark_done_action), "nextDocument").trigger()
        QApplication.processEvents()  # where the scroll bar's going and coming back resized the text
    viewport.removeEventFilter(resizes)
    assert Resizes.seen == 0 and viewport.width() == width  # a scroll bar coming and going would resize it
