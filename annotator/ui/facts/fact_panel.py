"""The selected fact: its type and text, each role with what fills it, what the
schema still expects, its attributes and its note.

Every edit made here is one command on the window's undo stack. The note is
saved as it is typed (after a short pause, and when the focus leaves), and
the saves of one editing run merge into one undo step.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QPalette, QUndoCommand, QUndoStack
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from annotator.domain import Argument, Fact
from annotator.ui.widgets.attribute_fields import AttributeFields, clear_layout, show_items
from annotator.ui.facts.current_facts import CurrentFacts
from annotator.ui.facts.fact_commands import SetFactNote, clear_role, push, set_attribute
from annotator.ui.widgets.note_edit import NoteEdit
from annotator.ui.widgets.plain_text import literal, no_mnemonic, plain_label
from annotator.ui.widgets.theme import text_colour_on

MISSING_COLOR = "#c0392b"
EMPTY_TEXT = ("No fact selected.\n\nSelect text and press a fact label's key (u QUOTE, h HAPPENING, "
              "f FIGURE, c CLAIM), or click a fact's text. Ctrl+R fills a role; Ctrl+Shift+R makes a "
              "relation from the selected entity.")


class FactPanel(QScrollArea):
    fillRequested = Signal(str)
    """The user asked to fill a role (its name) of the shown fact."""
    message = Signal(str)

    def __init__(self, facts: CurrentFacts, undo: QUndoStack, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("factPanel")
        self.setWidgetResizable(True)
        self.facts, self.undo, self.store = facts, undo, facts.store
        body = QWidget(self)
        self.setWidget(body)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(6, 6, 6, 6)
        self.title = QLabel(body)
        self.title.setObjectName("factTitle")
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.text = QLabel(body)
        self.text.setObjectName("factText")
        # article text is never markup
        self.text.setTextFormat(Qt.TextFormat.PlainText)
        self.text.setWordWrap(True)
        self.text.setCursor(Qt.CursorShape.PointingHandCursor)
        self.text.mousePressEvent = lambda _event: self._jump_to_trigger()  # type: ignore[method-assign]
        self.roles = QWidget(body)
        self.roles.setObjectName("factRoles")
        self.roles_layout = QGridLayout(self.roles)
        self.roles_layout.setContentsMargins(0, 4, 0, 4)
        self.problems = QLabel(body)
        self.problems.setObjectName("factProblems")
        self.problems.setTextFormat(Qt.TextFormat.PlainText)
        self.problems.setWordWrap(True)
        self.problems.setStyleSheet(f"color: {MISSING_COLOR};")
        self.attributes = AttributeFields(body)
        self.attributes.changed.connect(self._set_attribute)
        self.note = NoteEdit(body)
        self.note.setObjectName("factNote")
        self.empty = QLabel(EMPTY_TEXT, body)
        self.empty.setObjectName("factPanelEmpty")
        self.empty.setWordWrap(True)
        quiet(self.empty)
        for widget in (self.empty, self.title, self.text, self.roles, self.problems, self.attributes, self.note):
            layout.addWidget(widget)
        layout.addStretch(1)
        self._shown_id = -1
        self.note.saveRequested.connect(self.save_note)
        # the note must be written while the document it belongs to is still the one loaded
        facts.layer.documentAboutToChange.connect(self.save_note)
        facts.selectedChanged.connect(self._selected)
        facts.factsChanged.connect(self.refresh)
        self.refresh()

    # -- showing --------------------------------------------------------------

    def _selected(self, _fact_id: int) -> None:
        self.save_note()
        self.refresh()

    def refresh(self) -> None:
        fact = self.facts.selected
        for widget in (self.title, self.text, self.roles, self.problems, self.attributes, self.note):
            widget.setVisible(fact is not None)
        self.empty.setVisible(fact is None)
        if fact is None:
            self._shown_id = -1
            return
        spans = self.facts.spans_by_id()
        label = self.store.schema().label(fact.label)
        color = label.color if label else "#cccccc"
        self.title.setText(f"{fact.label}  #{fact.id}" + ("" if fact.span_id is not None else "  (relation)"))
        self.title.setStyleSheet(f"background: {color}; color: {text_colour_on(QColor(color)).name()}; "
                                 "padding: 3px 6px; border-radius: 3px;"
                                 " font-weight: bold;")
        self.text.setText(" ".join(self.facts.text_of(fact, spans).split()))
        self._show_roles(fact, spans)
        problems = [p for p in self.facts.problems(fact, spans) if "missing its required role" not in p]
        self.problems.setText("\n".join(problems))
        self.problems.setVisible(bool(problems))
        self.attributes.show_values([a for a in self.store.schema().attributes if "fact" in a.applies_to],
                                    fact.attributes)
        self.note.show_note(fact.note, same_owner=fact.id == self._shown_id)
        self._shown_id = fact.id  # type: ignore[assignment]

    def _show_roles(self, fact: Fact, spans) -> None:  # noqa: ANN001
        clear_layout(self.roles_layout)
        label = self.store.schema().label(fact.label)
        roles = label.roles if label else []
        for row, role in enumerate(roles):
            number = QLabel(str(row + 1) if row < 9 else "", self.roles)
            quiet(number)
            name = plain_label(role.name, self.roles)
            name.setObjectName(f"role:{role.name}")
            name.setToolTip(literal(
                f"{role.description}\nTakes: {', '.join(role.allowed) or 'anything'}; "
                f"{ {'one': 'exactly one', 'optional': 'at most one', 'many': 'any number'}[role.cardinality] }"))
            self.roles_layout.addWidget(number, row, 0)
            self.roles_layout.addWidget(name, row, 1)
            fillers = QHBoxLayout()
            fillers.setSpacing(3)
            for arg in fact.fillers(role.name):
                fillers.addWidget(self._filler_button(fact, arg, spans))
            if not fact.fillers(role.name):
                empty = plain_label(f"{role.name}: required" if role.required else "—", self.roles)
                empty.setObjectName(f"missing:{role.name}" if role.required else f"empty:{role.name}")
                if role.required:
                    empty.setStyleSheet(f"color: {MISSING_COLOR}; font-weight: bold;")
                else:
                    quiet(empty)
                fillers.addWidget(empty)
            fillers.addStretch(1)
            holder = QWidget(self.roles)
            holder.setLayout(fillers)
            fillers.setContentsMargins(0, 0, 0, 0)
            self.roles_layout.addWidget(holder, row, 2)
            add = QToolButton(self.roles)
            add.setObjectName(f"fill:{role.name}")
            add.setText("+")
            add.setToolTip(literal(f"Fill {role.name} (Ctrl+R, {row + 1})"))
            add.clicked.connect(lambda _=False, r=role.name: self.fillRequested.emit(r))
            self.roles_layout.addWidget(add, row, 3)
        self._show_unknown_roles(fact, spans, {role.name for role in roles}, len(roles))
        self.roles_layout.setColumnStretch(2, 1)
        show_items(self.roles_layout)

    def _show_unknown_roles(self, fact: Fact, spans, known: set[str], row: int) -> None:  # noqa: ANN001
        """Arguments in roles the fact's type does not have (older data, an edited schema), each with its ×."""
        unknown = [a for a in fact.args if a.role not in known]
        for role in dict.fromkeys(a.role for a in unknown):
            name = plain_label(role, self.roles)
            name.setObjectName(f"unknown:{role}")
            name.setToolTip(literal(f"{fact.label} has no role {role!r}: remove its filler with ×"))
            name.setStyleSheet(f"color: {MISSING_COLOR}; text-decoration: line-through;")
            self.roles_layout.addWidget(name, row, 1)
            fillers = QHBoxLayout()
            fillers.setContentsMargins(0, 0, 0, 0)
            fillers.setSpacing(3)
            for arg in (a for a in unknown if a.role == role):
                fillers.addWidget(self._filler_button(fact, arg, spans))
            fillers.addStretch(1)
            holder = QWidget(self.roles)
            holder.setLayout(fillers)
            self.roles_layout.addWidget(holder, row, 2)
            row += 1

    def _filler_button(self, fact: Fact, arg: Argument, spans) -> QWidget:  # noqa: ANN001
        box = QWidget(self.roles)
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        text = " ".join(self.facts.argument_text(arg.span_id, arg.fact_id, spans).split())
        target_label = spans[arg.span_id].label if arg.span_id in spans else (
            self.facts.fact(arg.fact_id).label if arg.fact_id is not None and self.facts.fact(arg.fact_id) else "")
        color = QColor(self.store.schema().label(target_label).color) if self.store.schema().label(target_label) else QColor("#ddd")
        jump = QPushButton(no_mnemonic(text[:40] + ("…" if len(text) > 40 else "")), box)
        jump.setObjectName(f"filler:{arg.role}")
        jump.setToolTip(literal(f"{target_label}: {text}\nClick to go to it"))
        jump.setStyleSheet(f"QPushButton {{ background: {color.name()}; color: {text_colour_on(color).name()}; "
                           "border: 1px solid "
                           f"{color.darker(150).name()}; padding: 1px 5px; }}")
        jump.clicked.connect(lambda _=False, a=arg: self._jump(a))
        clear = QToolButton(box)
        clear.setObjectName(f"clear:{arg.role}")
        clear.setText("×")
        clear.setToolTip(literal(f"Remove from {arg.role}"))
        clear.clicked.connect(lambda _=False, a=arg: self._push(clear_role(self.store, fact, a.role, a)))
        row.addWidget(jump)
        row.addWidget(clear)
        return box

    # -- editing ----------------------------------------------------------------

    def _set_attribute(self, name: str, value: object) -> None:
        fact = self.facts.selected
        if fact is not None and fact.attributes.get(name) != value:
            # the push rebuilds these widgets; they are deleted later, so the emitting one survives this call
            self._push(set_attribute(self.store, fact, name, value))

    def hideEvent(self, event) -> None:  # noqa: N802, ANN001
        # the window closing (or the panel hidden) must not lose a note typed a moment ago
        self.save_note()
        super().hideEvent(event)

    def save_note(self) -> None:
        self.note.settle()
        fact = self.facts.fact(self._shown_id) if self._shown_id != -1 else None
        if fact is None:
            return
        note = self.note.toPlainText()
        if note != fact.note:
            self._push(SetFactNote(self.store, fact, note))

    def _jump(self, arg: Argument) -> None:
        if arg.span_id is not None:
            self.facts.layer.select(arg.span_id)
        elif arg.fact_id is not None:
            self.facts.select(arg.fact_id)

    def _jump_to_trigger(self) -> None:
        fact = self.facts.selected
        if fact is not None and fact.span_id is not None:
            self.facts.layer.select(fact.span_id)

    def _push(self, command: QUndoCommand) -> None:
        refused = push(self.undo, command)
        if refused:
            self.message.emit(refused)


def quiet(label: QLabel) -> None:
    """Grey text that stays readable in the light and the dark theme: the
    palette's placeholder colour, followed when the theme changes (a fixed grey
    such as #555 all but vanished on the dark theme's background)."""
    label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
