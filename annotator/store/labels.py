"""The schema: labels and attribute definitions; renaming, reordering and
undoable deletion of labels that annotations use."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict

from annotator.domain import AttributeDef, Label, Role, Schema
from annotator.store.core import StoreCore
from annotator.store.errors import CorruptDatabaseError, LabelInUseError, StoreError
from annotator.store.expectations import in_the_way
from annotator.store.history import label_state
from annotator.store.results import DeletedLabel
from annotator.store.rows import generated_color, now


class LabelsMixin(StoreCore):
    """The schema part of `Store`. Deleting a label's annotations goes through
    the span and fact parts (`_delete_span`, `_delete_fact`)."""

    def schema(self) -> Schema:
        if self._schema is None:
            try:
                self._schema = self._read_schema()
            except (ValueError, TypeError, KeyError) as exc:  # not what annotator wrote: damage
                raise CorruptDatabaseError(
                    f"{self.path}: the label schema stored in the database is damaged ({exc}); "
                    "`annotator check --deep` lists the damage") from exc
        return self._schema

    def _read_schema(self) -> Schema:
        labels = [_label_from(r) for r in self.db["labels"].rows_where(order_by="ord, name")]
        attributes = [
            AttributeDef(
                name=r["name"], kind=r["kind"], choices=json.loads(r["choices"]),
                applies_to=json.loads(r["applies_to"]), description=r["description"],
            )
            for r in self.db["attribute_defs"].rows_where(order_by="name")
        ]
        return Schema(labels, attributes)

    def stored_label(self, name: str) -> Label | None:
        """The label as its row holds it now, not as the cached schema last saw
        it (another program may have changed it): what an undo compares with."""
        rows = list(self.db["labels"].rows_where("name = ?", [name]))
        return _label_from(rows[0]) if rows else None

    def set_schema(self, schema: Schema) -> None:
        """Replace labels and attribute definitions. Labels that annotations use
        must stay (rename them with `rename_label`, remove with `delete_label`)."""
        schema.validate()
        used = self._used_labels()
        missing = used - {label.name for label in schema.labels}
        if missing:
            raise LabelInUseError(sorted(missing)[0], self.label_usage(sorted(missing)[0]))
        old = self.schema()
        with self.db.atomic():
            self._record_schema(old, schema)
            self.db.execute("PRAGMA defer_foreign_keys = ON")
            self.db.execute("DELETE FROM labels")
            for i, label in enumerate(schema.labels):
                self._insert_label(label, i)
            self.db.execute("DELETE FROM attribute_defs")
            for attr in schema.attributes:
                self.db["attribute_defs"].insert(
                    {"name": attr.name, "kind": attr.kind, "choices": json.dumps(attr.choices),
                     "applies_to": json.dumps(attr.applies_to), "description": attr.description}
                )
        self._schema_changed()

    def save_label(self, label: Label) -> None:
        """Add a label or update the one with the same name."""
        schema = self.schema()
        labels = [label if existing.name == label.name else existing for existing in schema.labels]
        if schema.label(label.name) is None:
            label.order = max((existing.order for existing in labels), default=-1) + 1
            labels.append(label)
        Schema(labels, schema.attributes).validate()
        with self.db.atomic():
            self._insert_label(label, label.order)
            self._record_label(schema.label(label.name), label)
        self._schema_changed()

    def _insert_label(self, label: Label, order: int) -> None:
        # an upsert, not INSERT OR REPLACE: replacing would delete the row and
        # take the spans that reference it along
        self.db.execute(
            "INSERT INTO labels (name, kind, color, hotkey, description, ord, roles, trigger) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(name) DO UPDATE SET kind = excluded.kind, "
            "color = excluded.color, hotkey = excluded.hotkey, description = excluded.description, "
            "ord = excluded.ord, roles = excluded.roles, trigger = excluded.trigger",
            [label.name, label.kind, label.color, label.hotkey, label.description, order,
             json.dumps([asdict(r) for r in label.roles]), int(label.trigger)],
        )

    def ensure_labels(self, names: Iterable[str], kind: str = "entity") -> list[str]:
        """Add any of `names` the schema lacks, with a generated colour; returns those added."""
        schema = self.schema()
        added = [n for n in dict.fromkeys(names) if schema.label(n) is None]
        if not added:
            return []
        start = max((label.order for label in schema.labels), default=-1) + 1
        with self.db.atomic():
            for i, name in enumerate(added):
                label = Label(name, kind, color=generated_color(start + i), order=start + i)
                self._insert_label(label, start + i)
                self._record_label(None, label)
        self._schema_changed()
        return added

    def set_attribute_defs(self, attributes: list[AttributeDef], *, expect: list[AttributeDef] | None = None) -> None:
        """Replace the attribute definitions, leaving every label as it is stored;
        with `expect`, only while the definitions are still those (in any order)."""
        with self.db.atomic():
            self._schema = None  # read what is stored, not what this connection saw last
            current = self.schema()
            if expect is not None and _by_name(current.attributes) != _by_name(expect):
                raise in_the_way("the attribute definitions were changed since")
            changed = Schema(current.labels, attributes)
            changed.validate()
            self._record_schema(current, changed)
            self.db.execute("DELETE FROM attribute_defs")
            for attr in attributes:
                self.db["attribute_defs"].insert(
                    {"name": attr.name, "kind": attr.kind, "choices": json.dumps(attr.choices),
                     "applies_to": json.dumps(attr.applies_to), "description": attr.description}
                )
        self._schema_changed()

    def reorder_labels(self, names: list[str], *, expect: list[str] | None = None) -> None:
        """Put the labels in this order; with `expect`, only while they are still in that one."""
        with self.db.atomic():
            stored = [r[0] for r in self.db.execute("SELECT name FROM labels ORDER BY ord, name")]
            if expect is not None and stored != expect:
                raise in_the_way("the labels were reordered or changed since")
            self._record_label_order(stored, list(names))
            for i, name in enumerate(names):
                self.db.execute("UPDATE labels SET ord = ? WHERE name = ?", [i, name])
        self._schema_changed()

    def rename_label(self, old: str, new: str) -> None:
        schema = self.schema()
        if schema.label(new) is not None:
            raise StoreError(f"a label named {new!r} already exists")
        label = schema.label(old)
        if label is None:
            raise StoreError(f"no label named {old!r}")
        with self.db.atomic():
            # spans and facts follow through ON UPDATE CASCADE; roles naming the
            # label as an allowed filler are JSON and are rewritten here
            self.db.execute("UPDATE labels SET name = ? WHERE name = ?", [new, old])
            self._record("label", "rename", new, before={"name": old}, after={"name": new})
            for other in schema.fact_labels:
                if any(old in role.allowed for role in other.roles):
                    roles = [
                        {**asdict(role), "allowed": [new if a == old else a for a in role.allowed]}
                        for role in other.roles
                    ]
                    self.db.execute("UPDATE labels SET roles = ? WHERE name = ?",
                                    [json.dumps(roles), other.name if other.name != old else new])
        self._schema_changed()

    def label_usage(self, name: str) -> int:
        spans = self.db.execute("SELECT count(*) FROM spans WHERE label = ?", [name]).fetchone()[0]
        facts = self.db.execute("SELECT count(*) FROM facts WHERE label = ?", [name]).fetchone()[0]
        return spans + facts

    def span_labels(self, annotators: Iterable[str] | None = None) -> list[str]:
        """The labels the spans of these layers (every layer when None) carry, by name."""
        if annotators is None:
            # a look-up per label in spans_by_label, not a walk over every span
            rows = self.db.execute(
                "SELECT name FROM labels WHERE EXISTS (SELECT 1 FROM spans WHERE label = labels.name) ORDER BY name")
        else:
            names = list(annotators)
            rows = self.db.execute(f"SELECT DISTINCT label FROM spans WHERE annotator IN ({','.join('?' * len(names))}) "
                                   "ORDER BY label", names)
        return [r[0] for r in rows]

    def _used_labels(self) -> set[str]:
        # every label a span or fact carries has its row (foreign keys): a look-up per label
        rows = self.db.execute("SELECT name FROM labels WHERE EXISTS (SELECT 1 FROM spans WHERE label = labels.name) "
                               "OR EXISTS (SELECT 1 FROM facts WHERE label = labels.name)")
        return {r[0] for r in rows}

    def delete_label(self, name: str, *, annotations: str = "refuse", relabel_to: str | None = None,
                     expect: DeletedLabel | None = None) -> DeletedLabel:
        """Remove a label. If annotations use it, `annotations` must say what happens
        to them: "delete" them, or "relabel" them to `relabel_to`. Returns what undo
        needs to put everything back (`restore_label`). With `expect` (what an undo
        put back) the annotations it deletes or relabels must be exactly those."""
        label = self.schema().label(name)
        if label is None:
            raise StoreError(f"no label named {name!r}")
        count = self.label_usage(name)
        if count and annotations not in ("delete", "relabel"):
            raise LabelInUseError(name, count)
        if annotations == "relabel":
            target = self.schema().label(relabel_to or "")
            if target is None or target.kind != label.kind or target.name == name:
                raise StoreError(f"cannot relabel {name!r} annotations to {relabel_to!r}")
        deleted = DeletedLabel(label, [], [])
        with self.db.atomic():
            if count and annotations == "delete":
                for (fid,) in self.db.execute("SELECT id FROM facts WHERE label = ? ORDER BY id", [name]).fetchall():
                    deleted.facts.append(self._delete_fact(fid))
                for (sid,) in self.db.execute("SELECT id FROM spans WHERE label = ? ORDER BY id", [name]).fetchall():
                    deleted.spans.append(self._delete_span(sid))
            elif count:
                deleted.relabelled_to, deleted.relabelled_at = relabel_to, now()
                for table, ids in (("spans", deleted.relabelled_span_ids), ("facts", deleted.relabelled_fact_ids)):
                    for row_id, updated in self.db.execute(
                            f"SELECT id, updated FROM {table} WHERE label = ? ORDER BY id", [name]).fetchall():
                        ids.append(row_id)
                        deleted.updated_before[table, row_id] = updated
                    self.db.execute(f"UPDATE {table} SET label = ?, updated = ? WHERE label = ?",
                                    [relabel_to, deleted.relabelled_at, name])
            if expect is not None and (
                    (deleted.spans, deleted.facts, deleted.relabelled_span_ids, deleted.relabelled_fact_ids)
                    != (expect.spans, expect.facts, expect.relabelled_span_ids, expect.relabelled_fact_ids)):
                raise in_the_way(f"the annotations labelled {name} are not the ones the undo put back")
            self.db.execute("DELETE FROM labels WHERE name = ?", [name])
            self._record("label", "delete", name, before=label_state(deleted))
        self._schema_changed()
        self._changed("spans")
        return deleted

    def restore_label(self, deleted: DeletedLabel) -> None:
        """Put a deleted label back with its annotations, refused when another
        program has made a label of that name or changed the relabelled annotations."""
        name = deleted.label.name
        with self.db.atomic():
            self._defer_foreign_keys()
            if self.db.execute("SELECT 1 FROM labels WHERE name = ?", [name]).fetchone() is not None:
                raise in_the_way(f"label {name} cannot come back: there is a label of that name again")
            relabelled = [("spans", i) for i in deleted.relabelled_span_ids] + [("facts", i) for i in deleted.relabelled_fact_ids]
            for table, row_id in relabelled:
                row = self.db.execute(f"SELECT label, updated FROM {table} WHERE id = ?", [row_id]).fetchone()
                if row is None or tuple(row) != (deleted.relabelled_to, deleted.relabelled_at):
                    raise in_the_way(f"the annotations relabelled from {name} were changed")
            self._insert_label(deleted.label, deleted.label.order)
            for table, row_id in relabelled:
                # exactly as they were, time of change included
                self.db.execute(f"UPDATE {table} SET label = ?, updated = ? WHERE id = ?",
                                [name, deleted.updated_before[table, row_id], row_id])
            for span in deleted.spans:
                self._restore_span(span)
            for fact in deleted.facts:
                self._restore_fact(fact)
            self._record("label", "add", deleted.label.name, after=label_state(deleted))
        self._schema_changed()
        self._changed("spans")

    def _schema_changed(self) -> None:
        self._schema = None
        self._changed("schema")


def _label_from(r: dict) -> Label:
    return Label(
        name=r["name"], kind=r["kind"], color=r["color"], hotkey=r["hotkey"],
        description=r["description"], order=r["ord"],
        roles=[Role(**role) for role in json.loads(r["roles"])],
        trigger=bool(r["trigger"]),
    )


def _by_name(attributes: list[AttributeDef]) -> list[AttributeDef]:
    return sorted(attributes, key=lambda a: a.name)
