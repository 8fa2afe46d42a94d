"""Label names on the text, brat-style: each span's label in small letters
in the room above its first line (the room every line has, see
`span_highlighter.room_format`), so a name never covers text.

Only the spans of the blocks on screen are looked up (one lookup in the
layer's position index per repaint) and drawn: a 10 MB article with 100,000
spans costs what its visible lines hold.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPaintEvent

from annotator.ui.labelling.span_highlighter import NO_LABEL_COLOR, readable_fill
from annotator.ui.labelling.text_view import TextView
from annotator.ui.widgets.viewport_overlay import ViewportOverlay

TAG_GAP = 3.0
"""Pixels kept between two names on one line."""
_ALIGN = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter


class LabelTags(ViewportOverlay):
    def __init__(self, view: TextView, span_rects: Callable[[int, int], list[QRectF]],
                 visible_range: Callable[[], tuple[int, int]]) -> None:
        super().__init__(view, "labelTags")
        self.view = view
        self._span_rects, self._visible_range = span_rects, visible_range
        self._colors: dict[str, QColor] = {}
        self._styles: dict[str, tuple[float, QColor, QColor]] = {}
        self._styles_font: QFont | None = None
        self._looked_up: tuple[tuple[int, int], list[tuple[int, int, str, int]]] | None = None
        """The spans of the range last on screen: a repaint for the caret's blink asks the layer nothing."""
        self.drawn: list[tuple[int, QRectF]] = []
        """(span id, box) of the names the last repaint drew: what tests look at."""
        for changed in (view.layer.spansChanged, view.layer.spansReset, view.layer.documentChanged):
            changed.connect(self._forget)
        view.layer.store.subscribe(self._on_store_changed)
        self.destroyed.connect(lambda: view.layer.store.unsubscribe(self._on_store_changed))
        self.lower()  # under the role names and suggestions drawn over the text
        self.setVisible(False)

    def set_shown(self, on: bool) -> None:
        self._colors = {}
        self.drawn = []
        self.setVisible(on)
        self.update()

    def _forget(self, *_: object) -> None:
        self._looked_up = None
        self.update()

    def _on_store_changed(self, kind: str, document_id: int | None) -> None:
        if kind == "schema":
            self._colors = {}
            self._forget()

    def _style(self, label: str, metrics: QFontMetricsF) -> tuple[float, QColor, QColor]:
        """(width of the name, its fill, its pen): worked out once per label, not per name drawn
        (a fill's contrast search is a few hundred colour conversions)."""
        if not self._colors:
            self._colors = {label.name: QColor(label.color) for label in self.view.layer.store.schema().labels}
            self._styles = {}
        style = self._styles.get(label)
        if style is None:
            color = self._colors.get(label, QColor(NO_LABEL_COLOR))
            # on the span's own light fill, also where the name is wider than the span
            # (and on a dark theme): dark enough to read there
            style = self._styles[label] = (metrics.horizontalAdvance(label), readable_fill(color), color.darker(260))
        return style

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt's name)
        self.drawn = []
        layer = self.view.layer
        if layer.document is None or not layer.count:
            return
        lo, hi = self._visible_range()
        painter = QPainter(self)
        font = self.view.tag_font()
        painter.setFont(font)
        metrics = QFontMetricsF(font)
        if self._styles_font != font:
            self._styles, self._styles_font = {}, font
        free_from: dict[float, float] = {}
        """Per line (its top), where the next name may start: names on one line never overlap."""
        if self._looked_up is None or self._looked_up[0] != (lo, hi):
            self._looked_up = ((lo, hi), layer.ranges_overlapping(lo, hi + 1))
        for start, end, label, span_id in self._looked_up[1]:
            rects = self._span_rects(start, end)
            if not rects:
                continue
            first = rects[0]
            width, fill, pen = self._style(label, metrics)
            box = self.view.tag_box(first, width)
            box.moveLeft(max(first.left(), free_from.get(first.top(), first.left())))
            free_from[first.top()] = box.right() + TAG_GAP
            painter.fillRect(box, fill)
            painter.setPen(pen)
            painter.drawText(box, _ALIGN, label)
            self.drawn.append((span_id, box))
        painter.end()
