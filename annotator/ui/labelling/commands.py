"""Undo commands: one per change to the store; each step is stored as it happens.

Another program may write to the same file, so a command keeps the rows as
its last run left them, and its next run (undo or redo) hands them to the
store as what it expects to find: the store refuses (`EditConflictError`)
when they differ, and nothing changes. A first run expects the values the
window showed. Undo puts rows back exactly, time of change included.

Span commands take an optional `mirror` (the window's `CurrentLayer`): the
command tells it what changed so the view repaints only that, instead of
reloading the layer. Without a mirror (tests, scripts) they work on the
store alone.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import replace
from typing import Protocol, TypeVar

from PySide6.QtGui import QUndoCommand

from annotator.domain import AttributeDef, Label, Span
from annotator.store import EditConflictError, Store
from annotator.store.database import DeletedLabel, DeletedSpan

T = TypeVar("T")


class Mirror(Protocol):
    def quiet(self) -> AbstractContextManager[None]: ...
    def put(self, span: Span, previous: tuple[int, int] | None = None) -> None: ...
    def drop(self, span: Span) -> None: ...


class _NoMirror:
    def quiet(self) -> AbstractContextManager[None]:
        return nullcontext()

    def put(self, span: Span, previous: tuple[int, int] | None = None) -> None:
        pass

    def drop(self, span: Span) -> None:
        pass


def first_edit(store: Store, document_id: int, annotator: str, write: Callable[[], T]) -> tuple[T, bool]:
    """Run `write` (which adds a span or a fact) inside the caller's transaction;
    also whether it was the annotator's first edit of the document, which
    moved the status to "in progress": undo takes that back with the edit."""
    before = store.status(document_id, annotator)
    result = write()
    return result, store.status(document_id, annotator) != before


class AddSpan(QUndoCommand):
    def __init__(self, store: Store, document_id: int, annotator: str, start: int, end: int, label: str,
                 mirror: Mirror | None = None) -> None:
        super().__init__(f"Label {label}")
        self._store, self._mirror = store, mirror or _NoMirror()
        self._args = (document_id, annotator, start, end, label)
        self._deleted: DeletedSpan | None = None
        self._started = False
        self.span: Span | None = None
        """The span as this step left it; undo deletes it only while it is still so."""

    def redo(self) -> None:
        document_id, annotator = self._args[:2]
        with self._mirror.quiet(), self._store.transaction():
            if self._deleted is None:
                span, started = first_edit(self._store, document_id, annotator,
                                           lambda: self._store.add_span(*self._args))
            else:
                # redo brings back the same row (same id), so later commands still apply
                self._store.restore_span(self._deleted)
                if self._started:
                    self._store.touch_status(document_id, annotator)
                span, started = self._deleted.span, self._started
        self.span, self._started = span, started
        self._mirror.put(span)

    def undo(self) -> None:
        document_id, annotator = self._args[:2]
        with self._mirror.quiet(), self._store.transaction():
            # nothing else may state or point at it: that would be someone else's work
            deleted = self._store.delete_span(self.span.id, expect=DeletedSpan(self.span, [], []))  # type: ignore[union-attr, arg-type]
            if self._started:
                self._store.untouch_status(document_id, annotator)
        self._deleted = deleted
        self._mirror.drop(deleted.span)


class UpdateSpan(QUndoCommand):
    """Relabel or resize a span; undo puts its row back exactly as it was."""

    def __init__(self, store: Store, span: Span, text: str, mirror: Mirror | None = None, **changes) -> None:
        super().__init__(text)
        self._store, self._mirror = store, mirror or _NoMirror()
        self._id = span.id
        self._shown = {key: getattr(span, key) for key in changes}
        """What the window showed of the fields changed: the first run changes them only while they are still so."""
        self._changes = changes
        self._before: Span | None = None
        self._after: Span | None = None

    def redo(self) -> None:
        with self._mirror.quiet():
            if self._after is None:
                with self._store.transaction():
                    before = self._store.span(self._id)  # type: ignore[arg-type]
                    after = self._store.update_span(self._id, expect=self._shown, **self._changes)  # type: ignore[arg-type]
                self._before = before
            else:
                after = self._store.rewrite_span(self._after, expect=self._before)  # type: ignore[arg-type]
        self._after = after
        # where the span lay before: the view repaints there too
        self._mirror.put(after, (self._before.start, self._before.end))  # type: ignore[union-attr]

    def undo(self) -> None:
        with self._mirror.quiet():
            before = self._store.rewrite_span(self._before, expect=self._after)  # type: ignore[arg-type]
        self._mirror.put(before, (self._after.start, self._after.end))  # type: ignore[union-attr]


SHOWN_SPAN_FIELDS = ("start", "end", "label", "attributes", "note")


class DeleteSpan(QUndoCommand):
    """Delete a span; given the span the window `shown`, only while it is still so."""

    def __init__(self, store: Store, span_id: int, mirror: Mirror | None = None, *, shown: Span | None = None) -> None:
        super().__init__("Delete span")
        self._store, self._mirror = store, mirror or _NoMirror()
        self._id = span_id
        self._shown = None if shown is None else {key: getattr(shown, key) for key in SHOWN_SPAN_FIELDS}
        self._deleted: DeletedSpan | None = None

    def redo(self) -> None:
        with self._mirror.quiet():
            # after an undo, delete only what the undo put back
            deleted = self._store.delete_span(self._id, expect=self._deleted or self._shown)
        self._deleted = deleted
        self._mirror.drop(deleted.span)

    def undo(self) -> None:
        with self._mirror.quiet():
            self._store.restore_span(self._deleted)  # type: ignore[arg-type]
        self._mirror.put(self._deleted.span)  # type: ignore[union-attr]


class SetStatus(QUndoCommand):
    """Set a layer's status on a document; undo puts back the status it replaced.

    The status it replaces is read when the step first runs, not when it is
    made: a step that waited for another program may find its own earlier
    edit's "in progress" there (a first label, then Ctrl+D)."""

    def __init__(self, store: Store, document_id: int, annotator: str, status: str) -> None:
        super().__init__(f"Mark {status.replace('_', ' ')}")
        self._store, self._doc, self._annotator = store, document_id, annotator
        self._before: str | None = None
        self._after = status

    def redo(self) -> None:
        with self._store.transaction():
            if self._before is None:
                self._before = self._store.status(self._doc, self._annotator)
            self._store.set_status(self._doc, self._annotator, self._after, expect=self._before)

    def undo(self) -> None:
        self._store.set_status(self._doc, self._annotator, self._before, expect=self._after)


# -- the label schema ---------------------------------------------------------


class SaveLabel(QUndoCommand):
    """Add a label, or change colour, hotkey or description of an existing one."""

    def __init__(self, store: Store, label: Label) -> None:
        before = store.schema().label(label.name)
        super().__init__(f"Edit label {label.name}" if before else f"Add label {label.name}")
        self._store = store
        self._before = _copy(before) if before else None
        self._after = _copy(label)

    def redo(self) -> None:
        with self._store.transaction():
            _expect_label(self._store, self._after.name, self._before)
            self._store.save_label(_copy(self._after))

    def undo(self) -> None:
        with self._store.transaction():
            _expect_label(self._store, self._after.name, self._after)
            if self._before is not None:
                self._store.save_label(_copy(self._before))
            else:
                self._store.delete_label(self._after.name)


class RenameLabel(QUndoCommand):
    def __init__(self, store: Store, old: str, new: str) -> None:
        super().__init__(f"Rename label {old} to {new}")
        self._store, self._old, self._new = store, old, new

    def redo(self) -> None:
        self._store.rename_label(self._old, self._new)

    def undo(self) -> None:
        self._store.rename_label(self._new, self._old)


class ReorderLabels(QUndoCommand):
    def __init__(self, store: Store, names: list[str]) -> None:
        super().__init__("Reorder labels")
        self._store = store
        self._before = [label.name for label in store.schema().labels]
        self._after = list(names)

    def redo(self) -> None:
        self._store.reorder_labels(self._after, expect=self._before)

    def undo(self) -> None:
        self._store.reorder_labels(self._before, expect=self._after)


class DeleteLabel(QUndoCommand):
    """Remove a label; `annotations` is "delete" or "relabel" when spans use it."""

    def __init__(self, store: Store, name: str, annotations: str = "refuse", relabel_to: str | None = None) -> None:
        super().__init__(f"Delete label {name}")
        self._store, self._name = store, name
        self._how = {"annotations": annotations, "relabel_to": relabel_to}
        self._deleted: DeletedLabel | None = None

    def redo(self) -> None:
        # after an undo, delete or relabel only what the undo put back
        self._deleted = self._store.delete_label(self._name, **self._how, expect=self._deleted)  # type: ignore[arg-type]

    def undo(self) -> None:
        self._store.restore_label(self._deleted)  # type: ignore[arg-type]


class SetAttributeDefs(QUndoCommand):
    """Replace the schema's attribute definitions (labels stay as they are)."""

    def __init__(self, store: Store, attributes: list[AttributeDef], text: str = "Edit attributes") -> None:
        super().__init__(text)
        self._store = store
        self._before = [replace(a) for a in store.schema().attributes]
        self._after = [replace(a) for a in attributes]

    def redo(self) -> None:
        self._store.set_attribute_defs([replace(a) for a in self._after], expect=self._before)

    def undo(self) -> None:
        self._store.set_attribute_defs([replace(a) for a in self._before], expect=self._after)


def _expect_label(store: Store, name: str, expected: Label | None) -> None:
    """Refuse a label edit when the label is not as the step expects (another
    program edited it): its place in the order aside, which reordering changes."""
    current, expected = (None if label is None else replace(label, order=0)
                         for label in (store.stored_label(name), expected))
    if current != expected:
        raise EditConflictError(f"label {name} was changed since (by another program?); nothing was changed")


def _copy(label: Label) -> Label:
    from dataclasses import replace

    return replace(label, roles=list(label.roles))
