"""File → Merge…: bring colleagues' databases into this one.

Runs `annotator.store.merge.merge_databases` in the background with the
import dialog's progress and Cancel (`background.run_with_progress`:
its own connection, the window's store reloaded afterwards), then shows
the summary, name clashes included. A merge is one transaction: a cancel
or a failure leaves the database as it was.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from annotator.store import Store
from annotator.store.merge import MergeSummary, merge_databases
from annotator.ui.widgets.background import run_with_progress
from annotator.ui.files.path_list import PathList


class MergeDialog(QDialog):
    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mergeDialog")
        self.setWindowTitle("Merge databases")
        self.store = store
        self.summary: MergeSummary | None = None
        self.paths = PathList(self, objectName="mergePaths")
        add = QPushButton("Add databases…", self, objectName="mergeAddFiles")
        remove = QPushButton("Remove", self, objectName="mergeRemove")
        self.merge_button = QPushButton("Merge", self, objectName="mergeRun")
        close = QPushButton("Close", self, objectName="mergeClose")
        add.clicked.connect(self._ask_files)
        remove.clicked.connect(lambda: self.paths.takeItem(self.paths.currentRow()))
        self.merge_button.clicked.connect(self.merge)
        close.clicked.connect(self.accept)
        self.result_text = QPlainTextEdit(self, objectName="mergeSummary")
        self.result_text.setReadOnly(True)
        row = QHBoxLayout()
        for button in (add, remove, self.merge_button, close):
            row.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Layers of these databases come in under their annotators' names; documents are "
                                "matched by their text; nothing here is overwritten.", self, wordWrap=True))
        layout.addWidget(self.paths)
        layout.addLayout(row)
        layout.addWidget(self.result_text)
        self.resize(640, 460)

    def add_paths(self, paths: list[str | Path]) -> None:
        self.paths.add(paths)

    def chosen_paths(self) -> list[Path]:
        return self.paths.chosen()

    def _ask_files(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(self, "Databases to merge", "",
                                                "Annotator databases (*.db *.sqlite);;All files (*)")
        self.paths.add(names)

    def merge(self) -> MergeSummary | None:
        paths = self.chosen_paths()
        if not paths:
            self.result_text.setPlainText("Add the databases to merge first.")
            return None
        task = run_with_progress(self, self.store, "Merging…",
                                 lambda store, progress: merge_databases(store, paths, progress=progress))
        if task.cancelled or task.error:
            self.result_text.setPlainText("Merge cancelled; nothing was merged." if task.cancelled
                                          else f"{task.error}\nNothing was merged.")
            return None
        self.summary = task.result
        self.result_text.setPlainText("\n".join(self.summary.lines()))  # type: ignore[union-attr]
        self.paths.clear()
        return self.summary


def merge_with_dialog(parent: QWidget | None, store: Store) -> MergeSummary | None:
    dialog = MergeDialog(store, parent)
    dialog.exec()
    return dialog.summary
