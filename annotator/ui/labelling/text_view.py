"""The article, read-only and as plain text, with the spans painted on it.

This is the one place where code-point offsets meet Qt's positions: every
position read from or given to the widget goes through the layer's
`DocumentPositionMap`.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QEvent, QRectF, Qt, Signal
from PySide6.QtGui import QFont, QFontMetricsF, QKeyEvent, QKeySequence, QMouseEvent, QTextCursor, QTextOption
from PySide6.QtWidgets import QPlainTextEdit, QWidget

from annotator.ui.labelling.current_layer import CurrentLayer, SpanRange
from annotator.ui.labelling.span_highlighter import SpanHighlighter, line_room
from annotator.ui.widgets.theme import is_dark

MARGIN_BLOCKS = 2
"""Blocks painted beyond each edge of the view: every scroll paints what comes into view before the
repaint, so a wide margin only costs (a dense paragraph holds 60 spans)."""
# keys the window's actions own even while the text has the focus
_ACTION_KEYS = (QKeySequence.StandardKey.Undo, QKeySequence.StandardKey.Redo, QKeySequence.StandardKey.Delete)


class TextView(QPlainTextEdit):
    hotkeyPressed = Signal(str, bool)
    """A plain letter or digit was typed: (key, exact). `exact` (Shift held) turns snapping off."""
    resizeRequested = Signal(str, bool)
    """(edge "start" or "end", grow) for the selected span."""
    deleteRequested = Signal()
    stepRequested = Signal(int)
    """Enter (1) or Shift+Enter (-1): the find bar steps to the next or previous hit."""
    escapePressed = Signal()
    """Esc with no span selected (which Esc would deselect): the find bar closes."""
    linesShown = Signal()
    """Other lines came into view (a scroll, a resize, another document)."""
    _room: tuple[QFont, tuple[float, float]] | None = None
    """The font of the text and its `line_room`."""

    def __init__(self, layer: CurrentLayer, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("textView")
        self.setReadOnly(True)
        # keep the caret visible and movable: Shift+arrows select text
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                     | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        # Shown only as needed, the scroll bar went away with the old text and came back with the
        # new one: two widths, so each document shown was laid out, highlighted and painted twice more
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        font = self.font()
        # a whole point size: the room above lines (span_highlighter.room_format) is exact for those
        font.setPointSize(round(max(font.pointSizeF(), 10) * 1.25))
        self.setFont(font)
        self.document().setDocumentMargin(14)
        self.layer = layer
        self.highlighter = SpanHighlighter(self.document(), layer)
        self.highlighter.set_font(self.font())
        self.highlighter.dark = is_dark(self.palette())
        self._shown_selected = -1
        self._anchor = 0
        """The offset whose covering spans Space cycles through (where the user clicked)."""
        self.verticalScrollBar().valueChanged.connect(self.paint_visible)
        layer.documentChanged.connect(self._show_document)
        layer.spansChanged.connect(self.repaint_ranges)
        layer.spansReset.connect(self._repaint_all)
        layer.selectedChanged.connect(self._show_selected)
        layer.store.subscribe(self._on_store_changed)
        self.destroyed.connect(lambda: layer.store.unsubscribe(self._on_store_changed))

    # -- showing ------------------------------------------------------------

    def _show_document(self) -> None:
        self._shown_selected = -1
        self.highlighter.forget()
        # setPlainText never interprets markup: "<b>" stays two characters
        self.setPlainText(self.layer.text)
        self.paint_visible()

    def paint_visible(self, *_: object) -> None:
        """Let the highlighter paint the blocks now on screen (and a margin)."""
        first = self.firstVisibleBlock()
        if not first.isValid():
            return
        height = self.viewport().height()
        top = self.blockBoundingGeometry(first).translated(self.contentOffset()).top()
        block = first
        while block.isValid() and top <= height:
            top += self.blockBoundingRect(block).height()
            block = block.next()
        last = block.blockNumber() if block.isValid() else self.document().blockCount() - 1
        self.highlighter.paint_blocks(max(first.blockNumber() - MARGIN_BLOCKS, 0), last + MARGIN_BLOCKS)
        self.linesShown.emit()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt's name)
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange and hasattr(self, "highlighter"):
            font = self.font()
            if font.pointSizeF() != font.pointSize() and font.pointSize() > 0:
                font.setPointSize(font.pointSize())
                self.setFont(font)  # comes back here with a whole point size
                return
            self.highlighter.set_font(font)
            self._repaint_all()
        if event.type() == QEvent.Type.PaletteChange and hasattr(self, "highlighter") \
                and is_dark(self.palette()) != self.highlighter.dark:
            self.highlighter.dark = is_dark(self.palette())  # the theme changed: spans get fills for it
            self._repaint_all()

    def tag_box(self, line: QRectF, width: float) -> QRectF:
        """Where a name `width` wide goes above the text of a line (`line`: a rectangle of a
        span on it, as tall as the line): in the free band between it and the line above,
        where names of labels, roles and suggestions never cover text."""
        font = self.font()
        if self._room is None or self._room[0] != font:  # asked for every name painted
            self._room = (font, line_room(font))
        height, bottom = self._room[1]
        return QRectF(line.left(), line.top() + bottom - height, width, height)

    def tag_font(self) -> QFont:
        """A small font whose lines fit in the room above a line of text."""
        room = line_room(self.font())[0]
        font = QFont(self.font())
        font.setBold(True)
        for pixels in range(max(int(room), 6), 5, -1):
            font.setPixelSize(pixels)
            if QFontMetricsF(font).height() <= room:
                break
        return font

    def resizeEvent(self, event) -> None:  # noqa: N802, ANN001
        super().resizeEvent(event)
        self.paint_visible()

    def repaint_ranges(self, ranges: list[tuple[int, int]]) -> None:
        """Re-highlight only the blocks that hold the given code-point ranges."""
        self.highlighter.repaint_ranges(ranges)

    def _repaint_all(self) -> None:
        self.highlighter.repaint_all()

    def _on_store_changed(self, kind: str, document_id: int | None) -> None:
        if kind == "schema":
            self._repaint_all()

    def _show_selected(self, span_id: int) -> None:
        ranges = []
        for old_or_new in (self._shown_selected, span_id):
            span = self.layer.span(old_or_new) if old_or_new != -1 else None
            if span is not None:
                ranges.append((span.start, span.end))
        self._shown_selected = span_id
        self.repaint_ranges(ranges)
        span = self.layer.span(span_id) if span_id != -1 else None
        if span is not None:
            cursor = self.textCursor()
            if not cursor.hasSelection() or self.selected_range() != (span.start, span.end):
                cursor.setPosition(self.layer.positions.to_document(span.start))
                self.setTextCursor(cursor)
            self.ensureCursorVisible()

    # -- offsets ------------------------------------------------------------

    def selected_range(self) -> tuple[int, int] | None:
        """The text selection in code points, or None."""
        cursor = self.textCursor()
        if not cursor.hasSelection():
            return None
        from_document = self.layer.positions.from_document
        return from_document(cursor.selectionStart()), from_document(cursor.selectionEnd())

    def select_range(self, start: int, end: int) -> None:
        to_document = self.layer.positions.to_document
        cursor = self.textCursor()
        cursor.setPosition(to_document(start))
        cursor.setPosition(to_document(end), QTextCursor.MoveMode.KeepAnchor)
        self.setTextCursor(cursor)

    def place_caret(self, offset: int) -> None:
        cursor = self.textCursor()
        cursor.setPosition(self.layer.positions.to_document(offset))
        self.setTextCursor(cursor)

    def offset_at(self, point) -> int:
        return self.layer.positions.from_document(self.cursorForPosition(point).position())

    # -- input --------------------------------------------------------------

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride and any(
            event.matches(key) for key in _ACTION_KEYS  # type: ignore[attr-defined]
        ):
            # leave these to the window's actions (the widget would swallow them)
            event.ignore()
            return False
        return super().event(event)

    def focusNextPrevChild(self, next: bool) -> bool:  # noqa: N802, A002 (Qt's names)
        # Tab and Shift+Tab go from span to span (keyPressEvent); a read-only
        # QPlainTextEdit would otherwise hand them on as focus moves
        return False

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if event.button() == Qt.MouseButton.LeftButton and not event.modifiers() and self.textCursor().hasSelection():
            # a press inside the selection would start dragging the text away: the
            # text is read-only, so a press always starts a new selection
            cursor = self.textCursor()
            cursor.clearSelection()
            self.setTextCursor(cursor)
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        super().mouseReleaseEvent(event)
        if event.button() != Qt.MouseButton.LeftButton:
            return
        if self.textCursor().hasSelection():
            self.layer.select(-1)
            return
        self._anchor = self.offset_at(event.position().toPoint())
        hits = self.layer.covering(self._anchor)
        self.layer.select(hits[0].id if hits else -1)  # type: ignore[arg-type]

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        key, mods = event.key(), event.modifiers()
        text = event.text()
        command = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.MetaModifier
        if len(text) == 1 and text.isalnum() and not mods & command:
            self.hotkeyPressed.emit(text.lower(), bool(mods & Qt.KeyboardModifier.ShiftModifier))
            return
        if key in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab) and not mods & command:
            self.cycle_spans(-1 if key == Qt.Key.Key_Backtab else 1)
            return
        if key == Qt.Key.Key_Space and not mods & command:
            self.cycle_covering()
            return
        if key == Qt.Key.Key_Escape:
            if self.layer.selected_id == -1:
                self.escapePressed.emit()
            self.layer.select(-1)
            return
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not mods & command:
            self.stepRequested.emit(-1 if mods & Qt.KeyboardModifier.ShiftModifier else 1)
            return
        if key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and self.layer.selected is not None:
            self.deleteRequested.emit()
            return
        resize = self._resize_for(key, mods)
        if resize is not None and self.layer.selected is not None:
            self.resizeRequested.emit(*resize)
            return
        super().keyPressEvent(event)

    @staticmethod
    def _resize_for(key: int, mods: Qt.KeyboardModifier) -> tuple[str, bool] | None:
        ctrl_shift = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
        if mods & ctrl_shift != ctrl_shift or key not in (Qt.Key.Key_Left, Qt.Key.Key_Right):
            return None
        if mods & Qt.KeyboardModifier.AltModifier:
            return "start", key == Qt.Key.Key_Left
        return "end", key == Qt.Key.Key_Right

    def cycle_spans(self, step: int) -> None:
        """Select the next (or previous) span in reading order; without a selected
        span, the first that starts from the caret on (or the last before it)."""
        span = self.layer.selected
        if span is None:
            caret = self.layer.positions.from_document(self.textCursor().position())
            # a place in reading order just before every span that starts at the caret
            span = SpanRange(caret, sys.maxsize, "", 0)
        target = self.layer.beside(span, step)
        if target is not None:
            self.layer.select(target.id)

    def cycle_covering(self) -> None:
        """Select the next outer span covering the caret (innermost again after the outermost)."""
        selected = self.layer.selected
        if selected is None:
            self._anchor = self.layer.positions.from_document(self.textCursor().position())
        elif not selected.start <= self._anchor < selected.end:
            self._anchor = selected.start
        hits = self.layer.covering(self._anchor)
        if not hits:
            return
        ids = [s.id for s in hits]
        i = ids.index(selected.id) + 1 if selected and selected.id in ids else 0
        self.layer.select(ids[i % len(ids)])  # type: ignore[arg-type]
