"""Writing many annotated documents into the store in one transaction, fast.

`Store.import_annotated` hands its records here. Rows are gathered for a
chunk of documents and written with one `executemany` per table, with ids
chosen here (safe: the caller holds the write transaction), instead of
statements per document or per span. Foreign keys stay on: rows go in
parent-first order (documents, spans, facts, arguments, statuses).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable
from itertools import islice
from typing import TYPE_CHECKING

from annotator.domain import AnnotatedDocument, Label, content_hash
from annotator.domain.spans import check_range

if TYPE_CHECKING:
    from annotator.store.database import ImportSummary, Store

CHUNK = 2000
"""Documents whose rows are gathered before they are written."""

_LOOKUP = 500
"""Hashes per `IN (...)` query, well under SQLite's limit on parameters."""

_INSERT_DOCUMENT = "INSERT INTO documents (id, title, text, hash, meta, created) VALUES (?, ?, ?, ?, ?, ?)"
_INSERT_SPAN = ('INSERT INTO spans (id, document_id, annotator, start, "end", label, text, attributes, note, created, updated) '
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
_INSERT_FACT = ("INSERT INTO facts (id, document_id, annotator, label, span_id, attributes, note, created, updated) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
_INSERT_ARG = "INSERT INTO fact_args (fact_id, position, role, span_id, target_fact_id) VALUES (?, ?, ?, ?, ?)"
_UPSERT_STATUS = ("INSERT INTO document_status (document_id, annotator, status, updated) VALUES (?, ?, ?, ?) "
                  "ON CONFLICT(document_id, annotator) DO UPDATE SET status = excluded.status")


def _json_object(value: dict) -> str:
    # most spans and documents carry no attributes or meta: skip json.dumps for them
    return json.dumps(value, ensure_ascii=False) if value else "{}"


class BulkImport:
    """One import's state: the next free ids, the labels, layers and documents
    seen so far, and the rows waiting to be written."""

    def __init__(self, store: Store, annotator: str | None, summary: ImportSummary, stamp: str,
                 new_color: Callable[[int], str]) -> None:
        self.store = store
        self.conn: sqlite3.Connection = store.db.conn
        self.annotator = annotator
        self.summary = summary
        self.stamp = stamp
        self.new_color = new_color
        schema = store.schema()
        self.schema_size = len(schema.labels)
        self.labels = {label.name for label in schema.labels}
        self.layers = set(store.annotators())
        self.next_document = self._next_id("documents")
        self.next_span = self._next_id("spans")
        self.next_fact = self._next_id("facts")
        self.document_ids: dict[str, int] = {}
        """Content hash -> id, for documents found in the database or added by this import."""
        self._clear_rows()

    def _next_id(self, table: str) -> int:
        return (self.conn.execute(f"SELECT max(id) FROM {table}").fetchone()[0] or 0) + 1

    def _clear_rows(self) -> None:
        self.documents: list[tuple] = []
        self.spans: list[tuple] = []
        self.facts: list[tuple] = []
        self.args: list[tuple] = []
        self.statuses: list[tuple] = []

    def run(self, records: Iterable[AnnotatedDocument], progress: Callable[[int], bool | None] | None,
            cancelled: Callable[[int], Exception]) -> None:
        done = 0
        iterator = iter(records)
        while chunk := list(islice(iterator, CHUNK)):
            hashes = [content_hash(record.document.text) for record in chunk]
            self._look_up(hashes)
            for record, digest in zip(chunk, hashes):
                self._add(record, digest)
                done += 1
                if progress is not None and progress(done) is False:
                    raise cancelled(done)
            self._flush()

    def _look_up(self, hashes: list[str]) -> None:
        wanted = [h for h in dict.fromkeys(hashes) if h not in self.document_ids]
        for offset in range(0, len(wanted), _LOOKUP):
            part = wanted[offset:offset + _LOOKUP]
            self.document_ids.update(
                (digest, doc_id) for doc_id, digest in self.conn.execute(
                    f"SELECT id, hash FROM documents WHERE hash IN ({','.join('?' * len(part))})", part))

    def _layer(self, name: str) -> str:
        layer = self.annotator or name
        if layer not in self.layers:
            self.store.ensure_annotator(layer)
            self.layers.add(layer)
        return layer

    def _label(self, name: str, kind: str) -> None:
        if name not in self.labels:
            order = self.schema_size + len(self.summary.labels_added)
            self.store._insert_label(Label(name, kind, color=self.new_color(order)), order)
            self.labels.add(name)
            self.summary.labels_added.append(name)

    def _add(self, record: AnnotatedDocument, digest: str) -> None:
        document = record.document
        text = document.text
        summary = self.summary
        doc_id = self.document_ids.get(digest)
        if doc_id is None:
            doc_id = self.next_document
            self.next_document += 1
            self.document_ids[digest] = doc_id
            self.documents.append((doc_id, document.title, text, digest, _json_object(document.meta), self.stamp))
            summary.documents_added += 1
        else:
            summary.documents_matched += 1
        if record.facts:
            kinds = {s.label: "entity" for s in record.spans} | {f.label: "fact" for f in record.facts}
            for name, kind in kinds.items():
                self._label(name, kind)
        else:
            for span in record.spans:
                if span.label not in self.labels:
                    self._label(span.label, "entity")
        stamp, length = self.stamp, len(text)
        span_ids: dict[int | None, int] = {}
        next_span = self.next_span
        rows = self.spans
        for span in record.spans:
            start, end = span.start, span.end
            if not 0 <= start < end <= length:
                check_range(text, start, end)
            rows.append((next_span, doc_id, self._layer(span.annotator), start, end, span.label, text[start:end],
                         _json_object(span.attributes), span.note, span.created or stamp, span.updated or stamp))
            span_ids[span.id] = next_span
            next_span += 1
        summary.spans += next_span - self.next_span
        self.next_span = next_span
        if record.facts:
            self._add_facts(record, doc_id, span_ids)
        for layer, status in record.status.items():
            self.statuses.append((doc_id, self._layer(layer), status, stamp))
        summary.document_ids.append(doc_id)

    def _add_facts(self, record: AnnotatedDocument, doc_id: int, span_ids: dict[int | None, int]) -> None:
        fact_ids: dict[int | None, int] = {}
        for fact in record.facts:
            fact_ids[fact.id] = self.next_fact
            self.facts.append((self.next_fact, doc_id, self._layer(fact.annotator), fact.label,
                               span_ids.get(fact.span_id) if fact.span_id is not None else None,
                               json.dumps(fact.attributes, ensure_ascii=False), fact.note,
                               fact.created or self.stamp, fact.updated or self.stamp))
            self.next_fact += 1
        self.summary.facts += len(record.facts)
        # arguments after every fact has its id: a fact may point at one that comes after it
        for fact in record.facts:
            fact_id = fact_ids[fact.id]
            for position, arg in enumerate(fact.args):
                if arg.span_id is not None:
                    self.args.append((fact_id, position, arg.role, span_ids[arg.span_id], None))
                else:
                    self.args.append((fact_id, position, arg.role, None, fact_ids[arg.fact_id]))

    def _flush(self) -> None:
        conn = self.conn
        conn.executemany(_INSERT_DOCUMENT, self.documents)
        conn.executemany(_INSERT_SPAN, self.spans)
        conn.executemany(_INSERT_FACT, self.facts)
        conn.executemany(_INSERT_ARG, self.args)
        conn.executemany(_UPSERT_STATUS, self.statuses)
        self._clear_rows()
