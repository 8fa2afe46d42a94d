"""Suggestions drawn over the text, apart from annotations: a dashed outline
in the label's colour and the label name in grey above it. Only the
suggestions with an end in the visible text are drawn, found by position."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen

from annotator.ui.labelling.text_view import TextView
from annotator.ui.suggestions.pending_suggestions import PendingSuggestions
from annotator.ui.widgets.viewport_overlay import ViewportOverlay

LABEL_GREY = QColor("#777777")
LABEL_BACKGROUND = QColor(255, 255, 255, 220)


class SuggestionOverlay(ViewportOverlay):
    def __init__(self, view: TextView, span_rects: Callable[[int, int], list[QRectF]],
                 visible_range: Callable[[], tuple[int, int]]) -> None:
        super().__init__(view, "suggestionOverlay")
        self.view = view
        self._span_rects, self._visible_range = span_rects, visible_range
        self.suggestions = PendingSuggestions()
        self.current_id = -1
        self._colors: dict[str, str] = {}
        self.named: list[tuple[int, QRectF]] = []
        """(suggestion id, box) of the names the last repaint drew: what tests look at."""
        self.suggestions_painted = 0
        """How many suggestions paint events have drawn (tests check that it follows the screen, not the document)."""
        self.setVisible(False)

    def show_suggestions(self, suggestions: PendingSuggestions, current_id: int = -1) -> None:
        if suggestions is not self.suggestions:  # read again, not a caret move
            self._colors = {label.name: label.color for label in self.view.layer.store.schema().labels}
        self.suggestions, self.current_id = suggestions, current_id
        # hidden while empty: a transparent widget costs a blend of the viewport on every repaint
        self.setVisible(bool(suggestions))
        self.raise_()
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt's name)
        lo, hi = self._visible_range()
        self.named = []
        painter = QPainter(self)
        painter.setFont(self.view.tag_font())
        for suggestion in self.suggestions.between(lo, hi):
            self.suggestions_painted += 1
            rects = self._span_rects(suggestion.start, suggestion.end)
            if not rects:
                continue
            color = QColor(self._colors.get(suggestion.label, "#999999")).darker(140)
            pen = QPen(color, 2.0 if suggestion.id == self.current_id else 1.2, Qt.PenStyle.DashLine)
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            for rect in rects:
                painter.drawRect(rect.adjusted(0.5, 0.5, -0.5, -0.5))
            # grey and with a question mark: a proposal, not an annotation; in the
            # room above the line's text, on a pale box over any label name there
            name = f"{suggestion.label}?"
            box = self.view.tag_box(rects[0].adjusted(1, 0, 0, 0), painter.fontMetrics().horizontalAdvance(name) + 2)
            painter.fillRect(box, LABEL_BACKGROUND)
            painter.setPen(LABEL_GREY)
            painter.drawText(box, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, name)
            self.named.append((suggestion.id, box))
        painter.end()
