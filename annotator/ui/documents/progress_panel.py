"""View → Progress: one annotator's documents per status and spans per label,
as numbers and a bar chart; the figures of `annotator stats`.

Counting walks every status and span of the corpus (about a second at
100,000 documents), so it never runs per edit: the panel counts when it is
shown and then at most every few seconds while edits come in, on its own
connection in the background when the database is a file.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QRectF, Qt, QTimer
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import QComboBox, QDockWidget, QSizePolicy, QVBoxLayout, QWidget

from annotator.store import Store
from annotator.ui.documents.document_list_model import STATUS_TEXT
from annotator.ui.widgets.background import WorkTask
from annotator.ui.widgets.plain_text import plain_label

REFRESH_DELAY_MS = 3000
"""After an edit the figures are counted again at most this often."""

STATUS_COLOURS = {"todo": "#BBBBBB", "in_progress": "#E69F00", "done": "#009E73", "reviewed": "#0072B2"}
"""Okabe–Ito colours, told apart with any colour vision."""

ROW = 20
"""Height of one bar and its caption, in pixels."""


class ProgressChart(QWidget):
    """Bars drawn with QPainter: the documents per status, then the spans per label."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("progressChart")
        self.rows: list[tuple[str, int, str]] = []
        """(caption, count, colour) of each bar; a caption alone (count -1) is a heading."""
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)

    def show_rows(self, rows: list[tuple[str, int, str]]) -> None:
        self.rows = rows
        self.setMinimumHeight(ROW * len(rows) + 8)
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        text = self.palette().windowText().color()
        caption_width = min(150, self.width() * 2 // 5)
        number_width = 60
        bar_width = max(10, self.width() - caption_width - number_width - 12)
        groups = _groups(self.rows)
        y = 4
        for caption, count, colour in self.rows:
            painter.setPen(text)
            if count < 0:
                font = painter.font()
                font.setBold(True)
                painter.setFont(font)
                painter.drawText(QRectF(0, y, self.width(), ROW), Qt.AlignmentFlag.AlignVCenter, caption)
                font.setBold(False)
                painter.setFont(font)
            else:
                painter.drawText(QRectF(0, y, caption_width - 4, ROW),
                                 Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight,
                                 painter.fontMetrics().elidedText(caption, Qt.TextElideMode.ElideRight,
                                                                  caption_width - 4))
                largest = groups.get(y, 1) or 1
                width = bar_width * count / largest
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(QColor(colour))
                painter.drawRoundedRect(QRectF(caption_width + 4, y + 3, max(width, 1 if count else 0), ROW - 6), 2, 2)
                painter.setPen(text)
                painter.drawText(QRectF(caption_width + 8 + width, y, number_width, ROW),
                                 Qt.AlignmentFlag.AlignVCenter, f"{count:,}")
            y += ROW
        painter.end()


def _groups(rows: list[tuple[str, int, str]]) -> dict[int, int]:
    """The y of each bar -> the largest count of its group (the rows under one heading)."""
    found: dict[int, int] = {}
    group: list[int] = []
    largest = 0
    for i, (_caption, count, _colour) in enumerate([*rows, ("", -1, "")]):
        if count < 0:
            found.update((y, largest) for y in group)
            group, largest = [], 0
        else:
            group.append(4 + i * ROW)
            largest = max(largest, count)
    return found


class ProgressPanel(QDockWidget):
    def __init__(self, store: Store, annotator: str, parent: QWidget | None = None) -> None:
        super().__init__("Progress", parent)
        self.setObjectName("progressPanel")
        self.store, self.annotator = store, annotator
        self.figures: dict[str, Any] | None = None
        body = QWidget(self)
        self.who = QComboBox(body)
        self.who.setObjectName("progressAnnotator")
        self.summary = plain_label(parent=body)  # names are never markup
        self.summary.setObjectName("progressSummary")
        self.summary.setWordWrap(True)
        self.chart = ProgressChart(body)
        self.team = plain_label(parent=body)
        self.team.setObjectName("progressTeam")
        self.team.setWordWrap(True)
        self.team.hide()  # until a sync with the team server has told
        layout = QVBoxLayout(body)
        layout.addWidget(self.who)
        layout.addWidget(self.summary)
        layout.addWidget(self.chart)
        layout.addWidget(self.team)
        layout.addStretch(1)
        self.setWidget(body)
        self.task: WorkTask | None = None
        self._stale = True
        self._timer = QTimer(self, singleShot=True, interval=REFRESH_DELAY_MS)
        self._timer.timeout.connect(self.refresh)
        self.who.currentIndexChanged.connect(self._draw)
        self.visibilityChanged.connect(lambda shown: shown and self._stale and self.refresh())
        store.subscribe(self._on_store_changed)
        self.destroyed.connect(lambda: store.unsubscribe(self._on_store_changed))

    def detach(self) -> None:
        self._timer.stop()
        self.store.unsubscribe(self._on_store_changed)
        if self.task is not None:
            self.task.wait()

    def set_annotator(self, annotator: str) -> None:
        self.annotator = annotator
        self._fill_names(select=annotator)

    def _on_store_changed(self, kind: str, _document_id: int | None) -> None:
        if kind in ("spans", "facts", "status", "documents", "schema"):
            self._stale = True
            if self.isVisible() and not self._timer.isActive():
                self._timer.start()  # not restarted per edit: at most one count per delay

    def refresh(self) -> None:
        """Count again: in the background on a file, at once in memory."""
        self._stale = False
        if self.store.path is None:
            self._show(self.store.progress_figures())
            return
        if self.task is not None and self.task.isRunning():
            self._stale = True
            self._timer.start()
            return
        task = self.task = WorkTask(self.store, lambda store, _progress: store.progress_figures(), self)
        task.finished.connect(lambda: self._counted(task))
        task.start()

    def _counted(self, task: WorkTask) -> None:
        task.deleteLater()  # a day of edits starts thousands of counts: none is kept
        if task is not self.task:
            return  # an older count, finished after a newer one began
        self.task = None
        if task.error:
            self.summary.setText(f"could not count: {task.error}")
        elif task.result is not None:
            self._show(task.result)

    def show_team(self, entries: list[dict[str, Any]]) -> None:
        """The team server's figures after a sync: per annotator, their assigned documents finished."""
        lines = ["Team server, at the last sync:"]
        for entry in entries:
            finished = entry["statuses"].get("done", 0) + entry["statuses"].get("reviewed", 0)
            lines.append(f"{entry['annotator']}: {finished:,} of {entry['assigned']:,} assigned finished, "
                         f"{entry['spans']:,} span{'' if entry['spans'] == 1 else 's'}, "
                         f"{entry['facts']:,} fact{'' if entry['facts'] == 1 else 's'}")
        if not entries:
            lines.append("no documents assigned yet")
        self.team.setText("\n".join(lines))
        self.team.show()

    def _show(self, figures: dict[str, Any]) -> None:
        self.figures = figures
        self._fill_names(select=self.who.currentData() or self.annotator)

    def _fill_names(self, select: str) -> None:
        names = sorted({*(self.figures or {}).get("annotators", {}), self.annotator})
        self.who.blockSignals(True)
        self.who.clear()
        for name in names:
            self.who.addItem(name, name)
        self.who.setCurrentIndex(max(0, self.who.findData(select)))
        self.who.blockSignals(False)
        self._draw()

    def _draw(self) -> None:
        if self.figures is None:
            return
        name = self.who.currentData()
        entry = self.figures["annotators"].get(name, {"status": dict.fromkeys(STATUS_TEXT, 0), "spans": {}, "facts": {}})
        total = self.figures["documents"]
        finished = entry["status"].get("done", 0) + entry["status"].get("reviewed", 0)
        spans = sum(entry["spans"].values())
        self.summary.setText(f"{name}: {finished:,} of {total:,} document{'' if total == 1 else 's'} finished, "
                             f"{spans:,} span{'' if spans == 1 else 's'}, "
                             f"{sum(entry['facts'].values()):,} fact{'' if sum(entry['facts'].values()) == 1 else 's'}")
        colours = {label.name: label.color for label in self.store.schema().labels}
        rows: list[tuple[str, int, str]] = [("Documents", -1, "")]
        rows += [(STATUS_TEXT[status], n, STATUS_COLOURS[status]) for status, n in entry["status"].items()]
        for kind, heading in (("spans", "Spans per label"), ("facts", "Facts per label")):
            if entry[kind]:
                rows.append((heading, -1, ""))
                rows += [(label, n, colours.get(label, "#999999")) for label, n in entry[kind].items()]
        self.chart.show_rows(rows)
