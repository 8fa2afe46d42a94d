"""Facts: typed records with a trigger span and role arguments (brat's events)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any


@dataclass(frozen=True)
class Argument:
    """One filled role of a fact: points at an entity span or at another fact."""

    role: str
    span_id: int | None = None
    fact_id: int | None = None

    def __post_init__(self) -> None:
        if (self.span_id is None) == (self.fact_id is None):
            raise ValueError("an argument points at exactly one span or one fact")


@dataclass
class Fact:
    """A fact of a fact label. `span_id` is the trigger or statement span, and
    may be None for binary relations, which need no trigger."""

    id: int | None
    document_id: int | None
    annotator: str
    label: str
    span_id: int | None
    args: list[Argument] = field(default_factory=list)
    attributes: dict[str, Any] = field(default_factory=dict)
    note: str = ""
    created: str = ""
    updated: str = ""

    def with_(self, **changes: Any) -> Fact:
        return replace(self, **changes)

    def fillers(self, role: str) -> list[Argument]:
        return [a for a in self.args if a.role == role]
