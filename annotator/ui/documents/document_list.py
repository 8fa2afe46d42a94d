"""The documents with their title, span count and status, a filter box that
searches (the `annotator search` syntax), and the "done / total" progress.

The list is a lazy model (document_list_model.py). An edit re-reads the one
row it touched, and the progress count is adjusted by the change it saw
rather than counted again over every document.
"""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, QTimer, Signal
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QHBoxLayout, QHeaderView, QLineEdit, QTableView,
                               QVBoxLayout, QWidget)

from annotator.store import Store, StoreError
from annotator.store.search import SNAPSHOT_ORDERS
from annotator.ui.documents.document_list_model import (
    FINISHED, STATUS_MARK, STATUS_TEXT, DocumentIdRole, DocumentListModel,
)
from annotator.ui.widgets.background import WorkTask
from annotator.ui.widgets.plain_text import plain_label

__all__ = ["STATUS_MARK", "STATUS_TEXT", "DocumentList"]

ORDER_NAMES = {"id": "as imported", "title": "title A–Z", "status": "status", "spans": "most spans"}
"""The list's orders (the store's), as the sort box names them."""
FILTER_DELAY_MS = 150
"""Typing pauses this long before the list is filtered: one search per pause, not per key."""


def flat_list_view(parent: QWidget) -> QTableView:
    """A one-column table without headers or grid, shown as a list of two-line rows.

    Neither QListView nor QTreeView will do at a million rows: on every model
    reset (a filter keystroke, a refresh) they lay out each row, asking the
    model's Python `rowCount` for each (QListView twice, and again on every
    dataChanged): 0.27 s (tree) and 0.84 s (list) at 100,000 rows. A table's
    rows all have the header's one fixed height, so it asks only for the rows
    in sight, whatever the count.
    """
    view = QTableView(parent)
    view.horizontalHeader().hide()
    view.horizontalHeader().setStretchLastSection(True)
    rows = view.verticalHeader()
    rows.hide()
    rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    # two lines of text (title, then span count and status) and the item's margins
    height = 2 * view.fontMetrics().lineSpacing() + 6
    rows.setMinimumSectionSize(height)
    rows.setDefaultSectionSize(height)
    view.setShowGrid(False)
    view.setWordWrap(False)
    view.setTextElideMode(Qt.TextElideMode.ElideRight)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setTabKeyNavigation(False)  # Tab leaves the list, as it does a list view
    view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    return view


class DocumentList(QWidget):
    documentActivated = Signal(int)

    def __init__(self, store: Store, annotator: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store, self.annotator = store, annotator
        self.filter = QLineEdit(self)
        self.filter.setObjectName("documentFilter")
        self.filter.setPlaceholderText("Search: words, \"a phrase\", prefix*, label:PERSON, status:done…")
        self.filter.setClearButtonEnabled(True)
        self.filter_message = plain_label(parent=self)  # it quotes the user's query
        self.filter_message.setObjectName("documentFilterMessage")
        self.filter_message.setWordWrap(True)
        self.filter_message.hide()
        self.sort_message = plain_label(parent=self)
        self.sort_message.setObjectName("documentSortMessage")
        self.sort_message.hide()
        self._sorts: list[WorkTask] = []
        """Sorts running in the background (waited for when the window closes)."""
        self._wanted_sort: WorkTask | None = None
        """The sort whose order the list takes when it ends: none after a reload in another order."""
        self.status_filter = QComboBox(self)
        self.status_filter.setObjectName("documentStatusFilter")
        self.status_filter.setToolTip("Only documents of this status (status:…)")
        self.status_filter.addItem("any status", "")
        self.status_filter.addItem("◉ finished (done or reviewed)", "finished")
        for status, text in STATUS_TEXT.items():
            self.status_filter.addItem(f"{STATUS_MARK[status]} {text}", status)
        self.annotator_filter = QComboBox(self)
        self.annotator_filter.setObjectName("documentAnnotatorFilter")
        self.annotator_filter.setToolTip("Whose status and spans (annotator:…): with a status, who finished it")
        self.order_box = QComboBox(self)
        self.order_box.setObjectName("documentOrder")
        self.order_box.setToolTip("Sort the list")
        for order, text in ORDER_NAMES.items():
            self.order_box.addItem(text, order)
        self.model = DocumentListModel(store, annotator, self)
        self.list = flat_list_view(self)
        self.list.setObjectName("documentList")
        self.list.setModel(self.model)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.filter)
        choices = QHBoxLayout()
        choices.setSpacing(2)
        for box in (self.status_filter, self.annotator_filter, self.order_box):
            box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            box.setMinimumContentsLength(6)
            choices.addWidget(box, 1)
        layout.addLayout(choices)
        layout.addWidget(self.filter_message)
        layout.addWidget(self.sort_message)
        layout.addWidget(self.list)
        self._current: int | None = None
        self._selecting = False
        self.done = store.finished_count(annotator)
        self.total = store.document_count()
        self._filter_timer = QTimer(self, singleShot=True, interval=FILTER_DELAY_MS)
        self._filter_timer.timeout.connect(self.apply_filter)
        self.filter.textChanged.connect(self._filter_timer.start)
        self.filter.returnPressed.connect(self.apply_filter)
        self._fill_annotators()
        for box in (self.status_filter, self.annotator_filter):
            box.currentIndexChanged.connect(self.apply_filter)
        self.order_box.currentIndexChanged.connect(self._order_changed)
        self.list.selectionModel().currentChanged.connect(self._row_changed)
        store.subscribe(self._on_store_changed)
        self.destroyed.connect(lambda: store.unsubscribe(self._on_store_changed))

    def detach(self) -> None:
        """Stop listening before the store closes: a pending filter would
        otherwise run against a closed database."""
        self._filter_timer.stop()
        self.store.unsubscribe(self._on_store_changed)
        for task in self._sorts:
            task.finished.disconnect()
            task.cancel()
            task.wait()

    # -- following the store ----------------------------------------------------

    def _on_store_changed(self, kind: str, document_id: int | None) -> None:
        if kind == "documents":
            self.refresh()
        elif kind in ("spans", "facts", "status"):
            if document_id is None:  # a label deleted or relabelled everywhere; another program's commit
                self.model.forget_rows()
                if kind == "status":
                    self.done = self.store.finished_count(self.annotator)
                return
            before = self.model.update_document(document_id)
            if kind == "status":
                self._count_status_change(document_id, before.status if before is not None else None)

    def _count_status_change(self, document_id: int, before: str | None) -> None:
        if before is None:  # the row is not kept, so the old status is unknown: count once
            self.done = self.store.finished_count(self.annotator)
            return
        now = self.store.status(document_id, self.annotator)
        self.done += (now in FINISHED) - (before in FINISHED)

    def refresh(self) -> None:
        """Count again and show the list from the store (documents were added or
        removed, or another program changed the database)."""
        self.done = self.store.finished_count(self.annotator)
        self.total = self.store.document_count()
        self._fill_annotators()
        self._reload()

    def _fill_annotators(self) -> None:
        chosen = self.annotator_filter.currentData()
        names = self.store.annotators()
        wanted = ["", *names]
        if [self.annotator_filter.itemData(i) for i in range(self.annotator_filter.count())] == wanted:
            return
        self.annotator_filter.blockSignals(True)
        self.annotator_filter.clear()
        self.annotator_filter.addItem("by anyone", "")
        for name in names:
            self.annotator_filter.addItem(f"by {name}", name)
        self.annotator_filter.setCurrentIndex(max(0, self.annotator_filter.findData(chosen)))
        self.annotator_filter.blockSignals(False)

    def _reload(self, query: str | None = None) -> None:
        wanted = self.order_box.currentData()
        background = wanted in SNAPSHOT_ORDERS and self.store.path is not None and not self.model.by_uncertainty
        # sorted by status or span count: seconds at a million documents, so on a connection
        # of its own, off this thread; meanwhile the list shows the matches as imported
        self.model.order = "id" if background else wanted
        self.model.reload(query, self.annotator)
        for task in self._sorts:
            task.cancel()  # no longer wanted: stopped at SQLite's next look
        self._wanted_sort = None
        self.sort_message.hide()
        if background:
            self._sort(wanted)
        if self._current is not None:
            self._show_current()

    @property
    def sorting(self) -> bool:
        """Whether a sort is still running in the background (the window waits for it when it closes)."""
        return bool(self._sorts)

    def _sort(self, order: str) -> None:
        annotator, query = self.annotator, self.model.query
        task = WorkTask(self.store, lambda store, progress: store.list_order(
            annotator, query, order, rows=True, keep_going=lambda: progress(0, 0)), self)
        self._sorts.append(task)
        self._wanted_sort = task
        task.finished.connect(lambda: self._sorted(task))
        self.sort_message.setText(f"Sorting by {ORDER_NAMES[order]}… (listed as imported until then)")
        self.sort_message.show()
        task.start()

    def _sorted(self, task: WorkTask) -> None:
        self._sorts.remove(task)
        task.deleteLater()
        if task is not self._wanted_sort:
            return  # the list was reloaded since this sort began
        self._wanted_sort = None
        self.sort_message.hide()
        if task.error:
            self.sort_message.setText(f"Could not sort: {task.error}")
            self.sort_message.show()
            return
        self.store.adopt_list_order(task.result)
        self.model.order = task.result.key[2]
        self.model.reload(sorted_already=True)
        if self._current is not None:
            self._show_current()

    @property
    def ranking(self) -> bool:
        """Whether the documents the tagger is least sure of come first."""
        return self.model.by_uncertainty

    @ranking.setter
    def ranking(self, on: bool) -> None:
        self.model.by_uncertainty = bool(on)

    def set_annotator(self, annotator: str) -> None:
        self.annotator = annotator
        self.refresh()

    def query(self) -> str:
        """The filter box's query with the status and annotator chosen (the search syntax)."""
        terms = [self.filter.text().strip()]
        if status := self.status_filter.currentData():
            terms.append(f"status:{status}")
        if who := self.annotator_filter.currentData():
            terms.append(f'annotator:"{who}"' if any(c.isspace() for c in who) else f"annotator:{who}")
        return " ".join(term for term in terms if term)

    def set_order(self, order: str) -> None:
        self.order_box.setCurrentIndex(self.order_box.findData(order))

    def _order_changed(self) -> None:
        self.apply_filter()

    def apply_filter(self) -> None:
        self._filter_timer.stop()
        try:
            self._reload(self.query())
        except StoreError as exc:
            # the list stays as it was while the query cannot be read (an open quotation mark)
            self.filter_message.setText(exc.message)
            self.filter_message.show()
            return
        self.filter_message.hide()

    # -- the current document -----------------------------------------------------

    def _row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self._selecting or not current.isValid():
            return
        document_id = current.data(DocumentIdRole)
        if document_id is not None:
            self._current = document_id
            self.documentActivated.emit(document_id)

    def select_document(self, document_id: int) -> None:
        self._current = document_id
        self._show_current()

    def _show_current(self) -> None:
        row = self.model.row_of(self._current)  # type: ignore[arg-type]
        self._selecting = True
        try:
            if row is None:
                self.list.clearSelection()
                self.list.selectionModel().setCurrentIndex(QModelIndex(), QItemSelectionModel.SelectionFlag.Clear)
            else:
                index = self.model.index(row, 0)
                self.list.setCurrentIndex(index)
                self.list.scrollTo(index)
        finally:
            self._selecting = False

    def first_document(self) -> int | None:
        summary = self.model.summary_at(0)
        return None if summary is None else summary.id

    def neighbour(self, step: int) -> int | None:
        """The id of the next (step 1) or previous (step -1) listed document."""
        row = None if self._current is None else self.model.row_of(self._current)
        if row is None:
            return self.first_document()
        if row + step >= self.model.rowCount() and self.model.canFetchMore():
            self.model.fetchMore()  # the next match of a filtered list, past the rows read so far
        summary = self.model.summary_at(row + step)
        return None if summary is None else summary.id

    def next_unfinished(self) -> int | None:
        """The next listed document (round to the top) the annotator has not marked done or reviewed."""
        return self.model.next_unfinished(self._current)

    def progress(self) -> tuple[int, int]:
        """(done, total) over all documents, whatever the filter."""
        return self.done, self.total
