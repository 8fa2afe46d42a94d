"""The change history: every write method of the store records what it changed,
in its own transaction, so the history never disagrees with the data.

Recording is done by the store's public write methods (one `_record_*` call
each), not by SQL triggers: a trigger cannot tell who worked the session,
would record a span deletion as the separate row deletions SQLite cascades
it into, and would write one history row per span of an import of millions
(an import is recorded as one change listing what it added, by id ranges).
Writes made by other programs straight into the file are not recorded.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from annotator.domain import Argument, AttributeDef, Fact, Label, Role, Schema, Span
from annotator.domain.changes import Change
from annotator.store.core import StoreCore
from annotator.store.errors import StoreError
from annotator.store.results import DeletedFact, DeletedLabel, DeletedSpan, ImportSummary
from annotator.store.rows import now

_CHANGE_COLUMNS = "id, created, annotator, actor, document_id, kind, action, target, before, after, reverts"


# -- states: what a change replaced or left, as JSON objects and back ---------


def span_state(deleted: DeletedSpan) -> dict[str, Any]:
    """A span with the facts it states and the arguments pointing at it."""
    return {"span": asdict(deleted.span), "facts": [fact_state(f) for f in deleted.facts],
            "args": [list(a) for a in deleted.args]}


def fact_state(deleted: DeletedFact) -> dict[str, Any]:
    return {"fact": asdict(deleted.fact), "inbound": [list(a) for a in deleted.inbound],
            "positions": list(deleted.positions)}


def label_state(deleted: DeletedLabel) -> dict[str, Any]:
    state = asdict(deleted)
    state["spans"] = [span_state(s) for s in deleted.spans]
    state["facts"] = [fact_state(f) for f in deleted.facts]
    # JSON keys are strings: ("spans", 12) -> time becomes ["spans", 12, time]
    state["updated_before"] = [[table, row_id, updated] for (table, row_id), updated in deleted.updated_before.items()]
    return state


def span_from(state: dict[str, Any]) -> Span:
    return Span(**state)


def fact_from(state: dict[str, Any]) -> Fact:
    return Fact(**{**state, "args": [Argument(**a) for a in state["args"]]})


def label_from(state: dict[str, Any]) -> Label:
    return Label(**{**state, "roles": [Role(**r) for r in state["roles"]]})


def deleted_span_from(state: dict[str, Any]) -> DeletedSpan:
    return DeletedSpan(span_from(state["span"]), [deleted_fact_from(f) for f in state.get("facts", [])],
                       [tuple(a) for a in state.get("args", [])])  # type: ignore[misc]


def deleted_fact_from(state: dict[str, Any]) -> DeletedFact:
    return DeletedFact(fact_from(state["fact"]), [tuple(a) for a in state.get("inbound", [])],  # type: ignore[misc]
                       list(state.get("positions", [])))


def deleted_label_from(state: dict[str, Any]) -> DeletedLabel:
    return DeletedLabel(label_from(state["label"]), [deleted_span_from(s) for s in state.get("spans", [])],
                        [deleted_fact_from(f) for f in state.get("facts", [])], state.get("relabelled_to"),
                        list(state.get("relabelled_span_ids", [])), list(state.get("relabelled_fact_ids", [])),
                        state.get("relabelled_at", ""),
                        {(table, row_id): updated for table, row_id, updated in state.get("updated_before", [])})


def same_state(a: dict[str, Any] | None, b: dict[str, Any] | None) -> bool:
    """Equal, whatever order the rows of nested lists were read in."""
    return _canonical(a) == _canonical(b)


def state_key(state: dict[str, Any] | None) -> str:
    """A string equal for two states exactly when `same_state` says they are."""
    return json.dumps(_canonical(state), sort_keys=True)


def _canonical(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _canonical(v) for k, v in value.items() if k not in ("created", "updated")}
    if isinstance(value, (list, tuple)):
        items = [_canonical(v) for v in value]
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True))
    return value


class HistoryMixin(StoreCore):
    """The history part of `Store`: recording, called by every write method,
    and reading, for `annotator history` and revert."""

    actor: str | None = None
    """Who works this session (the window's or the command's annotator); recorded with
    every change, and the annotator of schema changes and imports."""

    _reverting: int | None = None
    """The change being reverted while a revert runs, recorded with what it changes."""

    # -- recording ---------------------------------------------------------------

    def _record(self, kind: str, action: str, target: Any, *, annotator: str | None = None,
                document_id: int | None = None, before: dict[str, Any] | None = None,
                after: dict[str, Any] | None = None) -> None:
        self.db.execute(
            f"INSERT INTO changes ({_CHANGE_COLUMNS}) VALUES (NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [now(), annotator or self.actor or "", self.actor, document_id, kind, action, str(target),
             None if before is None else json.dumps(before, ensure_ascii=False),
             None if after is None else json.dumps(after, ensure_ascii=False), self._reverting])

    def _record_span(self, action: str, deleted: DeletedSpan) -> None:
        """A span added ("add": restored too) or deleted, with what came or went along."""
        self._record_annotation("span", action, deleted.span, span_state(deleted))

    def _record_fact(self, action: str, deleted: DeletedFact) -> None:
        self._record_annotation("fact", action, deleted.fact, fact_state(deleted))

    def _record_annotation(self, kind: str, action: str, item: Span | Fact, state: dict[str, Any]) -> None:
        self._record(kind, action, item.id, annotator=item.annotator, document_id=item.document_id,
                     before=state if action == "delete" else None, after=state if action == "add" else None)

    def _record_span_change(self, old: Span, new: Span) -> None:
        self._record_annotation_change("span", old, new)

    def _record_fact_change(self, old: Fact, new: Fact) -> None:
        self._record_annotation_change("fact", old, new)

    def _record_annotation_change(self, kind: str, old: Span | Fact, new: Span | Fact) -> None:
        self._record(kind, "change", old.id, annotator=old.annotator, document_id=old.document_id,
                     before={kind: asdict(old)}, after={kind: asdict(new)})

    def _record_status(self, document_id: int, annotator: str, old: str | None, new: str | None) -> None:
        if old != new:
            self._record("status", "change" if old and new else "add" if new else "delete", annotator,
                         annotator=annotator, document_id=document_id,
                         before=None if old is None else {"status": old},
                         after=None if new is None else {"status": new})

    def _record_label(self, old: Label | None, new: Label | None) -> None:
        action = "add" if old is None else "delete" if new is None else "change"
        self._record("label", action, (new or old).name,  # type: ignore[union-attr]
                     before=None if old is None else {"label": asdict(old)},
                     after=None if new is None else {"label": asdict(new)})

    def _record_schema(self, old: Schema, new: Schema) -> None:
        """Every label and attribute definition that `new` adds, changes or drops."""
        before = {label.name: label for label in old.labels}
        after = {label.name: label for label in new.labels}
        for name in [*before, *(n for n in after if n not in before)]:
            a, b = before.get(name), after.get(name)
            if a is None or b is None or _without_order(a) != _without_order(b):
                self._record_label(a, b)
        old_order, new_order = [label.name for label in old.labels], [label.name for label in new.labels]
        if before and after and old_order != new_order and set(old_order) == set(new_order):
            self._record_label_order(old_order, new_order)
        old_attributes = {a.name: a for a in old.attributes}
        new_attributes = {a.name: a for a in new.attributes}
        for name in [*old_attributes, *(n for n in new_attributes if n not in old_attributes)]:
            a, b = old_attributes.get(name), new_attributes.get(name)
            if a != b:
                self._record("attribute", "add" if a is None else "delete" if b is None else "change", name,
                             before=None if a is None else {"attribute": asdict(a)},
                             after=None if b is None else {"attribute": asdict(b)})

    def _record_label_order(self, old: list[str], new: list[str]) -> None:
        if old != new:
            self._record("label_order", "change", "", before={"order": old}, after={"order": new})

    def _last_ids(self) -> dict[str, int]:
        """The largest document, span and fact ids: what an import adds comes after them."""
        return {table: self.db.execute(f"SELECT coalesce(max(id), 0) FROM {table}").fetchone()[0]
                for table in ("documents", "spans", "facts")}

    def _record_import(self, annotator: str | None, summary: ImportSummary, before: dict[str, int],
                       statuses: list[list]) -> None:
        """One change for a whole import: the id ranges it added (new ids follow every
        old one), the statuses ([document id, layer, status], found by the import, not by
        reading every status) and document notes it set on documents already present
        (those of new documents go with them) and the labels it added; enough to revert it."""
        after = self._last_ids()
        added = {table: [before[table] + 1, after[table]] for table in after if after[table] > before[table]}
        notes = [list(n) for n in summary.notes_on_present]
        if not added and not summary.labels_added and not statuses and not notes:
            return
        self._record("import", "add", "", annotator=annotator, after={
            "ranges": added, "statuses": statuses, **({"notes": notes} if notes else {}),
            "labels": list(summary.labels_added),
            "counts": {"documents": summary.documents_added, "spans": summary.spans, "facts": summary.facts}})

    # -- reading -----------------------------------------------------------------

    def history(self, document_id: int | None = None, annotator: str | None = None,
                limit: int | None = None) -> list[Change]:
        """Changes, newest first; of one document, of one annotator's (or by them), or all."""
        where, params = [], []
        if document_id is not None:
            where.append("document_id = ?")
            params.append(document_id)
        if annotator is not None:
            where.append("(annotator = ? OR actor = ?)")
            params += [annotator, annotator]
        sql = f"SELECT {_CHANGE_COLUMNS} FROM changes"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY id DESC"
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        return [_change_from_row(r) for r in self.db.execute(sql, params)]

    def change(self, change_id: int) -> Change:
        row = self.db.execute(f"SELECT {_CHANGE_COLUMNS} FROM changes WHERE id = ?", [change_id]).fetchone()
        if row is None:
            raise StoreError(f"no change with id {change_id}")
        return _change_from_row(row)

    def changes_since(self, change_id: int) -> list[Change]:
        """Changes after `change_id`, oldest first."""
        return [_change_from_row(r) for r in self.db.execute(
            f"SELECT {_CHANGE_COLUMNS} FROM changes WHERE id > ? ORDER BY id", [change_id])]

    def changes_to(self, kind: str, first: int, last: int, *, after: int) -> list[Change]:
        """Changes after change `after` to spans or facts (`kind`) with ids from `first` to `last`, oldest first."""
        return [_change_from_row(r) for r in self.db.execute(
            f"SELECT {_CHANGE_COLUMNS} FROM changes WHERE id > ? AND kind = ? "
            "AND CAST(target AS INTEGER) BETWEEN ? AND ? ORDER BY id", [after, kind, first, last])]

    def changes_after(self, change: Change) -> list[Change]:
        """Later changes of the same document (of the schema and imports, for those), oldest first."""
        if change.document_id is None:
            sql, params = "document_id IS NULL AND id > ?", [change.id]
        else:
            sql, params = "document_id = ? AND id > ?", [change.document_id, change.id]
        return [_change_from_row(r) for r in self.db.execute(
            f"SELECT {_CHANGE_COLUMNS} FROM changes WHERE {sql} ORDER BY id", params)]


def _without_order(label: Label) -> dict[str, Any]:
    return {k: v for k, v in asdict(label).items() if k != "order"}


def _change_from_row(r: tuple) -> Change:
    return Change(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7],
                  None if r[8] is None else json.loads(r[8]), None if r[9] is None else json.loads(r[9]), r[10])


def attribute_from(state: dict[str, Any]) -> AttributeDef:
    return AttributeDef(**state)
