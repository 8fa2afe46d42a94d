"""Reverting one recorded change: putting back its before state, as a new change.

A revert is refused, changing nothing, when a later change depends on the
one reverted: it wrote the same span, fact, status or schema item, uses
something the change added (a fact filling a role with a span the change
added), or removed something the revert would need. Then the data
is compared with what the change left; anything else (a write by another
program) refuses too. The revert runs through the store's own write
methods in one transaction, so it is recorded like any edit, marked with
the change it reverts.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import asdict, replace
from typing import Any

from annotator.domain import Schema
from annotator.domain.changes import Change
from annotator.store.errors import StoreError
from annotator.store.history import (
    HistoryMixin,
    attribute_from,
    deleted_fact_from,
    deleted_label_from,
    deleted_span_from,
    fact_from,
    fact_state,
    label_from,
    same_state,
    span_from,
    span_state,
    state_key,
)

Entity = tuple[str, Any]


class RevertRefused(StoreError):
    """A revert that would undo or break later work; nothing was changed."""


class RevertMixin(HistoryMixin):
    """The revert part of `Store`. Uses the write methods of the other parts."""

    def revert_change(self, change_id: int) -> list[Change]:
        """Put back what change `change_id` replaced; returns the changes this made."""
        change = self.change(change_id)
        revert = _REVERTS.get((change.kind, change.action))
        if revert is None:
            hint = {"import": "; import the file again",
                    "sync": "; the layer is its owner's, changed by them and pulled by a sync"}.get(change.kind, "")
            raise RevertRefused(f"change {change_id} ({change.what()}) cannot be reverted{hint}")
        self._refuse_if_later_changes_depend(change)
        last = self.db.execute("SELECT coalesce(max(id), 0) FROM changes").fetchone()[0]
        try:
            with self.db.atomic():
                self._reverting = change.id
                try:
                    revert(self, change)
                finally:
                    self._reverting = None
        except sqlite3.IntegrityError as exc:
            raise RevertRefused(f"cannot revert change {change_id}: something it refers to is gone ({exc})") from exc
        self.reload()
        return self.changes_since(last)

    def _refuse_if_later_changes_depend(self, change: Change) -> None:
        writes, needs = _writes(change), _needs(change)
        for later in _standing(self.changes_after(change)):
            if later.reverts == change.id:
                raise RevertRefused(f"cannot revert change {change.id}: change {later.id} already reverted it")
            later_writes = _writes(later)
            if (later_writes & writes
                    or (change.action == "add" and _needs(later) & writes)  # uses what the change made
                    or (later.action == "delete" and later_writes & needs)):  # removed what the revert needs
                raise RevertRefused(
                    f"cannot revert change {change.id}: a later change depends on it "
                    f"(change {later.id}: {later.what()}); revert that one first")

    def _refuse_unless(self, condition: bool, change: Change, what: str) -> None:
        if not condition:
            raise RevertRefused(f"cannot revert change {change.id}: {what}")


# -- what a change wrote and what it relies on, for finding later dependents --


def _standing(changes: list[Change]) -> list[Change]:
    """`changes` (oldest first) without pairs where a later one took an earlier
    one back exactly (an undo, a revert): together they changed nothing."""
    cancelled: set[int] = set()
    by_target: dict[tuple[str, str], list[Change]] = {}
    for change in changes:
        by_target.setdefault((change.kind, change.target), []).append(change)
    for group in by_target.values():
        keys = [(state_key(c.before), state_key(c.after)) for c in group]
        for i, change in enumerate(group):
            if change.id in cancelled:
                continue
            for j in range(i + 1, len(group)):
                if group[j].id not in cancelled and keys[j] == (keys[i][1], keys[i][0]):
                    cancelled |= {change.id, group[j].id}
                    break
    return [c for c in changes if c.id not in cancelled]


def _writes(change: Change) -> set[Entity]:
    found: set[Entity] = set()
    for state in (change.before, change.after):
        if state is None:
            continue
        if change.kind == "span":
            found.add(("span", state["span"]["id"]))
            for fact in state.get("facts", []):
                found |= _fact_writes(fact)
            found |= {("fact", row[0]) for row in state.get("args", [])}
        elif change.kind == "fact":
            found |= _fact_writes(state)
        elif change.kind in ("status", "document_note"):
            found.add((change.kind, change.document_id, change.target))
        elif change.kind == "label":
            found.add(("label", state["label"]["name"] if "label" in state else state["name"]))
        elif change.kind in ("attribute", "document", "label_order"):
            found.add((change.kind, change.target))
    return found


def _fact_writes(state: dict[str, Any]) -> set[Entity]:
    return {("fact", state["fact"]["id"])} | {("fact", row[0]) for row in state.get("inbound", [])}


def _needs(change: Change) -> set[Entity]:
    found: set[Entity] = set()
    for state in (change.before, change.after):
        if state is None:
            continue
        facts = state.get("facts", []) if change.kind == "span" else [state] if change.kind == "fact" else []
        for fact in facts:
            fact = fact["fact"]
            if fact["span_id"] is not None:
                found.add(("span", fact["span_id"]))
            for arg in fact.get("args", []):
                found.add(("span", arg["span_id"]) if arg["span_id"] is not None else ("fact", arg["fact_id"]))
    return found


# -- one revert per kind of change ---------------------------------------------------


def _revert_annotation_add(store: RevertMixin, change: Change) -> None:
    """Delete the span or fact the change added, if it is still as the change left it."""
    kind = change.kind
    exists, delete, state_of = ((store.has_span, store.delete_span, span_state) if kind == "span"
                                else (store.has_fact, store.delete_fact, fact_state))
    item_id = change.after[kind]["id"]  # type: ignore[index]
    store._refuse_unless(exists(item_id), change, f"{kind} {item_id} no longer exists")
    deleted = delete(item_id)
    store._refuse_unless(same_state(state_of(deleted), change.after), change,  # type: ignore[arg-type]
                         f"{kind} {item_id} is no longer as the change left it (changed, or used by a fact)")


def _revert_span_delete(store: RevertMixin, change: Change) -> None:
    deleted = deleted_span_from(change.before)  # type: ignore[arg-type]
    store._refuse_unless(not store.has_span(deleted.span.id), change,  # type: ignore[arg-type]
                         f"span {deleted.span.id} exists again")
    for fact in deleted.facts:
        store._refuse_unless(not store.has_fact(fact.fact.id), change,  # type: ignore[arg-type]
                             f"fact {fact.fact.id} exists again")
    store.restore_span(deleted)


def _revert_fact_delete(store: RevertMixin, change: Change) -> None:
    deleted = deleted_fact_from(change.before)  # type: ignore[arg-type]
    store._refuse_unless(not store.has_fact(deleted.fact.id), change,  # type: ignore[arg-type]
                         f"fact {deleted.fact.id} exists again")
    store.restore_fact(deleted)


_EDITABLE = {"span": ("start", "end", "label", "attributes", "note"),
             "fact": ("label", "span_id", "args", "attributes", "note")}


def _revert_annotation_change(store: RevertMixin, change: Change) -> None:
    """Put a span's or fact's fields back, if it is still as the change left it."""
    kind = change.kind
    exists, read, update, build = ((store.has_span, store.span, store.update_span, span_from) if kind == "span"
                                   else (store.has_fact, store.fact, store.update_fact, fact_from))
    before = build(change.before[kind])  # type: ignore[index, operator]
    store._refuse_unless(exists(before.id), change, f"{kind} {before.id} no longer exists")
    store._refuse_unless(same_state({kind: asdict(read(before.id))}, change.after), change,
                         f"{kind} {before.id} was changed since")
    update(before.id, **{name: getattr(before, name) for name in _EDITABLE[kind]})


def _revert_status(store: RevertMixin, change: Change) -> None:
    document_id, annotator = change.document_id, change.target
    current = store.db.execute("SELECT status FROM document_status WHERE document_id = ? AND annotator = ?",
                               [document_id, annotator]).fetchone()
    expected = change.after["status"] if change.after else None
    store._refuse_unless((current and current[0]) == expected, change,
                         f"{annotator}'s status on document {document_id} was changed since")
    if change.before is not None:
        store.set_status(document_id, annotator, change.before["status"])  # type: ignore[arg-type]
        return
    with store.db.atomic():
        store.db.execute("DELETE FROM document_status WHERE document_id = ? AND annotator = ?",
                         [document_id, annotator])
        store._record_status(document_id, annotator, expected, None)  # type: ignore[arg-type]
    store._changed("status", document_id)


def _revert_document_note(store: RevertMixin, change: Change) -> None:
    before, after = (state["note"] if state else "" for state in (change.before, change.after))
    store._refuse_unless(store.document_note(change.document_id, change.target) == after, change,  # type: ignore[arg-type]
                         f"{change.target}'s note on document {change.document_id} was changed since")
    store.set_document_note(change.document_id, change.target, before)  # type: ignore[arg-type]


def _current_label(store: RevertMixin, change: Change, name: str, expected: dict[str, Any]) -> None:
    label = store.schema().label(name)
    store._refuse_unless(label is not None, change, f"label {name} no longer exists")
    store._refuse_unless(same_state({**asdict(label), "order": 0}, {**expected, "order": 0}), change,  # type: ignore[arg-type]
                         f"label {name} was changed since")


def _revert_label_add(store: RevertMixin, change: Change) -> None:
    after = change.after or {}
    _current_label(store, change, change.target, after["label"])
    if after.get("relabelled_to"):
        store.delete_label(change.target, annotations="relabel", relabel_to=after["relabelled_to"])
    else:
        store.delete_label(change.target, annotations="delete" if after.get("spans") or after.get("facts")
                           else "refuse")


def _revert_label_change(store: RevertMixin, change: Change) -> None:
    _current_label(store, change, change.target, change.after["label"])  # type: ignore[index]
    store.save_label(label_from(change.before["label"]))  # type: ignore[index]


def _revert_label_delete(store: RevertMixin, change: Change) -> None:
    deleted = deleted_label_from(change.before)  # type: ignore[arg-type]
    store._refuse_unless(store.schema().label(deleted.label.name) is None, change,
                         f"a label named {deleted.label.name} exists again")
    store.restore_label(deleted)


def _revert_label_rename(store: RevertMixin, change: Change) -> None:
    old, new = change.before["name"], change.after["name"]  # type: ignore[index]
    store._refuse_unless(store.schema().label(new) is not None, change, f"label {new} no longer exists")
    store.rename_label(new, old)


def _revert_label_order(store: RevertMixin, change: Change) -> None:
    store._refuse_unless([label.name for label in store.schema().labels] == change.after["order"], change,  # type: ignore[index]
                         "the labels were reordered since")
    store.reorder_labels(change.before["order"])  # type: ignore[index]


def _revert_attribute(store: RevertMixin, change: Change) -> None:
    schema = store.schema()
    current = next((a for a in schema.attributes if a.name == change.target), None)
    expected = attribute_from(change.after["attribute"]) if change.after else None
    store._refuse_unless(current == expected, change, f"attribute {change.target} was changed since")
    attributes = [replace(a) for a in schema.attributes if a.name != change.target]
    if change.before is not None:
        attributes.append(attribute_from(change.before["attribute"]))
    store.set_schema(Schema(list(schema.labels), attributes))


def _revert_document_add(store: RevertMixin, change: Change) -> None:
    document_id = int(change.target)
    used = store.db.execute(
        "SELECT (SELECT count(*) FROM spans WHERE document_id = ?) + (SELECT count(*) FROM facts WHERE document_id = ?)",
        [document_id, document_id]).fetchone()[0]
    store._refuse_unless(used == 0, change, f"document {document_id} has annotations")
    document = store.document(document_id)
    with store.db.atomic():
        store.db.execute("DELETE FROM documents WHERE id = ?", [document_id])
        store._record("document", "delete", document_id, document_id=document_id, before={"document": {
            "id": document_id, "title": document.title, "hash": change.after["document"]["hash"],  # type: ignore[index]
            "text": document.text, "meta": document.meta}})
    store._changed("documents")


def _revert_document_delete(store: RevertMixin, change: Change) -> None:
    document = change.before["document"]  # type: ignore[index]
    added, new = store.add_document(document["title"], document["text"], document["meta"])
    store._refuse_unless(new, change, f"the document is back already (document {added.id})")


def _revert_import(store: RevertMixin, change: Change) -> None:
    after = change.after or {}
    ranges = after["ranges"]
    for kind in ("span", "fact"):
        if kind + "s" in ranges:
            lo, hi = ranges[kind + "s"]
            later = _standing(store.changes_to(kind, lo, hi, after=change.id))
            store._refuse_unless(not later, change, f"change {later[0].id if later else ''} changed a {kind} it added")
    spans, facts = ranges.get("spans", [0, -1]), ranges.get("facts", [0, -1])
    users = store.db.execute(
        "SELECT (SELECT count(*) FROM fact_args WHERE span_id BETWEEN ? AND ? AND fact_id NOT BETWEEN ? AND ?)"
        " + (SELECT count(*) FROM facts WHERE span_id BETWEEN ? AND ? AND id NOT BETWEEN ? AND ?)",
        [*spans, *facts, *spans, *facts]).fetchone()[0]
    store._refuse_unless(users == 0, change, "facts made since use spans it added")
    documents = ranges.get("documents", [0, -1])
    later_work = store.db.execute(
        "SELECT (SELECT count(*) FROM spans WHERE document_id BETWEEN ? AND ? AND id NOT BETWEEN ? AND ?)"
        " + (SELECT count(*) FROM facts WHERE document_id BETWEEN ? AND ? AND id NOT BETWEEN ? AND ?)",
        [*documents, *spans, *documents, *facts]).fetchone()[0]
    store._refuse_unless(later_work == 0, change, "documents it added have been annotated since")
    for document_id, annotator, status in after["statuses"]:
        current = store.status(document_id, annotator)
        store._refuse_unless(current == status, change, f"{annotator}'s status on document {document_id} changed since")
    for document_id, annotator, note in after.get("notes", []):
        store._refuse_unless(store.document_note(document_id, annotator) == note, change,
                             f"{annotator}'s note on document {document_id} changed since")
    with store.db.atomic():
        store.db.execute("DELETE FROM facts WHERE id BETWEEN ? AND ?", facts)
        store.db.execute("DELETE FROM spans WHERE id BETWEEN ? AND ?", spans)
        for table, rows in (("document_status", after["statuses"]), ("document_notes", after.get("notes", []))):
            for document_id, annotator, _ in rows:
                store.db.execute(f"DELETE FROM {table} WHERE document_id = ? AND annotator = ?",
                                 [document_id, annotator])
        store.db.execute("DELETE FROM documents WHERE id BETWEEN ? AND ?", documents)
        for name in after["labels"]:
            if not store.label_usage(name):
                store.db.execute("DELETE FROM labels WHERE name = ?", [name])
        store._record("import", "delete", "", before=after)
    store.reload()


_REVERTS: dict[tuple[str, str], Callable[[RevertMixin, Change], None]] = {
    ("span", "add"): _revert_annotation_add,
    ("span", "delete"): _revert_span_delete,
    ("span", "change"): _revert_annotation_change,
    ("fact", "add"): _revert_annotation_add,
    ("fact", "delete"): _revert_fact_delete,
    ("fact", "change"): _revert_annotation_change,
    ("status", "add"): _revert_status,
    ("status", "change"): _revert_status,
    ("status", "delete"): _revert_status,
    ("document_note", "add"): _revert_document_note,
    ("document_note", "change"): _revert_document_note,
    ("document_note", "delete"): _revert_document_note,
    ("label", "add"): _revert_label_add,
    ("label", "change"): _revert_label_change,
    ("label", "delete"): _revert_label_delete,
    ("label", "rename"): _revert_label_rename,
    ("label_order", "change"): _revert_label_order,
    ("attribute", "add"): _revert_attribute,
    ("attribute", "change"): _revert_attribute,
    ("attribute", "delete"): _revert_attribute,
    ("document", "add"): _revert_document_add,
    ("document", "delete"): _revert_document_delete,
    ("import", "add"): _revert_import,
}
