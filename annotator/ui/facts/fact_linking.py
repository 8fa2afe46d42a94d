"""Linking facts to their arguments, by keyboard and by mouse.

Fill role (Ctrl+R): with a fact selected, the picker lists the fact's roles
(digits 1..9 in schema order); then it lists the document's annotations
that may fill that role, filtered as the user types; Enter fills, or the
user clicks the annotation in the text. New relation (Ctrl+Shift+R): with
an entity selected, pick the relation type, then the second entity.
The right-click menu on a span offers the same, and so does the mouse:
Ctrl+drag from a fact's text and drop on an entity fills the role it fits
(a small menu asks when several fit). Every change is one command on the
window's undo stack; refusals are explained in the status bar.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, Signal
from PySide6.QtGui import QAction, QMouseEvent, QUndoCommand, QUndoStack
from PySide6.QtWidgets import QMenu, QMessageBox, QWidget

from annotator.domain import Argument, Fact, Label, Role, Span
from annotator.domain.validation import can_fill
from annotator.ui.facts.current_facts import CurrentFacts
from annotator.ui.facts.fact_commands import CreateFact, DeleteFact, fill_role, push
from annotator.ui.facts.role_picker import RolePicker
from annotator.ui.labelling.text_view import TextView
from annotator.ui.widgets.plain_text import literal, no_mnemonic, shortened

NEARBY = 1000
"""Spans the role picker lists at most: those around where the fact is."""


@dataclass(frozen=True)
class Target:
    """Something that can fill a role: a span or a fact."""

    label: str
    span_id: int | None = None
    fact_id: int | None = None


@dataclass
class _Pending:
    """What the picker is being asked for."""

    step: str  # "role", "filler", "relation type", "relation filler"
    fact_id: int | None = None
    role: str | None = None
    label: str | None = None
    first: Argument | None = None


class FactLinking(QObject):
    message = Signal(str)
    linkDragged = Signal(object, object)
    """(from, to) viewport points of a Ctrl+drag in progress, or (None, None) when it ends."""

    def __init__(self, facts: CurrentFacts, view: TextView, undo: QUndoStack, parent: QWidget) -> None:
        super().__init__(parent)
        self.facts, self.layer, self.view, self.undo = facts, facts.layer, view, undo
        self.store = facts.store
        self.picker = RolePicker(view)
        self.picker.chosen.connect(self._chosen)
        self.picker.cancelled.connect(self.cancel)
        self.pending: _Pending | None = None
        self.layer.selectedChanged.connect(self._span_clicked)
        self.layer.documentChanged.connect(self.cancel)
        view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        view.customContextMenuRequested.connect(self.show_context_menu)
        self.dragging: Fact | None = None
        """The fact whose role a Ctrl+drag from its text is filling."""
        self.drag_from = QPoint()
        view.viewport().installEventFilter(self)

    # -- fill role --------------------------------------------------------------

    def start_fill(self, role: str | None = None) -> None:
        fact = self.facts.selected
        if fact is None:
            self.message.emit("select a fact first (click its text, or a row of the Facts tab)")
            return
        label = self.store.schema().label(fact.label)
        if label is None or not label.roles:
            self.message.emit(f"{fact.label} has no roles in the schema")
            return
        self.pending = _Pending("role", fact_id=fact.id)
        if role is not None:
            self._choose_role(role)
            return
        rows = [(self._role_row(fact, r), r.name) for r in label.roles]
        self.picker.ask(f"Fill which role of {self.facts.describe(fact)}? (1–{min(len(rows), 9)})", rows, numbered=True)

    def _role_row(self, fact: Fact, role: Role) -> str:
        fillers = [self.facts.argument_text(a.span_id, a.fact_id) for a in fact.fillers(role.name)]
        state = ", ".join(shortened(t, 24) for t in fillers) or ("required" if role.required else "empty")
        return f"{role.name} — {state}"

    def _choose_role(self, role_name: str) -> None:
        fact = self.facts.fact(self.pending.fact_id)  # type: ignore[union-attr, arg-type]
        label = self.store.schema().label(fact.label) if fact else None
        role = label.role(role_name) if label else None
        if fact is None or role is None:
            self.cancel()
            return
        self.pending = _Pending("filler", fact_id=fact.id, role=role.name)
        trigger = self.store.spans_by_id([fact.span_id]).get(fact.span_id) if fact.span_id is not None else None
        rows = self._candidates(role, exclude_fact=fact, near=trigger)
        allowed = ", ".join(role.allowed) or "anything"
        self.picker.ask(f"{role.name} of {self.facts.describe(fact)}: type to find ({allowed}), or click it in the text",
                        rows, current=self._nearest(rows, trigger))

    def _nearby_spans(self, anchor: Span | None) -> list[Span]:
        """The layer's spans, or in a layer of more than NEARBY of them (a long
        article may have 100,000) the NEARBY around `anchor` (or the caret), in
        reading order: reading them all made every pick wait on the layer's size.
        A span further away is picked by clicking it in the text."""
        if self.layer.count <= NEARBY:
            return self.layer.spans
        row = self.layer.index_of(anchor.id) if anchor is not None and anchor.id is not None else -1
        if row < 0:
            caret = self.layer.positions.from_document(self.view.textCursor().position())
            row = self.layer.rows_from(caret)
        return self.layer.spans_at(max(0, row - NEARBY // 2), NEARBY)

    def _candidates(self, role: Role, exclude_fact: Fact | None = None,
                    near: Span | None = None) -> list[tuple[str, Target]]:
        rows: list[tuple[str, Target]] = []
        spans = self.facts.spans_by_id()
        for span in self._nearby_spans(near):
            if exclude_fact is not None and span.id == exclude_fact.span_id:
                continue
            if role.allowed and span.label not in role.allowed:
                continue
            rows.append((f"{shortened(span.text, 60)}  · {span.label} {span.start}", Target(span.label, span.id)))
        for other in self.facts.facts:
            if exclude_fact is not None and other.id == exclude_fact.id:
                continue
            if role.allowed and other.label not in role.allowed:
                continue
            rows.append((f"{self.facts.describe(other, spans, 50)}  · fact #{other.id}", Target(other.label, fact_id=other.id)))
        return rows

    def _nearest(self, rows: list[tuple[str, Target]], anchor: Span | None) -> int:
        """The row whose text lies closest to `anchor` (a fact's trigger, a relation's
        first entity): the filler a person most often means. Rows stay in text order."""
        if anchor is None or not rows:
            return 0

        def span_of(target: Target) -> int | None:
            if target.span_id is None and target.fact_id is not None:
                other = self.facts.fact(target.fact_id)
                return other.span_id if other else None
            return target.span_id

        ids = [span_of(target) for _, target in rows]
        spans = self.store.spans_by_id(i for i in ids if i is not None)

        def distance(span_id: int | None) -> int:
            span = spans.get(span_id) if span_id is not None else None
            if span is None:
                return 1 << 62
            return max(span.start - anchor.end, anchor.start - span.end, 0)

        return min(range(len(rows)), key=lambda i: distance(ids[i]))

    def fill(self, target: Target) -> bool:
        """Fill the pending role with `target`; False (and a message) when the schema refuses."""
        pending = self.pending
        fact = self.facts.fact(pending.fact_id) if pending else None  # type: ignore[union-attr, arg-type]
        if pending is None or fact is None or pending.role is None:
            return False
        schema = self.store.schema()
        role = schema.label(fact.label).role(pending.role)  # type: ignore[union-attr]
        current = fact.fillers(pending.role)
        replace = role is not None and role.max_fillers == 1 and bool(current)
        if Argument(pending.role, target.span_id, target.fact_id) in current:
            self.message.emit(f"{self.facts.argument_text(target.span_id, target.fact_id)} already fills {pending.role}")
            return False
        why = can_fill(schema, fact.label, pending.role, target.label, 0 if replace else len(current))
        if why is not None:
            self.message.emit(f"cannot fill: {why}")
            return False
        if target.fact_id == fact.id:
            self.message.emit("a fact cannot fill its own role")
            return False
        command = fill_role(self.store, fact, pending.role, span_id=target.span_id, fact_id=target.fact_id,
                            replace=replace)
        if not self._push(command):
            return False
        self.pending = None
        self.picker.close_picker()
        self.facts.select(fact.id)  # type: ignore[arg-type]
        what = self.facts.argument_text(target.span_id, target.fact_id)
        self.message.emit(f"{pending.role} of {fact.label} = {shortened(what, 40)}")
        return True

    def cancel(self) -> None:
        self.pending = None
        if self.picker.isVisible():
            self.picker.close_picker()

    # -- new relation -------------------------------------------------------------

    def start_relation(self, kind: str | None = None) -> None:
        """Start a relation from the selected entity; `kind` skips asking for the type."""
        span = self.layer.selected
        if span is None:
            self.message.emit("select the relation's first entity, then choose New relation")
            return
        kinds = [(label.name, label) for label in self.store.schema().fact_labels
                 if not label.trigger and self._first_role(label, span) is not None
                 and kind in (None, label.name)]
        if not kinds:
            which = f"{kind} does not take" if kind else "no relation type takes"
            self.message.emit(f"{which} a {span.label} as one of its roles")
            return
        self.pending = _Pending("relation type", first=Argument("?", span.id))
        if kind is not None:
            self._choose_relation(kind)
            return
        self.picker.ask(f"New relation from {shortened(span.text, 30)!r}: which type?",
                        [(f"{name} — {shortened(label.description, 50)}", name) for name, label in kinds], numbered=True)

    @staticmethod
    def _first_role(label: Label, span: Span) -> Role | None:
        return next((r for r in label.roles if not r.allowed or span.label in r.allowed), None)

    def _choose_relation(self, name: str) -> None:
        span = self.layer.span(self.pending.first.span_id)  # type: ignore[union-attr, arg-type]
        label = self.store.schema().label(name)
        if span is None or label is None:
            self.cancel()
            return
        first = self._first_role(label, span)
        second = next((r for r in label.roles if r is not first), None)
        if first is None or second is None:
            self.cancel()
            return
        self.pending = _Pending("relation filler", role=second.name, label=name, first=Argument(first.name, span.id))
        rows = [(text, t) for text, t in self._candidates(second, near=span) if t.span_id != span.id]
        self.picker.ask(f"{name}: {first.name} = {shortened(span.text, 30)!r}; now the {second.name}", rows,
                        current=self._nearest(rows, span))

    def _finish_relation(self, target: Target) -> bool:
        pending = self.pending
        why = can_fill(self.store.schema(), pending.label, pending.role, target.label, 0)  # type: ignore[union-attr, arg-type]
        if why is not None:
            self.message.emit(f"cannot fill: {why}")
            return False
        second = Argument(pending.role, target.span_id, target.fact_id)  # type: ignore[union-attr, arg-type]
        command = CreateFact(self.store, self.layer.document_id, self.layer.annotator,  # type: ignore[arg-type]
                             pending.label, None, [pending.first, second])  # type: ignore[union-attr, list-item, arg-type]
        if not self._push(command):
            return False
        self.pending = None
        self.picker.close_picker()
        self.facts.select(command.fact.id)  # type: ignore[union-attr, arg-type]
        self.message.emit(f"added {pending.label}")  # type: ignore[union-attr]
        return True

    # -- picker and clicks ----------------------------------------------------------

    def _chosen(self, data: object) -> None:
        if self.pending is None:
            return
        step = self.pending.step
        if step == "role":
            self._choose_role(data)  # type: ignore[arg-type]
        elif step == "filler":
            self.fill(data)  # type: ignore[arg-type]
        elif step == "relation type":
            self._choose_relation(data)  # type: ignore[arg-type]
        elif step == "relation filler":
            self._finish_relation(data)  # type: ignore[arg-type]

    def _span_clicked(self, span_id: int) -> None:
        """A click on an annotation in the text while a filler is asked for fills the role."""
        if self.pending is None or span_id == -1 or self.pending.step not in ("filler", "relation filler"):
            return
        span = self.layer.span(span_id)
        if span is None:
            return
        # a click on a fact's statement means the fact, when the role takes facts
        stated = self.facts.stated_by(span_id)
        target = Target(span.label, span.id)
        if stated is not None and self._role_takes(stated.label):
            target = Target(stated.label, fact_id=stated.id)
        if self.pending.step == "filler":
            self.fill(target)
        else:
            self._finish_relation(target)

    def _role_takes(self, label: str) -> bool:
        pending = self.pending
        owner = pending.label if pending.step == "relation filler" else self.facts.fact(pending.fact_id).label  # type: ignore[union-attr, arg-type]
        role = self.store.schema().label(owner).role(pending.role)  # type: ignore[union-attr, arg-type]
        return role is not None and (not role.allowed or label in role.allowed)

    # -- deleting ---------------------------------------------------------------------

    def may_delete(self, span: Span) -> bool:
        """Ask before deleting a span that fills roles; the roles are left empty (undo restores them)."""
        filling = self.facts.filling(span.id)  # type: ignore[arg-type]
        if not filling:
            return True
        where = "; ".join(f"{role} of {self.facts.describe(fact)}" for fact, role in filling[:4])
        more = f" and {len(filling) - 4} more" if len(filling) > 4 else ""
        answer = QMessageBox.question(
            self.parent(), "Delete span",  # type: ignore[arg-type]
            literal(f"{shortened(span.text, 40)} fills {where}{more}. Delete anyway?\n"
                    "The role will be left empty; Undo brings it back."))
        return answer == QMessageBox.StandardButton.Yes

    def delete_selected_fact(self) -> None:
        fact = self.facts.selected
        if fact is None:
            self.message.emit("no fact is selected")
            return
        self._push(DeleteFact(self.store, fact.id, shown=fact))  # type: ignore[arg-type]

    # -- context menu -------------------------------------------------------------------

    def show_context_menu(self, pos: QPoint) -> None:
        menu = self.context_menu(pos)
        menu.exec(self.view.viewport().mapToGlobal(pos))

    def context_menu(self, pos: QPoint) -> QMenu:
        """The text's menu with, over a span, the fact actions that apply to it."""
        menu = self.view.createStandardContextMenu(pos)
        hits = self.layer.covering(self.view.offset_at(pos))
        span = hits[0] if hits else None
        fact = self.facts.selected
        if span is None:
            return menu
        menu.addSeparator()
        if fact is not None and span.id != fact.span_id:
            self._add_fill_menu(menu, fact, span)
        if any(not label.trigger for label in self.store.schema().fact_labels):
            def relation() -> None:
                self.layer.select(span.id)  # type: ignore[arg-type]
                self.start_relation()
            menu.addAction(no_mnemonic(f"New relation from {shortened(span.text, 24)!r}…")).triggered.connect(
                relation)
        return menu

    def role_choices(self, fact: Fact, span: Span) -> list[tuple[Role, Target, str | None]]:
        """For each role of `fact`: what `span` would fill it with (the span, or the fact it
        states when only facts fit), and why it may not (None when it may)."""
        label = self.store.schema().label(fact.label)
        stated = self.facts.stated_by(span.id)  # type: ignore[arg-type]
        choices = []
        for role in label.roles if label else []:
            target = Target(span.label, span.id)
            if stated is not None and role.allowed and stated.label in role.allowed and span.label not in role.allowed:
                target = Target(stated.label, fact_id=stated.id)
            current = len(fact.fillers(role.name))
            why = can_fill(self.store.schema(), fact.label, role.name, target.label,
                           0 if role.max_fillers == 1 else current)
            if why is None and Argument(role.name, target.span_id, target.fact_id) in fact.fillers(role.name):
                why = "already fills it"
            if why is None and target.fact_id == fact.id:
                why = "a fact cannot fill its own role"
            choices.append((role, target, why))
        return choices

    def _add_fill_menu(self, menu: QMenu, fact: Fact, span: Span) -> None:
        label = self.store.schema().label(fact.label)
        if label is None or not label.roles:
            return
        sub = menu.addMenu(no_mnemonic(f"Fill role of {self.facts.describe(fact)}"))
        sub.setObjectName("fillRoleMenu")
        for role, target, why in self.role_choices(fact, span):
            action = sub.addAction(no_mnemonic(role.name))
            if why is not None:
                action.setEnabled(False)
                action.setText(no_mnemonic(f"{role.name} ({why})"))

            def fill(_checked: bool = False, r: str = role.name, t: Target = target, f: int = fact.id) -> None:  # type: ignore[assignment]
                self.pending = _Pending("filler", fact_id=f, role=r)
                self.fill(t)
            action.triggered.connect(fill)

    # -- linking by mouse -------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        """Ctrl+press on a fact's text starts a link; the release over an entity fills a role.
        The events of a link are kept from the text (they would select text)."""
        kind = event.type()
        if kind == QEvent.Type.MouseButtonPress:
            return self._link_pressed(event)  # type: ignore[arg-type]
        if self.dragging is not None and kind == QEvent.Type.MouseMove:
            self.linkDragged.emit(self.drag_from, event.position().toPoint())  # type: ignore[attr-defined]
            return True
        if self.dragging is not None and kind == QEvent.Type.MouseButtonRelease:
            fact, self.dragging = self.dragging, None
            self.linkDragged.emit(None, None)
            self.view.viewport().unsetCursor()
            self.drop_on(fact, event.position().toPoint())  # type: ignore[attr-defined]
            return True
        return False

    def _link_pressed(self, event: QMouseEvent) -> bool:
        if event.button() != Qt.MouseButton.LeftButton or not event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            return False
        offset = self.view.offset_at(event.position().toPoint())
        stating = [self.facts.stated_by(s.id) for s in self.layer.covering(offset)]  # type: ignore[arg-type]
        fact = next((f for f in stating if f is not None), None)
        if fact is None:
            return False
        self.facts.select(fact.id)  # type: ignore[arg-type]
        self.dragging = fact
        self.drag_from = event.position().toPoint()
        self.view.viewport().setCursor(Qt.CursorShape.DragLinkCursor)
        self.message.emit(f"drop on the annotation that fills a role of {self.facts.describe(fact)}")
        return True

    def drop_on(self, fact: Fact, pos: QPoint) -> bool:
        """Fill the role of `fact` that the annotation under `pos` fits; ask when several fit."""
        fact = self.facts.fact(fact.id) or fact  # type: ignore[arg-type]
        hits = [s for s in self.layer.covering(self.view.offset_at(pos)) if s.id != fact.span_id]
        if not hits:
            self.message.emit("dropped on no annotation: nothing filled")
            return False
        span = hits[0]
        choices = self.role_choices(fact, span)
        fitting = [(role, target) for role, target, why in choices if why is None]
        if not fitting:
            reasons = "; ".join(f"{role.name}: {why}" for role, _, why in choices)
            self.message.emit(f"{shortened(span.text, 30)} fills no role of {fact.label} ({reasons})")
            return False
        if len(fitting) == 1:
            role, target = fitting[0]
        else:
            menu = QMenu(self.view)
            menu.setObjectName("dropRoleMenu")
            for role, target in fitting:
                menu.addAction(no_mnemonic(role.name)).setData(role.name)
            chosen = self.ask_menu(menu, self.view.viewport().mapToGlobal(pos))
            if chosen is None:
                return False
            role, target = next((r, t) for r, t in fitting if r.name == chosen.data())
        self.pending = _Pending("filler", fact_id=fact.id, role=role.name)
        return self.fill(target)

    def ask_menu(self, menu: QMenu, where: QPoint) -> QAction | None:
        """The action the user picks from `menu` (None if dismissed); tests replace this."""
        return menu.exec(where)

    def _push(self, command: QUndoCommand) -> bool:
        refused = push(self.undo, command)
        if refused:
            self.message.emit(refused)
        return refused is None
