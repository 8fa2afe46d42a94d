"""Undo commands for facts: create, fill and clear roles, attributes, note, delete.

Like the span commands, each is one change to the store, written when it is
done. A fact created from a text selection is one parent command whose
children add the trigger span and then the fact, so a single undo removes
both, in one transaction. Redo after undo puts back the same rows (same
ids), so the commands above it on the stack still apply; undo and redo
change only rows that are still as the step left them.
"""

from __future__ import annotations

from contextlib import nullcontext
from typing import Any

from PySide6.QtGui import QUndoCommand, QUndoStack

from annotator.domain import Argument, Fact, Label, Span
from annotator.store import Store, StoreError
from annotator.store.database import DeletedFact, StoredFact
from annotator.ui.labelling.annotation_commands import with_attribute
from annotator.ui.labelling.commands import AddSpan, Mirror, UpdateSpan, first_edit

NOTE_MERGE_ID = 7301
"""Command id that lets consecutive note edits of one fact merge into one undo step."""


class CreateFact(QUndoCommand):
    """Add a fact. Its trigger is either a known span id or the span that a
    sibling `AddSpan` creates (read when the command runs)."""

    def __init__(self, store: Store, document_id: int, annotator: str, label: str, span_id: int | None = None,
                 args: list[Argument] | None = None, *, trigger: AddSpan | None = None) -> None:
        super().__init__(f"Add {label}")
        self._store = store
        self._document_id, self._annotator, self._label = document_id, annotator, label
        self._span_id, self._trigger = span_id, trigger
        self._args = list(args or [])
        self._deleted: DeletedFact | None = None
        self._started = False
        self._left: StoredFact | None = None
        self.fact: Fact | None = None

    def redo(self) -> None:
        with self._store.transaction():
            if self._deleted is not None:
                self._store.restore_fact(self._deleted)
                if self._started:
                    self._store.touch_status(self._document_id, self._annotator)
                left, started = StoredFact(self._deleted.fact, self._deleted.positions), self._started
            else:
                span_id = self._trigger.span.id if self._trigger is not None else self._span_id  # type: ignore[union-attr]
                fact, started = first_edit(self._store, self._document_id, self._annotator, lambda: self._store.add_fact(
                    self._document_id, self._annotator, self._label, span_id, self._args))
                left = self._store.stored_fact(fact.id)  # type: ignore[arg-type]
        self._left, self._started, self.fact = left, started, left.fact

    def undo(self) -> None:
        left = self._left
        with self._store.transaction():
            # no role of another fact may be filled with it: that would be someone else's work
            deleted = self._store.delete_fact(left.fact.id, expect=DeletedFact(left.fact, [], left.positions))  # type: ignore[union-attr, arg-type]
            if self._started:
                self._store.untouch_status(self._document_id, self._annotator)
        self._deleted = deleted


class Compound(QUndoCommand):
    """A parent command: runs its parts in order, and undoes them in reverse,
    in one transaction: all of them are saved, or none.

    The parts are held here rather than as Qt children: PySide drops the
    Python side of a child command that nothing in Python references, and
    Qt then calls into a dead object.
    """

    def __init__(self, store: Store, text: str, parts: list[QUndoCommand] | None = None,
                 mirror: Mirror | None = None) -> None:
        super().__init__(text)
        self._store, self._mirror = store, mirror
        self.parts: list[QUndoCommand] = list(parts or [])

    def redo(self) -> None:
        self._run_all(self.parts, "redo")

    def undo(self) -> None:
        self._run_all(list(reversed(self.parts)), "undo")

    def _run_all(self, parts: list[QUndoCommand], run: str) -> None:
        # When a part fails (a full disk, a row another program changed) the
        # transaction is rolled back, and so is what the parts that ran keep
        # in Python (what they left, what they deleted): the step is then
        # exactly as before and can be tried again.
        kept = [dict(vars(part)) for part in parts]
        try:
            with self._mirror.quiet() if self._mirror is not None else nullcontext(), self._store.transaction():
                for part in parts:
                    getattr(part, run)()
        except BaseException:
            for part, state in zip(parts, kept):
                vars(part).clear()
                vars(part).update(state)
            raise


class CreateTriggeredFact(Compound):
    """Label a selection with a fact label: the trigger span and its fact, as one step."""

    def __init__(self, store: Store, document_id: int, annotator: str, start: int, end: int, label: str,
                 mirror: Mirror | None = None) -> None:
        self.add_span = AddSpan(store, document_id, annotator, start, end, label, mirror)
        self.create_fact = CreateFact(store, document_id, annotator, label, trigger=self.add_span)
        super().__init__(store, f"Add {label}", [self.add_span, self.create_fact], mirror)

    @property
    def span(self) -> Span | None:
        return self.add_span.span

    @property
    def fact(self) -> Fact | None:
        return self.create_fact.fact


class UpdateFact(QUndoCommand):
    """Change a fact's args, attributes, note or label; undo puts back exactly
    the rows it had (each argument at its position)."""

    def __init__(self, store: Store, fact: Fact, text: str, **changes: Any) -> None:
        super().__init__(text)
        self._store = store
        self.fact_id = fact.id
        self._shown = {key: _copied(getattr(fact, key)) for key in changes}
        """What the window showed of the fields changed: the first run changes them only while they are still so."""
        self._changes = {key: _copied(value) for key, value in changes.items()}
        self._before: StoredFact | None = None
        self._after: StoredFact | None = None

    def redo(self) -> None:
        if self._after is None:
            with self._store.transaction():
                before = self._store.stored_fact(self.fact_id)  # type: ignore[arg-type]
                self._store.update_fact(self.fact_id, expect=self._shown, **_copied(self._changes))  # type: ignore[arg-type]
                after = self._store.stored_fact(self.fact_id)  # type: ignore[arg-type]
            self._before, self._after = before, after
        else:
            self._store.rewrite_fact(self._after, expect=self._before)  # type: ignore[arg-type]

    def undo(self) -> None:
        self._store.rewrite_fact(self._before, expect=self._after)  # type: ignore[arg-type]


def fill_role(store: Store, fact: Fact, role: str, *, span_id: int | None = None, fact_id: int | None = None,
              replace: bool = False) -> UpdateFact:
    """Fill `role` with a span or a fact; `replace` first drops the role's current filler."""
    args = [a for a in fact.args if not (replace and a.role == role)]
    args.append(Argument(role, span_id, fact_id))
    return UpdateFact(store, fact, f"Fill {role} of {fact.label}", args=args)


def clear_role(store: Store, fact: Fact, role: str, argument: Argument | None = None) -> UpdateFact:
    """Empty `role` (or remove only `argument` from it, for roles taking many)."""
    args = [a for a in fact.args if a.role != role or (argument is not None and a != argument)]
    return UpdateFact(store, fact, f"Clear {role} of {fact.label}", args=args)


def set_attribute(store: Store, fact: Fact, name: str, value: Any) -> UpdateFact:
    """Set an attribute; a value of None or False removes it (flags are stored only when set)."""
    return UpdateFact(store, fact, f"Set {name} of {fact.label}", attributes=with_attribute(fact.attributes, name, value))


class SetFactNote(UpdateFact):
    """Edit a fact's note. Typing saves as it goes; consecutive saves of one
    fact's note merge, so one undo takes back the whole edit."""

    def __init__(self, store: Store, fact: Fact, note: str) -> None:
        super().__init__(store, fact, f"Edit note of {fact.label}", note=note)

    def id(self) -> int:
        return NOTE_MERGE_ID

    def mergeWith(self, other: QUndoCommand) -> bool:  # noqa: N802 (Qt's name)
        # an obsolete note edit is one the store failed to save: nothing to take over
        if not isinstance(other, SetFactNote) or other.isObsolete() or other.fact_id != self.fact_id:
            return False
        self._changes, self._after = other._changes, other._after
        return True


SHOWN_FACT_FIELDS = ("label", "span_id", "args", "attributes", "note")


class DeleteFact(QUndoCommand):
    """Delete a fact; given the fact the window `shown`, only while it is still so."""

    def __init__(self, store: Store, fact_id: int, *, shown: Fact | None = None) -> None:
        super().__init__("Delete fact")
        self._store, self._id = store, fact_id
        self._shown = None if shown is None else {key: _copied(getattr(shown, key)) for key in SHOWN_FACT_FIELDS}
        self._deleted: DeletedFact | None = None

    def redo(self) -> None:
        # after an undo, delete only what the undo put back
        self._deleted = self._store.delete_fact(self._id, expect=self._deleted or self._shown)

    def undo(self) -> None:
        self._store.restore_fact(self._deleted)  # type: ignore[arg-type]


def new_span_command(store: Store, document_id: int, annotator: str, start: int, end: int, label: str,
                     mirror: Mirror | None = None) -> AddSpan | CreateTriggeredFact:
    """The command that labels a selection: a fact label that has a trigger gets its fact too."""
    schema_label = store.schema().label(label)
    if schema_label is not None and schema_label.kind == "fact" and schema_label.trigger:
        return CreateTriggeredFact(store, document_id, annotator, start, end, label, mirror)
    return AddSpan(store, document_id, annotator, start, end, label, mirror)


def relabel_command(store: Store, span: Span, label: str, mirror: Mirror | None = None) -> QUndoCommand:
    """Relabel a span, keeping facts in step: the facts it states follow a new
    fact label, are deleted if it becomes an entity, and a span that becomes a
    fact label gains its fact."""
    command = Compound(store, f"Relabel {span.label} to {label}",
                       [UpdateSpan(store, span, f"Relabel {span.label} to {label}", mirror, label=label)], mirror)
    new = store.schema().label(label)
    facts = store.facts(span.document_id, span.annotator)
    stated = [f for f in facts if f.span_id == span.id]  # type: ignore[arg-type]
    by_id = {f.id: f for f in facts}
    for fact in stated:
        if new is not None and new.kind == "fact":
            # roles the new type lacks or whose fillers it does not take go in the same step: undo brings them back
            args = [a for a in fact.args if _fits(store, new, a, by_id)]
            command.parts.append(UpdateFact(store, fact, f"Relabel {fact.label} to {label}", label=label, args=args))
        else:
            command.parts.append(DeleteFact(store, fact.id, shown=fact))  # type: ignore[arg-type]
    if not stated and new is not None and new.kind == "fact" and new.trigger:
        command.parts.append(CreateFact(store, span.document_id, span.annotator, label, span.id))  # type: ignore[arg-type]
    return command


def _fits(store: Store, label: Label, argument: Argument, facts: dict[int | None, Fact]) -> bool:
    """Whether `argument` may stay in a fact of type `label` (an argument to something gone is not judged here)."""
    role = label.role(argument.role)
    if role is None:
        return False
    if not role.allowed:
        return True
    if argument.span_id is not None:
        try:
            target = store.span(argument.span_id).label
        except StoreError:
            return True
    else:
        filler = facts.get(argument.fact_id)
        if filler is None:
            return True
        target = filler.label
    return target in role.allowed


def push(undo: QUndoStack, command: QUndoCommand) -> str | None:
    """Push `command`; the store's refusal as a message for the user, or None when done."""
    try:
        refused = undo.push(command)  # the window's StoreUndoStack returns the refusal
    except StoreError as exc:  # a plain QUndoStack lets it through
        refused = exc
    return refused.message if refused is not None else None


def _copied(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _copied(v) for k, v in value.items()}
    if isinstance(value, list):
        return list(value)
    return value
