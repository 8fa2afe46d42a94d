"""The facts of the shown document as a sortable table (type, text, roles
filled, problems); choosing a row selects the fact in the text and the panel."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QHeaderView, QWidget

from annotator.ui.facts.current_facts import CurrentFacts
from annotator.ui.widgets.item_table import Index, ItemTable, ItemTableModel
from annotator.ui.widgets.plain_text import literal, shortened

COLUMNS = ("Type", "Text", "Roles", "Problems")


class FactTableModel(ItemTableModel):
    columns = COLUMNS

    def __init__(self, facts: CurrentFacts, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.facts = facts
        self._rows: list[tuple[int, str, str, str, int, str, int]] = []
        """(fact id, type, text, roles, problem count, problems, start offset) per fact."""
        self._colors: dict[str, str] = {}
        facts.factsChanged.connect(self.reload)
        self.reload()

    def reload(self) -> None:
        # rows are worked out once per change: the table asks for data far more often
        self.beginResetModel()
        spans = self.facts.spans_by_id() if self.facts.facts else {}
        self._colors = {label.name: label.color for label in self.facts.store.schema().labels}
        self._rows = []
        for fact in self.facts.facts:
            roles = "; ".join(
                f"{a.role}={shortened(self.facts.argument_text(a.span_id, a.fact_id, spans), 30)}"
                for a in fact.args
            )
            problems = self.facts.problems(fact, spans)
            trigger = spans.get(fact.span_id) if fact.span_id is not None else None
            first = trigger or next((spans[a.span_id] for a in fact.args if a.span_id in spans), None)
            self._rows.append((fact.id, fact.label, " ".join(self.facts.text_of(fact, spans).split()), roles,  # type: ignore[arg-type]
                               len(problems), "\n".join(problems), first.start if first else -1))
        self.endResetModel()

    def row_of(self, fact_id: int) -> int:
        return next((i for i, row in enumerate(self._rows) if row[0] == fact_id), -1)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        fact_id, label, text, roles, count, problems, start = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (label, text, roles, count or "")[column]
        if role == Qt.ItemDataRole.EditRole:
            # what sorting compares: text columns sort by position in the document
            return (label, start, roles, count)[column]
        if role == Qt.ItemDataRole.DecorationRole and column == 0:
            return QColor(self._colors.get(label, "#cccccc"))
        if role == Qt.ItemDataRole.ForegroundRole and column == 3 and count:
            return QColor("#c0392b")
        if role == Qt.ItemDataRole.ToolTipRole:
            tip = problems if column == 3 else (text if column == 1 else roles if column == 2 else None)
            return literal(tip) if tip else tip
        if role == Qt.ItemDataRole.UserRole:
            return fact_id
        return None


class FactTable(ItemTable):
    def __init__(self, facts: CurrentFacts, parent: QWidget | None = None) -> None:
        super().__init__("factTable", parent)
        self.facts = facts
        self.source = FactTableModel(facts, self)
        proxy = QSortFilterProxyModel(self)
        proxy.setSourceModel(self.source)
        proxy.setSortRole(Qt.ItemDataRole.EditRole)
        self.setModel(proxy)
        self.setSortingEnabled(True)
        self.sortByColumn(1, Qt.SortOrder.AscendingOrder)
        header = self.horizontalHeader()
        for column, width in ((0, 100), (3, 64)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(column, width)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.follow_rows(facts.select)
        facts.selectedChanged.connect(self._fact_selected)
        self.source.modelReset.connect(lambda: self._fact_selected(facts.selected_id))

    def _fact_selected(self, fact_id: int) -> None:
        row = self.source.row_of(fact_id) if fact_id != -1 else -1
        self.show_row(self.model().mapFromSource(self.source.index(row, 0)) if row >= 0 else None)  # type: ignore[attr-defined]
