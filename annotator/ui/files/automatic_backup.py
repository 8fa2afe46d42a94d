"""The window's daily backup, taken off the window's thread.

Copying a large database takes a while; the window opens and works at
once, and says in the status bar when the copy is written (or why not).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QThread

from annotator.store import StoreError
from annotator.store.backup import automatic_backup


class AutomaticBackup(QThread):
    """Takes the day's automatic backup of `database`; afterwards `written`
    is the new copy (None when today's existed) or `error` says what failed."""

    def __init__(self, database: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("automaticBackup")
        self.database = database
        self.written: Path | None = None
        self.error = ""

    def run(self) -> None:
        try:
            self.written = automatic_backup(self.database)
        except (StoreError, OSError) as exc:
            self.error = str(exc)
