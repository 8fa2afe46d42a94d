"""File → Sync with team server… against a real PostgreSQL: the window pulls the
documents assigned to its annotator, pushes what was labelled in it, keeps the
address (never the password), and a wrong password is a message, not a crash."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QCheckBox, QLabel, QLineEdit, QPlainTextEdit, QPushButton
from team_layers import layers_by_text
from team_project import PASSWORD, run, start_project
from test_ui_labelling import open_window, view_of  # noqa: F401 (a fixture)

from annotator.server.connection import shown, with_password
from annotator.store import Store
from annotator.ui.files.team_sync import SERVER_SETTING, SyncDialog

TEXTS = [(f"Berita {i}", f"Presiden Joko Widodo berkata di Jakarta bahwa kota {i} akan dibangun.") for i in range(4)]


@pytest.fixture
def project(server_database, tmp_path):
    project = start_project(server_database, tmp_path, TEXTS)
    project.add("ana")
    run("team", "assign", "--annotator", "ana", "--count", "2", "--server", project.url("lena"))
    return project


def sync_in_dialog(qtbot, window, server: str, password: str, *, automatic: bool = False) -> str:
    """Open File → Sync…, fill it in as a person would, press Sync, read the summary, close."""
    seen: list[str] = []

    def drive() -> None:
        dialog = next(w for w in QApplication.topLevelWidgets() if isinstance(w, SyncDialog) and w.isVisible())
        dialog.findChild(QLineEdit, "syncServer").setText(server)
        dialog.findChild(QLineEdit, "syncPassword").setText(password)
        dialog.findChild(QCheckBox, "syncAutomatically").setChecked(automatic)
        dialog.findChild(QPushButton, "syncRun").click()  # returns once the sync has ended
        seen.append(dialog.findChild(QPlainTextEdit, "syncSummary").toPlainText())
        dialog.findChild(QPushButton, "syncClose").click()

    QTimer.singleShot(0, drive)
    window.findChild(QAction, "syncWithServer").trigger()
    assert seen, "the dialog was not driven"
    return seen[0]


def test_sync_from_the_window_pulls_pushes_and_keeps_the_address_without_its_password(qtbot, open_window, project):
    store = Store.open(project.local("ana"), create=False)
    window = open_window(store, "ana")
    url = project.url("ana")
    server = shown(url)  # the address as a person types it; the password goes in its own box
    assert PASSWORD.format(name="ana") not in server
    summary = sync_in_dialog(qtbot, window, server, PASSWORD.format(name="ana"), automatic=True)
    assert "synced as ana (annotator)" in summary and "pulled 2 document(s)" in summary
    assert window.documents.model.rowCount() >= 2  # the list shows what was pulled, without reopening
    assert store.setting(SERVER_SETTING) == server
    assert window.team_sync.timer.isActive()  # automatic syncs every few minutes from now on
    team = window.findChild(QLabel, "progressTeam")  # View → Progress, connected: the server's figures
    assert team.text().splitlines()[1] == "ana: 0 of 2 assigned finished, 0 spans, 0 facts"

    # label in the window, then the next (automatic) sync pushes it
    document = store.document_ids()[0]
    window.show_document(document)
    view = view_of(window)
    text = store.document_text(document)
    view.select_range(text.index("Joko"), text.index("Joko") + 11)
    view.setFocus()
    qtbot.keyClick(view, "p")
    assert [s.text for s in store.spans(document, "ana")] == ["Joko Widodo"]
    window.team_sync.sync_in_background()
    qtbot.waitUntil(lambda: window.team_sync.running is None, timeout=60000)
    assert "synced" in window.statusBar().currentMessage()
    assert team.text().splitlines()[1] == "ana: 0 of 2 assigned finished, 1 span, 0 facts"
    # the choice is kept: the next window on this file syncs every few minutes from the start
    window.close()
    assert open_window(store, "ana").team_sync.timer.isActive()
    lead = project.sync("lena")  # the lead reads everyone's layers
    assert "layer(s)" in lead.output
    assert layers_by_text(project.local("lena"), ["ana"]) == layers_by_text(project.local("ana"), ["ana"])
    assert any(content[1] for content in layers_by_text(project.local("lena"), ["ana"]).values())  # the span


def test_a_wrong_password_is_a_message_and_changes_nothing(qtbot, open_window, project):
    store = Store.open(project.local("ana"), create=False)
    window = open_window(store, "ana")
    summary = sync_in_dialog(qtbot, window, shown(project.url("ana")), "not the password")
    assert "cannot connect" in summary and "not the password" not in summary
    assert store.document_ids() == []
    assert not window.team_sync.timer.isActive()


def test_with_password_puts_the_password_in_the_address_and_shown_takes_it_out():
    url = with_password("postgresql://ana@db.example.org:5433/news", "p@ss:word/1")
    assert url == "postgresql://ana:p%40ss%3Aword%2F1@db.example.org:5433/news"
    assert shown(url) == "postgresql://ana@db.example.org:5433/news"
    assert with_password("postgresql://ana@db/news", "") == "postgresql://ana@db/news"
