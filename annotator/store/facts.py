"""Facts: labelled statements with roles filled by spans or other facts; undoable deletes."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from annotator.domain import Argument, Fact
from annotator.store.core import StoreCore
from annotator.store.errors import StoreError
from annotator.store.results import DeletedFact
from annotator.store.rows import fact_from_row, now


class FactsMixin(StoreCore):
    """The facts part of `Store`."""

    def facts(self, document_id: int, annotator: str | None = None) -> list[Fact]:
        sql = "SELECT id, document_id, annotator, label, span_id, attributes, note, created, updated FROM facts WHERE document_id = ?"
        params: list[Any] = [document_id]
        if annotator is not None:
            sql += " AND annotator = ?"
            params.append(annotator)
        facts = {r[0]: fact_from_row(r) for r in self.db.execute(sql + " ORDER BY id", params)}
        if facts:
            placeholders = ",".join("?" * len(facts))
            for fact_id, role, span_id, target in self.db.execute(
                f"SELECT fact_id, role, span_id, target_fact_id FROM fact_args WHERE fact_id IN ({placeholders}) "
                "ORDER BY fact_id, position", list(facts)
            ):
                facts[fact_id].args.append(Argument(role, span_id, target))
        return list(facts.values())

    def has_fact(self, fact_id: int) -> bool:
        return self.db.execute("SELECT 1 FROM facts WHERE id = ?", [fact_id]).fetchone() is not None

    def fact(self, fact_id: int) -> Fact:
        row = self.db.execute(
            "SELECT id, document_id, annotator, label, span_id, attributes, note, created, updated FROM facts WHERE id = ?",
            [fact_id],
        ).fetchone()
        if row is None:
            raise StoreError(f"no fact with id {fact_id}")
        fact = fact_from_row(row)
        fact.args = [Argument(r[0], r[1], r[2]) for r in self.db.execute(
            "SELECT role, span_id, target_fact_id FROM fact_args WHERE fact_id = ? ORDER BY position", [fact_id])]
        return fact

    def add_fact(self, document_id: int, annotator: str, label: str, span_id: int | None,
                 args: Iterable[Argument] = (), attributes: dict[str, Any] | None = None, note: str = "") -> Fact:
        schema_label = self.schema().label(label)
        if schema_label is None or schema_label.kind != "fact":
            raise StoreError(f"{label!r} is not a fact label")
        stamp = now()
        with self.db.atomic():
            self.ensure_annotator(annotator)
            cursor = self.db.execute(
                "INSERT INTO facts (document_id, annotator, label, span_id, attributes, note, created, updated) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [document_id, annotator, label, span_id, json.dumps(attributes or {}, ensure_ascii=False), note, stamp, stamp],
            )
            fact_id = cursor.lastrowid
            self._write_args(fact_id, list(args))
            fact = self.fact(fact_id)  # type: ignore[arg-type]
            self._record_fact("add", DeletedFact(fact, []))
            self._touch_status(document_id, annotator)
        self._changed("facts", document_id)
        return fact

    def _write_args(self, fact_id: int, args: list[Argument]) -> None:
        self.db.execute("DELETE FROM fact_args WHERE fact_id = ?", [fact_id])
        self._insert_args(fact_id, args)

    def _insert_args(self, fact_id: int, args: list[Argument]) -> None:
        for position, arg in enumerate(args):
            self.db.execute(
                "INSERT INTO fact_args (fact_id, position, role, span_id, target_fact_id) VALUES (?, ?, ?, ?, ?)",
                [fact_id, position, arg.role, arg.span_id, arg.fact_id],
            )

    def update_fact(self, fact_id: int, **changes: Any) -> Fact:
        """Change a fact's label, span_id, args, attributes or note."""
        old = self.fact(fact_id)
        new = old.with_(**changes, updated=now())
        with self.db.atomic():
            self.db.execute(
                "UPDATE facts SET label = ?, span_id = ?, attributes = ?, note = ?, updated = ? WHERE id = ?",
                [new.label, new.span_id, json.dumps(new.attributes, ensure_ascii=False), new.note, new.updated, fact_id],
            )
            if "args" in changes:
                self._write_args(fact_id, list(new.args))
            new = self.fact(fact_id)
            self._record_fact_change(old, new)
        self._changed("facts", old.document_id)
        return new

    def delete_fact(self, fact_id: int) -> DeletedFact:
        with self.db.atomic():
            deleted = self._delete_fact(fact_id)
            self._record_fact("delete", deleted)
        self._changed("facts", deleted.fact.document_id)
        return deleted

    def _delete_fact(self, fact_id: int) -> DeletedFact:
        fact = self.fact(fact_id)
        inbound = [tuple(r) for r in self.db.execute(
            "SELECT fact_id, position, role, target_fact_id FROM fact_args WHERE target_fact_id = ?", [fact_id])]
        self.db.execute("DELETE FROM facts WHERE id = ?", [fact_id])
        return DeletedFact(fact, inbound)  # type: ignore[arg-type]

    def restore_fact(self, deleted: DeletedFact) -> None:
        with self.db.atomic():
            self._defer_foreign_keys()
            self._restore_fact(deleted)
            self._record_fact("add", deleted)
        self._changed("facts", deleted.fact.document_id)

    def _restore_fact(self, deleted: DeletedFact) -> None:
        f = deleted.fact
        self.ensure_annotator(f.annotator)
        self.db.execute(
            "INSERT INTO facts (id, document_id, annotator, label, span_id, attributes, note, created, updated) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [f.id, f.document_id, f.annotator, f.label, f.span_id,
             json.dumps(f.attributes, ensure_ascii=False), f.note, f.created, f.updated],
        )
        # insert only: rows other restores of the same undo step put back
        # (links from facts restored earlier) must not be wiped
        self._insert_args(f.id, f.args)  # type: ignore[arg-type]
        for fact_id, position, role, target in deleted.inbound:
            self.db.execute(
                "INSERT INTO fact_args (fact_id, position, role, target_fact_id) VALUES (?, ?, ?, ?)",
                [fact_id, position, role, target],
            )
