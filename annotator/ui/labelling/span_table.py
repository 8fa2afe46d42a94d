"""The spans of the shown document as a table, in reading order; selecting a
row selects the span in the text, and the reverse. The rows are read from the
store a page at a time as they come into view: an article may have 100,000."""

from __future__ import annotations

import sys
from typing import Any

from PySide6.QtCore import QLocale, QModelIndex, QRect, QSize, Qt, QTimer
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import QHeaderView, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from annotator.domain import Span
from annotator.store.errors import store_error
from annotator.ui.labelling.current_layer import CurrentLayer
from annotator.ui.widgets.item_table import Index, ItemTable, ItemTableModel
from annotator.ui.widgets.plain_text import literal

COLUMNS = ("Text", "Label", "Annotator", "Start", "End")
CARRIES_MARK = "•"
PAGE = 50
"""Rows read at a time."""
KEPT_PAGES = 200


_ANSWERED = {Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.DecorationRole, Qt.ItemDataRole.ToolTipRole,
             Qt.ItemDataRole.UserRole}

_DISPLAY = QStyleOptionViewItem.ViewItemFeature.HasDisplay
_DISPLAY_AND_SWATCH = _DISPLAY | QStyleOptionViewItem.ViewItemFeature.HasDecoration

Cells = tuple[tuple[str, str, str, int, int], tuple[str, str, str, str, str], QColor]
"""What a row shows: the five columns' values, as text, and the label's colour."""


class SpanTableModel(ItemTableModel):
    columns = COLUMNS

    def __init__(self, layer: CurrentLayer, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.layer = layer
        self._colors: dict[str, str] = {}
        self._pages: dict[int, list[Span]] = {}
        self._cells: dict[int, Cells] = {}
        """What the rows read so far show, by row: a repaint asks for every role of every cell in view."""
        self._locale = QLocale()
        """How numbers are written (as the view's delegate would, in the default locale)."""
        self._count = 0
        """The rows the view knows of: the layer's count before the change being told."""
        self.moving_rows = False
        """True while rows come or go: the selection the view moves along is not the user's."""
        self.moved_from: int | None = None
        """The first row that rows coming or going moved since the view last laid its rows out
        (None: laid out since, or a reset): the rows above it show what they showed."""
        for signal in (layer.documentChanged, layer.spansReset):
            signal.connect(self.reload)
        layer.spansChanged.connect(self._spans_changed)
        self.reload()

    def reload(self, *_: Any) -> None:
        self.beginResetModel()
        self._colors = {label.name: label.color for label in self.layer.store.schema().labels}
        self._pages.clear()
        self._cells.clear()
        self._count = self.layer.count
        self.moved_from = None
        self.endResetModel()

    def _spans_changed(self, ranges: list[tuple[int, int]]) -> None:
        """One span was added, deleted or changed (the layer tells where): the
        rows before the first place it touches stay, one row comes or goes
        there, and the rows from there on are read again when shown. A reset
        would make the view lay out and the selection be found again."""
        added = self.layer.count - self._count
        if abs(added) > 1 or (added and len(ranges) != 1):
            self.reload()
            return
        first = self.layer.rows_from(min(start for start, _ in ranges))
        for page in [p for p in self._pages if (p + 1) * PAGE > first]:
            del self._pages[page]
        for row in [r for r in self._cells if r >= first]:
            del self._cells[row]
        if added:
            self.moved_from = first if self.moved_from is None else min(first, self.moved_from)
        self.moving_rows = True
        try:
            if added == 1:
                self.beginInsertRows(QModelIndex(), first, first)
                self._count += 1
                self.endInsertRows()
            elif added == -1:
                self.beginRemoveRows(QModelIndex(), first, first)
                self._count -= 1
                self.endRemoveRows()
        finally:
            self.moving_rows = False
        # a changed span may have moved among the rows up to where its other end starts
        last = max(self.layer.rows_from(max(start for start, _ in ranges) + 1), first + 1) - 1
        if self._count:
            self.dataChanged.emit(self.index(first, 0), self.index(min(last, self._count - 1), len(COLUMNS) - 1))

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else self._count

    def span_at(self, row: int) -> Span | None:
        page, at = divmod(row, PAGE)
        spans = self._pages.get(page)
        if spans is None:
            if len(self._pages) >= KEPT_PAGES:
                self._pages.clear()
                self._cells.clear()
            try:
                spans = self.layer.spans_at(page * PAGE, PAGE)
            except Exception as exc:
                if store_error(exc, self.layer.store.path) is None:
                    raise
                # Qt only prints what data() raises: a damaged page or a failing disk goes
                # to the window's error report (a message), once, after this paint
                spans = []
                QTimer.singleShot(0, lambda error=exc: sys.excepthook(type(error), error, error.__traceback__))
            self._pages[page] = spans
        return spans[at] if at < len(spans) else None

    def cells(self, row: int) -> Cells | None:
        """What row `row` shows (None past the layer's end)."""
        cells = self._cells.get(row)
        if cells is None:
            span = self.span_at(row)
            if span is None:
                return None
            # a dot after the label: the span carries attributes or a note (the tooltip tells which)
            label = f"{span.label} {CARRIES_MARK}" if span.attributes or span.note else span.label
            values = (" ".join(span.text.split()), label, span.annotator, span.start, span.end)
            texts = (*values[:3], self._locale.toString(span.start), self._locale.toString(span.end))
            cells = self._cells[row] = (values, texts, QColor(self._colors.get(span.label, "#cccccc")))
        return cells

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # the view asks for a dozen roles per cell on every repaint; most have no answer
        if role not in _ANSWERED:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            cells = self.cells(index.row())
            return cells[0][column] if cells else None
        if role == Qt.ItemDataRole.DecorationRole:
            cells = self.cells(index.row())
            return cells[2] if cells and column == 1 else None
        span = self.span_at(index.row())
        if span is None:
            return None
        if role == Qt.ItemDataRole.ToolTipRole and column == 0:
            return literal(span.text)
        if role == Qt.ItemDataRole.ToolTipRole and column == 1 and (span.attributes or span.note):
            return literal("\n".join([f"{name}: {value}" for name, value in span.attributes.items()]
                                      + ([f"note: {span.note}"] if span.note else [])))
        if role == Qt.ItemDataRole.UserRole:
            return span.id
        return None


class SpanCells(QStyledItemDelegate):
    """Paints a cell from what the model keeps for its row: one call into Python a cell, where
    the standard delegate asks the model for seven roles (a repaint of the rows in view, after
    each edit that adds or removes a row, made 420 calls)."""

    def __init__(self, model: SpanTableModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.table_model = model
        self._swatches: dict[tuple[int, int, int], QIcon] = {}

    def initStyleOption(self, option: QStyleOptionViewItem, index: Index) -> None:  # noqa: N802 (Qt's name)
        cells = self.table_model.cells(index.row()) if index.model() is self.table_model else None
        if cells is None:
            super().initStyleOption(option, index)
            return
        # what QStyledItemDelegate.initStyleOption sets for a display value and a colour; the
        # features are set, not added to: the table neither wraps its text nor alternates colours
        column = index.column()
        option.index = index
        option.text = cells[1][column]
        if column != 1:
            option.features = _DISPLAY
        else:
            option.features = _DISPLAY_AND_SWATCH
            option.icon = self._swatch(cells[2], option.decorationSize)
        option.styleObject = None  # as Qt's: no style animations inside item views

    def _swatch(self, color: QColor, size: QSize) -> QIcon:
        key = (color.rgba(), size.width(), size.height())
        swatch = self._swatches.get(key)
        if swatch is None:
            pixmap = QPixmap(size)
            pixmap.fill(color)
            swatch = self._swatches[key] = QIcon(pixmap)
        return swatch


class SpanTable(ItemTable):
    def __init__(self, layer: CurrentLayer, parent: QWidget | None = None) -> None:
        super().__init__("spanTable", parent)
        self.layer = layer
        self.setModel(SpanTableModel(layer, self))
        self.setItemDelegate(SpanCells(self.model(), self))
        header = self.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        # fixed widths: fitting columns to contents reads every row on each change
        for column, width in zip(range(1, len(COLUMNS)), (118, 64, 48, 48)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(column, width)
        self.follow_rows(layer.select)
        layer.selectedChanged.connect(self._span_selected)
        self.model().modelReset.connect(lambda: self._span_selected(layer.selected_id))
        # after the model has moved its rows (it listens first): the row of the selected span again
        layer.spansChanged.connect(lambda _ranges: self._span_selected(layer.selected_id))

    def _row_selected(self, *args: Any) -> None:
        if not self.model().moving_rows:
            super()._row_selected(*args)

    def doItemsLayout(self) -> None:  # noqa: N802 (Qt's name)
        """After rows came or went, repaint the rows from the first that moved down, not every row
        in view (a Python model's cells cost a call each; an edit moves the rows below it only)."""
        model = self.model()
        first, model.moved_from = model.moved_from, None
        if first is None:
            super().doItemsLayout()
            return
        # what QTableView.doItemsLayout does, the viewport's repaint aside
        self.updateGeometries()
        self.verticalHeader().setUpdatesEnabled(True)
        count = model.rowCount()
        if first < count:
            top = self.rowViewportPosition(first)
        else:
            top = self.rowViewportPosition(count - 1) + self.rowHeight(count - 1) if count else 0
        viewport = self.viewport()
        viewport.update(QRect(0, max(top, 0), viewport.width(), viewport.height()))

    def _span_selected(self, span_id: int) -> None:
        row = self.layer.index_of(span_id) if span_id != -1 else -1
        self.show_row(self.model().index(row, 0) if row >= 0 else None)
