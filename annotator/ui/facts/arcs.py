"""Fact links drawn over the text: the selected fact's arguments outlined and
labelled with their role, and (View → Show arcs for all facts) brat-like
arcs from each fact to its arguments.

A transparent widget over the text view's viewport, repainted when the view
repaints. Geometry comes from the text layout of the visible blocks only:
the selected fact costs a few rectangles, and "all facts" looks only at the
facts with an end in the visible text, so scrolling and labelling stay fast
on long documents.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right

from PySide6.QtCore import QPoint, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPaintEvent, QPen

from annotator.domain import Fact
from annotator.ui.facts.current_facts import CurrentFacts
from annotator.ui.labelling.text_view import TextView
from annotator.ui.widgets.viewport_overlay import ViewportOverlay

ARG_COLOR = QColor("#222222")


class ArcOverlay(ViewportOverlay):
    def __init__(self, view: TextView, facts: CurrentFacts) -> None:
        super().__init__(view, "arcOverlay")
        self.view, self.facts = view, facts
        self.show_all = False
        self.tagged: list[tuple[str, QRectF]] = []
        """(role, box) of the role names the last repaint drew: what tests look at."""
        self.rubber_band: tuple[QPoint, QPoint] | None = None
        """The line of a Ctrl+drag link in progress, as brat draws one while linking."""
        facts.selectedChanged.connect(lambda *_: self._show_if_needed())
        facts.factsChanged.connect(self._facts_changed)
        self._places: tuple[list[int], list[tuple[int, Fact]], int] | None = None
        """Where the facts' spans lie, read from the facts when first painted after a change:
        (starts in order, (end, fact) beside each start, the longest span's length)."""
        self.facts_read = 0
        """How often the facts' places were gathered (tests check that painting does not)."""
        self.raise_()
        self._show_if_needed()

    def _facts_changed(self) -> None:
        self._places = None
        self.update()

    def set_show_all(self, on: bool) -> None:
        self.show_all = on
        self._show_if_needed()

    def show_link_drag(self, start: QPoint | None, end: QPoint | None) -> None:
        self.rubber_band = None if start is None or end is None else (start, end)
        self._show_if_needed()

    def _show_if_needed(self) -> None:
        # hidden while there is nothing to draw: a transparent widget over the
        # text costs a blend of the whole viewport on every repaint
        self.setVisible(self.show_all or self.facts.selected_id != -1 or self.rubber_band is not None)
        self.update()

    # -- geometry ---------------------------------------------------------------

    def visible_range(self) -> tuple[int, int]:
        """Code-point range of the blocks on screen."""
        view = self.view
        first = view.firstVisibleBlock()
        if not first.isValid():
            return 0, 0
        height = view.viewport().height()
        block, last = first, first
        offset = view.contentOffset()
        while block.isValid() and view.blockBoundingGeometry(block).translated(offset).top() <= height:
            last = block
            block = block.next()
        positions = self.facts.layer.positions
        return (positions.from_document(first.position()),
                positions.from_document(last.position() + last.length() - 1))

    def span_rects(self, start: int, end: int) -> list[QRectF]:
        """Viewport rectangles of [start, end) (code points), one per line it covers on screen."""
        view = self.view
        to_document = self.facts.layer.positions.to_document
        s, e = to_document(start), to_document(end)
        doc = view.document()
        block = doc.findBlock(s)
        offset = view.contentOffset()
        height = view.viewport().height()
        rects: list[QRectF] = []
        while block.isValid() and block.position() <= e:
            top_left = view.blockBoundingGeometry(block).translated(offset).topLeft()
            if top_left.y() > height:
                break
            layout = block.layout()
            base = block.position()
            # from the line holding the start: a paragraph's earlier lines are not asked about
            first_line = layout.lineForTextPosition(s - base).lineNumber() if s > base else 0
            for i in range(max(first_line, 0), layout.lineCount()):
                line = layout.lineAt(i)
                line_start = base + line.textStart()
                if line_start >= e:
                    break
                a, b = max(s, line_start), min(e, line_start + line.textLength())
                if a >= b:
                    continue
                x1 = line.cursorToX(a - base)[0]
                x2 = line.cursorToX(b - base)[0]
                rects.append(QRectF(top_left.x() + x1, top_left.y() + line.y(), x2 - x1, line.height()))
            block = block.next()
        return [r for r in rects if r.bottom() >= 0 and r.top() <= height]

    def _ends(self, fact: Fact) -> tuple[list[QRectF], list[tuple[str, list[QRectF], str]]]:
        """The trigger's rectangles and (role, rectangles, label) of each span argument."""
        layer = self.facts.layer
        trigger = layer.span(fact.span_id) if fact.span_id is not None else None
        trigger_rects = self.span_rects(trigger.start, trigger.end) if trigger else []
        args = []
        for arg in fact.args:
            target = layer.span(arg.span_id) if arg.span_id is not None else None
            if target is None and arg.fact_id is not None:
                other = self.facts.fact(arg.fact_id)
                target = layer.span(other.span_id) if other and other.span_id is not None else None
            if target is not None:
                args.append((arg.role, self.span_rects(target.start, target.end), target.label))
        return trigger_rects, args

    # -- painting -----------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt's name)
        self.tagged = []
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        font = QFont(self.view.font())
        font.setPointSizeF(max(font.pointSizeF() * 0.56, 7))
        font.setBold(True)
        painter.setFont(font)
        selected = self.facts.selected
        if self.show_all:
            lo, hi = self.visible_range()
            for fact in self._facts_in(lo, hi):
                self._paint_arcs(painter, fact)
        if selected is not None:
            self._paint_selected(painter, selected)
        if self.rubber_band is not None:
            self._paint_rubber_band(painter, selected)
        painter.end()

    def _paint_rubber_band(self, painter: QPainter, fact: Fact | None) -> None:
        start, end = self.rubber_band  # type: ignore[misc]
        color = self._color(fact).darker(160) if fact is not None else ARG_COLOR
        painter.setPen(QPen(color, 2, Qt.PenStyle.DashLine))
        painter.drawLine(start, end)
        painter.setBrush(color)
        painter.drawEllipse(QPointF(end), 3.5, 3.5)

    def _facts_in(self, lo: int, hi: int) -> list[Fact]:
        """The facts with a span that shares a code point with [lo, hi]."""
        if self._places is None:
            self.facts_read += 1
            spans = self.facts.spans_by_id()
            places = sorted((span.start, span.end, i) for i, fact in enumerate(self.facts.facts)
                            for span_id in {fact.span_id, *(a.span_id for a in fact.args)}
                            if (span := spans.get(span_id)) is not None)  # type: ignore[arg-type]
            self._places = ([p[0] for p in places], [(p[1], self.facts.facts[p[2]]) for p in places],
                            max((p[1] - p[0] for p in places), default=0))
        starts, ends, longest = self._places
        found = {id(fact): fact for end, fact in ends[bisect_left(starts, lo - longest):bisect_right(starts, hi)]
                 if end > lo}
        return list(found.values())

    def _color(self, fact: Fact) -> QColor:
        label = self.facts.store.schema().label(fact.label)
        return QColor(label.color if label else "#888888")

    def _paint_selected(self, painter: QPainter, fact: Fact) -> None:
        color = self._color(fact).darker(160)
        trigger, args = self._ends(fact)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(QPen(color, 2.5))
        for rect in trigger:
            painter.drawRoundedRect(rect.adjusted(-2, -1, 2, 1), 3, 3)
        for role, rects, label in args:
            painter.setPen(QPen(ARG_COLOR, 2, Qt.PenStyle.SolidLine))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            for rect in rects:
                painter.drawRoundedRect(rect.adjusted(-2, -1, 2, 1), 3, 3)
            if rects:
                self._tag(painter, rects[0], role, color, covers=label)

    def _tag(self, painter: QPainter, rect: QRectF, text: str, color: QColor, covers: str = "") -> None:
        """The role's name in a small box in the room above the argument's first line:
        over the name of its label (`covers`, hidden whole), never over text."""
        painter.save()
        painter.setFont(self.view.tag_font())
        metrics = QFontMetricsF(painter.font())
        width = max(metrics.horizontalAdvance(text), metrics.horizontalAdvance(covers)) + 8
        box = self.view.tag_box(rect.adjusted(-2, 0, 0, 0), width)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(color)
        painter.drawRoundedRect(box, 3, 3)
        painter.setPen(QColor("#ffffff"))
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)
        painter.restore()
        self.tagged.append((text, box))

    def _paint_arcs(self, painter: QPainter, fact: Fact) -> None:
        """Arcs from the fact's trigger (a relation: its first argument) to its arguments, named by role."""
        trigger, args = self._ends(fact)
        source = trigger[0] if trigger else (args[0][1][0] if args and args[0][1] else None)
        if source is None:
            return
        color = self._color(fact).darker(170)
        color.setAlpha(170)
        painter.setPen(QPen(color, 1.5))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        start = QPointF(source.center().x(), source.top())
        for role, rects, _label in args if trigger else args[1:]:
            if not rects:
                continue
            end = QPointF(rects[0].center().x(), rects[0].top())
            lift = 18 + min(abs(end.x() - start.x()), 300) * 0.08
            top = min(start.y(), end.y()) - lift
            path = QPainterPath(start)
            path.cubicTo(QPointF(start.x(), top), QPointF(end.x(), top), end)
            painter.drawPath(path)
            painter.drawEllipse(end, 2.5, 2.5)
            middle = path.pointAtPercent(0.5)
            painter.drawText(QRectF(middle.x() - 40, middle.y() - 14, 80, 14), Qt.AlignmentFlag.AlignCenter, role)
