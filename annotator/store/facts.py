"""Facts: labelled statements with roles filled by spans or other facts; undoable deletes."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from annotator.domain import Argument, Fact
from annotator.store.core import StoreCore
from annotator.store.errors import StoreError
from annotator.store.expectations import Expected, changed, differs, in_the_way, what
from annotator.store.results import DeletedFact, StoredFact
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
        return self.stored_fact(fact_id).fact

    def stored_fact(self, fact_id: int) -> StoredFact:
        """The fact with the stored position of each argument (what undo writes back)."""
        stored = self._stored_fact_or_none(fact_id)
        if stored is None:
            raise StoreError(f"no fact with id {fact_id}")
        return stored

    def _stored_fact_or_none(self, fact_id: int) -> StoredFact | None:
        row = self.db.execute(
            "SELECT id, document_id, annotator, label, span_id, attributes, note, created, updated FROM facts WHERE id = ?",
            [fact_id],
        ).fetchone()
        if row is None:
            return None
        fact = fact_from_row(row)
        positions = []
        for role, span_id, target, position in self.db.execute(
                "SELECT role, span_id, target_fact_id, position FROM fact_args WHERE fact_id = ? ORDER BY position, id",
                [fact_id]):
            fact.args.append(Argument(role, span_id, target))
            positions.append(position)
        return StoredFact(fact, positions)

    def _expected_fact(self, fact_id: int, expect: StoredFact | Expected | None,
                       changes: dict[str, Any] | None = None) -> StoredFact:
        """The fact, read inside the caller's transaction; refused when it is not what `expect` says."""
        stored = self._stored_fact_or_none(fact_id)
        if stored is None:
            if isinstance(expect, StoredFact):
                raise changed(expect.fact, gone=True)
            if expect is not None:
                raise in_the_way(f"fact #{fact_id} was deleted")
            raise StoreError(f"no fact with id {fact_id}")
        if isinstance(expect, StoredFact):
            if expect != stored:
                raise changed(expect.fact)
        elif expect is not None and differs(stored.fact, expect, changes):
            raise changed(stored.fact)
        return stored

    def add_fact(self, document_id: int, annotator: str, label: str, span_id: int | None,
                 args: Iterable[Argument] = (), attributes: dict[str, Any] | None = None, note: str = "") -> Fact:
        schema_label = self.schema().label(label)
        if schema_label is None or schema_label.kind != "fact":
            raise StoreError(f"{label!r} is not a fact label")
        stamp = now()
        written = json.dumps(attributes or {}, ensure_ascii=False)
        args = [Argument(a.role, a.span_id, a.fact_id) for a in args]
        with self.db.atomic():
            self.ensure_annotator(annotator)
            cursor = self.db.execute(
                "INSERT INTO facts (document_id, annotator, label, span_id, attributes, note, created, updated) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [document_id, annotator, label, span_id, written, note, stamp, stamp],
            )
            fact_id = cursor.lastrowid
            self._insert_args(fact_id, args)  # type: ignore[arg-type]
            # the fact as its rows now hold it, without reading them back
            fact = fact_from_row((fact_id, document_id, annotator, label, span_id, written, note, stamp, stamp))
            fact.args = args
            self._record_fact("add", DeletedFact(fact, []))
            self._touch_status(document_id, annotator)
        self._changed("facts", document_id)
        return fact

    def _write_args(self, fact_id: int, args: list[Argument]) -> None:
        self.db.execute("DELETE FROM fact_args WHERE fact_id = ?", [fact_id])
        self._insert_args(fact_id, args)

    def _insert_args(self, fact_id: int, args: list[Argument], positions: list[int] | None = None) -> None:
        for position, arg in zip(positions or range(len(args)), args):
            self.db.execute(
                "INSERT INTO fact_args (fact_id, position, role, span_id, target_fact_id) VALUES (?, ?, ?, ?, ?)",
                [fact_id, position, arg.role, arg.span_id, arg.fact_id],
            )

    def update_fact(self, fact_id: int, *, expect: StoredFact | Expected | None = None, **changes: Any) -> Fact:
        """Change a fact's label, span_id, args, attributes or note. With `expect`
        the change is refused unless the fact still matches it."""
        with self.db.atomic():
            old = self._expected_fact(fact_id, expect, changes).fact
            new = old.with_(**changes, updated=now())
            written = json.dumps(new.attributes, ensure_ascii=False)
            self.db.execute(
                "UPDATE facts SET label = ?, span_id = ?, attributes = ?, note = ?, updated = ? WHERE id = ?",
                [new.label, new.span_id, written, new.note, new.updated, fact_id],
            )
            # the fact as its rows now hold it, without reading them back
            new = new.with_(attributes=json.loads(written), args=[Argument(a.role, a.span_id, a.fact_id) for a in new.args])
            if "args" in changes:
                self._write_args(fact_id, new.args)
            self._record_fact_change(old, new)
        self._changed("facts", old.document_id)
        return new

    def rewrite_fact(self, to: StoredFact, *, expect: StoredFact) -> None:
        """Put a fact's rows back exactly as `to` holds them (label, trigger,
        attributes, note, time of change, each argument at its position), if
        they are still exactly `expect`: how undo and redo take a fact's edit
        back and forth."""
        f = to.fact
        with self.db.atomic():
            old = self._expected_fact(f.id, expect).fact  # type: ignore[arg-type]
            self.db.execute(
                "UPDATE facts SET label = ?, span_id = ?, attributes = ?, note = ?, updated = ? WHERE id = ?",
                [f.label, f.span_id, json.dumps(f.attributes, ensure_ascii=False), f.note, f.updated, f.id],
            )
            self.db.execute("DELETE FROM fact_args WHERE fact_id = ?", [f.id])
            self._insert_args(f.id, f.args, to.positions)  # type: ignore[arg-type]
            # as read back: arguments by position, then as inserted
            in_order = [arg for _, arg in sorted(zip(to.positions or range(len(f.args)), f.args), key=lambda p: p[0])]
            self._record_fact_change(old, f.with_(attributes=json.loads(json.dumps(f.attributes, ensure_ascii=False)),
                                                  args=[Argument(a.role, a.span_id, a.fact_id) for a in in_order]))
        self._changed("facts", f.document_id)

    def delete_fact(self, fact_id: int, *,
                    expect: StoredFact | DeletedFact | Expected | None = None) -> DeletedFact:
        """Delete a fact; roles of other facts it fills are left empty. With
        `expect` the fact must still be as given; a `DeletedFact` (what an undo
        put back) must also find the same roles filled with it."""
        with self.db.atomic():
            if isinstance(expect, DeletedFact):
                stored = self._expected_fact(fact_id, StoredFact(expect.fact, expect.positions))
            else:
                stored = self._expected_fact(fact_id, expect)
            deleted = self._delete_fact(fact_id, stored)
            if isinstance(expect, DeletedFact) and deleted.inbound != expect.inbound:
                raise in_the_way(f"the roles {what(deleted.fact)} fills were changed")
            self._record_fact("delete", deleted)
        self._changed("facts", deleted.fact.document_id)
        return deleted

    def _delete_fact(self, fact_id: int, stored: StoredFact | None = None) -> DeletedFact:
        """Delete the fact (`stored`: as the caller read it in this transaction)."""
        stored = stored or self.stored_fact(fact_id)
        inbound = [tuple(r) for r in self.db.execute(
            "SELECT fact_id, position, role, target_fact_id FROM fact_args WHERE target_fact_id = ? "
            "ORDER BY fact_id, position", [fact_id])]
        self.db.execute("DELETE FROM facts WHERE id = ?", [fact_id])
        return DeletedFact(stored.fact, inbound, stored.positions)  # type: ignore[arg-type]

    def restore_fact(self, deleted: DeletedFact) -> None:
        with self.db.atomic():
            self._defer_foreign_keys()
            self._restore_fact(deleted)
            self._record_fact("add", deleted)
        self._changed("facts", deleted.fact.document_id)

    def _restore_fact(self, deleted: DeletedFact) -> None:
        # compare before writing: the id must be free and every role it filled still empty
        f = deleted.fact
        if self.has_fact(f.id):  # type: ignore[arg-type]
            raise in_the_way(f"{what(f)} cannot come back: its id is taken")
        self._check_free_arg_slots(deleted.inbound, what(f), owners_exist=False)
        self.ensure_annotator(f.annotator)
        self.db.execute(
            "INSERT INTO facts (id, document_id, annotator, label, span_id, attributes, note, created, updated) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [f.id, f.document_id, f.annotator, f.label, f.span_id,
             json.dumps(f.attributes, ensure_ascii=False), f.note, f.created, f.updated],
        )
        # insert only: rows other restores of the same undo step put back
        # (links from facts restored earlier) must not be wiped
        self._insert_args(f.id, f.args, deleted.positions or None)  # type: ignore[arg-type]
        for fact_id, position, role, target in deleted.inbound:
            self.db.execute(
                "INSERT INTO fact_args (fact_id, position, role, target_fact_id) VALUES (?, ?, ?, ?)",
                [fact_id, position, role, target],
            )

    def _check_free_arg_slots(self, rows: Iterable[tuple[int, int, str, int]], whose: str, *,
                              owners_exist: bool) -> None:
        """Refuse to put back argument rows whose position another filler took
        since, or (`owners_exist`) whose fact is gone. Facts that a restore puts
        back later in the same step (in any order) are checked at COMMIT instead."""
        for fact_id, position, role, _ in rows:
            if not self.has_fact(fact_id):
                if owners_exist:
                    raise in_the_way(f"{whose} cannot fill {role} again: fact #{fact_id} was deleted")
                continue
            if self.db.execute("SELECT 1 FROM fact_args WHERE fact_id = ? AND position = ?",
                               [fact_id, position]).fetchone() is not None:
                raise in_the_way(f"{whose} cannot fill {role} of fact #{fact_id} again: another filler took its place")
