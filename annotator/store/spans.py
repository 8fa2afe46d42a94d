"""Spans: one annotator's highlighted, labelled ranges of a document; undoable deletes."""

from __future__ import annotations

import json
from typing import Any

from annotator.domain import Span
from annotator.domain.spans import check_range
from annotator.store.core import StoreCore
from annotator.store.errors import StoreError
from annotator.store.expectations import Expected, changed, differs, in_the_way, what
from annotator.store.results import DeletedSpan
from annotator.store.rows import SPAN_COLUMNS, now, span_from_row


class SpansMixin(StoreCore):
    """The spans part of `Store`. A span takes the facts it states with it when
    deleted (through the fact part's `_delete_fact`) and brings them back on restore."""

    def spans(self, document_id: int, annotator: str | None = None) -> list[Span]:
        """Spans of a document, by position; one annotator's layer, or all layers."""
        sql = f"SELECT {SPAN_COLUMNS} FROM spans WHERE document_id = ?"
        params: list[Any] = [document_id]
        if annotator is not None:
            sql += " AND annotator = ?"
            params.append(annotator)
        sql += ' ORDER BY start, "end" DESC, id'
        return [span_from_row(r) for r in self.db.execute(sql, params)]

    def span(self, span_id: int) -> Span:
        row = self.db.execute(f"SELECT {SPAN_COLUMNS} FROM spans WHERE id = ?", [span_id]).fetchone()
        if row is None:
            raise StoreError(f"no span with id {span_id}")
        return span_from_row(row)

    def has_span(self, span_id: int) -> bool:
        return self.db.execute("SELECT 1 FROM spans WHERE id = ?", [span_id]).fetchone() is not None

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
            span = Span(cursor.lastrowid, document_id, annotator, start, end, label, text[start:end],
                        dict(attributes or {}), note, stamp, stamp)
            self._record_span("add", DeletedSpan(span, [], []))
            self._touch_status(document_id, annotator)
        self._changed("spans", document_id)
        return span

    def update_span(self, span_id: int, *, expect: Span | Expected | None = None, **changes: Any) -> Span:
        """Change a span's start, end, label, attributes or note. With `expect`
        (the span as an undo step left it, or the values the window showed)
        the change is refused unless the span still matches it."""
        with self.db.atomic():
            old = self._expected_span(span_id, expect, changes)
            new = old.with_(**changes, updated=now())
            text = self.document_text(old.document_id)  # type: ignore[arg-type]
            check_range(text, new.start, new.end)
            if self.schema().label(new.label) is None:
                raise StoreError(f"no label named {new.label!r}")
            new.text = text[new.start:new.end]
            self.db.execute(
                'UPDATE spans SET start = ?, "end" = ?, label = ?, text = ?, attributes = ?, note = ?, updated = ? WHERE id = ?',
                [new.start, new.end, new.label, new.text, json.dumps(new.attributes, ensure_ascii=False),
                 new.note, new.updated, span_id],
            )
            self._record_span_change(old, new)
        self._changed("spans", old.document_id)
        return new

    def rewrite_span(self, to: Span, *, expect: Span) -> Span:
        """Put a span's row back exactly as `to` holds it (offsets, label,
        attributes, note, time of change), if it is still exactly `expect`:
        how undo and redo take a span's edit back and forth."""
        with self.db.atomic():
            old = self._expected_span(to.id, expect)  # type: ignore[arg-type]
            self.db.execute(
                'UPDATE spans SET start = ?, "end" = ?, label = ?, text = ?, attributes = ?, note = ?, updated = ? WHERE id = ?',
                [to.start, to.end, to.label, to.text, json.dumps(to.attributes, ensure_ascii=False),
                 to.note, to.updated, to.id],
            )
            self._record_span_change(old, to)
        self._changed("spans", to.document_id)
        return to

    def _expected_span(self, span_id: int, expect: Span | Expected | None,
                       changes: dict[str, Any] | None = None) -> Span:
        """The span, read inside the caller's transaction; refused when it is not what `expect` says."""
        row = self.db.execute(f"SELECT {SPAN_COLUMNS} FROM spans WHERE id = ?", [span_id]).fetchone()
        if row is None:
            if isinstance(expect, Span):
                raise changed(expect, gone=True)
            if expect is not None:
                raise in_the_way(f"span #{span_id} was deleted")
            raise StoreError(f"no span with id {span_id}")
        span = span_from_row(row)
        if expect is not None and differs(span, expect, changes):
            raise changed(expect if isinstance(expect, Span) else span)
        return span

    def delete_span(self, span_id: int, *, expect: Span | DeletedSpan | Expected | None = None) -> DeletedSpan:
        """Delete a span. Facts it states are deleted with it; roles it fills are
        left empty. The returned record puts all of it back (`restore_span`).

        With `expect` the span must still be as given; a `DeletedSpan` (what an
        undo put back) must also find the same facts and filled roles, or the
        delete is rolled back and refused."""
        with self.db.atomic():
            span = self._expected_span(span_id, expect.span if isinstance(expect, DeletedSpan) else expect)
            deleted = self._delete_span(span_id, span)
            if isinstance(expect, DeletedSpan) and (deleted.facts, deleted.args) != (expect.facts, expect.args):
                raise in_the_way(f"the facts stated by or filled with {what(deleted.span)} were changed")
            self._record_span("delete", deleted)
        self._changed("spans", deleted.span.document_id)
        self._changed("facts", deleted.span.document_id)
        return deleted

    def _delete_span(self, span_id: int, span: Span | None = None) -> DeletedSpan:
        """Delete the span (`span`: as the caller read it in this transaction) and the facts it states."""
        span = span or self.span(span_id)
        facts = [self._delete_fact(r[0]) for r in
                 self.db.execute("SELECT id FROM facts WHERE span_id = ? ORDER BY id", [span_id]).fetchall()]
        args = [tuple(r) for r in self.db.execute(
            "SELECT fact_id, position, role, span_id FROM fact_args WHERE span_id = ? ORDER BY fact_id, position",
            [span_id])]
        self.db.execute("DELETE FROM spans WHERE id = ?", [span_id])
        return DeletedSpan(span, facts, args)  # type: ignore[arg-type]

    def restore_span(self, deleted: DeletedSpan) -> None:
        with self.db.atomic():
            self._defer_foreign_keys()
            self._restore_span(deleted)
            self._record_span("add", deleted)
        self._changed("spans", deleted.span.document_id)
        self._changed("facts", deleted.span.document_id)

    def _restore_span(self, deleted: DeletedSpan) -> None:
        # compare before writing: the id must be free, the layer must not hold
        # the same span again, and every role it filled must still be empty
        s = deleted.span
        if self.has_span(s.id):  # type: ignore[arg-type]
            raise in_the_way(f"{what(s)} cannot come back: its id #{s.id} is taken")
        if self.db.execute(
                'SELECT 1 FROM spans WHERE document_id = ? AND annotator = ? AND start = ? AND "end" = ? AND label = ?',
                [s.document_id, s.annotator, s.start, s.end, s.label]).fetchone() is not None:
            raise in_the_way(f"{what(s)} cannot come back: the same text is labelled {s.label} again")
        restored_facts = {f.fact.id for f in deleted.facts}
        self._check_free_arg_slots([row for row in deleted.args if row[0] not in restored_facts], what(s),
                                   owners_exist=True)
        self.ensure_annotator(s.annotator)
        self.db.execute(
            f"INSERT INTO spans ({SPAN_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
