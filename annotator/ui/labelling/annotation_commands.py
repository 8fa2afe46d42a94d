"""Undo commands for what any annotation may carry besides its label: attribute
values and a note. These are the entity span's; a fact's go through
`fact_commands.UpdateFact`, with the same attribute rule (`with_attribute`)."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QUndoCommand

from annotator.domain import Span
from annotator.store import Store
from annotator.ui.labelling.commands import Mirror, UpdateSpan

SPAN_NOTE_MERGE_ID = 7302
"""Command id that lets consecutive note edits of one span merge into one undo step."""


def with_attribute(attributes: dict[str, Any], name: str, value: Any) -> dict[str, Any]:
    """A copy of `attributes` with `name` set; None or False removes it (flags are stored only when set)."""
    changed = dict(attributes)
    if value is None or value is False:
        changed.pop(name, None)
    else:
        changed[name] = value
    return changed


def set_span_attribute(store: Store, span: Span, name: str, value: Any, mirror: Mirror | None = None) -> UpdateSpan:
    return UpdateSpan(store, span, f"Set {name} of {span.label}", mirror,
                      attributes=with_attribute(span.attributes, name, value))


class SetSpanNote(UpdateSpan):
    """Edit a span's note. Typing saves as it goes; consecutive saves of one
    span's note merge, so one undo takes back the whole edit."""

    def __init__(self, store: Store, span: Span, note: str, mirror: Mirror | None = None) -> None:
        super().__init__(store, span, f"Edit note of {span.label}", mirror, note=note)

    def id(self) -> int:
        return SPAN_NOTE_MERGE_ID

    def mergeWith(self, other: QUndoCommand) -> bool:  # noqa: N802 (Qt's name)
        # an obsolete note edit is one the store failed to save: nothing to take over
        if not isinstance(other, SetSpanNote) or other.isObsolete() or other._id != self._id:
            return False
        self._changes, self._after = other._changes, other._after
        return True
