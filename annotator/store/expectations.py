"""Compare before writing: an edit that names what it expects to find (the
span or fact as an undo step left it, or the values the window showed) is
refused with `EditConflictError` when the rows say otherwise, so an undo or
redo never overwrites or deletes what another program (or person) changed."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from annotator.domain import Fact, Span
from annotator.store.errors import EditConflictError

Expected = Mapping[str, Any]
"""Only these fields must hold these values (an edit's first run: what the window showed)."""


def differs(current: Span | Fact, expect: Span | Fact | Expected, changes: Mapping[str, Any] | None = None) -> bool:
    """Whether `current` is not what `expect` says. A field expected with one
    value that already holds the value the edit writes (`changes`) is no
    difference: writing it overwrites nothing."""
    if isinstance(expect, Mapping):
        changes = changes or {}
        return any(getattr(current, key) not in (value, changes.get(key, value)) for key, value in expect.items())
    return current != expect


def what(item: Span | Fact) -> str:
    if isinstance(item, Span):
        text = " ".join(item.text.split())
        return f"the {item.label} span {text[:40] + ('…' if len(text) > 40 else '')!r}"
    return f"the {item.label} fact #{item.id}"


def changed(item: Span | Fact, *, gone: bool = False) -> EditConflictError:
    how = "was deleted" if gone else "was changed"
    return EditConflictError(f"{what(item)} {how} since (by another program?); nothing was changed")


def in_the_way(message: str) -> EditConflictError:
    return EditConflictError(f"{message} (saved by another program?); nothing was changed")
