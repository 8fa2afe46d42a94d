"""Paints the current layer's spans in their label colours, on the lines on screen.

Not a QSyntaxHighlighter: that one runs over every block (paragraph) of a
text set on the widget, 17,000 calls into Python for a 10 MB article. Here
the text view asks for the blocks in view (`paint_blocks`) and for those an
edit touches (`repaint_ranges`); their spans come from the layer in one
lookup per run of blocks, and are set on the blocks' layouts as formats
(what QSyntaxHighlighter does inside). Blocks never shown are never painted;
blocks painted before a change that are out of view are repainted when they
come back into view.

Every line gets room above its text for the names drawn there (labels,
roles, suggestions: `label_tags.py`): the whole block carries a superscript
format of a larger size, with its baseline left in place. Qt draws
superscript glyphs at two thirds of the format's (whole) point size and
lays the line out with the ascent of the full size, so with the size chosen
as `room_size` the glyphs stay exactly the text's own and the line
grows upward. (A QPlainTextEdit ignores line heights and margins of blocks.)
"""

from __future__ import annotations

from bisect import bisect_left
from collections import OrderedDict

from PySide6.QtCore import QObject
from PySide6.QtGui import (
    QColor, QFont, QFontInfo, QFontMetricsF, QTextBlock, QTextCharFormat, QTextDocument, QTextFormat, QTextLayout,
)

from annotator.ui.labelling.current_layer import CurrentLayer
from annotator.ui.widgets.theme import DARK_TEXT, LIGHT_TEXT, contrast

NO_LABEL_COLOR = "#cccccc"
TEXT_COLOR = DARK_TEXT
MIN_CONTRAST = 6.0
"""Text on a span's fill must keep this WCAG contrast (AA asks 4.5, AAA 7)."""
KEPT_GLYPHS = 150
"""Blocks whose shaped glyphs are kept (the lines on screen are a few dozen blocks at most).
Without them every paint of a line shapes its text again: about half of what a repaint of the
text cost. A paragraph's glyphs take tens of KB, so not every block painted keeps them."""


class SpanHighlighter(QObject):
    def __init__(self, document: QTextDocument, layer: CurrentLayer) -> None:
        super().__init__(document)
        self._document = document
        self._layer = layer
        self._formats: dict[tuple[str, int, bool], QTextCharFormat] = {}
        self._colors: dict[str, str] = {}
        self.visible = range(0, 0)
        """Block numbers in view (and a margin); the text view keeps it up to date."""
        self.painted: set[int] = set()
        """Blocks whose formats show the layer as it is."""
        self.blocks_painted = 0
        """How many times a block was painted: what tests count."""
        self._kept: OrderedDict[int, None] = OrderedDict()
        """Blocks that keep their glyphs, the one painted longest ago first."""
        self.set_font(document.defaultFont())
        self.dark = False
        """Paint for a dark background: light text on darkened fills (the text view sets it)."""
        self.reload_colors()

    def set_font(self, font: QFont) -> None:
        """The text's font changed: the room above lines is made for it (then repaint)."""
        self._room = room_format(font)
        self._paragraph = paragraph_space_format(font)

    def reload_colors(self) -> None:
        self._colors = {label.name: label.color for label in self._layer.store.schema().labels}
        self._formats.clear()

    def forget(self) -> None:
        """A new text is shown: none of its blocks is painted."""
        self.painted.clear()
        self._kept.clear()
        self.visible = range(0, 0)

    def paint_blocks(self, first: int, last: int) -> None:
        """Paint the blocks first..last (those in view) that do not show the layer yet."""
        self.visible = range(first, last + 1)
        for number in self.visible:
            if number in self._kept:
                self._kept.move_to_end(number)  # in view: the last to let go of their glyphs
        self._paint([n for n in self.visible if n not in self.painted])

    def repaint_all(self) -> None:
        """The layer or the colours changed throughout: repaint what is in view, the rest when it comes into view."""
        self.reload_colors()
        self.painted.clear()
        self.paint_blocks(self.visible.start, self.visible.stop - 1)

    def repaint_ranges(self, ranges: list[tuple[int, int]]) -> None:
        """Repaint the blocks that hold these code-point ranges."""
        doc = self._document
        to_document = self._layer.positions.to_document
        numbers: set[int] = set()
        for start, end in ranges:
            first = doc.findBlock(to_document(start)).blockNumber()
            last = doc.findBlock(to_document(max(end - 1, start))).blockNumber()
            numbers.update(range(first, last + 1))
        self.painted -= numbers
        self._paint(sorted(n for n in numbers if n in self.visible))

    def spans_in_block(self, spans: list[tuple[int, int, str, int]], starts: list[int], start: int,
                       end: int) -> list[tuple[tuple[int, int, str, int], int]]:
        """(span, nesting depth) for the spans among `spans` ((start, end, label, id) in
        reading order, their starts in `starts`) that overlap [start, end), outermost first."""
        lo = bisect_left(starts, start - self._layer.longest)
        hi = bisect_left(starts, end)
        inside = [s for s in spans[lo:hi] if s[1] > start]
        depths = []
        open_ends: list[int] = []
        for span_start, span_end, _label, _id in inside:
            # spans are in reading order (start, -end): those that contain this one come
            # first, and those that ended before it can be forgotten
            if open_ends:
                open_ends = [e for e in open_ends if e > span_start]
                depths.append(sum(1 for e in open_ends if e >= span_end))
            else:
                depths.append(0)
            open_ends.append(span_end)
        if any(depths):
            return sorted(zip(inside, depths), key=lambda pair: pair[1])
        return list(zip(inside, depths))

    def _paint(self, numbers: list[int]) -> None:
        """Paint these blocks (in ascending order): one lookup of spans per run of adjacent blocks."""
        doc = self._document
        run: list[QTextBlock] = []
        for number in numbers:
            if run and run[-1].blockNumber() + 1 != number:
                self._paint_run(run)
                run = []
            block = run[-1].next() if run else doc.findBlockByNumber(number)
            if block.isValid():
                run.append(block)
        if run:
            self._paint_run(run)

    def _paint_run(self, blocks: list[QTextBlock]) -> None:
        positions = self._layer.positions
        from_document, to_document = positions.from_document, positions.to_document
        first, last = blocks[0], blocks[-1]
        spans = self._layer.ranges_overlapping(from_document(first.position()),
                                               from_document(last.position() + last.length() - 1) + 1)
        starts = [s[0] for s in spans]
        selected = self._layer.selected_id
        doc = self._document
        for block in blocks:
            position, length = block.position(), block.length() - 1
            ranges = []
            if spans:
                block_spans = self.spans_in_block(spans, starts, from_document(position),
                                                  from_document(position + length))
                for (span_start, span_end, label, span_id), depth in block_spans:
                    if not positions.identity:
                        span_start, span_end = to_document(span_start), to_document(span_end)
                    start = max(span_start - position, 0)
                    end = min(span_end - position, length)
                    if end > start:
                        fmt = QTextLayout.FormatRange()
                        fmt.start, fmt.length = start, end - start
                        fmt.format = self.format_for(label, depth, span_id == selected)
                        ranges.append(fmt)
            if length:
                # after the spans' formats: they set no size, so these merge into them
                ranges.extend(self._room_ranges(block, length))
            layout = block.layout()
            if ranges or layout.formats():
                layout.setFormats(ranges)
                self._keep_glyphs(block)
                # relayout and repaint the block, as QSyntaxHighlighter does after setting formats
                doc.markContentsDirty(position, block.length())
            self.painted.add(block.blockNumber())
            self.blocks_painted += 1

    def _keep_glyphs(self, block: QTextBlock) -> None:
        """Let the block keep its glyphs from its next layout on. Past KEPT_GLYPHS blocks (or the
        blocks in view, if more), the one painted or in view longest ago lets go of them (laid out
        again now, which frees them) and is painted again when it comes back into view."""
        number = block.blockNumber()
        self._kept[number] = None
        self._kept.move_to_end(number)
        block.layout().setCacheEnabled(True)
        while len(self._kept) > max(KEPT_GLYPHS, len(self.visible)):  # never a block in view
            old = self._document.findBlockByNumber(self._kept.popitem(last=False)[0])
            if old.isValid():
                old.layout().setCacheEnabled(False)
                self.painted.discard(old.blockNumber())
                # (half its length: the layout takes the change to end twice as far on, and a
                # change reaching the next block would lay out and repaint the whole view)
                self._document.markContentsDirty(old.position(), max(old.length() // 2, 1))

    def _room_ranges(self, block: QTextBlock, length: int) -> list[QTextLayout.FormatRange]:
        room = QTextLayout.FormatRange()
        room.start, room.length, room.format = 0, length, self._room
        space = _paragraph_space(block)
        if space is None:
            return [room]
        gap = QTextLayout.FormatRange()
        gap.start, gap.length, gap.format = space, 1, self._paragraph
        return [room, gap]

    def format_for(self, label: str, depth: int, selected: bool) -> QTextCharFormat:
        key = (label, min(depth, 4), selected)
        fmt = self._formats.get(key)
        if fmt is None:
            fmt = self._formats[key] = _span_format(QColor(self._colors.get(label, NO_LABEL_COLOR)), *key[1:],
                                                    dark=self.dark)
        return fmt


def span_ranges(layout: QTextLayout) -> list[QTextLayout.FormatRange]:
    """The formats set on a block's layout that paint spans (not the room above its lines)."""
    return [r for r in layout.formats() if r.format.hasProperty(QTextFormat.Property.BackgroundBrush)]


def room_size(size: int) -> int:
    """The largest size whose superscript Qt draws at `size` (two thirds, rounded down;
    in points, or in pixels for a font sized in pixels)."""
    return (3 * size + 2) // 2


def _taller(font: QFont) -> QFont:
    """`font` at the size of the room format."""
    taller = QFont(font)
    if font.pointSize() > 0:
        taller.setPointSize(room_size(font.pointSize()))
    else:
        taller.setPixelSize(room_size(max(font.pixelSize(), 1)))
    return taller


def room_format(font: QFont) -> QTextCharFormat:
    """The format that gives each line of text in `font` (a whole point or pixel size) room above it."""
    fmt = QTextCharFormat()
    taller = _taller(font)
    if font.pointSize() > 0:
        fmt.setFontPointSize(taller.pointSize())
    else:
        fmt.setProperty(QTextFormat.Property.FontPixelSize, taller.pixelSize())
    fmt.setVerticalAlignment(QTextCharFormat.VerticalAlignment.AlignSuperScript)
    fmt.setSuperScriptBaseline(0)
    return fmt


def line_room(font: QFont) -> tuple[float, float]:
    """The free band above each line's text in `font`: (its height, how far below the line's
    top it ends). It takes in what the line above has in room below its text."""
    tall, normal = QFontMetricsF(_taller(font)), QFontMetricsF(font)
    above, below = tall.ascent() - normal.ascent(), tall.descent() - normal.descent()
    return above + below, above


PARAGRAPH_SPACE = 0.45
"""Extra space above a paragraph's first line, in point sizes of the text's font."""


def paragraph_space_format(font: QFont) -> QTextCharFormat:
    """The format of one space in a paragraph's first line that makes that line taller:
    a larger size, its advance brought back to the text's own by letter spacing."""
    size = QFontInfo(_taller(font)).pointSizeF() + QFontInfo(font).pointSizeF() * PARAGRAPH_SPACE
    larger = QFont(font)
    larger.setPointSizeF(size)
    fmt = QTextCharFormat()
    fmt.setFontPointSize(size)
    fmt.setVerticalAlignment(QTextCharFormat.VerticalAlignment.AlignNormal)
    fmt.setFontLetterSpacingType(QFont.SpacingType.AbsoluteSpacing)
    fmt.setFontLetterSpacing(QFontMetricsF(font).horizontalAdvance(" ") - QFontMetricsF(larger).horizontalAdvance(" "))
    return fmt


def _paragraph_space(block: QTextBlock) -> int | None:
    """Where in the block the space that sets it apart from the paragraph before lies:
    its first space, unless the block is the first or follows an empty line (already apart)."""
    previous = block.previous()
    if not previous.isValid() or previous.length() <= 1:
        return None
    space = block.text().find(" ", 0, 400)
    return space if space >= 0 else None


def _span_format(color: QColor, depth: int, selected: bool, *, dark: bool = False) -> QTextCharFormat:
    fmt = QTextCharFormat()
    # deeper spans get a darker shade and an underline so nesting shows
    background = color.darker(100 + 18 * depth) if depth else color
    # the fill stays light (dark on a dark theme) whatever the label colour: the text on it must stay readable
    text = LIGHT_TEXT if dark else TEXT_COLOR
    fmt.setBackground(readable_fill(background, text))
    fmt.setForeground(text)
    if depth:
        fmt.setFontUnderline(True)
        fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.DashUnderline)
        fmt.setUnderlineColor(color.darker(220))
    if selected:
        # over- and underline draw a box round the selected span; its fill keeps the label colour
        fmt.setFontUnderline(True)
        fmt.setFontOverline(True)
        fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.SingleUnderline)
        fmt.setUnderlineColor(QColor("#ffffff" if dark else "#000000"))
    return fmt


def readable_fill(color: QColor, text: QColor = TEXT_COLOR) -> QColor:
    """`color`, or the least blend of it with white (black, under light text)
    against which `text` has a contrast of at least MIN_CONTRAST."""
    towards = 0.0 if text == LIGHT_TEXT else 1.0
    for step in range(0, 101, 5):
        share = step / 100
        fill = QColor.fromRgbF(*(c + (towards - c) * share for c in (color.redF(), color.greenF(), color.blueF())))
        if contrast(fill, text) >= MIN_CONTRAST:
            return fill
    return QColor("#000000" if towards == 0.0 else "#ffffff")
