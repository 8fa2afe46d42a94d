"""Writing many annotated documents into the store in one transaction, fast.

`Store.import_annotated` hands its records here. Rows are gathered for a
chunk of documents and written with one `executemany` per table (spans: per
label), with ids numbered on from the largest (safe: the caller holds the
write transaction), instead of statements per document or per span. Foreign keys stay on: rows go in
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
from annotator.store.errors import StoreError

if TYPE_CHECKING:
    from annotator.store.database import Store
    from annotator.store.results import ImportSummary

CHUNK = 2000
"""Documents whose rows are gathered before they are written."""

IMPORT_CACHE_KIB = -65536
"""SQLite page cache during an import: 64 MiB (negative: KiB), against the default 2 MiB."""

_LOOKUP = 500
"""Hashes per `IN (...)` query, well under SQLite's limit on parameters."""

_INSERT_DOCUMENT = "INSERT INTO documents (id, title, text, hash, meta, created) VALUES (?, ?, ?, ?, ?, ?)"
_INSERT_SPAN = ('INSERT INTO spans (document_id, annotator, start, "end", label, text, attributes, note, created, updated) '
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
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
        self.spans: dict[str, list[tuple]] = {}
        """Label -> span rows, without ids."""
        self.facts: list[tuple] = []
        self.args: list[tuple] = []
        self.statuses: list[tuple] = []

    def run(self, records: Iterable[AnnotatedDocument], progress: Callable[[int], bool | None] | None,
            cancelled: Callable[[int], Exception]) -> None:
        done = 0
        iterator = iter(records)
        # A cache that holds the pages a chunk touches spares SQLite writing
        # pages out and reading them back within the transaction.
        cache_size = self.conn.execute("PRAGMA cache_size").fetchone()[0]
        self.conn.execute(f"PRAGMA cache_size = {IMPORT_CACHE_KIB}")
        try:
            while chunk := list(islice(iterator, CHUNK)):
                hashes = [content_hash(record.document.text) for record in chunk]
                self._look_up(hashes)
                for record, digest in zip(chunk, hashes):
                    self._add(record, digest)
                    done += 1
                    if progress is not None and progress(done) is False:
                        raise cancelled(done)
                self._flush()
        finally:
            self.conn.execute(f"PRAGMA cache_size = {int(cache_size)}")

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
        by_label, layers, override = self.spans, self.layers, self.annotator
        # facts name their spans by (label, place among the chunk's spans of that label) until written
        span_refs: dict[int | None, tuple[str, int]] | None = {} if record.facts else None
        for span in record.spans:
            start, end, label = span.start, span.end, span.label
            if not 0 <= start < end <= length:
                check_range(text, start, end)
            layer = override or span.annotator
            if layer not in layers:
                self._layer(layer)
            rows = by_label.get(label)
            if rows is None:
                rows = by_label[label] = []
            if span_refs is not None:
                span_refs[span.id] = (label, len(rows))
            attributes = span.attributes
            rows.append((doc_id, layer, start, end, label, text[start:end],
                         json.dumps(attributes, ensure_ascii=False) if attributes else "{}",
                         span.note, span.created or stamp, span.updated or stamp))
        summary.spans += len(record.spans)
        if span_refs is not None:
            self._add_facts(record, doc_id, span_refs)
        for layer, status in record.status.items():
            self.statuses.append((doc_id, self._layer(layer), status, stamp))
        summary.document_ids.append(doc_id)

    def _add_facts(self, record: AnnotatedDocument, doc_id: int, span_refs: dict[int | None, tuple[str, int]]) -> None:
        fact_ids: dict[int | None, int] = {}
        for fact in record.facts:
            fact_ids[fact.id] = self.next_fact
            self.facts.append((self.next_fact, doc_id, self._layer(fact.annotator), fact.label,
                               span_refs.get(fact.span_id) if fact.span_id is not None else None,
                               json.dumps(fact.attributes, ensure_ascii=False), fact.note,
                               fact.created or self.stamp, fact.updated or self.stamp))
            self.next_fact += 1
        self.summary.facts += len(record.facts)
        # arguments after every fact has its id: a fact may point at one that comes after it
        for fact in record.facts:
            fact_id = fact_ids[fact.id]
            for position, arg in enumerate(fact.args):
                if arg.span_id is not None:
                    self.args.append((fact_id, position, arg.role, span_refs[arg.span_id], None))
                else:
                    self.args.append((fact_id, position, arg.role, None, fact_ids[arg.fact_id]))

    def _flush(self) -> None:
        conn = self.conn
        conn.executemany(_INSERT_DOCUMENT, self.documents)
        # Spans go in one label after another: each label's entries then land
        # together at the end of its run in the spans_by_label index, instead
        # of four or more runs taking turns, which makes the insert far slower.
        # SQLite numbers them on from the largest id (we hold the write
        # transaction); the check after each label proves the numbering.
        first_id: dict[str, int] = {}
        for label, rows in self.spans.items():
            first_id[label] = self.next_span
            conn.executemany(_INSERT_SPAN, rows)
            self.next_span += len(rows)
            if conn.execute("SELECT max(id) FROM spans").fetchone()[0] != self.next_span - 1:
                raise StoreError("span ids were not numbered as expected during the import; nothing was imported")
        if self.facts:
            conn.executemany(_INSERT_FACT, [
                row if row[4] is None else (*row[:4], first_id[row[4][0]] + row[4][1], *row[5:]) for row in self.facts])
            conn.executemany(_INSERT_ARG, [
                row if row[3] is None else (*row[:3], first_id[row[3][0]] + row[3][1], row[4]) for row in self.args])
        conn.executemany(_UPSERT_STATUS, self.statuses)
        self._clear_rows()
