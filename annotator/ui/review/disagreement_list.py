"""The differences between the compared layers, one row each, with every
annotator's version and what the reviewer decided."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem, QWidget

from annotator.domain import Span
from annotator.review.diff import KIND_DESCRIPTIONS, Difference, DocumentDiff, Version
from annotator.ui.widgets.plain_text import literal

KIND_NAMES = {
    "label": "label",
    "boundary": "boundary",
    "missing": "only some",
    "fact_label": "fact type",
    "fact_args": "fact roles",
    "fact_missing": "fact only some",
}
SETTLED_COLOR = "#777777"


def key_for(position: int) -> str:
    """The key that takes the version of the n-th compared annotator (0-based)."""
    return "AB"[position] if position < 2 else str(position + 1)


def describe_version(version: Version, text: str) -> str:
    if isinstance(version, Span):
        return f"{version.label} «{text[version.start:version.end]}»"
    trigger = f" «{text[version.trigger.start:version.trigger.end]}»" if version.trigger else ""
    roles = []
    for arg in version.args:
        if arg.span is not None:
            roles.append(f"{arg.role}=«{text[arg.span.start:arg.span.end]}»")
        else:
            roles.append(f"{arg.role}={arg.target[1]}")
    return f"{version.label}{trigger}" + (f" ({', '.join(roles)})" if roles else "")


def describe_decision(decision: dict | None) -> str:
    if decision is None:
        return "open"
    choice, sources = decision["choice"], decision["detail"].get("from") or []
    if choice == "take":
        return f"took {', '.join(sources)}" if sources else "took nothing"
    return {"both": "took both", "none": "took none", "edit": "edited"}.get(choice, choice)


class DisagreementList(QTableWidget):
    differenceSelected = Signal(str)
    """The id of the difference now selected ("" for none)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("disagreementList")
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setWordWrap(True)
        self.verticalHeader().setVisible(False)
        self.differences: list[Difference] = []
        self.annotators: list[str] = []
        self.decisions: dict[str, dict] = {}
        self.currentCellChanged.connect(lambda row, *_: self.differenceSelected.emit(self._id_at(row)))

    # -- content ------------------------------------------------------------

    def show_diff(self, diff: DocumentDiff | None, decisions: dict[str, dict]) -> None:
        """Fill the rows; the selected difference stays selected when still listed."""
        keep = self.current_id()
        self.blockSignals(True)
        self.clear()
        self.differences = list(diff.differences) if diff else []
        self.annotators = list(diff.annotators) if diff else []
        self.decisions = decisions
        text = diff.document.text if diff else ""
        headers = ["kind"] + [f"{key_for(i)}: {name}" for i, name in enumerate(self.annotators)] + ["decision"]
        self.setColumnCount(len(headers))
        self.setHorizontalHeaderLabels(headers)
        self.setRowCount(len(self.differences))
        for row, difference in enumerate(self.differences):
            self._fill_row(row, difference, text)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(len(headers) - 1, QHeaderView.ResizeMode.ResizeToContents)
        self.resizeRowsToContents()
        row = self.row_of(keep)
        if row >= 0:
            self.setCurrentCell(row, 0)
        self.blockSignals(False)
        if row < 0:
            self.setCurrentCell(-1, -1)
            self.differenceSelected.emit("")

    def _fill_row(self, row: int, difference: Difference, text: str) -> None:
        decision = self.decisions.get(difference.id)
        cells = [KIND_NAMES.get(difference.kind, difference.kind)]
        cells += [", ".join(describe_version(v, text) for v in difference.versions.get(name, ())) or "—"
                  for name in self.annotators]
        cells.append(describe_decision(decision))
        tip = f"{KIND_DESCRIPTIONS.get(difference.kind, difference.kind)}\n{difference.describe(text)}"
        for column, value in enumerate(cells):
            item = QTableWidgetItem(value)
            item.setToolTip(literal(tip))
            item.setData(Qt.ItemDataRole.UserRole, difference.id)
            if decision is not None:
                item.setForeground(QBrush(QColor(SETTLED_COLOR)))
            elif column == len(cells) - 1:
                bold = QFont(item.font())
                bold.setBold(True)
                item.setFont(bold)
            self.setItem(row, column, item)

    # -- selection ----------------------------------------------------------

    def _id_at(self, row: int) -> str:
        return self.differences[row].id if 0 <= row < len(self.differences) else ""

    def row_of(self, difference_id: str) -> int:
        return next((i for i, d in enumerate(self.differences) if d.id == difference_id), -1)

    def current_id(self) -> str:
        return self._id_at(self.currentRow())

    def current_difference(self) -> Difference | None:
        row = self.currentRow()
        return self.differences[row] if 0 <= row < len(self.differences) else None

    def select_difference(self, difference_id: str) -> None:
        row = self.row_of(difference_id)
        if row >= 0:
            self.setCurrentCell(row, 0)
            self.scrollToItem(self.item(row, 0))

    def step(self, step: int) -> None:
        """Select the next (1) or previous (-1) difference; from none, the first or last."""
        if not self.differences:
            return
        row = self.currentRow()
        if row < 0:
            row = 0 if step > 0 else len(self.differences) - 1
        else:
            row = min(max(row + step, 0), len(self.differences) - 1)
        self.select_difference(self.differences[row].id)

    def next_open(self) -> str:
        """The first unsettled difference after the selected one (wrapping), or ""."""
        if not self.differences:
            return ""
        start = max(self.currentRow(), -1)
        count = len(self.differences)
        for k in range(1, count + 1):
            difference = self.differences[(start + k) % count]
            if difference.id not in self.decisions:
                return difference.id
        return ""

    def open_count(self) -> int:
        return sum(d.id not in self.decisions for d in self.differences)
