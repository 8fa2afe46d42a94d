"""What the span table and the fact table share: a read-only model with fixed
column titles, and a view whose selected row follows the item selected in the
text or a panel, and selects it there when the user picks a row."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QAbstractItemView, QTableView, QWidget

Index = QModelIndex | QPersistentModelIndex


class ItemTableModel(QAbstractTableModel):
    """One row an item; `columns` names the columns; `UserRole` gives a row's item id."""

    columns: tuple[str, ...] = ()

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.columns[section]
        return None


class ItemTable(QTableView):
    """Whole rows, one at a time, never edited in place. After setting the model,
    call `follow_rows` with what picking a row selects; call `show_row` when the
    selection changes elsewhere."""

    def __init__(self, object_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(object_name)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.verticalHeader().hide()
        self.setWordWrap(False)
        self._choose: Callable[[int], None] = lambda _id: None
        # true while the view shows a selection made elsewhere, so that it is not sent back
        self._syncing = False

    def follow_rows(self, choose: Callable[[int], None]) -> None:
        self._choose = choose
        self.selectionModel().selectionChanged.connect(self._row_selected)

    def _row_selected(self, *_: Any) -> None:
        if self._syncing:
            return
        rows = self.selectionModel().selectedRows()
        if rows:
            self._choose(rows[0].data(Qt.ItemDataRole.UserRole))

    def show_row(self, index: QModelIndex | None) -> None:
        """Select the row of `index` (an index of this view's model), or no row."""
        self._syncing = True
        try:
            if index is None:
                self.clearSelection()
            else:
                self.selectRow(index.row())
                self.scrollTo(index)
        finally:
            self._syncing = False
