"""The documents with their title, span count and status, and a filter box."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from annotator.store import Store

STATUS_TEXT = {"todo": "to do", "in_progress": "in progress", "done": "done", "reviewed": "reviewed"}
STATUS_MARK = {"todo": "○", "in_progress": "◐", "done": "●", "reviewed": "✔"}


class DocumentList(QWidget):
    documentActivated = Signal(int)

    def __init__(self, store: Store, annotator: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store, self.annotator = store, annotator
        self.filter = QLineEdit(self)
        self.filter.setObjectName("documentFilter")
        self.filter.setPlaceholderText("Filter by title or text…")
        self.filter.setClearButtonEnabled(True)
        self.list = QListWidget(self)
        self.list.setObjectName("documentList")
        self.list.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.filter)
        layout.addWidget(self.list)
        self.summaries = []
        self.ranking: dict[int, float] | None = None
        """Document id -> the tagger's uncertainty: when set, the most uncertain are listed first."""
        self._current: int | None = None
        # many edits in a row refresh the list once, after they are done
        self._refresh_timer = QTimer(self, singleShot=True, interval=150)
        self._refresh_timer.timeout.connect(self.refresh)
        self.filter.textChanged.connect(self.refresh)
        self.list.currentItemChanged.connect(self._item_changed)
        store.subscribe(self._on_store_changed)
        self.destroyed.connect(lambda: store.unsubscribe(self._on_store_changed))
        self.refresh()

    def detach(self) -> None:
        """Stop listening before the store closes: a pending refresh would
        otherwise run against a closed database."""
        self._refresh_timer.stop()
        self.store.unsubscribe(self._on_store_changed)

    def _on_store_changed(self, kind: str, document_id: int | None) -> None:
        if kind in ("documents", "spans", "facts", "status"):
            self._refresh_timer.start()

    def set_annotator(self, annotator: str) -> None:
        self.annotator = annotator
        self.refresh()

    def refresh(self) -> None:
        self.summaries = self.store.document_summaries(self.annotator, self.filter.text().strip())
        if self.ranking is not None:
            ranking = self.ranking
            self.summaries.sort(key=lambda s: -ranking.get(s.id, -1.0))
        self.list.blockSignals(True)
        self.list.clear()
        for summary in self.summaries:
            # who has finished (done or reviewed), so a reviewer sees what is ready
            finished = f" · finished: {', '.join(summary.done_by)}" if summary.done_by else ""
            item = QListWidgetItem(
                f"{STATUS_MARK.get(summary.status, '')} {summary.title}\n"
                f"    {summary.span_count} spans · {STATUS_TEXT.get(summary.status, summary.status)}{finished}"
            )
            item.setData(Qt.ItemDataRole.UserRole, summary.id)
            item.setToolTip(f"{summary.title}\nfinished by: {', '.join(summary.done_by) or 'nobody yet'}")
            self.list.addItem(item)
            if summary.id == self._current:
                self.list.setCurrentItem(item)
        self.list.blockSignals(False)

    def _item_changed(self, item: QListWidgetItem | None, _previous: QListWidgetItem | None) -> None:
        if item is not None:
            self._current = item.data(Qt.ItemDataRole.UserRole)
            self.documentActivated.emit(self._current)

    def select_document(self, document_id: int) -> None:
        self._current = document_id
        for row in range(self.list.count()):
            if self.list.item(row).data(Qt.ItemDataRole.UserRole) == document_id:
                self.list.setCurrentRow(row)
                return

    def neighbour(self, step: int) -> int | None:
        """The id of the next (step 1) or previous (step -1) listed document."""
        ids = [s.id for s in self.summaries]
        if not ids:
            return None
        if self._current not in ids:
            return ids[0]
        i = ids.index(self._current) + step
        return ids[i] if 0 <= i < len(ids) else None

    def progress(self) -> tuple[int, int]:
        """(done, total) over all documents, whatever the filter."""
        summaries = self.store.document_summaries(self.annotator)
        return sum(s.status in ("done", "reviewed") for s in summaries), len(summaries)
