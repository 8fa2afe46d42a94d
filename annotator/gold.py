"""Writing review decisions into the gold layer, undoably, with a decision record.

`apply_settlement` applies a `Settlement` (see `annotator.review.adjudication`)
to the gold layer in one transaction and records who decided, when, from
which versions. It returns an `AppliedDecision` that `undo_decision` reverses.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from annotator.domain import GOLD, Argument, Span
from annotator.domain.layers import fact_views, span_key
from annotator.review.adjudication import (
    AddFact,
    AddSpan,
    FactSpec,
    FactTarget,
    RemoveFact,
    RemoveSpan,
    Settlement,
    SpanSpec,
)
from annotator.review.diff import Difference, diff_document, remaining_differences
from annotator.store import DeletedFact, DeletedSpan, Store, StoreError

UNDO = "undo"


@dataclass
class AppliedDecision:
    """What one decision changed in gold, so that it can be undone."""

    decision_id: int
    document_id: int
    added_span_ids: list[int] = field(default_factory=list)
    added_fact_ids: list[int] = field(default_factory=list)
    deleted: list[DeletedSpan | DeletedFact] = field(default_factory=list)
    """In deletion order; undo restores them in reverse."""
    skipped: list[str] = field(default_factory=list)
    """Arguments that could not be filled in gold, worded for the reviewer."""


def apply_settlement(store: Store, settlement: Settlement, reviewer: str, *, gold: str = GOLD,
                     document_id: int | None = None) -> AppliedDecision:
    document_id = document_id if document_id is not None else settlement.document_id
    if document_id is None:
        raise StoreError("a settlement needs the document it belongs to")
    if not reviewer.strip():
        raise StoreError("a decision needs the reviewer's name")
    applied = AppliedDecision(0, document_id)
    with store.transaction():
        orphans: set[int] = set()
        for op in settlement.operations:
            if isinstance(op, RemoveFact):
                for fact in _gold_facts(store, document_id, gold):
                    if fact.key == op.key:
                        applied.deleted.append(store.delete_fact(fact.fact.id))  # type: ignore[arg-type]
                        if fact.trigger is not None:
                            orphans.add(fact.trigger.id)  # type: ignore[arg-type]
            elif isinstance(op, RemoveSpan):
                span = _gold_spans(store, document_id, gold).get(op.key)
                if span is not None:
                    applied.deleted.append(store.delete_span(span.id))  # type: ignore[arg-type]
            elif isinstance(op, AddSpan):
                _ensure_span(store, document_id, gold, op.span, applied)
            elif isinstance(op, AddFact):
                _add_fact(store, document_id, gold, op.fact, applied)
        _drop_stray_triggers(store, document_id, gold, orphans, applied)
        detail = settlement.detail() | {"gold": gold, "skipped": applied.skipped}
        applied.decision_id = store.record_decision(document_id, reviewer, settlement.kind, settlement.choice, detail)
    return applied


def undo_decision(store: Store, applied: AppliedDecision, reviewer: str) -> None:
    """Take back what a decision did to gold; the log keeps both, marked."""
    with store.transaction():
        for fact_id in reversed(applied.added_fact_ids):
            if store.has_fact(fact_id):
                store.delete_fact(fact_id)
        for span_id in reversed(applied.added_span_ids):
            if store.has_span(span_id):
                store.delete_span(span_id)
        for deleted in reversed(applied.deleted):
            if isinstance(deleted, DeletedSpan):
                store.restore_span(deleted)
            else:
                store.restore_fact(deleted)
        store.record_decision(applied.document_id, reviewer, UNDO, UNDO, {"undoes": applied.decision_id})


def settled_difference_ids(store: Store, document_id: int) -> set[str]:
    """Ids of the differences a decision (not since undone) settled."""
    return set(settling_decisions(store, document_id))


def settling_decisions(store: Store, document_id: int) -> dict[str, dict]:
    """For each settled difference id, the decision (not since undone) that
    settled it last: who chose what, from which versions."""
    by_decision: dict[int, dict] = {}
    for decision in store.decisions(document_id):
        if decision["kind"] == UNDO:
            by_decision.pop(decision["detail"].get("undoes"), None)
        elif decision["detail"].get("difference"):
            by_decision[decision["id"]] = decision
    return {d["detail"]["difference"]: d for d in by_decision.values()}


def document_differences(store: Store, document_id: int, annotators: Sequence[str]) -> list[Difference]:
    return diff_document(store.annotated(document_id, annotators), annotators).differences


def remaining(store: Store, document_id: int, annotators: Sequence[str]) -> list[Difference]:
    """The differences between the annotators' layers no decision has settled yet."""
    return remaining_differences(document_differences(store, document_id, annotators),
                                 settled_difference_ids(store, document_id))


def mark_reviewed(store: Store, document_id: int, gold: str = GOLD) -> None:
    store.set_status(document_id, gold, "reviewed")


# -- helpers --------------------------------------------------------------------


def _gold_spans(store: Store, document_id: int, gold: str) -> dict[tuple, Span]:
    spans: dict[tuple, Span] = {}
    for span in store.spans(document_id, gold):
        spans.setdefault(span_key(span), span)
    return spans


def _gold_facts(store: Store, document_id: int, gold: str):
    return fact_views(store.annotated(document_id, [gold]), gold)


def _drop_stray_triggers(store: Store, document_id: int, gold: str, candidates: set[int],
                         applied: AppliedDecision) -> None:
    """Delete the trigger spans of removed facts that nothing in gold uses any
    more, when labelled with a fact type: such a span only ever stood for its
    fact (a settlement taken back must not leave its QUOTE trigger behind).
    Entity spans stay: they may be gold's in their own right."""
    if not candidates:
        return
    fact_labels = {label.name for label in store.schema().fact_labels}
    used: set[int | None] = set()
    for fact in store.facts(document_id, gold):
        used.add(fact.span_id)
        used.update(arg.span_id for arg in fact.args)
    for span_id in sorted(candidates - used):
        if store.has_span(span_id) and store.span(span_id).label in fact_labels:
            applied.deleted.append(store.delete_span(span_id))


def _ensure_span(store: Store, document_id: int, gold: str, spec: SpanSpec, applied: AppliedDecision) -> Span:
    existing = _gold_spans(store, document_id, gold).get(spec.key)
    if existing is not None:
        return existing
    span = store.add_span(document_id, gold, spec.start, spec.end, spec.label, spec.attributes, spec.note)
    applied.added_span_ids.append(span.id)  # type: ignore[arg-type]
    return span


def _add_fact(store: Store, document_id: int, gold: str, spec: FactSpec, applied: AppliedDecision) -> None:
    if any(f.key == spec.key for f in _gold_facts(store, document_id, gold)):
        return
    trigger = None if spec.trigger is None else _ensure_span(store, document_id, gold, spec.trigger, applied)
    args = []
    for role, target in spec.args:
        if isinstance(target, SpanSpec):
            args.append(Argument(role, span_id=_ensure_span(store, document_id, gold, target, applied).id))
            continue
        fact_id = _find_fact(store, document_id, gold, target)
        if fact_id is None:
            applied.skipped.append(f"{spec.label} role {role!r}: the {target.label} it points at is not in {gold}")
        else:
            args.append(Argument(role, fact_id=fact_id))
    fact = store.add_fact(document_id, gold, spec.label, None if trigger is None else trigger.id, args,
                          spec.attributes, spec.note)
    applied.added_fact_ids.append(fact.id)  # type: ignore[arg-type]


def _find_fact(store: Store, document_id: int, gold: str, target: FactTarget) -> int | None:
    for view in _gold_facts(store, document_id, gold):
        trigger = None if view.trigger is None else span_key(view.trigger)
        if view.label == target.label and trigger == target.trigger:
            return view.fact.id
    return None
