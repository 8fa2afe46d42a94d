"""The selected entity span: its label and text, its attribute values and its note.

Filled while the selected span states no fact (a fact's attributes and note
are the fact panel's); otherwise it says that no entity is selected, its
fields disabled. It keeps its place either way: a panel appearing and hiding
as spans are labelled and deleted laid the window's left column out again
and repainted the fact panel under it on every such edit. Every edit is one command on the
window's undo stack, written at once; the note is saved as it is typed
(after a short pause, when the focus leaves, when another span is selected
and when the panel is hidden), and the saves of one editing run merge into
one undo step.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPalette, QUndoStack
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from annotator.domain import Span
from annotator.ui.labelling.annotation_commands import SetSpanNote, set_span_attribute
from annotator.ui.widgets.attribute_fields import AttributeFields
from annotator.ui.facts.current_facts import CurrentFacts
from annotator.ui.facts.fact_commands import push
from annotator.ui.widgets.note_edit import NoteEdit
from annotator.ui.labelling.span_highlighter import NO_LABEL_COLOR
from annotator.ui.widgets.theme import text_colour_on

NO_ENTITY_TITLE = "No entity selected"
NO_ENTITY_TEXT = "Click a span to see its attributes and note."


class LabelChip(QLabel):
    """A label's name on its colour (a rounded box), or grey text on none. Painted here, in the
    colours given: a style sheet would be parsed and the widget polished again on each change,
    a palette would be sent to it as an event."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setContentsMargins(6, 3, 6, 3)
        font = self.font()
        font.setBold(True)
        self.setFont(font)
        self.fill: QColor | None = None
        self._ink: QColor | None = None
        """The text's colour on `fill`; None: the palette's grey, readable in either theme."""

    def show_label(self, text: str, fill: QColor | None) -> None:
        """`text` on `fill` (None: no box, grey text)."""
        self.setText(text)
        if fill != self.fill:
            self.fill = fill
            self._ink = text_colour_on(fill) if fill is not None else None
            self.update()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt's name)
        painter = QPainter(self)
        if self.fill is not None:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(self.fill)
            painter.drawRoundedRect(QRectF(self.rect()), 3, 3)
        painter.setPen(self._ink or self.palette().color(QPalette.ColorRole.PlaceholderText))
        painter.drawText(self.contentsRect(), int(self.alignment()), self.text())
        painter.end()


class AnnotationPanel(QFrame):
    message = Signal(str)

    def __init__(self, facts: CurrentFacts, undo: QUndoStack, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("annotationPanel")
        self.facts, self.layer, self.store, self.undo = facts, facts.layer, facts.store, undo
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        self.title = LabelChip(self)
        self.title.setObjectName("annotationTitle")
        self.text = QLabel(self)
        self.text.setObjectName("annotationText")
        # article text is never markup
        self.text.setTextFormat(Qt.TextFormat.PlainText)
        self.text.setWordWrap(True)
        self.attributes = AttributeFields(self)
        self.attributes.changed.connect(self._set_attribute)
        self.note = NoteEdit(self)
        self.note.setObjectName("annotationNote")
        self.note.saveRequested.connect(self.save_note)
        # the note must be written while the document it belongs to is still the one loaded
        facts.layer.documentAboutToChange.connect(self.save_note)
        for widget in (self.title, self.text, self.attributes, self.note):
            layout.addWidget(widget)
        layout.addStretch(1)
        self._shown_id = -1
        self.layer.selectedChanged.connect(self._selected)
        self.layer.spansChanged.connect(self._spans_changed)
        self.layer.spansReset.connect(self.refresh)
        # a relabel may turn the span into a fact's statement; the schema may change
        facts.factsChanged.connect(self.refresh)
        self.refresh()

    def shown(self) -> Span | None:
        """The entity span on show, or None (nothing selected, or the span states a fact)."""
        span = self.layer.selected
        if span is None or self.facts.stated_by(span.id) is not None:  # type: ignore[arg-type]
            return None
        return span

    # -- showing --------------------------------------------------------------

    def _selected(self, _span_id: int) -> None:
        self.save_note()
        self.refresh()

    def _spans_changed(self, ranges: list[tuple[int, int]]) -> None:
        span = self.layer.selected if self._shown_id != -1 else None
        if span is not None and any(start <= span.end and span.start <= end for start, end in ranges):
            self.refresh()

    def refresh(self) -> None:
        span = self.shown()
        definitions = [a for a in self.store.schema().attributes if "entity" in a.applies_to]
        for field in (self.attributes, self.note):
            if field.isEnabled() != (span is not None):
                field.setEnabled(span is not None)
        if span is None:
            if self._shown_id != -1:
                self.save_note()  # the span now states a fact, or went: a note typed a moment ago is kept
            self._shown_id = -1
            self.title.show_label(NO_ENTITY_TITLE, None)
            self.text.setText(NO_ENTITY_TEXT)
            self.attributes.show_values(definitions, {})
            self.note.show_note("", same_owner=False)
            return
        label = self.store.schema().label(span.label)
        color = label.color if label else NO_LABEL_COLOR
        self.title.show_label(f"{span.label}  {span.start}–{span.end}", QColor(color))
        self.text.setText(" ".join(span.text.split()))
        self.attributes.show_values(definitions, span.attributes)
        self.note.show_note(span.note, same_owner=span.id == self._shown_id)
        self._shown_id = span.id  # type: ignore[assignment]

    # -- editing ----------------------------------------------------------------

    def _set_attribute(self, name: str, value: object) -> None:
        span = self.shown()
        if span is not None and span.attributes.get(name) != (None if value is False else value):
            self._push(set_span_attribute(self.store, span, name, value, self.layer))

    def hideEvent(self, event) -> None:  # noqa: N802, ANN001
        # the window closing must not lose a note typed a moment ago
        self.save_note()
        super().hideEvent(event)

    def save_note(self) -> None:
        self.note.settle()
        span = self.layer.span(self._shown_id) if self._shown_id != -1 else None
        if span is None:
            return
        note = self.note.toPlainText()
        if note != span.note:
            self._push(SetSpanNote(self.store, span, note, self.layer))

    def _push(self, command) -> None:  # noqa: ANN001
        refused = push(self.undo, command)
        if refused:
            self.message.emit(refused)
