"""Label names on the text, brat-style: each span's label in small letters
in the room above its first line (the room every line has, see
`span_highlighter.room_format`), so a name never covers text.

Only the spans of the blocks on screen are looked up (one lookup in the
layer's position index per repaint) and drawn: a 10 MB article with 100,000
spans costs what its visible lines hold.
"""

from __future__ import annotations

from collections.abc import Callable
from math import ceil

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPaintEvent, QPixmap, QTextBlock

from annotator.ui.labelling.span_highlighter import NO_LABEL_COLOR, line_room, readable_fill
from annotator.ui.labelling.text_view import TextView
from annotator.ui.widgets.viewport_overlay import ViewportOverlay

TAG_GAP = 3.0
"""Pixels kept between two names on one line."""


class LabelTags(ViewportOverlay):
    def __init__(self, view: TextView, span_rects: Callable[[int, int], list[QRectF]],
                 visible_range: Callable[[], tuple[int, int]]) -> None:
        super().__init__(view, "labelTags")
        self.view = view
        self._span_rects, self._visible_range = span_rects, visible_range
        self._looks: dict[str, QPixmap] = {}
        """Each label's name as drawn (its box's fill and letters): drawing text is what a repaint cost most."""
        self._looks_for: tuple[QFont, float, float] | None = None
        """The font, box height and pixel ratio the looks were drawn for."""
        self._looked_up: tuple[tuple[int, int], list[tuple[int, int, str, int]]] | None = None
        """The spans of the range last on screen: a repaint for the caret's blink asks the layer nothing."""
        self._starts: dict[int, tuple[tuple[float, float, int], dict[int, tuple[float, float, float, int] | None]]] = {}
        """Per block (its number), its shape and where in it the spans starting there start
        (`_line_start`): an edit changes one block, and only the names on it are measured again."""
        self._placed: tuple[tuple[object, ...], list[tuple[int, QRectF, str]]] | None = None
        """(what the places depend on, (span id, box, label) of each name): a repaint of lines
        that did not move (the caret, a span's block, the whole view after an edit elsewhere)
        measures no text."""
        self.drawn: list[tuple[int, QRectF]] = []
        """(span id, box) of the names the last repaint drew: what tests look at."""
        view.layer.spansChanged.connect(self._spans_changed)
        for changed in (view.layer.spansReset, view.layer.documentChanged):
            changed.connect(self._forget)
        # laid out again, the text may have moved (a block's lines, a wider view, another font):
        # the names are placed again, their places in a block measured again if its shape changed.
        # (Setting a block's formats tells the layout that the block changed and the one after it,
        # so every edit lays out and repaints the whole view, the span's block alone changed.)
        layout = view.document().documentLayout()
        layout.update.connect(self._forget_placed)
        layout.updateBlock.connect(self._forget_block)
        view.document().documentLayoutChanged.connect(self._forget_places)
        view.layer.store.subscribe(self._on_store_changed)
        self.destroyed.connect(lambda: view.layer.store.unsubscribe(self._on_store_changed))
        self.lower()  # under the role names and suggestions drawn over the text
        self.setVisible(False)

    def set_shown(self, on: bool) -> None:
        self._looks = {}
        self.drawn = []
        self.setVisible(on)
        self.update()

    def _forget(self, *_: object) -> None:
        # the text view lays out and repaints what changed; the names with it
        self._looked_up = None
        self._forget_places()

    def _spans_changed(self, ranges: list[tuple[int, int]]) -> None:
        self._looked_up = None
        self._placed = None
        doc, to_document = self.view.document(), self.view.layer.positions.to_document
        for start, end in ranges:
            first = doc.findBlock(to_document(start)).blockNumber()
            last = doc.findBlock(to_document(max(end - 1, start))).blockNumber()
            for number in range(first, last + 1):
                self._starts.pop(number, None)

    def _forget_places(self, *_: object) -> None:
        self._starts.clear()
        self._placed = None

    def _forget_placed(self, *_: object) -> None:
        self._placed = None

    def _forget_block(self, block: QTextBlock) -> None:
        self._starts.pop(block.blockNumber(), None)
        self._placed = None

    def _on_store_changed(self, kind: str, document_id: int | None) -> None:
        if kind == "schema":
            self._looks = {}
            self._forget()
            self.update()

    def _look(self, label: str, font: QFont, height: float) -> QPixmap:
        ratio = self.devicePixelRatioF()
        if self._looks_for != (font, height, ratio):
            self._looks, self._looks_for = {}, (font, height, ratio)
        look = self._looks.get(label)
        if look is None:
            known = self.view.layer.store.schema().label(label)
            color = QColor(known.color if known else NO_LABEL_COLOR)
            width = QFontMetricsF(font).horizontalAdvance(label)
            look = QPixmap(max(ceil(width * ratio), 1), max(ceil(height * ratio), 1))
            look.setDevicePixelRatio(ratio)
            # on the span's own light fill, also where the name is wider than the span
            # (and on a dark theme): dark enough to read there
            look.fill(readable_fill(color))
            painter = QPainter(look)
            painter.setFont(font)
            box = QRectF(0, 0, width, height)
            painter.setPen(color.darker(260))
            painter.drawText(box, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, label)
            painter.end()
            self._looks[label] = look
        return look

    def _places(self) -> list[tuple[int, QRectF, str]]:
        """Where each name of a span on screen goes: above the span's first line on screen,
        after the names before it on that line (names on one line never overlap)."""
        view = self.view
        lo, hi = self._visible_range()
        offset = view.contentOffset()
        font = view.tag_font()
        key = (lo, hi, offset.x(), offset.y(), view.viewport().size(), view.font(), font)
        if self._placed is not None and self._placed[0] == key:
            return self._placed[1]
        if self._looked_up is None or self._looked_up[0] != (lo, hi):
            self._looked_up = ((lo, hi), view.layer.ranges_overlapping(lo, hi + 1))
        metrics = QFontMetricsF(font)
        room, bottom = line_room(view.font())
        height = view.viewport().height()
        doc = view.document()
        to_document = view.layer.positions.to_document
        widths: dict[str, float] = {}
        origins: dict[int, QPointF] = {}
        """Top left of each block in the viewport."""
        free_from: dict[float, float] = {}
        """Per line (its top), where the next name may start."""
        placed = []
        for start, end, label, span_id in self._looked_up[1]:
            position = to_document(start)
            block = doc.findBlock(position)
            number = block.blockNumber()
            origin = origins.get(number)
            if origin is None:
                geometry = view.blockBoundingGeometry(block)
                origin = origins[number] = geometry.translated(offset).topLeft()
                # what the places in a block depend on: its lines (an edit of formats leaves them
                # as they were, and the text view lays everything out again after any edit)
                shape = (geometry.width(), geometry.height(), block.layout().lineCount())
                if self._starts.get(number, (None,))[0] != shape:
                    self._starts[number] = (shape, {})
            starts = self._starts[number][1]
            if span_id not in starts:
                starts[span_id] = _line_start(block, position)
            where = starts[span_id]
            if where is not None and -where[2] <= origin.y() + where[1] <= height:
                left, top = origin.x() + where[0], origin.y() + where[1]
            elif where is not None and (origin.y() + where[1] > height
                                        or origin.y() + where[1] < 0 and to_document(end) <= block.position() + where[3]):
                continue  # starts below the screen, or lies on one line above it
            else:
                # starts above the screen (or at a line's end): where the span's lines are measured
                rects = self._span_rects(start, end)
                if not rects:
                    continue
                left, top = rects[0].left(), rects[0].top()
            width = widths.get(label)
            if width is None:
                width = widths[label] = metrics.horizontalAdvance(label)
            box = QRectF(max(left, free_from.get(top, left)), top + bottom - room, width, room)
            free_from[top] = box.right() + TAG_GAP
            placed.append((span_id, box, label))
        self._placed = (key, placed)
        return placed

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt's name)
        layer = self.view.layer
        if layer.document is None or not layer.count:
            self.drawn = []
            return
        placed = self._places()
        self.drawn = [(span_id, box) for span_id, box, _label in placed]
        painter = QPainter(self)
        font = self.view.tag_font()
        clip = QRectF(event.rect())
        for _span_id, box, label in placed:
            if box.intersects(clip):
                painter.drawPixmap(box.topLeft(), self._look(label, font, box.height()))
        painter.end()


def _line_start(block: QTextBlock, position: int) -> tuple[float, float, float, int] | None:
    """Where `position` (in the document) lies in its block's layout: (x, top of its line, the
    line's height, where the line ends in the block), or None at the end of a line (a span
    starting there begins on the next)."""
    at = position - block.position()
    line = block.layout().lineForTextPosition(at)
    if not line.isValid() or at >= line.textStart() + line.textLength():
        return None
    return line.cursorToX(at)[0], line.y(), line.height(), line.textStart() + line.textLength()
