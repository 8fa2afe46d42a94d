"""File → Import… and File → Export…: the same choices as the command line,
run in the background (`annotator.ui.widgets.background`) with a progress dialog
and Cancel. Cancelling an import rolls its transaction back; cancelling an
export leaves no file behind (both through the exchange functions' progress).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDialog, QDialogButtonBox, QDoubleSpinBox, QFileDialog, QFormLayout, QHBoxLayout,
    QLabel, QLineEdit, QListWidget, QMessageBox, QPushButton, QSpinBox, QVBoxLayout, QWidget,
)

from annotator.domain import GOLD, STATUSES
from annotator.exchange import ExportChoice, ExportReport, ImportReport, choose_export, export, import_files
from annotator.formats.base import WriteOptions, all_formats
from annotator.formats.iob import NESTED_POLICIES
from annotator.formats.output import OutputExists
from annotator.store import Store
from annotator.ui.widgets.background import Work, WorkTask, run_with_progress
from annotator.ui.files.path_list import PathList
from annotator.ui.widgets.plain_text import literal


def _report(parent: QWidget | None, title: str, task: WorkTask, lines: list[str]) -> None:
    if task.cancelled:
        QMessageBox.information(parent, title, literal(task.error))
    elif task.error:
        QMessageBox.warning(parent, title, literal(task.error))
    else:
        QMessageBox.information(parent, title, literal("\n".join(lines)))


# -- import -------------------------------------------------------------------

class ImportDialog(QDialog):
    """Which files, in which format, into which layer."""

    def __init__(self, parent: QWidget | None, annotator: str) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import")
        self.paths = PathList(objectName="importPaths")
        add_files = QPushButton("Add files…", objectName="importAddFiles")
        add_folder = QPushButton("Add folder…", objectName="importAddFolder")
        add_files.clicked.connect(self._ask_files)
        add_folder.clicked.connect(self._ask_folder)
        self.format = QComboBox(objectName="importFormat")
        self.format.addItem("(tell from the files)", None)
        for name, fmt in sorted(all_formats().items()):
            if fmt.read is not None:
                self.format.addItem(f"{name}: {fmt.description}", name)
        self.annotator = QLineEdit(annotator, objectName="importAnnotator")
        self.text_field = QLineEdit("text", objectName="importTextField")
        self.title_field = QLineEdit("title", objectName="importTitleField")
        self.label_field = QLineEdit("label", objectName="importLabelField")
        self.strict = QCheckBox("Refuse labels the schema lacks", objectName="importStrict")
        self.skip_bad = QCheckBox("Skip bad records (import the good ones and list the bad)", objectName="importSkipBad")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(add_files)
        row.addWidget(add_folder)
        form = QFormLayout()
        form.addRow("Format", self.format)
        form.addRow("Layer (annotator)", self.annotator)
        form.addRow("Text field or column", self.text_field)
        form.addRow("Title field or column", self.title_field)
        form.addRow("Label field (doccano)", self.label_field)
        layout = QVBoxLayout(self)
        layout.addWidget(self.paths)
        layout.addLayout(row)
        layout.addLayout(form)
        layout.addWidget(self.strict)
        layout.addWidget(self.skip_bad)
        layout.addWidget(buttons)

    def add_paths(self, paths: list[str | Path]) -> None:
        self.paths.add(paths)

    def chosen_paths(self) -> list[Path]:
        return self.paths.chosen()

    def _ask_files(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(self, "Files to import")
        self.paths.add(names)

    def _ask_folder(self) -> None:
        name = QFileDialog.getExistingDirectory(self, "Folder to import (brat, or .txt articles)")
        if name:
            self.paths.add([name])

    def work(self) -> Work:
        paths, fmt = self.chosen_paths(), self.format.currentData()
        annotator = self.annotator.text().strip() or None
        strict, skip_bad = self.strict.isChecked(), self.skip_bad.isChecked()
        text_field, title_field = self.text_field.text().strip() or "text", self.title_field.text().strip() or "title"
        label_field = self.label_field.text().strip() or "label"
        return lambda store, progress: import_files(
            store, paths, format=fmt, annotator=annotator, strict=strict, skip_bad=skip_bad,
            progress=progress, text_field=text_field, title_field=title_field, label_field=label_field)


def import_with_dialog(parent: QWidget | None, store: Store, annotator: str) -> ImportReport | None:
    dialog = ImportDialog(parent, annotator)
    if dialog.exec() != QDialog.DialogCode.Accepted or not dialog.chosen_paths():
        return None
    task = run_with_progress(parent, store, "Importing…", dialog.work())
    report: ImportReport | None = task.result
    _report(parent, "Import", task, report.lines() if report else [])
    return report


# -- export -------------------------------------------------------------------

class ExportDialog(QDialog):
    """Which format, where, and what goes out."""

    def __init__(self, parent: QWidget | None, store: Store, annotator: str) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export")
        self.format = QComboBox(objectName="exportFormat")
        self._formats = {name: fmt for name, fmt in sorted(all_formats().items()) if fmt.write is not None}
        for name, fmt in self._formats.items():
            self.format.addItem(f"{name}: {fmt.description}", name)
        self.out = QLineEdit(objectName="exportOut")
        browse = QPushButton("Choose…", objectName="exportBrowse")
        browse.clicked.connect(self._ask_out)
        self.layers = QListWidget(objectName="exportLayers")
        self.layers.setSelectionMode(QListWidget.SelectionMode.MultiSelection)
        for name in sorted(set(store.annotators()) | {GOLD}):
            self.layers.addItem(name)
        self.status = QComboBox(objectName="exportStatus")
        self.status.addItem("the format's default", None)
        self.status.addItem("any status", "any")
        for status in STATUSES:
            self.status.addItem(status, status)
        self.labels = QLineEdit(objectName="exportLabels")
        self.labels.setPlaceholderText("all labels (or: PERSON, LOCATION)")
        self.split = QCheckBox("Split into train/dev/test", objectName="exportSplit")
        self.ratios = [QDoubleSpinBox(objectName=f"exportRatio{i}") for i in range(3)]
        for box, value in zip(self.ratios, (0.8, 0.1, 0.1)):
            box.setRange(0, 1)
            box.setSingleStep(0.05)
            box.setValue(value)
        self.seed = QSpinBox(objectName="exportSeed")
        self.seed.setRange(0, 2**31 - 1)
        # the same token choices as `annotator export --tokenizer/--language/--nested`
        self.tokenizer = QComboBox(objectName="exportTokenizer")
        for name, text in (("source", "as imported (CoNLL, HF), else auto"),
                           ("auto", "auto (spaCy's when installed, else regex)"),
                           ("regex", "regex (Unicode words and symbols)"), ("spacy", "spaCy's for the language")):
            self.tokenizer.addItem(text, name)
        self.language = QLineEdit(store.usual_language() or "xx", objectName="exportLanguage")
        self.language.setToolTip("Language code for spaCy's tokenizer (id, en, ...; xx: any), "
                                 "for documents whose meta names none")
        self.nested = QComboBox(objectName="exportNested")
        for policy in NESTED_POLICIES:
            self.nested.addItem(f"keep the {policy}", policy)
        # as `annotator export --document-ids/--no-document-ids` (CoNLL only)
        self.document_ids = QCheckBox("Name each document in its -DOCSTART- line (a re-import finds it; "
                                      "spacy convert takes only unnamed ones)", objectName="exportDocumentIds")
        self.document_ids.setChecked(True)
        self.format.currentIndexChanged.connect(self._enable_token_choices)
        self._enable_token_choices()
        # what goes out, in the words the summary will use
        self._store, self._annotator = store, annotator
        self.choice = QLabel(objectName="exportChoice")
        self.choice.setTextFormat(Qt.TextFormat.PlainText)
        self.choice.setWordWrap(True)
        for changed in (self.format.currentIndexChanged, self.status.currentIndexChanged,
                        self.layers.itemSelectionChanged):
            changed.connect(self._show_choice)
        self._show_choice()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        where = QHBoxLayout()
        where.addWidget(self.out)
        where.addWidget(browse)
        ratios = QHBoxLayout()
        for box in self.ratios:
            ratios.addWidget(box)
        form = QFormLayout(self)
        form.addRow("Format", self.format)
        form.addRow("Write to", where)
        form.addRow("Layers (none chosen: the format's default)", self.layers)
        form.addRow("Status", self.status)
        form.addRow(self.choice)
        form.addRow("Labels", self.labels)
        form.addRow(self.split)
        form.addRow("Ratios", ratios)
        form.addRow("Seed", self.seed)
        form.addRow("Tokenizer", self.tokenizer)
        form.addRow("Language", self.language)
        form.addRow("Nested entities", self.nested)
        form.addRow(self.document_ids)
        form.addRow(buttons)

    def export_choice(self) -> ExportChoice:
        status = self.status.currentData()
        return choose_export(self._store, self.format.currentData(), self._annotator,
                             [item.text() for item in self.layers.selectedItems()],
                             statuses=[status] if status not in (None, "any") else [], any_status=status == "any")

    def _show_choice(self) -> None:
        self.choice.setText(f"Exports {self.export_choice().said}")

    def _enable_token_choices(self) -> None:
        tokens = self._formats[self.format.currentData()].tokens
        for widget in (self.tokenizer, self.language, self.nested):
            widget.setEnabled(tokens)
        self.document_ids.setEnabled(self.format.currentData() == "conll")

    def _ask_out(self) -> None:
        fmt = self._formats[self.format.currentData()]
        if fmt.writes_folder or self.split.isChecked():
            name = QFileDialog.getExistingDirectory(self, "Folder to write")
        else:
            name, _ = QFileDialog.getSaveFileName(self, "File to write")
        if name:
            self.out.setText(name)

    def work(self, overwrite: bool = False) -> Work:
        fmt, out = self.format.currentData(), Path(self.out.text())
        choice = self.export_choice()
        labels = [x.strip() for x in self.labels.text().split(",") if x.strip()] or None
        ratios = [box.value() for box in self.ratios] if self.split.isChecked() else None
        seed = self.seed.value()
        options = WriteOptions(tokenizer=self.tokenizer.currentData(), language=self.language.text().strip() or "xx",
                               nested=self.nested.currentData(), overwrite=overwrite,
                               document_ids=self.document_ids.isChecked())
        return lambda store, progress: export(
            store, fmt, out, choice=choice, labels=labels,
            split_ratios=[r / sum(ratios) for r in ratios] if ratios and sum(ratios) else None, seed=seed,
            progress=progress, options=options)


def _may_replace(parent: QWidget | None, refused: OutputExists) -> bool:
    """Ask before an export replaces files of the names it writes (only those)."""
    shown = "\n".join(str(path) for path in refused.paths[:15])
    more = f"\n… and {len(refused.paths) - 15} more" if len(refused.paths) > 15 else ""
    box = QMessageBox(QMessageBox.Icon.Question, "Replace files?",
                      f"The export would replace {len(refused.paths)} existing file(s):\n\n{shown}{more}\n\n"
                      "Replace them? No other file is touched.",
                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, parent)
    box.setObjectName("exportReplaceFiles")
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setDefaultButton(QMessageBox.StandardButton.No)
    return box.exec() == QMessageBox.StandardButton.Yes


def export_with_dialog(parent: QWidget | None, store: Store, annotator: str) -> ExportReport | None:
    dialog = ExportDialog(parent, store, annotator)
    if dialog.exec() != QDialog.DialogCode.Accepted or not dialog.out.text().strip():
        return None
    task = run_with_progress(parent, store, "Exporting…", dialog.work())
    if isinstance(task.exception, OutputExists) and _may_replace(parent, task.exception):
        task = run_with_progress(parent, store, "Exporting…", dialog.work(overwrite=True))
    report: ExportReport | None = task.result
    _report(parent, "Export", task, report.lines() if report else [])
    return report
