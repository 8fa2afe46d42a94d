"""The window shows what another process committed to its database (an
`annotator import`, a colleague's merge): when it is activated, and on its
slow timer."""

from __future__ import annotations

import pytest
import shiboken6
from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication, QPushButton

from annotator.domain import Label
from annotator.store import Store
from annotator.project import open_project
from annotator.ui.main_window import MainWindow

TEXT = "Ani 👩🏽‍💻 tinggal di Bandung.\r\nBudi ke Café\u0301 Jakarta."


@pytest.fixture
def make_window(qtbot):
    windows = []

    def make(store):
        window = MainWindow(store, "ana")
        window.show()
        qtbot.waitExposed(window)
        windows.append(window)
        return window

    yield make
    for window in windows:
        if shiboken6.isValid(window):
            window.close()
        window.store.close()  # after the window: it reads the store while it is open


def activate(window) -> None:
    QApplication.sendEvent(window, QEvent(QEvent.Type.WindowActivate))


def titles(window) -> list[str]:
    model = window.documents.model
    return [model.summary_at(row).title for row in range(model.rowCount())]


def test_activation_shows_documents_spans_and_labels_added_elsewhere(qtbot, tmp_path, make_window):
    store = open_project(tmp_path / "p.db")
    doc, _ = store.add_document("Berita", TEXT)
    window = make_window(store)
    assert window.layer.spans == []
    other = Store.open(tmp_path / "p.db")
    other.add_document("Impor", "Dokumen dari proses lain.")
    start = TEXT.index("Bandung")
    other.add_span(doc.id, "ana", start, start + len("Bandung"), "LOCATION")
    other.save_label(Label("TOPIC", "entity", color="#aaccee"))
    other.close()
    activate(window)
    assert [(s.start, s.text, s.label) for s in window.layer.spans] == [(start, "Bandung", "LOCATION")]
    qtbot.waitUntil(lambda: titles(window) == ["Berita", "Impor"])
    assert window.palette.findChild(QPushButton, "label:TOPIC") is not None
    assert window.span_table.model().rowCount() == 1


def test_empty_window_opens_the_first_document_imported_elsewhere(qtbot, tmp_path, make_window):
    store = open_project(tmp_path / "p.db")
    window = make_window(store)
    assert window.layer.document is None
    other = Store.open(tmp_path / "p.db")
    other.add_document("Impor", TEXT)
    other.close()
    assert window.check_external_changes()
    assert window.layer.document is not None and window.layer.text == TEXT
    assert window.text_view.toPlainText().replace("\u2029", "\n") == TEXT.replace("\r\n", "\n")


def test_the_timer_notices_changes_and_quiet_checks_reload_nothing(qtbot, tmp_path, make_window):
    store = open_project(tmp_path / "p.db")
    store.add_document("Berita", TEXT)
    window = make_window(store)
    assert window.external_check.isActive()
    reloads = []
    store.subscribe(lambda kind, doc_id: reloads.append(kind))
    activate(window)
    store.add_document("Sendiri", "Ditulis lewat jendela ini.")  # its own commit is no outside change
    reloads.clear()
    assert not window.check_external_changes()
    assert reloads == []
    other = Store.open(tmp_path / "p.db")
    other.add_document("Impor", "Dokumen dari proses lain.")
    other.close()
    window.external_check.setInterval(10)
    qtbot.waitUntil(lambda: "Impor" in titles(window))
    window.close()
    assert not window.external_check.isActive()
