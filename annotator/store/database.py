"""The Store: documents, schema, layers of spans and facts, statuses, decisions."""

from __future__ import annotations

import datetime
import json
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from itertools import groupby
from operator import itemgetter
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from annotator.domain import (
    STATUSES,
    AnnotatedDocument,
    Argument,
    AttributeDef,
    Document,
    Fact,
    Label,
    Role,
    Schema,
    Span,
    content_hash,
)
from annotator.domain.spans import check_range
from annotator.domain.validation import fact_problems, span_problems
from annotator.store.migrations import known_migration_names, migrations


class StoreError(Exception):
    """A problem with the database that the user must be told about."""


class NewerDatabaseError(StoreError):
    pass


class CorruptDatabaseError(StoreError):
    pass


class ReadOnlyDatabaseError(StoreError):
    pass


class LabelInUseError(StoreError):
    def __init__(self, label: str, count: int):
        super().__init__(
            f"label {label!r} is used by {count} annotation(s): choose whether to delete them or relabel them"
        )
        self.label = label
        self.count = count


@dataclass
class DocumentSummary:
    id: int
    title: str
    span_count: int
    status: str
    done_by: list[str] = field(default_factory=list)


@dataclass
class DeletedSpan:
    """Everything a span deletion removed, so that undo can put it all back."""

    span: Span
    facts: list[DeletedFact]
    args: list[tuple[int, int, str, int]]
    """(fact_id, position, role, span_id) rows that pointed at the span."""


@dataclass
class DeletedFact:
    fact: Fact
    inbound: list[tuple[int, int, str, int]]
    """(fact_id, position, role, target_fact_id) rows of other facts that pointed at it."""


@dataclass
class DeletedLabel:
    label: Label
    spans: list[DeletedSpan]
    facts: list[DeletedFact]
    relabelled_to: str | None = None
    relabelled_span_ids: list[int] = field(default_factory=list)
    relabelled_fact_ids: list[int] = field(default_factory=list)


@dataclass
class Problem:
    """One thing `check` found wrong, worded for the user."""

    document_id: int
    kind: str
    id: int
    message: str


def now() -> str:
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="milliseconds")


ChangeListener = Callable[[str, int | None], None]


def open_store(path: str | Path, *, create: bool = True) -> Store:
    return Store.open(path, create=create)


class Store:
    """A project database. Construct with `Store.open(path)` or `Store.memory()`."""

    def __init__(self, db: Database, path: Path | None) -> None:
        self.db = db
        self.path = path
        self._listeners: list[ChangeListener] = []
        self._schema: Schema | None = None

    # -- opening ------------------------------------------------------------

    @classmethod
    def open(cls, path: str | Path, *, create: bool = True) -> Store:
        path = Path(path)
        exists = path.exists() and path.stat().st_size > 0
        if exists:
            _inspect_before_writing(path)
        elif not create:
            raise StoreError(f"{path}: no such database")
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
        try:
            conn = sqlite3.connect(str(path), check_same_thread=False)
            db = Database(conn)
            _configure(db)
            migrations.apply(db)
        except sqlite3.DatabaseError as exc:
            raise CorruptDatabaseError(f"{path}: cannot be opened as an annotator database ({exc})") from exc
        return cls(db, path)

    @classmethod
    def memory(cls) -> Store:
        db = Database(sqlite3.connect(":memory:", check_same_thread=False))
        _configure(db, in_memory=True)
        migrations.apply(db)
        return cls(db, None)

    def close(self) -> None:
        self.db.close()

    @property
    def is_new(self) -> bool:
        """True while the database holds no documents and no labels."""
        return self.db["documents"].count == 0 and self.db["labels"].count == 0

    # -- change notification -----------------------------------------------

    def subscribe(self, listener: ChangeListener) -> None:
        """Call `listener(kind, document_id)` after every committed change.

        `kind` is one of documents, schema, spans, facts, status, decisions.
        Views use it to refresh what they show; the store knows nothing of them.
        """
        self._listeners.append(listener)

    def unsubscribe(self, listener: ChangeListener) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)

    def reload(self) -> None:
        """Forget cached state and tell listeners that anything may have changed:
        for after another connection (a background import) wrote to the file."""
        self._schema = None
        for kind in ("schema", "documents", "spans", "facts", "status"):
            self._changed(kind)

    def _changed(self, kind: str, document_id: int | None = None) -> None:
        for listener in list(self._listeners):
            listener(kind, document_id)

    # -- settings -----------------------------------------------------------

    def setting(self, key: str, default: str | None = None) -> str | None:
        row = self.db.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
        return row[0] if row else default

    def set_setting(self, key: str, value: str) -> None:
        with self.db.atomic():
            self.db["settings"].upsert({"key": key, "value": value}, pk="key")

    # -- documents ----------------------------------------------------------

    def add_document(self, title: str, text: str, meta: dict[str, Any] | None = None) -> tuple[Document, bool]:
        """Add a document, or find the one with the same text. Returns (document, added)."""
        with self.db.atomic():
            doc, added = self._add_document(title, text, meta or {})
        if added:
            self._changed("documents", doc.id)
        return doc, added

    def _add_document(self, title: str, text: str, meta: dict[str, Any]) -> tuple[Document, bool]:
        digest = content_hash(text)
        row = self.db.execute("SELECT id, title, meta FROM documents WHERE hash = ?", [digest]).fetchone()
        if row:
            return Document(row[0], row[1], text, json.loads(row[2])), False
        cursor = self.db.execute(
            "INSERT INTO documents (title, text, hash, meta, created) VALUES (?, ?, ?, ?, ?)",
            [title, text, digest, json.dumps(meta, ensure_ascii=False), now()],
        )
        return Document(cursor.lastrowid, title, text, meta), True

    def document(self, document_id: int) -> Document:
        row = self.db.execute(
            "SELECT id, title, text, meta FROM documents WHERE id = ?", [document_id]
        ).fetchone()
        if row is None:
            raise StoreError(f"no document with id {document_id}")
        return Document(row[0], row[1], row[2], json.loads(row[3]))

    def document_by_hash(self, digest: str) -> Document | None:
        row = self.db.execute("SELECT id FROM documents WHERE hash = ?", [digest]).fetchone()
        return self.document(row[0]) if row else None

    def document_ids(self) -> list[int]:
        return [r[0] for r in self.db.execute("SELECT id FROM documents ORDER BY id")]

    def documents(self) -> Iterator[Document]:
        for row in self.db.execute("SELECT id, title, text, meta FROM documents ORDER BY id"):
            yield Document(row[0], row[1], row[2], json.loads(row[3]))

    def document_summaries(self, annotator: str, query: str = "") -> list[DocumentSummary]:
        """Documents with the annotator's span count and status, filtered by a
        case-insensitive match of `query` against title and text."""
        where, params = "", []
        if query:
            where = "WHERE instr(lower(d.title), lower(?)) > 0 OR instr(lower(d.text), lower(?)) > 0"
            params = [query, query]
        rows = self.db.execute(
            f"""
            SELECT d.id, d.title,
                (SELECT count(*) FROM spans s WHERE s.document_id = d.id AND s.annotator = ?),
                (SELECT status FROM document_status ds WHERE ds.document_id = d.id AND ds.annotator = ?),
                (SELECT group_concat(annotator, '\n') FROM document_status ds
                    WHERE ds.document_id = d.id AND ds.status IN ('done', 'reviewed'))
            FROM documents d {where} ORDER BY d.id
            """,
            [annotator, annotator, *params],
        ).fetchall()
        return [
            DocumentSummary(r[0], r[1], r[2], r[3] or ("in_progress" if r[2] else "todo"),
                            sorted(r[4].split("\n")) if r[4] else [])
            for r in rows
        ]

    # -- schema -------------------------------------------------------------

    def schema(self) -> Schema:
        if self._schema is None:
            labels = [
                Label(
                    name=r["name"], kind=r["kind"], color=r["color"], hotkey=r["hotkey"],
                    description=r["description"], order=r["ord"],
                    roles=[Role(**role) for role in json.loads(r["roles"])],
                    trigger=bool(r["trigger"]),
                )
                for r in self.db["labels"].rows_where(order_by="ord, name")
            ]
            attributes = [
                AttributeDef(
                    name=r["name"], kind=r["kind"], choices=json.loads(r["choices"]),
                    applies_to=json.loads(r["applies_to"]), description=r["description"],
                )
                for r in self.db["attribute_defs"].rows_where(order_by="name")
            ]
            self._schema = Schema(labels, attributes)
        return self._schema

    def set_schema(self, schema: Schema) -> None:
        """Replace labels and attribute definitions. Labels that annotations use
        must stay (rename them with `rename_label`, remove with `delete_label`)."""
        schema.validate()
        used = self._used_labels()
        missing = used - {label.name for label in schema.labels}
        if missing:
            raise LabelInUseError(sorted(missing)[0], self.label_usage(sorted(missing)[0]))
        with self.db.atomic():
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
                self._insert_label(Label(name, kind, color=_generated_color(start + i)), start + i)
        self._schema_changed()
        return added

    def reorder_labels(self, names: list[str]) -> None:
        with self.db.atomic():
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

    def _used_labels(self) -> set[str]:
        rows = self.db.execute("SELECT DISTINCT label FROM spans UNION SELECT DISTINCT label FROM facts")
        return {r[0] for r in rows}

    def delete_label(self, name: str, *, annotations: str = "refuse", relabel_to: str | None = None) -> DeletedLabel:
        """Remove a label. If annotations use it, `annotations` must say what happens
        to them: "delete" them, or "relabel" them to `relabel_to`. Returns what undo
        needs to put everything back (`restore_label`)."""
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
                for (fid,) in self.db.execute("SELECT id FROM facts WHERE label = ?", [name]).fetchall():
                    deleted.facts.append(self._delete_fact(fid))
                for (sid,) in self.db.execute("SELECT id FROM spans WHERE label = ?", [name]).fetchall():
                    deleted.spans.append(self._delete_span(sid))
            elif count:
                deleted.relabelled_to = relabel_to
                deleted.relabelled_span_ids = [r[0] for r in self.db.execute("SELECT id FROM spans WHERE label = ?", [name])]
                deleted.relabelled_fact_ids = [r[0] for r in self.db.execute("SELECT id FROM facts WHERE label = ?", [name])]
                self.db.execute("UPDATE spans SET label = ?, updated = ? WHERE label = ?", [relabel_to, now(), name])
                self.db.execute("UPDATE facts SET label = ?, updated = ? WHERE label = ?", [relabel_to, now(), name])
            self.db.execute("DELETE FROM labels WHERE name = ?", [name])
        self._schema_changed()
        self._changed("spans")
        return deleted

    def restore_label(self, deleted: DeletedLabel) -> None:
        with self.db.atomic():
            self._insert_label(deleted.label, deleted.label.order)
            for span_id in deleted.relabelled_span_ids:
                self.db.execute("UPDATE spans SET label = ? WHERE id = ?", [deleted.label.name, span_id])
            for fact_id in deleted.relabelled_fact_ids:
                self.db.execute("UPDATE facts SET label = ? WHERE id = ?", [deleted.label.name, fact_id])
            for span in deleted.spans:
                self._restore_span(span)
            for fact in deleted.facts:
                self._restore_fact(fact)
        self._schema_changed()
        self._changed("spans")

    def _schema_changed(self) -> None:
        self._schema = None
        self._changed("schema")

    # -- annotators ---------------------------------------------------------

    def annotators(self) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT name FROM annotators ORDER BY name")]

    def ensure_annotator(self, name: str) -> None:
        if not name.strip():
            raise StoreError("an annotator needs a name")
        self.db.execute("INSERT OR IGNORE INTO annotators (name, created) VALUES (?, ?)", [name, now()])

    # -- spans --------------------------------------------------------------

    _SPAN_COLUMNS = 'id, document_id, annotator, start, "end", label, text, attributes, note, created, updated'

    def spans(self, document_id: int, annotator: str | None = None) -> list[Span]:
        """Spans of a document, by position; one annotator's layer, or all layers."""
        sql = f"SELECT {self._SPAN_COLUMNS} FROM spans WHERE document_id = ?"
        params: list[Any] = [document_id]
        if annotator is not None:
            sql += " AND annotator = ?"
            params.append(annotator)
        sql += ' ORDER BY start, "end" DESC, id'
        return [_span(r) for r in self.db.execute(sql, params)]

    def span(self, span_id: int) -> Span:
        row = self.db.execute(f"SELECT {self._SPAN_COLUMNS} FROM spans WHERE id = ?", [span_id]).fetchone()
        if row is None:
            raise StoreError(f"no span with id {span_id}")
        return _span(row)

    def add_span(self, document_id: int, annotator: str, start: int, end: int, label: str,
                 attributes: dict[str, Any] | None = None, note: str = "") -> Span:
        text = self.document_text(document_id)
        check_range(text, start, end)
        if self.schema().label(label) is None:
            raise StoreError(f"no label named {label!r}")
        stamp = now()
        with self.db.atomic():
            self.ensure_annotator(annotator)
            cursor = self.db.execute(
                'INSERT INTO spans (document_id, annotator, start, "end", label, text, attributes, note, created, updated) '
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [document_id, annotator, start, end, label, text[start:end],
                 json.dumps(attributes or {}, ensure_ascii=False), note, stamp, stamp],
            )
            self._touch_status(document_id, annotator)
        span = Span(cursor.lastrowid, document_id, annotator, start, end, label, text[start:end],
                    dict(attributes or {}), note, stamp, stamp)
        self._changed("spans", document_id)
        return span

    def update_span(self, span_id: int, **changes: Any) -> Span:
        """Change a span's start, end, label, attributes or note."""
        old = self.span(span_id)
        new = old.with_(**changes, updated=now())
        text = self.document_text(old.document_id)  # type: ignore[arg-type]
        check_range(text, new.start, new.end)
        if self.schema().label(new.label) is None:
            raise StoreError(f"no label named {new.label!r}")
        new.text = text[new.start:new.end]
        with self.db.atomic():
            self.db.execute(
                'UPDATE spans SET start = ?, "end" = ?, label = ?, text = ?, attributes = ?, note = ?, updated = ? WHERE id = ?',
                [new.start, new.end, new.label, new.text, json.dumps(new.attributes, ensure_ascii=False),
                 new.note, new.updated, span_id],
            )
        self._changed("spans", old.document_id)
        return new

    def delete_span(self, span_id: int) -> DeletedSpan:
        """Delete a span. Facts it states are deleted with it; roles it fills are
        left empty. The returned record puts all of it back (`restore_span`)."""
        with self.db.atomic():
            deleted = self._delete_span(span_id)
        self._changed("spans", deleted.span.document_id)
        self._changed("facts", deleted.span.document_id)
        return deleted

    def _delete_span(self, span_id: int) -> DeletedSpan:
        span = self.span(span_id)
        facts = [self._delete_fact(r[0]) for r in
                 self.db.execute("SELECT id FROM facts WHERE span_id = ?", [span_id]).fetchall()]
        args = [tuple(r) for r in self.db.execute(
            "SELECT fact_id, position, role, span_id FROM fact_args WHERE span_id = ?", [span_id])]
        self.db.execute("DELETE FROM spans WHERE id = ?", [span_id])
        return DeletedSpan(span, facts, args)  # type: ignore[arg-type]

    def restore_span(self, deleted: DeletedSpan) -> None:
        with self.db.atomic():
            self._restore_span(deleted)
        self._changed("spans", deleted.span.document_id)
        self._changed("facts", deleted.span.document_id)

    def _restore_span(self, deleted: DeletedSpan) -> None:
        s = deleted.span
        self.ensure_annotator(s.annotator)
        self.db.execute(
            f"INSERT INTO spans ({self._SPAN_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [s.id, s.document_id, s.annotator, s.start, s.end, s.label, s.text,
             json.dumps(s.attributes, ensure_ascii=False), s.note, s.created, s.updated],
        )
        for fact in deleted.facts:
            self._restore_fact(fact)
        for fact_id, position, role, span_id in deleted.args:
            self.db.execute(
                "INSERT INTO fact_args (fact_id, position, role, span_id) VALUES (?, ?, ?, ?)",
                [fact_id, position, role, span_id],
            )

    def document_text(self, document_id: int) -> str:
        row = self.db.execute("SELECT text FROM documents WHERE id = ?", [document_id]).fetchone()
        if row is None:
            raise StoreError(f"no document with id {document_id}")
        return row[0]

    # -- facts --------------------------------------------------------------

    def facts(self, document_id: int, annotator: str | None = None) -> list[Fact]:
        sql = "SELECT id, document_id, annotator, label, span_id, attributes, note, created, updated FROM facts WHERE document_id = ?"
        params: list[Any] = [document_id]
        if annotator is not None:
            sql += " AND annotator = ?"
            params.append(annotator)
        facts = {r[0]: _fact(r) for r in self.db.execute(sql + " ORDER BY id", params)}
        if facts:
            placeholders = ",".join("?" * len(facts))
            for fact_id, role, span_id, target in self.db.execute(
                f"SELECT fact_id, role, span_id, target_fact_id FROM fact_args WHERE fact_id IN ({placeholders}) "
                "ORDER BY fact_id, position", list(facts)
            ):
                facts[fact_id].args.append(Argument(role, span_id, target))
        return list(facts.values())

    def fact(self, fact_id: int) -> Fact:
        row = self.db.execute(
            "SELECT id, document_id, annotator, label, span_id, attributes, note, created, updated FROM facts WHERE id = ?",
            [fact_id],
        ).fetchone()
        if row is None:
            raise StoreError(f"no fact with id {fact_id}")
        fact = _fact(row)
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
            self._touch_status(document_id, annotator)
        self._changed("facts", document_id)
        return self.fact(fact_id)  # type: ignore[arg-type]

    def _write_args(self, fact_id: int, args: list[Argument]) -> None:
        self.db.execute("DELETE FROM fact_args WHERE fact_id = ?", [fact_id])
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
        self._changed("facts", old.document_id)
        return self.fact(fact_id)

    def delete_fact(self, fact_id: int) -> DeletedFact:
        with self.db.atomic():
            deleted = self._delete_fact(fact_id)
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
            self._restore_fact(deleted)
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
        self._write_args(f.id, f.args)  # type: ignore[arg-type]
        for fact_id, position, role, target in deleted.inbound:
            self.db.execute(
                "INSERT INTO fact_args (fact_id, position, role, target_fact_id) VALUES (?, ?, ?, ?)",
                [fact_id, position, role, target],
            )

    # -- status -------------------------------------------------------------

    def status(self, document_id: int, annotator: str) -> str:
        row = self.db.execute(
            "SELECT status FROM document_status WHERE document_id = ? AND annotator = ?", [document_id, annotator]
        ).fetchone()
        return row[0] if row else "todo"

    def statuses(self, document_id: int) -> dict[str, str]:
        return dict(self.db.execute(
            "SELECT annotator, status FROM document_status WHERE document_id = ? ORDER BY annotator", [document_id]))

    def set_status(self, document_id: int, annotator: str, status: str) -> None:
        if status not in STATUSES:
            raise StoreError(f"unknown status {status!r} (one of {', '.join(STATUSES)})")
        with self.db.atomic():
            self.ensure_annotator(annotator)
            self.db.execute(
                "INSERT INTO document_status (document_id, annotator, status, updated) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(document_id, annotator) DO UPDATE SET status = excluded.status, updated = excluded.updated",
                [document_id, annotator, status, now()],
            )
        self._changed("status", document_id)

    def _touch_status(self, document_id: int, annotator: str) -> None:
        # the first edit moves a document from "to do" to "in progress"
        self.db.execute(
            "INSERT OR IGNORE INTO document_status (document_id, annotator, status, updated) VALUES (?, ?, 'in_progress', ?)",
            [document_id, annotator, now()],
        )

    # -- review decisions ---------------------------------------------------

    def record_decision(self, document_id: int, reviewer: str, kind: str, choice: str,
                        detail: dict[str, Any] | None = None) -> int:
        with self.db.atomic():
            cursor = self.db.execute(
                "INSERT INTO decisions (document_id, reviewer, kind, choice, detail, created) VALUES (?, ?, ?, ?, ?, ?)",
                [document_id, reviewer, kind, choice, json.dumps(detail or {}, ensure_ascii=False), now()],
            )
        self._changed("decisions", document_id)
        return cursor.lastrowid  # type: ignore[return-value]

    def decisions(self, document_id: int | None = None) -> list[dict[str, Any]]:
        sql = "SELECT id, document_id, reviewer, kind, choice, detail, created FROM decisions"
        params: list[Any] = []
        if document_id is not None:
            sql += " WHERE document_id = ?"
            params.append(document_id)
        return [
            {"id": r[0], "document_id": r[1], "reviewer": r[2], "kind": r[3], "choice": r[4],
             "detail": json.loads(r[5]), "created": r[6]}
            for r in self.db.execute(sql + " ORDER BY id", params)
        ]

    # -- bundles for formats and review -------------------------------------

    def annotated(self, document_id: int, annotators: Iterable[str] | None = None) -> AnnotatedDocument:
        """A document with the spans and facts of the given layers (all when None)."""
        doc = self.document(document_id)
        names = None if annotators is None else set(annotators)
        spans = [s for s in self.spans(document_id) if names is None or s.annotator in names]
        facts = [f for f in self.facts(document_id) if names is None or f.annotator in names]
        status = {k: v for k, v in self.statuses(document_id).items() if names is None or k in names}
        return AnnotatedDocument(doc, spans, facts, status)

    def annotated_many(self, document_ids: Iterable[int],
                       annotators: Iterable[str] | None = None) -> Iterator[AnnotatedDocument]:
        """`annotated` for many documents, in a few queries per 1,000 documents
        rather than several per document (agreement over a corpus, exports)."""
        ids = list(document_ids)
        names = None if annotators is None else list(dict.fromkeys(annotators))
        layer = "" if names is None else f" AND annotator IN ({','.join('?' * len(names))})"
        layer_params = [] if names is None else names
        conn = self.db.conn
        for offset in range(0, len(ids), 1000):
            chunk = ids[offset:offset + 1000]
            if chunk[-1] - chunk[0] == len(chunk) - 1 and all(b - a == 1 for a, b in zip(chunk, chunk[1:])):
                # a run of ids (the usual case: every document) is one range scan of the index
                among, among_params = "BETWEEN ? AND ?", [chunk[0], chunk[-1]]
            else:
                among, among_params = f"IN ({','.join('?' * len(chunk))})", chunk
            where = f"document_id {among}{layer}"
            params = [*among_params, *layer_params]
            docs = {r[0]: Document(r[0], r[1], r[2], {} if r[3] == "{}" else json.loads(r[3]))
                    for r in conn.execute(f"SELECT id, title, text, meta FROM documents WHERE id {among}", among_params)}
            spans: dict[int, list[Span]] = {}
            rows = conn.execute(
                f'SELECT {self._SPAN_COLUMNS} FROM spans WHERE {where} ORDER BY document_id, start, "end" DESC, id',
                params)
            for doc_id, group in groupby(rows, itemgetter(1)):
                # Span(...) inline rather than _span(): this loop reads every span of an export
                spans[doc_id] = [
                    Span(i, d, a, s, e, lab, t, {} if at == "{}" else json.loads(at), n, c, u)
                    for i, d, a, s, e, lab, t, at, n, c, u in group]
            facts: dict[int, Fact] = {}
            for r in conn.execute(
                    "SELECT id, document_id, annotator, label, span_id, attributes, note, created, updated "
                    f"FROM facts WHERE {where} ORDER BY id", params):
                facts[r[0]] = _fact(r)
            if facts:
                for fact_id, role, span_id, target in conn.execute(
                        "SELECT fact_id, role, span_id, target_fact_id FROM fact_args WHERE fact_id IN "
                        f"(SELECT id FROM facts WHERE {where}) ORDER BY fact_id, position", params):
                    facts[fact_id].args.append(Argument(role, span_id, target))
            by_document: dict[int, list[Fact]] = {}
            for fact in facts.values():
                by_document.setdefault(fact.document_id, []).append(fact)  # type: ignore[arg-type]
            statuses: dict[int, dict[str, str]] = {}
            for doc_id, name, status in conn.execute(
                    f"SELECT document_id, annotator, status FROM document_status WHERE {where} ORDER BY annotator",
                    params):
                statuses.setdefault(doc_id, {})[name] = status
            for doc_id in chunk:
                if doc_id not in docs:
                    raise StoreError(f"no document with id {doc_id}")
                yield AnnotatedDocument(docs[doc_id], spans.get(doc_id, []), by_document.get(doc_id, []),
                                        statuses.get(doc_id, {}))

    def import_annotated(self, records: Iterable[AnnotatedDocument], *, annotator: str | None = None,
                         progress: Callable[[int], bool | None] | None = None) -> ImportSummary:
        """Add documents with their annotations in one transaction: all or nothing.

        Documents already present (same text) are matched, not duplicated; their
        annotations are added to the layers named in the records (or to
        `annotator` when given). Labels the schema lacks are added. `progress`
        is called with the count done; returning False cancels, and the
        transaction is rolled back.
        """
        from annotator.store.bulk_import import BulkImport

        summary = ImportSummary()
        with self.db.atomic():
            BulkImport(self, annotator, summary, now(), _generated_color).run(records, progress, ImportCancelled)
        self._schema = None
        self._changed("schema")
        self._changed("documents")
        return summary

    # -- checks -------------------------------------------------------------

    def check(self) -> list[Problem]:
        """Every span whose covered text no longer matches its document, and every
        fact that breaks the schema or points at something gone."""
        problems: list[Problem] = []
        schema = self.schema()
        for doc in self.documents():
            spans = self.spans(doc.id)  # type: ignore[arg-type]
            for span in spans:
                for message in span_problems(span, doc.text):
                    problems.append(Problem(doc.id, "span", span.id, message))  # type: ignore[arg-type]
            facts = self.facts(doc.id)  # type: ignore[arg-type]
            by_span = {s.id: s for s in spans}
            by_fact = {f.id: f for f in facts}
            for fact in facts:
                for message in fact_problems(fact, schema, by_span, by_fact):  # type: ignore[arg-type]
                    problems.append(Problem(doc.id, "fact", fact.id, message))  # type: ignore[arg-type]
        return problems


@dataclass
class ImportSummary:
    documents_added: int = 0
    documents_matched: int = 0
    spans: int = 0
    facts: int = 0
    labels_added: list[str] = field(default_factory=list)
    document_ids: list[int] = field(default_factory=list)


class ImportCancelled(StoreError):
    def __init__(self, done: int):
        super().__init__(f"import cancelled after {done} document(s); nothing was added")


# -- helpers ------------------------------------------------------------------

_PALETTE = ["#8dd3c7", "#ffffb3", "#bebada", "#fb8072", "#80b1d3", "#fdb462", "#b3de69",
            "#fccde5", "#d9d9d9", "#bc80bd", "#ccebc5", "#ffed6f"]


def _generated_color(i: int) -> str:
    return _PALETTE[i % len(_PALETTE)]


def _span(r: tuple) -> Span:
    # most spans carry no attributes; skipping json.loads for them halves the
    # time to load a document with 10,000 spans
    attributes = {} if r[7] == "{}" else json.loads(r[7])
    return Span(r[0], r[1], r[2], r[3], r[4], r[5], r[6], attributes, r[8], r[9], r[10])


def _fact(r: tuple) -> Fact:
    return Fact(r[0], r[1], r[2], r[3], r[4], [], json.loads(r[5]), r[6], r[7], r[8])


def _configure(db: Database, *, in_memory: bool = False) -> None:
    db.execute("PRAGMA foreign_keys = ON")
    db.execute("PRAGMA busy_timeout = 5000")
    if not in_memory:
        mode = db.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if mode.lower() != "wal":
            raise ReadOnlyDatabaseError("the database cannot switch to write-ahead logging")
        # FULL makes every commit durable against power loss, not only a crash
        db.execute("PRAGMA synchronous = FULL")


def _inspect_before_writing(path: Path) -> None:
    """Refuse, without touching the file, a database we must not open for writing."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise CorruptDatabaseError(f"{path}: cannot be read ({exc})") from exc
    try:
        try:
            check = conn.execute("PRAGMA quick_check").fetchone()[0]
        except sqlite3.DatabaseError as exc:
            raise CorruptDatabaseError(f"{path}: is not a database or is damaged ({exc})") from exc
        if check != "ok":
            raise CorruptDatabaseError(f"{path}: the database is damaged ({check})")
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if tables and "_sqlite_migrations" not in tables:
            raise CorruptDatabaseError(f"{path}: is an SQLite database, but not an annotator database")
        if "_sqlite_migrations" in tables:
            applied = {r[0] for r in conn.execute(
                "SELECT name FROM _sqlite_migrations WHERE migration_set = ?", [migrations.name])}
            known = known_migration_names()
            unknown = applied - known
            if unknown:
                raise NewerDatabaseError(
                    f"{path}: was written by a newer version of annotator (migrations "
                    f"{', '.join(sorted(unknown))}); upgrade annotator to open it"
                )
    finally:
        conn.close()
    if not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK):
        raise ReadOnlyDatabaseError(f"{path}: the file or its folder is read-only; annotator needs to save every edit")
