"""File → Sync with team server…: `annotator sync` from the window, and again
every few minutes while the window is open.

The sync runs in the background on its own connection to the local file
(`background.py`), so labelling goes on meanwhile; the window reloads what it
pulled when it is done. A sync stopped part way (Cancel, a lost network) is
as safe as a killed one: the next sync finishes it. The server's address is
kept in the project database (without a password); the password only in
memory, for the automatic syncs of this window.
"""

from __future__ import annotations

import os

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from annotator.store import Store, StoreError
from annotator.ui.widgets.background import WorkTask, run_with_progress
from annotator.ui.widgets.edit_queue import save_in_turn
from annotator.ui.widgets.plain_text import plain_label

AUTOMATIC_SYNC_MS = 5 * 60 * 1000
SERVER_SETTING = "team_server"
AUTOMATIC_SETTING = "team_sync_automatic"


class SyncCancelled(StoreError):
    """Cancel pressed: the sync stopped where it was, as safely as a kill."""


def sync_work(url: str, annotator: str):
    """The work of one sync for a background task: its progress callback's
    False (Cancel) stops the sync by raising `SyncCancelled`."""
    def work(store: Store, progress) -> tuple[list[str], list[dict]]:
        from annotator.server.assignments import status
        from annotator.server.setup import open_team_project
        from annotator.server.sync import sync

        def told(_stage: str, done: int, total: int) -> None:
            if not progress(done, total):
                raise SyncCancelled("the sync stopped part way; sync again to finish it")

        lines = sync(store, url, annotator, told).lines()
        conn = open_team_project(url)
        try:  # the team's progress as the server sees it (as much of it as this member may read)
            team = [entry.as_json() for entry in status(conn)]
        finally:
            conn.close()
        return lines, team
    return work


class SyncTask(WorkTask):
    cancel_errors = (SyncCancelled,)


class SyncDialog(QDialog):
    """The server's address, the password, automatic syncs, and the last sync's summary."""

    def __init__(self, server: str, password: str, automatic: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("syncDialog")
        self.setWindowTitle("Sync with team server")
        self.server = QLineEdit(server, self, objectName="syncServer")
        self.server.setPlaceholderText("postgresql://ana@server.example.org/newsroom")
        self.password = QLineEdit(password, self, objectName="syncPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.automatic = QCheckBox("Sync every 5 minutes while this window is open", self,
                                   objectName="syncAutomatically")
        self.automatic.setChecked(automatic)
        self.summary = QPlainTextEdit(self, objectName="syncSummary")
        self.summary.setReadOnly(True)
        buttons = QDialogButtonBox(self)
        self.sync_button = buttons.addButton("Sync", QDialogButtonBox.ButtonRole.AcceptRole)
        self.sync_button.setObjectName("syncRun")
        close = buttons.addButton(QDialogButtonBox.StandardButton.Close)
        close.setObjectName("syncClose")
        close.clicked.connect(self.reject)
        form = QFormLayout()
        form.addRow("Server:", self.server)
        form.addRow("Password:", self.password)
        layout = QVBoxLayout(self)
        about = plain_label("Pushes your layer (and gold, as a reviewer) and pulls the documents assigned to you, "
                            "the schema, gold and, as a reviewer, everyone's layers. Nothing you did not make is "
                            "overwritten.", self)
        about.setWordWrap(True)
        layout.addWidget(about)
        layout.addLayout(form)
        layout.addWidget(self.automatic)
        layout.addWidget(self.summary)
        layout.addWidget(buttons)
        self.resize(560, 360)


class TeamSync(QObject):
    """The window's syncs: by hand behind a progress dialog, and automatic ones in the background."""

    synced = Signal(list)
    """The summary lines of a sync that ended well."""
    teamProgress = Signal(list)
    """Per annotator, as `annotator team status --json` gives it, after each sync."""
    failed = Signal(str)

    def __init__(self, window, store: Store) -> None:  # window: MainWindow (no import: it imports us)
        super().__init__(window)
        self.window, self.store = window, store
        self.server = store.setting(SERVER_SETTING) or os.environ.get("ANNOTATOR_SERVER", "")
        self.password = ""
        self.timer = QTimer(self)
        self.timer.setInterval(AUTOMATIC_SYNC_MS)
        self.timer.timeout.connect(self.sync_in_background)
        self.running: SyncTask | None = None
        self.dialog: SyncDialog | None = None
        if self.server and store.setting(AUTOMATIC_SETTING) == "1":
            # chosen in an earlier session: sync every few minutes from the start, with
            # the password PostgreSQL finds itself (~/.pgpass, $PGPASSWORD) until one is typed
            self.timer.start()

    def _url(self) -> str:
        from annotator.server.connection import with_password

        return with_password(self.server, self.password)

    def show_dialog(self) -> None:
        from annotator.server.connection import is_server_url

        dialog = self.dialog = SyncDialog(self.server, self.password, self.timer.isActive(), self.window)

        def sync_now() -> None:
            server = dialog.server.text().strip()
            if not is_server_url(server):
                dialog.summary.setPlainText(f"{server or 'no address'}: not a server address "
                                            "(postgresql://USER@HOST/DATABASE)")
                return
            self._remember(server, dialog.password.text())
            lines, error = self.sync_now()
            dialog.summary.setPlainText("\n".join(lines) if not error else error)
            if dialog.automatic.isChecked() and not error:
                self.timer.start()
            elif not dialog.automatic.isChecked():
                self.timer.stop()
            self._keep(AUTOMATIC_SETTING, "1" if self.timer.isActive() else "0")

        dialog.sync_button.clicked.connect(sync_now)
        dialog.automatic.toggled.connect(lambda on: None if on else self.timer.stop())
        dialog.exec()
        self.dialog = None

    def _remember(self, server: str, password: str) -> None:
        from annotator.server.connection import shown

        self.server, self.password = server, password
        self._keep(SERVER_SETTING, shown(server))  # never the password

    def _keep(self, key: str, value: str) -> None:
        if self.store.setting(key) != value:
            # in turn with the edits; a read-only database still syncs nothing, but says so when it tries
            save_in_turn(self.window.undo_stack.queue, lambda: self.store.set_setting(key, value))

    def sync_now(self) -> tuple[list[str], str]:
        """Sync behind a progress dialog with Cancel: (summary lines, error)."""
        work = sync_work(self._url(), self.window.layer.annotator)
        task = run_with_progress(self.window, self.store, "Syncing with the team server…", work,
                                 SyncTask(self.store, work, self.window))
        if task.cancelled or task.error:
            self.failed.emit(task.error)
            return [], task.error
        lines, team = task.result
        self.synced.emit(lines)
        self.teamProgress.emit(team)
        return lines, ""

    def sync_in_background(self) -> None:
        """An automatic sync: the window goes on; its status bar says how it ended."""
        if self.running is not None or not self.server:
            return
        task = self.running = SyncTask(self.store, sync_work(self._url(), self.window.layer.annotator), self.window)

        def done() -> None:
            self.running = None
            self.store.reload()
            if task.error:
                self.failed.emit(task.error)
            else:
                lines, team = task.result
                self.synced.emit(lines)
                self.teamProgress.emit(team)

        task.finished.connect(done)
        task.start()

    def stop(self) -> None:
        """Closing: no new automatic sync; one running is let finish (or is as a kill, which is safe)."""
        self.timer.stop()
        if self.running is not None:
            self.running.cancel()
            self.running.wait()
