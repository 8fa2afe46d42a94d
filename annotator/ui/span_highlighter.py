"""Paints the current layer's spans in their label colours.

A QSyntaxHighlighter, not extra selections: Qt asks for one block at a time,
and the spans of a block are found by bisect in the layer, so painting cost
grows with what is on screen rather than with the number of spans.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QSyntaxHighlighter, QTextCharFormat, QTextDocument

from annotator.domain import Span
from annotator.ui.current_layer import CurrentLayer

NO_LABEL_COLOR = "#cccccc"


class SpanHighlighter(QSyntaxHighlighter):
    def __init__(self, document: QTextDocument, layer: CurrentLayer) -> None:
        super().__init__(document)
        self._layer = layer
        self._formats: dict[tuple[str, int, bool], QTextCharFormat] = {}
        self._colors: dict[str, str] = {}
        self.reload_colors()

    def reload_colors(self) -> None:
        self._colors = {label.name: label.color for label in self._layer.store.schema().labels}
        self._formats.clear()

    def spans_in_block(self, position: int, length: int) -> list[tuple[Span, int]]:
        """(span, nesting depth) for the spans in a block, outermost first."""
        positions = self._layer.positions
        start = positions.from_document(position)
        end = positions.from_document(position + length)
        spans = self._layer.overlapping(start, end)
        depths = []
        for i, span in enumerate(spans):
            # spans are sorted by (start, -end): those that contain this one come first
            depths.append(sum(1 for other in spans[:i] if other.contains(span)))
        return sorted(zip(spans, depths), key=lambda pair: pair[1])

    def highlightBlock(self, text: str) -> None:  # noqa: N802 (Qt's name)
        block = self.currentBlock()
        position = block.position()
        length = len(text.encode("utf-16-le")) // 2 if not text.isascii() else len(text)
        if not self._layer.spans:
            return
        to_document = self._layer.positions.to_document
        selected = self._layer.selected_id
        for span, depth in self.spans_in_block(position, length):
            start = max(to_document(span.start) - position, 0)
            end = min(to_document(span.end) - position, length)
            if end > start:
                self.setFormat(start, end - start, self.format_for(span.label, depth, span.id == selected))

    def format_for(self, label: str, depth: int, selected: bool) -> QTextCharFormat:
        key = (label, min(depth, 4), selected)
        fmt = self._formats.get(key)
        if fmt is None:
            fmt = self._formats[key] = _span_format(QColor(self._colors.get(label, NO_LABEL_COLOR)), *key[1:])
        return fmt


def _span_format(color: QColor, depth: int, selected: bool) -> QTextCharFormat:
    fmt = QTextCharFormat()
    # deeper spans get a darker shade and an underline so nesting shows
    background = color.darker(100 + 18 * depth) if depth else color
    fmt.setBackground(background.darker(135) if selected else background)
    fmt.setForeground(QColor("#111111"))
    if depth:
        fmt.setFontUnderline(True)
        fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.DashUnderline)
        fmt.setUnderlineColor(color.darker(220))
    if selected:
        # over- and underline draw a box round the selected span
        fmt.setFontUnderline(True)
        fmt.setFontOverline(True)
        fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.SingleUnderline)
        fmt.setUnderlineColor(QColor("#000000"))
    return fmt
