"""Paints the current layer's spans in their label colours.

A QSyntaxHighlighter, not extra selections: Qt asks for one block at a time,
and the spans of a block are found by bisect in the layer. Blocks far from
the viewport are left plain and remembered as pending; the text view asks
for them as they scroll into sight (`paint_blocks`), so opening a 1 MB
article costs what is on screen, not what is in the file.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QSyntaxHighlighter, QTextCharFormat, QTextDocument

from annotator.domain import Span
from annotator.ui.current_layer import CurrentLayer

NO_LABEL_COLOR = "#cccccc"
TEXT_COLOR = QColor("#111111")
MIN_CONTRAST = 6.0
"""Text on a span's fill must keep this WCAG contrast (AA asks 4.5, AAA 7)."""


class SpanHighlighter(QSyntaxHighlighter):
    def __init__(self, document: QTextDocument, layer: CurrentLayer) -> None:
        super().__init__(document)
        self._layer = layer
        self._formats: dict[tuple[str, int, bool], QTextCharFormat] = {}
        self._colors: dict[str, str] = {}
        self.visible = range(0, 80)
        """Block numbers to paint now; the text view keeps it up to date."""
        self.pending: set[int] = set()
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
        open_ends: list[int] = []
        for span in spans:
            # spans are sorted by (start, -end): those that contain this one come
            # first, and those that ended before it can be forgotten
            open_ends = [e for e in open_ends if e > span.start]
            depths.append(sum(1 for e in open_ends if e >= span.end))
            open_ends.append(span.end)
        return sorted(zip(spans, depths), key=lambda pair: pair[1])

    def paint_blocks(self, first: int, last: int) -> None:
        """Highlight the pending blocks among block numbers first..last."""
        self.visible = range(first, last + 1)
        todo = sorted(n for n in self.pending if first <= n <= last)
        doc = self.document()
        for number in todo:
            self.rehighlightBlock(doc.findBlockByNumber(number))

    def highlightBlock(self, text: str) -> None:  # noqa: N802 (Qt's name)
        block = self.currentBlock()
        number = block.blockNumber()
        if number not in self.visible:
            self.pending.add(number)
            return
        self.pending.discard(number)
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
    # the fill stays light whatever the label colour and selection: the text on it must stay readable
    fmt.setBackground(readable_fill(background))
    fmt.setForeground(TEXT_COLOR)
    if depth:
        fmt.setFontUnderline(True)
        fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.DashUnderline)
        fmt.setUnderlineColor(color.darker(220))
    if selected:
        # over- and underline draw a box round the selected span; its fill keeps the label colour
        fmt.setFontUnderline(True)
        fmt.setFontOverline(True)
        fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.SingleUnderline)
        fmt.setUnderlineColor(QColor("#000000"))
    return fmt


def readable_fill(color: QColor) -> QColor:
    """`color`, or the least blend of it with white against which the text has a
    contrast of at least MIN_CONTRAST."""
    for step in range(0, 101, 5):
        share = step / 100
        fill = QColor.fromRgbF(*(c + (1 - c) * share for c in (color.redF(), color.greenF(), color.blueF())))
        if contrast(fill, TEXT_COLOR) >= MIN_CONTRAST:
            return fill
    return QColor("#ffffff")


def contrast(a: QColor, b: QColor) -> float:
    """WCAG contrast ratio of two colours (1 to 21)."""
    lighter, darker = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def _luminance(color: QColor) -> float:
    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    return 0.2126 * linear(color.redF()) + 0.7152 * linear(color.greenF()) + 0.0722 * linear(color.blueF())
