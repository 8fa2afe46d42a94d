"""Review → Agreement report: choose annotators, documents and labels, measure
in a background thread (progress, Cancel), show the figures and save them.

The measuring runs on its own connection to the database file (see
`annotator.ui.widgets.background`), so the window never waits on it. The figures
are `annotator.review.agreement`'s; saving writes exactly what the command
line's `agreement --json` or `--csv` prints.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from annotator.domain import GOLD
from annotator.formats.base import atomic_output
from annotator.review.agreement import AgreementCancelled, AgreementReport, Score, measure_agreement, write_report
from annotator.store import Store
from annotator.ui.widgets.background import BackgroundTask
from annotator.ui.widgets.plain_text import literal


def fmt(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"


class AgreementTask(BackgroundTask):
    """Loads the chosen documents and measures agreement off the window's thread."""

    cancel_errors = (AgreementCancelled,)

    def __init__(self, store: Store, document_ids: list[int], annotators: list[str], labels: list[str] | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(store, parent)
        self.document_ids, self.annotators, self.labels = document_ids, annotators, labels
        self.report: AgreementReport | None = None

    def work_on(self, store: Store) -> None:
        # each document is read and measured in turn, and let go: memory stays flat
        with store.snapshot():
            records = store.annotated_many(self.document_ids, self.annotators, span_details=False)
            self.report = measure_agreement(records, self.annotators, self.labels, progress=self._progress,
                                            total=len(self.document_ids))


def _check_list(name: str, items: list[tuple[str, object]], parent: QWidget) -> QListWidget:
    widget = QListWidget(parent)
    widget.setObjectName(name)
    for text, data in items:
        item = QListWidgetItem(text)
        item.setData(Qt.ItemDataRole.UserRole, data)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Checked)
        widget.addItem(item)
    return widget


def _checked(widget: QListWidget) -> list:
    return [widget.item(i).data(Qt.ItemDataRole.UserRole) for i in range(widget.count())
            if widget.item(i).checkState() == Qt.CheckState.Checked]


def _table(name: str, headers: list[str], rows: list[list[str]], parent: QWidget) -> QTableWidget:
    table = QTableWidget(len(rows), len(headers), parent)
    table.setObjectName(name)
    table.setHorizontalHeaderLabels(headers)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().setVisible(False)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            item = QTableWidgetItem(value)
            if c:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            table.setItem(r, c, item)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    return table


class AgreementReportDialog(QDialog):
    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("agreementReport")
        self.setWindowTitle("Agreement report")
        self.store = store
        self.report: AgreementReport | None = None
        self.task: AgreementTask | None = None
        names = [n for n in store.annotators() if n != GOLD]
        self.annotators = _check_list("agreementAnnotators", [(n, n) for n in names], self)
        self.documents = _check_list(
            "agreementDocuments", [(f"{s.id}. {s.title[:70]}", s.id) for s in store.document_summaries(GOLD)], self)
        self.labels = _check_list("agreementLabels", [(lab.name, lab.name) for lab in store.schema().labels], self)
        self.compute_button = QPushButton("Compute", self, objectName="agreementCompute")
        self.cancel_button = QPushButton("Cancel", self, objectName="agreementCancel")
        self.save_button = QPushButton("Save report…", self, objectName="agreementSave")
        close_button = QPushButton("Close", self, objectName="agreementClose")
        self.cancel_button.setEnabled(False)
        self.save_button.setEnabled(False)
        self.compute_button.clicked.connect(self.compute)
        self.cancel_button.clicked.connect(self.cancel)
        self.save_button.clicked.connect(self.ask_save)
        close_button.clicked.connect(self.reject)
        self.progress = QProgressBar(self, objectName="agreementProgress")
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.status = QLabel("Choose annotators, documents and labels, then Compute.", self,
                             objectName="agreementStatus")
        self.status.setTextFormat(Qt.TextFormat.PlainText)  # errors quote names and paths
        self.summary = QLabel(self, objectName="agreementSummary")
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.tabs = QTabWidget(self, objectName="agreementResults")
        self.confusion = QTableView(self, objectName="agreementConfusion")
        self.confusion.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        # a confusion table reads one way only: say whose labels the rows and columns are
        self.confusion_pair = QComboBox(self, objectName="agreementConfusionPair")
        self.confusion_axes = QLabel(self, objectName="agreementConfusionAxes")
        self.confusion_axes.setTextFormat(Qt.TextFormat.PlainText)
        self.confusion_pair.currentIndexChanged.connect(self._show_confusion)
        self.confusion_page = QWidget(self)
        page = QVBoxLayout(self.confusion_page)
        page.addWidget(self.confusion_pair)
        page.addWidget(self.confusion_axes)
        page.addWidget(self.confusion, 1)
        self._layout(close_button)
        self.resize(1100, 760)

    def _layout(self, close_button: QPushButton) -> None:
        choose = QGridLayout()
        for column, (title, widget) in enumerate((("Annotators", self.annotators), ("Documents", self.documents),
                                                  ("Labels", self.labels))):
            choose.addWidget(QLabel(f"<b>{title}</b>", self), 0, column)
            choose.addWidget(widget, 1, column)
        choose.setColumnStretch(1, 2)
        buttons = QHBoxLayout()
        for widget in (self.compute_button, self.cancel_button, self.progress, self.save_button, close_button):
            buttons.addWidget(widget)
        layout = QVBoxLayout(self)
        layout.addLayout(choose, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        layout.addWidget(self.summary)
        layout.addWidget(self.tabs, 3)

    # -- computing ------------------------------------------------------------

    def chosen(self) -> tuple[list[str], list[int], list[str] | None]:
        labels = _checked(self.labels)
        every_label = len(labels) == self.labels.count()
        return _checked(self.annotators), _checked(self.documents), None if every_label else labels

    def compute(self) -> None:
        if self.task is not None:
            return
        annotators, document_ids, labels = self.chosen()
        if len(annotators) < 2:
            self.status.setText("Choose at least two annotators.")
            return
        if not document_ids:
            self.status.setText("Choose at least one document.")
            return
        self.task = AgreementTask(self.store, document_ids, annotators, labels, self)
        self.task.progressed.connect(self._show_progress)
        self.task.finished.connect(self._finished)
        self.progress.setRange(0, 2 * len(document_ids))
        self.progress.setValue(0)
        self.compute_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.status.setText(f"Measuring {len(annotators)} annotators over {len(document_ids)} document(s)…")
        self.task.start()

    def cancel(self) -> None:
        if self.task is not None:
            self.task.cancel()
            self.status.setText("Cancelling…")

    @property
    def running(self) -> bool:
        return self.task is not None

    def _show_progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)

    def _finished(self) -> None:
        task, self.task = self.task, None
        if task is None:
            return
        task.wait()
        self.compute_button.setEnabled(True)
        self.cancel_button.setEnabled(False)
        if task.cancelled:
            self.status.setText("Cancelled; no figures.")
        elif task.error:
            self.status.setText(task.error)
        else:
            self.show_report(task.report)  # type: ignore[arg-type]
        task.deleteLater()

    # -- showing ---------------------------------------------------------------

    def show_report(self, report: AgreementReport) -> None:
        self.report = report
        self.save_button.setEnabled(True)
        self.status.setText(f"Done: {report.documents} document(s) compared.")
        skipped = report.skipped_documents
        lines = [f"Documents compared: {report.documents}; skipped: {len(skipped['nobody'])} annotated by nobody, "
                 f"{len(skipped['one_annotator'])} by only one"
                 + (f" ({', '.join(f'{k}: {v}' for k, v in list(report.one_annotator_names.items())[:8])})"
                    if report.one_annotator_names else "") + "."]
        if len(report.annotators) > 2:
            lines.append(f"Fleiss' kappa: {fmt(report.fleiss_kappa)} ({report.fleiss_tokens} tokens in "
                         f"{report.fleiss_documents} documents every annotator annotated)")
        counts = report.alpha_counts
        lines.append(f"Krippendorff's alpha (nominal, tokens): {fmt(report.krippendorff_alpha)} "
                     f"({counts.get('units', 0)} tokens, {counts.get('values', 0)} values)")
        self.summary.setText("\n".join(lines))
        self.tabs.clear()
        self.tabs.addTab(self._pairs_table(report), "Pairs")
        self.tabs.addTab(self._labels_table(report), "Per label")
        self._fill_confusion(report)
        self.tabs.addTab(self.confusion_page, "Label confusion")
        self.tabs.addTab(self._facts_table(report), "Facts")

    def _pairs_table(self, report: AgreementReport) -> QTableWidget:
        headers = ["pair", "documents", "spans a / b", "P exact", "R exact", "F1 exact", "P relaxed", "R relaxed",
                   "F1 relaxed", "Cohen's kappa", "tokens", "P tokens", "R tokens", "F1 tokens"]
        rows = [[f"{p.a} / {p.b}", str(p.documents), f"{p.exact.a_total} / {p.exact.b_total}",
                 fmt(p.exact.precision), fmt(p.exact.recall), fmt(p.exact.f1), fmt(p.relaxed.precision),
                 fmt(p.relaxed.recall), fmt(p.relaxed.f1), fmt(p.cohen_kappa), str(p.tokens),
                 fmt(t.precision), fmt(t.recall), fmt(t.f1)]
                for p in report.pairs for t in [p.token_score()]]
        return _table("agreementPairs", headers, rows, self)

    def _labels_table(self, report: AgreementReport) -> QTableWidget:
        headers = ["pair", "label", "spans a / b", "matched exact", "F1 exact", "F1 relaxed", "F1 tokens"]
        rows = [[f"{p.a} / {p.b}", label, f"{s.exact.a_total} / {s.exact.b_total}", str(s.exact.a_found),
                 fmt(s.exact.f1), fmt(s.relaxed.f1), fmt(tokens.get(label, Score()).f1)]
                for p in report.pairs for tokens in [p.token_scores()] for label, s in sorted(p.per_label.items())]
        return _table("agreementPerLabel", headers, rows, self)

    def _facts_table(self, report: AgreementReport) -> QTableWidget:
        headers = ["pair", "what", "facts a / b", "F1"]
        rows = []
        for p in report.pairs:
            facts = p.facts
            rows.append([f"{p.a} / {p.b}", "type and trigger", f"{facts.facts.a_total} / {facts.facts.b_total}",
                         fmt(facts.facts.f1)])
            rows += [[f"{p.a} / {p.b}", f"role {role}", f"{s.a_total} / {s.b_total}", fmt(s.f1)]
                     for role, s in sorted(facts.roles.items())]
        return _table("agreementFacts", headers, rows, self)

    def _fill_confusion(self, report: AgreementReport) -> None:
        """One entry per pair of annotators, and all pairs together when there are several."""
        self.confusion_pair.blockSignals(True)
        self.confusion_pair.clear()
        for pair in report.pairs:
            self.confusion_pair.addItem(f"{pair.a} (rows) × {pair.b} (columns)", pair)
        if len(report.pairs) > 1:
            self.confusion_pair.addItem("All pairs together", None)
        self.confusion_pair.blockSignals(False)
        self._show_confusion()

    def _show_confusion(self) -> None:
        """Tokens by the rows' annotator's label and the columns' annotator's label;
        the background deepens with the count: green on the diagonal, red off it."""
        if self.report is None or self.confusion_pair.count() == 0:
            return
        pair = self.confusion_pair.currentData()
        if pair is None:
            table = self.report.confusion()
            self.confusion_axes.setText("Rows: the label of each pair's first annotator (a in a / b); "
                                        "columns: the second's (b).")
            first, second = "first annotator", "second"
        else:
            table = {}
            for (x, y), n in sorted(pair.confusion.items()):
                table.setdefault(x, {})[y] = n
            self.confusion_axes.setText(f"Rows: {pair.a}'s label; columns: {pair.b}'s label (tokens).")
            first, second = pair.a, pair.b
        labels = sorted(set(table) | {y for row in table.values() for y in row})
        model = QStandardItemModel(len(labels), len(labels), self.confusion)
        model.setHorizontalHeaderLabels(labels)
        model.setVerticalHeaderLabels(labels)
        off_diagonal = [n for x, row in table.items() for y, n in row.items() if x != y]
        diagonal = [n for x, row in table.items() for y, n in row.items() if x == y]
        for r, x in enumerate(labels):
            for c, y in enumerate(labels):
                n = table.get(x, {}).get(y, 0)
                item = QStandardItem(str(n) if n else "")
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if n:
                    top = max(diagonal if x == y else off_diagonal, default=1)
                    item.setBackground(_shade("#2ca02c" if x == y else "#d62728", n / top))
                item.setToolTip(literal(f"{n} token(s): {first} {x}, {second} {y}"))
                model.setItem(r, c, item)
        self.confusion.setModel(model)
        self.confusion.resizeColumnsToContents()

    # -- saving ---------------------------------------------------------------

    def ask_save(self) -> None:
        name, chosen_filter = QFileDialog.getSaveFileName(self, "Save agreement report", "agreement.json",
                                                          "JSON (*.json);;CSV, one row per pair and label (*.csv)")
        if name:
            path = Path(name)
            if not path.suffix:
                path = path.with_suffix(".csv" if chosen_filter.startswith("CSV") else ".json")
            self.save_report(path)

    def save_report(self, path: Path) -> None:
        """JSON, or CSV when the name ends in .csv: the same as `agreement --json` / `--csv`."""
        if self.report is None:
            return
        try:
            with atomic_output(Path(path)) as handle:
                write_report(self.report, handle, as_csv=Path(path).suffix.lower() == ".csv")
        except OSError as exc:
            QMessageBox.warning(self, "Save agreement report", literal(f"{path}: {exc}"))
            return
        self.status.setText(f"Saved {path}")

    def done(self, result: int) -> None:
        # closing while measuring: stop the thread before the dialog goes
        if self.task is not None:
            self.task.cancel()
            self.task.wait()
        super().done(result)


def _shade(color: str, strength: float) -> QColor:
    base, white = QColor(color), QColor("#ffffff")
    t = 0.15 + 0.7 * min(max(strength, 0.0), 1.0)
    return QColor(round(white.red() + (base.red() - white.red()) * t),
                  round(white.green() + (base.green() - white.green()) * t),
                  round(white.blue() + (base.blue() - white.blue()) * t))
