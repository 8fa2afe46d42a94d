"""Settling differences: what goes into the gold layer, and why.

`settle(difference, choice, ...)` turns a reviewer's choice on one
`Difference` into a `Settlement`: the operations to apply to the gold
layer and the record of the decision. Choices:

- "take": one annotator's version (`annotator=` names whose);
- "both": every version (all annotators' spans or facts here);
- "none": nothing;
- "edit": the reviewer's own spans or facts (`edited=`).

Every choice first removes from gold whatever earlier decision put there
from the same versions, so a difference can be settled again. Operations
name spans by offsets and label, never by id, because gold is another
layer. `accept_agreed(diff)` puts every span and fact all annotators agree
on into gold in one step.

Nothing here touches the database: `annotator.gold.apply_settlement`
applies a settlement and records the decision.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Union

from annotator.domain import Span
from annotator.domain.layers import FactView, SpanKey
from annotator.review.diff import Difference, DocumentDiff, Version

CHOICES = ("take", "both", "none", "edit")


@dataclass(frozen=True, eq=False)
class SpanSpec:
    """A span as gold should have it."""

    start: int
    end: int
    label: str
    attributes: dict[str, Any] = field(default_factory=dict)
    note: str = ""

    @property
    def key(self) -> SpanKey:
        return (self.start, self.end, self.label)

    @classmethod
    def of(cls, span: Span) -> SpanSpec:
        return cls(span.start, span.end, span.label, dict(span.attributes), span.note)


@dataclass(frozen=True)
class FactTarget:
    """A fact filling a role, found in gold by its type and trigger offsets."""

    label: str
    trigger: SpanKey | None


@dataclass(frozen=True, eq=False)
class FactSpec:
    """A fact as gold should have it, with its trigger and fillers as specs."""

    label: str
    trigger: SpanSpec | None
    args: tuple[tuple[str, SpanSpec | FactTarget], ...] = ()
    attributes: dict[str, Any] = field(default_factory=dict)
    note: str = ""

    @property
    def key(self) -> tuple:
        trigger = None if self.trigger is None else self.trigger.key
        targets = tuple(sorted(
            (role, ("span", *t.key) if isinstance(t, SpanSpec) else ("fact", t.label, t.trigger))
            for role, t in self.args
        ))
        return (self.label, trigger, targets)

    @classmethod
    def of(cls, view: FactView) -> FactSpec:
        args: list[tuple[str, SpanSpec | FactTarget]] = []
        for arg in view.args:
            if arg.span is not None:
                args.append((arg.role, SpanSpec.of(arg.span)))
            else:
                args.append((arg.role, FactTarget(arg.target[1], arg.target[2])))
        trigger = None if view.trigger is None else SpanSpec.of(view.trigger)
        return cls(view.label, trigger, tuple(args), dict(view.fact.attributes), view.fact.note)


@dataclass(frozen=True, eq=False)
class AddSpan:
    span: SpanSpec


@dataclass(frozen=True, eq=False)
class RemoveSpan:
    key: SpanKey


@dataclass(frozen=True, eq=False)
class AddFact:
    fact: FactSpec


@dataclass(frozen=True, eq=False)
class RemoveFact:
    key: tuple
    """`FactSpec.key` / `FactView.key` of the gold fact to remove."""


Operation = Union[AddSpan, RemoveSpan, AddFact, RemoveFact]


@dataclass
class Settlement:
    """A reviewer's choice on one difference (or on all agreed annotations)."""

    document_id: int | None
    kind: str
    """The difference kind, or "agreed" for `accept_agreed`."""
    choice: str
    difference_id: str | None
    sources: list[str]
    """Annotators whose versions went into gold."""
    operations: list[Operation]
    versions: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    """Every compared annotator's versions, as recorded in the decision."""
    start: int | None = None
    end: int | None = None

    def detail(self) -> dict[str, Any]:
        """What the decision record keeps: which difference, which versions, what was done."""
        return {
            "difference": self.difference_id,
            "start": self.start,
            "end": self.end,
            "from": self.sources,
            "versions": self.versions,
            "operations": [describe_operation(op) for op in self.operations],
        }


class SettlementError(ValueError):
    pass


def settle(
    difference: Difference,
    choice: str,
    *,
    document_id: int | None = None,
    annotator: str | None = None,
    edited: tuple[SpanSpec | FactSpec, ...] | list[SpanSpec | FactSpec] = (),
) -> Settlement:
    if choice not in CHOICES:
        raise SettlementError(f"unknown choice {choice!r} (one of {', '.join(CHOICES)})")
    if choice == "take":
        if annotator not in difference.versions:
            raise SettlementError(f"take whose version? {annotator!r} is not compared here")
        chosen: list[SpanSpec | FactSpec] = [_spec(v) for v in difference.versions[annotator]]
        sources = [annotator] if chosen else []
    elif choice == "both":
        chosen = [_spec(v) for versions in difference.versions.values() for v in versions]
        sources = difference.annotators_with
    elif choice == "none":
        chosen, sources = [], []
    else:
        chosen, sources = list(edited), []
    chosen = _unique(chosen)
    adding = {spec.key for spec in chosen}
    operations: list[Operation] = []
    for versions in difference.versions.values():
        for version in versions:
            spec = _spec(version)
            if spec.key in adding:
                continue
            operations.append(RemoveFact(spec.key) if isinstance(spec, FactSpec) else RemoveSpan(spec.key))
    operations = _unique_operations(operations)
    operations += [AddFact(s) if isinstance(s, FactSpec) else AddSpan(s) for s in chosen]
    return Settlement(
        document_id, difference.kind, choice, difference.id, sources, operations,
        {name: [describe_version(v) for v in versions] for name, versions in difference.versions.items()},
        difference.start, difference.end,
    )


def accept_agreed(diff: DocumentDiff) -> Settlement:
    """Every span and fact all compared annotators made the same, into gold."""
    operations: list[Operation] = [AddSpan(SpanSpec.of(s)) for s in diff.agreed_spans]
    operations += [AddFact(FactSpec.of(f)) for f in diff.agreed_facts]
    return Settlement(diff.document.id, "agreed", "accept", None, list(diff.annotators), operations)


def describe_version(version: Version) -> dict[str, Any]:
    if isinstance(version, Span):
        return {"span": version.id, "start": version.start, "end": version.end, "label": version.label,
                "text": version.text}
    trigger = version.trigger
    return {
        "fact": version.fact.id, "label": version.label,
        "trigger": None if trigger is None else [trigger.start, trigger.end, trigger.label],
        "args": [[a.role, *a.target[1:]] for a in version.args],
    }


def describe_operation(op: Operation) -> dict[str, Any]:
    if isinstance(op, AddSpan):
        return {"op": "add_span", "start": op.span.start, "end": op.span.end, "label": op.span.label}
    if isinstance(op, RemoveSpan):
        return {"op": "remove_span", "start": op.key[0], "end": op.key[1], "label": op.key[2]}
    if isinstance(op, AddFact):
        return {"op": "add_fact", "key": _jsonable(op.fact.key)}
    return {"op": "remove_fact", "key": _jsonable(op.key)}


def _jsonable(value: Any) -> Any:
    if isinstance(value, tuple):
        return [_jsonable(v) for v in value]
    return value


def _spec(version: Version) -> SpanSpec | FactSpec:
    return SpanSpec.of(version) if isinstance(version, Span) else FactSpec.of(version)


def _unique(specs: list[SpanSpec | FactSpec]) -> list[SpanSpec | FactSpec]:
    seen: dict[tuple, SpanSpec | FactSpec] = {}
    for spec in specs:
        seen.setdefault((type(spec).__name__, spec.key), spec)
    return list(seen.values())


def _unique_operations(operations: list[Operation]) -> list[Operation]:
    seen: dict[tuple, Operation] = {}
    for op in operations:
        seen.setdefault((type(op).__name__, op.key), op)  # type: ignore[union-attr]
    return list(seen.values())
