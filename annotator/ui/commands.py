"""Undo commands: one per change to the store; each step is stored as it happens.

Span commands take an optional `mirror` (the window's `CurrentLayer`): the
command tells it what changed so the view repaints only that, instead of
reloading the layer. Without a mirror (tests, scripts) they work on the
store alone.
"""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext
from dataclasses import replace
from typing import Protocol

from PySide6.QtGui import QUndoCommand

from annotator.domain import AttributeDef, Label, Schema, Span
from annotator.store import Store
from annotator.store.database import DeletedLabel, DeletedSpan


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


class AddSpan(QUndoCommand):
    def __init__(self, store: Store, document_id: int, annotator: str, start: int, end: int, label: str,
                 mirror: Mirror | None = None) -> None:
        super().__init__(f"Label {label}")
        self._store, self._mirror = store, mirror or _NoMirror()
        self._args = (document_id, annotator, start, end, label)
        self._deleted: DeletedSpan | None = None
        self.span: Span | None = None

    def redo(self) -> None:
        with self._mirror.quiet():
            if self._deleted is None:
                self.span = self._store.add_span(*self._args)
            else:
                # redo brings back the same row (same id), so later commands still apply
                self._store.restore_span(self._deleted)
        self._mirror.put(self.span)  # type: ignore[arg-type]

    def undo(self) -> None:
        with self._mirror.quiet():
            self._deleted = self._store.delete_span(self.span.id)  # type: ignore[union-attr, arg-type]
        self._mirror.drop(self._deleted.span)


class UpdateSpan(QUndoCommand):
    """Relabel or resize a span."""

    def __init__(self, store: Store, span: Span, text: str, mirror: Mirror | None = None, **changes) -> None:
        super().__init__(text)
        self._store, self._mirror = store, mirror or _NoMirror()
        self._id = span.id
        self._before = {key: getattr(span, key) for key in changes}
        self._after = changes

    def _apply(self, changes: dict, undone: dict) -> None:
        with self._mirror.quiet():
            span = self._store.update_span(self._id, **changes)  # type: ignore[arg-type]
        # where the span lay before: the view repaints there too
        self._mirror.put(span, (undone.get("start", span.start), undone.get("end", span.end)))

    def redo(self) -> None:
        self._apply(self._after, self._before)

    def undo(self) -> None:
        self._apply(self._before, self._after)


class DeleteSpan(QUndoCommand):
    def __init__(self, store: Store, span_id: int, mirror: Mirror | None = None) -> None:
        super().__init__("Delete span")
        self._store, self._mirror = store, mirror or _NoMirror()
        self._id = span_id
        self._deleted: DeletedSpan | None = None

    def redo(self) -> None:
        with self._mirror.quiet():
            self._deleted = self._store.delete_span(self._id)
        self._mirror.drop(self._deleted.span)

    def undo(self) -> None:
        with self._mirror.quiet():
            self._store.restore_span(self._deleted)  # type: ignore[arg-type]
        self._mirror.put(self._deleted.span)  # type: ignore[union-attr]


class SetStatus(QUndoCommand):
    def __init__(self, store: Store, document_id: int, annotator: str, status: str) -> None:
        super().__init__(f"Mark {status.replace('_', ' ')}")
        self._store, self._doc, self._annotator = store, document_id, annotator
        self._before = store.status(document_id, annotator)
        self._after = status

    def redo(self) -> None:
        self._store.set_status(self._doc, self._annotator, self._after)

    def undo(self) -> None:
        self._store.set_status(self._doc, self._annotator, self._before)


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
        self._store.save_label(_copy(self._after))

    def undo(self) -> None:
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
        self._store.reorder_labels(self._after)

    def undo(self) -> None:
        self._store.reorder_labels(self._before)


class DeleteLabel(QUndoCommand):
    """Remove a label; `annotations` is "delete" or "relabel" when spans use it."""

    def __init__(self, store: Store, name: str, annotations: str = "refuse", relabel_to: str | None = None) -> None:
        super().__init__(f"Delete label {name}")
        self._store, self._name = store, name
        self._how = {"annotations": annotations, "relabel_to": relabel_to}
        self._deleted: DeletedLabel | None = None

    def redo(self) -> None:
        self._deleted = self._store.delete_label(self._name, **self._how)  # type: ignore[arg-type]

    def undo(self) -> None:
        self._store.restore_label(self._deleted)  # type: ignore[arg-type]


class SetAttributeDefs(QUndoCommand):
    """Replace the schema's attribute definitions (labels stay as they are)."""

    def __init__(self, store: Store, attributes: list[AttributeDef], text: str = "Edit attributes") -> None:
        super().__init__(text)
        self._store = store
        self._before = [replace(a) for a in store.schema().attributes]
        self._after = [replace(a) for a in attributes]

    def _apply(self, attributes: list[AttributeDef]) -> None:
        schema = self._store.schema()
        self._store.set_schema(Schema(list(schema.labels), [replace(a) for a in attributes]))

    def redo(self) -> None:
        self._apply(self._after)

    def undo(self) -> None:
        self._apply(self._before)


def _copy(label: Label) -> Label:
    from dataclasses import replace

    return replace(label, roles=list(label.roles))
