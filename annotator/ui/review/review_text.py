"""The article in review: the gold layer highlighted in the text, and one thin
lane per compared annotator painted under every line.

Each lane shows that annotator's spans as bars in the label's colour, so a
different label (another colour), a different boundary (a longer or shorter
bar) or a missing span (no bar) shows at a glance. A coloured square in the
left margin names the lane's annotator. Where an annotator's fact differs
from the others', their lane is hatched and bracketed over the fact's
trigger. The difference being settled is outlined, and for a fact so are
its arguments in each lane.

The text is plain text (`setPlainText`); code-point offsets are converted
to Qt positions here and nowhere else in review (`DocumentPositionMap`).
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextOption,
)
from PySide6.QtWidgets import QTextEdit, QWidget

from annotator.domain import Span
from annotator.domain.offsets import DocumentPositionMap
from annotator.ui.widgets.plain_text import literal

LANE_HEIGHT = 6
LANE_GAP = 1
LEFT_MARGIN = 30
NO_LABEL_COLOR = "#cccccc"
CURRENT_COLOR = "#d62728"
FACT_MARK_COLOR = "#222222"


class SortedRanges:
    """Items with (start, end), found by overlap with a stretch of text in
    O(log n + hits), so painting a line reads only what lies on it."""

    def __init__(self, items: list, bounds=lambda item: (item.start, item.end)) -> None:  # noqa: ANN001
        self.items = sorted(items, key=lambda item: (bounds(item)[0], -bounds(item)[1]))
        self._bounds = bounds
        self._starts = [bounds(item)[0] for item in self.items]
        self._longest = max((bounds(item)[1] - bounds(item)[0] for item in self.items), default=0)

    def overlapping(self, start: int, end: int) -> list:
        lo = bisect_left(self._starts, start - self._longest)
        hi = bisect_left(self._starts, end)
        return [item for item in self.items[lo:hi] if self._bounds(item)[1] > start]


@dataclass
class Lane:
    """One annotator's spans, sorted by start, drawn under the text, and the
    stretches where one of their facts differs from the others' (hatched)."""

    annotator: str
    color: str
    spans: list[Span]
    fact_marks: list[tuple[int, int]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._spans = SortedRanges(self.spans)
        self.spans = self._spans.items
        self._facts = SortedRanges(self.fact_marks, bounds=lambda mark: mark)

    def overlapping(self, start: int, end: int) -> list[Span]:
        return self._spans.overlapping(start, end)

    def facts_overlapping(self, start: int, end: int) -> list[tuple[int, int]]:
        return self._facts.overlapping(start, end)


class ReviewTextView(QTextEdit):
    hotkeyPressed = Signal(str, bool)
    """A letter or digit typed while editing by hand: (key, exact)."""
    offsetClicked = Signal(int)
    """A click without a selection, at this code-point offset."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reviewView")
        self.setReadOnly(True)
        self.setAcceptRichText(False)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                     | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        font = self.font()
        font.setPointSizeF(max(font.pointSizeF(), 10) * 1.2)
        self.setFont(font)
        self.editing = False
        """While editing by hand, letters are label keys (the window turns its own keys off)."""
        self.text = ""
        self.positions = DocumentPositionMap("")
        self.lanes: list[Lane] = []
        self.gold: list[Span] = []
        self.colors: dict[str, str] = {}
        self.current: tuple[int, int] | None = None
        self.current_args: list[tuple[int, int, int]] = []
        """The selected fact difference's argument spans: (lane, start, end), outlined."""
        self.open_ranges: list[tuple[int, int]] = []
        """Differences not settled yet: their lanes get a dashed outline."""

    # -- content ------------------------------------------------------------

    def show_text(self, text: str) -> None:
        if text == self.text and self.document().characterCount() > 1:
            return
        self.text = text
        self.positions = DocumentPositionMap(text)
        self.current = None
        # setPlainText never interprets markup: "<b>" stays two characters
        self.setPlainText(text)
        self._space_lines()

    def show_layers(self, lanes: list[Lane], gold: list[Span], colors: dict[str, str],
                    open_ranges: list[tuple[int, int]] | None = None) -> None:
        lanes_changed = len(lanes) != len(self.lanes)
        self.lanes, self.gold, self.colors = lanes, gold, colors
        self.open_ranges = sorted(open_ranges or [])
        if lanes_changed:
            self._space_lines()
        self._paint_gold()
        self.viewport().update()

    def _space_lines(self) -> None:
        """Room under every line (wrapped ones too) for the lanes."""
        frame = self.document().rootFrame()
        frame_format = frame.frameFormat()
        frame_format.setLeftMargin(LEFT_MARGIN)
        frame_format.setTopMargin(8)
        frame.setFrameFormat(frame_format)
        block_format = QTextBlockFormat()
        room = len(self.lanes) * (LANE_HEIGHT + LANE_GAP) + 4
        block_format.setLineHeight(room, QTextBlockFormat.LineHeightTypes.LineDistanceHeight.value)
        cursor = QTextCursor(self.document())
        cursor.select(QTextCursor.SelectionType.Document)
        cursor.mergeBlockFormat(block_format)

    def _paint_gold(self) -> None:
        selections = []
        for span in self.gold:
            selection = QTextEdit.ExtraSelection()
            cursor = QTextCursor(self.document())
            cursor.setPosition(self.positions.to_document(span.start))
            cursor.setPosition(self.positions.to_document(span.end), QTextCursor.MoveMode.KeepAnchor)
            selection.cursor = cursor
            char_format = QTextCharFormat()
            char_format.setBackground(QColor(self.colors.get(span.label, NO_LABEL_COLOR)))
            char_format.setToolTip(literal(f"gold: {span.label}"))
            selection.format = char_format
            selections.append(selection)
        self.setExtraSelections(selections)

    def set_current(self, start: int | None, end: int | None,
                    args: list[tuple[int, int, int]] | None = None) -> None:
        """Outline the difference being settled (and, for a fact, its arguments
        in each lane: (lane, start, end)) and scroll it into view."""
        self.current = None if start is None or end is None else (start, end)
        self.current_args = list(args or [])
        if self.current is not None:
            cursor = QTextCursor(self.document())
            cursor.setPosition(self.positions.to_document(end))  # type: ignore[arg-type]
            self.setTextCursor(cursor)
            self.ensureCursorVisible()
            cursor.setPosition(self.positions.to_document(start))  # type: ignore[arg-type]
            self.setTextCursor(cursor)
            self.ensureCursorVisible()
        self.viewport().update()

    # -- offsets ------------------------------------------------------------

    def selected_range(self) -> tuple[int, int] | None:
        cursor = self.textCursor()
        if not cursor.hasSelection():
            return None
        return (self.positions.from_document(cursor.selectionStart()),
                self.positions.from_document(cursor.selectionEnd()))

    def select_range(self, start: int, end: int) -> None:
        cursor = self.textCursor()
        cursor.setPosition(self.positions.to_document(start))
        cursor.setPosition(self.positions.to_document(end), QTextCursor.MoveMode.KeepAnchor)
        self.setTextCursor(cursor)

    # -- painting -----------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt's name)
        super().paintEvent(event)
        if not self.lanes and self.current is None and not self.open_ranges:
            return
        painter = QPainter(self.viewport())
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        offset = QPointF(-self.horizontalScrollBar().value(), -self.verticalScrollBar().value())
        height = self.viewport().height()
        block = self.cursorForPosition(self.viewport().rect().topLeft()).block()
        while block.isValid():
            layout = block.layout()
            origin = layout.position() + offset
            if origin.y() > height:
                break
            for i in range(layout.lineCount()):
                line = layout.lineAt(i)
                top = origin.y() + line.y()
                if top + line.height() + len(self.lanes) * (LANE_HEIGHT + LANE_GAP) < 0:
                    continue
                self._paint_line(painter, block.position(), origin, line)
            block = block.next()
        painter.end()

    def _paint_line(self, painter: QPainter, block_position: int, origin: QPointF, line) -> None:  # noqa: ANN001
        first = block_position + line.textStart()
        last = first + line.textLength()
        start, end = self.positions.from_document(first), self.positions.from_document(last)
        lanes_top = origin.y() + line.y() + line.height() + 1

        def x_at(position: int) -> float:
            x = line.cursorToX(position - block_position)
            return origin.x() + (x[0] if isinstance(x, tuple) else x)

        for n, lane in enumerate(self.lanes):
            y = lanes_top + n * (LANE_HEIGHT + LANE_GAP)
            painter.fillRect(QRectF(origin.x() - LEFT_MARGIN + 6, y, 8, LANE_HEIGHT), QColor(lane.color))
            for span in lane.overlapping(start, end):
                x1 = x_at(max(self.positions.to_document(span.start), first))
                x2 = x_at(min(self.positions.to_document(span.end), last))
                color = QColor(self.colors.get(span.label, NO_LABEL_COLOR))
                painter.fillRect(QRectF(x1, y, max(x2 - x1, 2), LANE_HEIGHT), color.darker(130))
                painter.setPen(QPen(color.darker(220), 1))
                painter.drawRect(QRectF(x1, y, max(x2 - x1, 2), LANE_HEIGHT - 1))
            for mark_start, mark_end in lane.facts_overlapping(start, end):
                self._paint_fact_mark(painter, x_at, y, (mark_start, mark_end), (first, last))
        for n, arg_start, arg_end in self.current_args:
            if arg_start < end and start < arg_end and n < len(self.lanes):
                x1 = x_at(max(self.positions.to_document(arg_start), first))
                x2 = x_at(min(self.positions.to_document(arg_end), last))
                y = lanes_top + n * (LANE_HEIGHT + LANE_GAP)
                painter.setPen(QPen(QColor(CURRENT_COLOR), 2))
                painter.drawRect(QRectF(x1 - 1, y - 1, max(x2 - x1, 2) + 2, LANE_HEIGHT + 1))
        bottom = lanes_top + len(self.lanes) * (LANE_HEIGHT + LANE_GAP)
        dashed = QPen(QColor(CURRENT_COLOR), 1, Qt.PenStyle.DashLine)
        for open_start, open_end in self.open_ranges:
            if open_start >= end:
                break
            if open_end > start:
                x1 = x_at(max(self.positions.to_document(open_start), first))
                x2 = x_at(min(self.positions.to_document(open_end), last))
                painter.setPen(dashed)
                painter.drawRect(QRectF(x1 - 1, lanes_top - 1, x2 - x1 + 2, bottom - lanes_top + 1))
        if self.current is not None and self.current[0] < end and start < self.current[1]:
            x1 = x_at(max(self.positions.to_document(self.current[0]), first))
            x2 = x_at(min(self.positions.to_document(self.current[1]), last))
            painter.setPen(QPen(QColor(CURRENT_COLOR), 2))
            painter.drawRect(QRectF(x1 - 2, origin.y() + line.y(), x2 - x1 + 4, bottom - origin.y() - line.y()))

    def _paint_fact_mark(self, painter: QPainter, x_at, y: float, mark: tuple[int, int],  # noqa: ANN001
                         line: tuple[int, int]) -> None:
        """Hatch the lane where the annotator's fact differs, bracketed at its ends."""
        first, last = line
        begin, finish = self.positions.to_document(mark[0]), self.positions.to_document(mark[1])
        x1, x2 = x_at(max(begin, first)), x_at(min(finish, last))
        width = max(x2 - x1, 2)
        painter.fillRect(QRectF(x1, y, width, LANE_HEIGHT), QBrush(QColor(FACT_MARK_COLOR), Qt.BrushStyle.BDiagPattern))
        painter.setPen(QPen(QColor(FACT_MARK_COLOR), 1))
        bottom = y + LANE_HEIGHT - 1
        if begin >= first:
            painter.drawPolyline([QPointF(x1 + 3, y - 1), QPointF(x1, y - 1), QPointF(x1, bottom + 1),
                                  QPointF(x1 + 3, bottom + 1)])
        if finish <= last:
            painter.drawPolyline([QPointF(x1 + width - 3, y - 1), QPointF(x1 + width, y - 1),
                                  QPointF(x1 + width, bottom + 1), QPointF(x1 + width - 3, bottom + 1)])

    # -- input --------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        text = event.text()
        command = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.MetaModifier
        if self.editing and len(text) == 1 and text.isalnum() and not event.modifiers() & command:
            self.hotkeyPressed.emit(text.lower(), bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier))
            return
        super().keyPressEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        super().mouseReleaseEvent(event)
        if event.button() == Qt.MouseButton.LeftButton and not self.textCursor().hasSelection() and not self.editing:
            position = self.cursorForPosition(event.position().toPoint()).position()
            self.offsetClicked.emit(self.positions.from_document(position))
