"""The document list as a lazy model: rows are read from the store a page at a
time as the view asks for them, so a million documents cost what a screenful
does. Sorting and filtering are the store's (SQL); an edit re-reads the one
row it touched.

Unfiltered, the number of rows is known at once (the store keeps it) and any
row can be read by its number. Filtered, counting the matches would take
time that grows with them, so the rows grow a page at a time as the view
scrolls to the end (`canFetchMore` / `fetchMore`).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import replace

from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from annotator.store import DocumentSummary, Store
from annotator.ui.widgets.plain_text import literal

PAGE = 100
"""Rows read at once."""

KEPT_PAGES = 50
"""Pages kept in memory; the ones least recently shown are dropped beyond this."""

FINISHED = ("done", "reviewed")
STATUS_TEXT = {"todo": "to do", "in_progress": "in progress", "done": "done", "reviewed": "reviewed"}
STATUS_MARK = {"todo": "○", "in_progress": "◐", "done": "●", "reviewed": "✔"}

DocumentIdRole = Qt.ItemDataRole.UserRole


class DocumentListModel(QAbstractListModel):
    """One row per document matching the query, in document order."""

    def __init__(self, store: Store, annotator: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store, self.annotator = store, annotator
        self.query = ""
        self.by_uncertainty = False
        """List the documents the tagger is least sure of first (suggestions' active learning)."""
        self.order = "id"
        """The store's order of the rows: id (import order), title, status or spans (`Store.ORDERS`)."""
        self._complete = True
        """Whether every matching row is counted in `_count` (else more may be fetched)."""
        self._pages: OrderedDict[int, list[DocumentSummary]] = OrderedDict()
        self._rows: dict[int, int] = {}
        """Document id -> row, for the rows of the pages kept."""
        self._stale: set[int] = set()
        """Rows changed since read: read again when next shown (after the edit is done)."""
        self.known_span_count: Callable[[int], int | None] = lambda _document_id: None
        """The number of the annotator's spans on a document when the window keeps it
        (the shown document's), so an edit there does not count 100,000 spans again."""
        self._count = self.store.document_count()

    # -- Qt's side ------------------------------------------------------------

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else self._count

    def canFetchMore(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> bool:  # noqa: N802
        return not parent.isValid() and not self._complete

    def fetchMore(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> None:  # noqa: N802
        if parent.isValid() or self._complete:
            return
        page = self._read_page(self._count // PAGE)  # an incomplete count is whole pages
        self._complete = len(page) < PAGE
        if page:
            self.beginInsertRows(QModelIndex(), self._count, self._count + len(page) - 1)
            self._count += len(page)
            self.endInsertRows()

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        summary = self.summary_at(index.row())
        if summary is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            # who has finished (done or reviewed), so a reviewer sees what is ready
            finished = f" · finished: {', '.join(summary.done_by)}" if summary.done_by else ""
            spans = f"{summary.span_count} span{'' if summary.span_count == 1 else 's'}"
            return (f"{STATUS_MARK.get(summary.status, '')} {summary.title}\n"
                    f"    {spans} · {STATUS_TEXT.get(summary.status, summary.status)}{finished}")
        if role == Qt.ItemDataRole.ToolTipRole:
            # a title is the article's text: never read as markup
            return literal(f"{summary.title}\nfinished by: {', '.join(summary.done_by) or 'nobody yet'}")
        if role == DocumentIdRole:
            return summary.id
        return None

    # -- rows -----------------------------------------------------------------

    def summary_at(self, row: int) -> DocumentSummary | None:
        if not 0 <= row < self._count:
            return None
        number = row // PAGE
        page = self._pages.get(number)
        if page is None:
            page = self._read_page(number)
        else:
            self._pages.move_to_end(number)
        offset = row - number * PAGE
        if offset >= len(page):
            return None
        if row in self._stale:
            self._stale.discard(row)
            page[offset] = self._read_again(page[offset])
        return page[offset]

    def _read_again(self, before: DocumentSummary) -> DocumentSummary:
        count = self.known_span_count(before.id)
        if count is None:
            return self.store.document_summary(before.id, self.annotator)
        return self._with_statuses(before, count)

    def _with_statuses(self, summary: DocumentSummary, span_count: int) -> DocumentSummary:
        statuses = self.store.statuses(summary.id)
        status = statuses.get(self.annotator) or ("in_progress" if span_count else "todo")
        return replace(summary, span_count=span_count, status=status,
                       done_by=sorted(who for who, s in statuses.items() if s in FINISHED))

    def _read_page(self, number: int) -> list[DocumentSummary]:
        page = self.store.document_page(self.annotator, self.query, number * PAGE, PAGE,
                                        by_uncertainty=self.by_uncertainty, order=self.order)
        self._keep(number, page)
        return page

    def _keep(self, number: int, page: list[DocumentSummary]) -> None:
        self._pages[number] = page
        self._stale.difference_update(range(number * PAGE, number * PAGE + PAGE))
        self._rows.update((summary.id, number * PAGE + i) for i, summary in enumerate(page))
        while len(self._pages) > KEPT_PAGES:
            dropped_number, dropped = self._pages.popitem(last=False)
            for summary in dropped:
                self._rows.pop(summary.id, None)
            self._stale.difference_update(range(dropped_number * PAGE, dropped_number * PAGE + PAGE))

    def fetched_rows(self) -> int:
        """How many rows have been read from the store and are kept."""
        return sum(len(page) for page in self._pages.values())

    def row_of(self, document_id: int) -> int | None:
        """The row of a document (None when the query leaves it out). In a
        filtered list only the rows read so far are looked at: finding one
        further on would read every match before it."""
        row = self._rows.get(document_id)
        if row is None and self._complete:
            row = self.store.document_position(document_id, self.query, by_uncertainty=self.by_uncertainty,
                                               order=self.order, annotator=self.annotator)
            if row is not None:
                self.summary_at(row)  # keep its page: an edit of it then knows what it was
        return row

    # -- changes --------------------------------------------------------------

    def update_document(self, document_id: int) -> DocumentSummary | None:
        """Repaint one document's row only. Its status is read at once, its
        span count when the row is next shown: the store tells of an edit while
        the edit is being written, and the window's count of the shown
        document's spans follows after. Nothing when its row is not kept (it
        is read fresh when it comes into view). Returns the summary as it was."""
        row = self._rows.get(document_id)
        if row is None:
            return None
        page = self._pages[row // PAGE]
        before = page[row % PAGE]
        # the status now (one row per annotator): the next change's "before" must hold it
        page[row % PAGE] = self._with_statuses(before, before.span_count)
        self._stale.add(row)
        index = self.index(row, 0)
        self.dataChanged.emit(index, index)
        return before

    def next_unfinished(self, after: int | None) -> int | None:
        """The next listed document (in the list's order, round to the top) the annotator has not finished."""
        return self.store.next_unfinished(self.annotator, after, self.query, by_uncertainty=self.by_uncertainty,
                                          order=self.order)

    def forget_rows(self) -> None:
        """Read every row again when shown (many documents changed at once)."""
        self._pages.clear()
        self._rows.clear()
        self._stale.clear()
        if self._count:
            self.dataChanged.emit(self.index(0, 0), self.index(self._count - 1, 0))

    def reload(self, query: str | None = None, annotator: str | None = None, *, sorted_already: bool = False) -> None:
        """Count the matches again (of a new query, for another annotator) and
        start over, sorting again unless the store was just handed this order
        (`sorted_already`). Raises `StoreError` for a query that cannot be read,
        leaving the list as it was."""
        query = self.query if query is None else query
        annotator = annotator or self.annotator
        first: list[DocumentSummary] | None = None
        if not sorted_already:
            self.store.forget_list_order()
        if query:
            first = self.store.document_page(annotator, query, 0, PAGE, by_uncertainty=self.by_uncertainty,
                                             order=self.order)
            count = len(first)
        else:
            count = self.store.document_count()
        self.beginResetModel()
        self.query, self.annotator = query, annotator
        self._count, self._complete = count, first is None or count < PAGE
        self._pages.clear()
        self._rows.clear()
        self._stale.clear()
        if first is not None:
            self._keep(0, first)
        self.endResetModel()
