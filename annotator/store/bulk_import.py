"""Writing many annotated documents into the store in one transaction, fast.

`Store.import_annotated` hands its records here. Rows are gathered for a
chunk of documents and written with one `executemany` per table (spans: per
label), with ids numbered on from the largest (safe: the caller holds the
write transaction), instead of statements per document or per span. Foreign keys stay on: rows go in
parent-first order (documents, spans, facts, arguments, statuses, document notes).

A record is the document already present with its source name and text,
or with its text and no name (`matching_document`); identical texts under
different names are different documents. A document already present (the
same file imported twice) keeps what it has: a span or fact identical to one already in its layer is not added
again, and a status or document note already set is kept. Attributes and notes are not part
of "identical": where the record's differ, the database keeps its own and the
summary counts them. Only matched documents pay for that look-up; new
documents go straight to the rows.
"""

from __future__ import annotations

import gc
import json
import sqlite3
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from itertools import chain, islice
from typing import TYPE_CHECKING, Protocol

from sqlite_utils import Database

from annotator.domain import AnnotatedDocument, Fact, Label, Schema, content_hash
from annotator.domain.document import BY_NAME, matching_document
from annotator.domain.spans import check_range
from annotator.store.errors import StoreError

if TYPE_CHECKING:
    from annotator.store.results import ImportSummary


class ImportTarget(Protocol):
    """What an import needs of the store: the store's modules import this one, never the reverse."""

    db: Database

    def schema(self) -> Schema: ...
    def annotators(self) -> list[str]: ...
    def ensure_annotator(self, name: str) -> None: ...
    def _insert_label(self, label: Label, order: int) -> None: ...

CHUNK = 2000
"""Documents whose rows are gathered before they are written."""

IMPORT_CACHE_KIB = -65536
"""SQLite page cache during an import: 64 MiB (negative: KiB), against the default 2 MiB."""

IMPORT_FTS_HASH_BYTES = 16 * 1024 * 1024
"""New words the full-text index gathers during an import before writing a segment:
fewer, larger segments to merge than FTS5's default allows."""
FTS_DEFAULT_HASH_BYTES = 1024 * 1024
"""FTS5's own default for `hashsize`."""

_LOOKUP = 500
"""Hashes per `IN (...)` query, well under SQLite's limit on parameters."""

_INSERT_DOCUMENT = "INSERT INTO documents (id, title, text, hash, meta, created, source_name) VALUES {}"
_INSERT_SPAN = ('INSERT INTO spans (document_id, annotator, start, "end", label, text, attributes, note, created, updated) '
                "VALUES {}")
_INSERT_FACT = ("INSERT INTO facts (id, document_id, annotator, label, span_id, attributes, note, created, updated) "
                "VALUES {}")
_INSERT_ARG = "INSERT INTO fact_args (fact_id, position, role, span_id, target_fact_id) VALUES {}"
_INSERT_TOKENS = "INSERT OR IGNORE INTO document_tokens (document_id, tokens) VALUES {}"
_INSERT_STATUS = ("INSERT INTO document_status (document_id, annotator, status, updated) VALUES {} "
                  "ON CONFLICT(document_id, annotator) DO NOTHING")
_PRESENT_SPANS = ('SELECT id, document_id, annotator, start, "end", label, attributes, note FROM spans '
                  "WHERE document_id IN ({})")
_PRESENT_FACTS = "SELECT id, document_id, annotator, label, span_id, attributes, note FROM facts WHERE document_id IN ({})"
_PRESENT_ARGS = ("SELECT a.fact_id, a.role, a.span_id, a.target_fact_id FROM fact_args a "
                 "JOIN facts f ON f.id = a.fact_id WHERE f.document_id IN ({})")
_PRESENT_STATUSES = "SELECT document_id, annotator, status FROM document_status WHERE document_id IN ({})"
_INSERT_NOTE = ("INSERT INTO document_notes (document_id, annotator, note, updated) VALUES {} "
                "ON CONFLICT(document_id, annotator) DO NOTHING")
_PRESENT_NOTES = "SELECT document_id, annotator, note FROM document_notes WHERE document_id IN ({})"

ROWS_PER_STATEMENT = 500
"""Rows one INSERT writes (fewer when SQLite's limit on parameters says so)."""

SpanRef = int | tuple[str, int]
"""A span already written (its id) or one waiting in this chunk (label, place among that label's rows)."""


@dataclass
class _Present:
    """What a matched document already holds, keyed independent of the record's ids."""

    spans: dict[tuple, SpanRef] = field(default_factory=dict)
    """(annotator, start, end, label) -> span."""
    facts: dict[tuple, int] = field(default_factory=dict)
    """(annotator, label, trigger, arguments) -> fact id; see `_fact_key`."""
    statuses: dict[str, str] = field(default_factory=dict)
    """Annotator -> status on the document."""
    notes: dict[str, str] = field(default_factory=dict)
    """Annotator -> note on the document."""
    details: dict[tuple[str, int], tuple[str, str]] = field(default_factory=dict)
    """("span" or "fact", id) -> (attributes as stored JSON, note) of what is present."""

    def differs(self, kind: str, row_id: SpanRef, attributes: dict, note: str) -> bool:
        """Whether a record's annotation, matched to one present, says other attributes or note."""
        stored = self.details.get((kind, row_id)) if isinstance(row_id, int) else None
        if stored is None:  # matched to one this import added: nothing to compare with
            return False
        return (stored[1] or "") != (note or "") or json.loads(stored[0] or "{}") != (attributes or {})


def _fact_key(annotator: str, label: str, trigger: SpanRef | None,
              args: Iterable[tuple[str, SpanRef | None, int | None]]) -> tuple:
    # arguments as a multiset: their order says nothing a reader relies on
    return (annotator, label, trigger, frozenset(Counter(args).items()))


def insert_rows(conn: sqlite3.Connection, statement: str, rows: list[tuple]) -> None:
    """Write `rows` (tuples of one width) with `statement`, an INSERT whose
    VALUES are `{}`, several hundred rows per statement.

    Not `executemany`, which runs the statement once per row: SQLite opens a
    statement journal for each run, and at each one the full-text index
    writes its pending words out to disk, so one document per statement made
    the documents' insert (with its triggers) about three times slower; spans
    pay the statement's set-up and foreign-key bookkeeping per row."""
    if not rows:
        return
    width = len(rows[0])
    per_statement = max(1, min(ROWS_PER_STATEMENT, conn.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER) // width))
    marks = "(" + ", ".join("?" * width) + ")"
    full = statement.format(", ".join([marks] * per_statement))
    for offset in range(0, len(rows), per_statement):
        part = rows[offset:offset + per_statement]
        sql = full if len(part) == per_statement else statement.format(", ".join([marks] * len(part)))
        conn.execute(sql, list(chain.from_iterable(part)))


class _CollectorPause:
    """Python's cycle collector off while any bulk work runs, back on as it was when the last ends."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.holders = 0
        self.was_enabled = True

    @contextmanager
    def held(self) -> Iterator[None]:
        with self.lock:
            if self.holders == 0:
                self.was_enabled = gc.isenabled()
                gc.disable()
            self.holders += 1
        try:
            yield
        finally:
            with self.lock:
                self.holders -= 1
                if self.holders == 0 and self.was_enabled:
                    gc.enable()


_collector_pause = _CollectorPause()


def cycle_collection_paused() -> AbstractContextManager[None]:
    """Bulk reading and writing make millions of records, spans and rows, none
    of them in a reference cycle (reference counting frees each chunk), and
    the collector would walk every live object again each few hundred of
    them: a tenth of an import's time. Objects of other threads that do form
    cycles meanwhile (the window's) are freed by the first collection after."""
    return _collector_pause.held()


def _json_object(value: dict) -> str:
    # most spans and documents carry no attributes or meta: skip json.dumps for them
    return json.dumps(value, ensure_ascii=False) if value else "{}"


class BulkImport:
    """One import's state: the next free ids, the labels, layers and documents
    seen so far, and the rows waiting to be written."""

    def __init__(self, store: ImportTarget, annotator: str | None, summary: ImportSummary, stamp: str,
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
        self.first_new_document = self.next_document
        self.statuses_set_on_present: list[list] = []
        """[document id, layer, status] set on documents that were in the database before the import."""
        self.document_ids: dict[str, dict[str, int]] = {}
        """Content hash -> source name -> id (oldest first), for the chunk's texts: the
        documents found in the database or added by this import."""
        self.present: dict[int, _Present] = {}
        """Matched documents of the chunk -> what they hold; cleared with the rows at each flush."""
        self._clear_rows()

    def _next_id(self, table: str) -> int:
        # past every id ever given (AUTOINCREMENT keeps the highest in sqlite_sequence),
        # not only the largest left: a deleted row's id may still come back by undo
        largest = self.conn.execute(f"SELECT max(id) FROM {table}").fetchone()[0] or 0
        given = self.conn.execute(
            "SELECT seq FROM sqlite_sequence WHERE name = ?", [table]).fetchone() if self._numbered else None
        return max(largest, given[0] if given else 0) + 1

    @property
    def _numbered(self) -> bool:
        # SQLite makes sqlite_sequence with the first AUTOINCREMENT table (m004)
        return self.conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'").fetchone() is not None

    def _clear_rows(self) -> None:
        self.documents: list[tuple] = []
        self.spans: dict[str, list[tuple]] = {}
        """Label -> span rows, without ids."""
        self.facts: list[tuple] = []
        self.args: list[tuple] = []
        self.statuses: list[tuple] = []
        self.tokens: list[tuple[int, bytes]] = []
        """(document id, packed source tokens): a document already present keeps the tokens it has."""
        self.notes: list[tuple] = []
        self.present = {}

    def run(self, records: Iterable[AnnotatedDocument], progress: Callable[[int], bool | None] | None,
            cancelled: Callable[[int], Exception]) -> None:
        done = 0
        iterator = iter(records)
        # A cache that holds the pages a chunk touches spares SQLite writing
        # pages out and reading them back within the transaction.
        cache_size = self.conn.execute("PRAGMA cache_size").fetchone()[0]
        self.conn.execute(f"PRAGMA cache_size = {IMPORT_CACHE_KIB}")
        hash_size = self._full_text_hash_size(IMPORT_FTS_HASH_BYTES)
        try:
            with cycle_collection_paused():
                while chunk := list(islice(iterator, CHUNK)):
                    hashes = [content_hash(record.document.text) for record in chunk]
                    self._look_up(hashes)
                    self._load_present([i for h in hashes for i in self.document_ids.get(h, {}).values()])
                    for record, digest in zip(chunk, hashes):
                        self._add(record, digest)
                        done += 1
                        if progress is not None and progress(done) is False:
                            raise cancelled(done)
                    self._flush()
                    self.store._settle_search_terms()
                    # the chunk's documents are in the table now, where the next
                    # chunks find them: memory stays the same for any file size
                    self.document_ids.clear()
        finally:
            self.conn.execute(f"PRAGMA cache_size = {int(cache_size)}")
            self._full_text_hash_size(hash_size)

    def _full_text_hash_size(self, size: int) -> int:
        """Set how many bytes of new words the full-text index gathers before it
        writes them out as a segment; returns the size it had. The setting is kept
        in the database, so the import sets it back before its transaction ends
        (and a rolled back import takes it back with everything else)."""
        row = self.conn.execute("SELECT v FROM documents_fts_config WHERE k = 'hashsize'").fetchone()
        before = int(row[0]) if row is not None else FTS_DEFAULT_HASH_BYTES
        if size != before:
            self.conn.execute("INSERT INTO documents_fts (documents_fts, rank) VALUES ('hashsize', ?)", [size])
        return before

    def _look_up(self, hashes: list[str]) -> None:
        wanted = [h for h in dict.fromkeys(hashes) if h not in self.document_ids]
        for digest in wanted:
            self.document_ids[digest] = {}
        for offset in range(0, len(wanted), _LOOKUP):
            part = wanted[offset:offset + _LOOKUP]
            for doc_id, digest, name in self.conn.execute(
                    f"SELECT id, hash, source_name FROM documents WHERE hash IN ({','.join('?' * len(part))}) "
                    "ORDER BY id", part):
                self.document_ids[digest].setdefault(name, doc_id)

    def _load_present(self, doc_ids: list[int]) -> None:
        """Read, in a few queries, the spans, facts and statuses of matched documents."""
        wanted = [d for d in dict.fromkeys(doc_ids) if d not in self.present]
        for doc_id in wanted:
            self.present[doc_id] = _Present()
        present, execute = self.present, self.conn.execute
        for offset in range(0, len(wanted), _LOOKUP):
            part = wanted[offset:offset + _LOOKUP]
            marks = ",".join("?" * len(part))
            for span_id, doc_id, annotator, start, end, label, attributes, note in execute(
                    _PRESENT_SPANS.format(marks), part):
                present[doc_id].spans.setdefault((annotator, start, end, label), span_id)
                present[doc_id].details[("span", span_id)] = (attributes, note)
            args: dict[int, list[tuple]] = {}
            for fact_id, role, span_id, target in execute(_PRESENT_ARGS.format(marks), part):
                args.setdefault(fact_id, []).append((role, span_id, target))
            for fact_id, doc_id, annotator, label, span_id, attributes, note in execute(
                    _PRESENT_FACTS.format(marks), part):
                key = _fact_key(annotator, label, span_id, args.get(fact_id, ()))
                present[doc_id].facts.setdefault(key, fact_id)
                present[doc_id].details[("fact", fact_id)] = (attributes, note)
            for doc_id, annotator, status in execute(_PRESENT_STATUSES.format(marks), part):
                present[doc_id].statuses[annotator] = status
            for doc_id, annotator, note in execute(_PRESENT_NOTES.format(marks), part):
                present[doc_id].notes[annotator] = note

    def _present_in(self, doc_id: int) -> _Present:
        if doc_id not in self.present:
            # A document this chunk added, seen again: write the chunk so far
            # so that the look-up sees it.
            self._flush()
            self._load_present([doc_id])
        return self.present[doc_id]

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
        name = document.source_name
        same_text = self.document_ids.setdefault(digest, {})
        doc_id, how = matching_document(same_text, name)
        present = None
        if doc_id is None:
            doc_id = self.next_document
            self.next_document += 1
            same_text[name] = doc_id
            self.documents.append((doc_id, document.title, text, digest, _json_object(document.meta), self.stamp,
                                   name))
            summary.documents_added += 1
        else:
            summary.documents_matched += 1
            summary.documents_matched_by_name += how == BY_NAME
            present = self._present_in(doc_id)
        if record.tokens is not None and record.tokens.fit(text):
            self.tokens.append((doc_id, record.tokens.encode()))
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
        span_refs: dict[int | None, SpanRef] | None = {} if record.facts else None
        added = 0
        for span in record.spans:
            start, end, label = span.start, span.end, span.label
            if not 0 <= start < end <= length:
                check_range(text, start, end)
            layer = override or span.annotator
            if layer not in layers:
                self._layer(layer)
            if present is not None:
                key = (layer, start, end, label)
                ref = present.spans.get(key)
                if ref is not None:
                    if span_refs is not None:
                        span_refs[span.id] = ref
                    summary.annotations_differing += present.differs("span", ref, span.attributes, span.note)
                    continue
            rows = by_label.get(label)
            if rows is None:
                rows = by_label[label] = []
            if span_refs is not None or present is not None:
                ref = (label, len(rows))
                if span_refs is not None:
                    span_refs[span.id] = ref
                if present is not None:
                    present.spans[key] = ref
            added += 1
            attributes = span.attributes
            rows.append((doc_id, layer, start, end, label, text[start:end],
                         json.dumps(attributes, ensure_ascii=False) if attributes else "{}",
                         span.note, span.created or stamp, span.updated or stamp))
        summary.spans += added
        summary.spans_present += len(record.spans) - added
        if span_refs is not None:
            self._add_facts(record, doc_id, span_refs, present)
        statuses, differing = self._new_per_layer(record.status, None if present is None else present.statuses)
        summary.statuses_kept += differing
        self.statuses += [(doc_id, layer, status, stamp) for layer, status in statuses]
        if doc_id < self.first_new_document:
            self.statuses_set_on_present += [[doc_id, layer, status] for layer, status in statuses]
        notes, differing = self._new_per_layer(record.notes, None if present is None else present.notes)
        summary.notes_kept += differing
        self.notes += [(doc_id, layer, note, stamp) for layer, note in notes]
        if present is not None:
            summary.notes_on_present += [(doc_id, layer, note) for layer, note in notes]
        summary.document_ids.append(doc_id)

    def _new_per_layer(self, values: dict[str, str],
                       present: dict[str, str] | None) -> tuple[list[tuple[str, str]], int]:
        """Of a record's statuses or document notes by layer, the (layer, value) pairs to
        write, and how many differ from the one their layer keeps here (`present`)."""
        new, differing = [], 0
        for layer, value in values.items():
            layer = self._layer(layer)
            if present is not None:
                kept = present.get(layer)
                if kept is not None:
                    differing += kept != value
                    continue
                present[layer] = value
            new.append((layer, value))
        return new, differing

    def _add_facts(self, record: AnnotatedDocument, doc_id: int, span_refs: dict[int | None, SpanRef],
                   present: _Present | None) -> None:
        fact_ids: dict[int | None, int] = {}
        if present is not None:
            fact_ids = self._facts_present(record, span_refs, present)
            self.summary.facts_present += len(fact_ids)
            self.summary.annotations_differing += sum(
                present.differs("fact", fact_ids[fact.id], fact.attributes, fact.note)
                for fact in record.facts if fact.id in fact_ids)
        new = [fact for fact in record.facts if fact.id not in fact_ids]
        for fact in new:
            fact_ids[fact.id] = self.next_fact
            self.facts.append((self.next_fact, doc_id, self._layer(fact.annotator), fact.label,
                               span_refs.get(fact.span_id) if fact.span_id is not None else None,
                               json.dumps(fact.attributes, ensure_ascii=False), fact.note,
                               fact.created or self.stamp, fact.updated or self.stamp))
            self.next_fact += 1
        self.summary.facts += len(new)
        # arguments after every fact has its id: a fact may point at one that comes after it
        for fact in new:
            fact_id = fact_ids[fact.id]
            for position, arg in enumerate(fact.args):
                if arg.span_id is not None:
                    self.args.append((fact_id, position, arg.role, span_refs[arg.span_id], None))
                else:
                    self.args.append((fact_id, position, arg.role, None, fact_ids[arg.fact_id]))
            if present is not None:
                present.facts[self._key_of(fact, span_refs, fact_ids)] = fact_id

    def _key_of(self, fact: Fact, span_refs: dict[int | None, SpanRef], fact_ids: dict[int | None, int]) -> tuple:
        return _fact_key(self._layer(fact.annotator), fact.label,
                         span_refs.get(fact.span_id) if fact.span_id is not None else None,
                         ((arg.role, span_refs.get(arg.span_id) if arg.span_id is not None else None,
                           fact_ids.get(arg.fact_id) if arg.fact_id is not None else None) for arg in fact.args))

    def _facts_present(self, record: AnnotatedDocument, span_refs: dict[int | None, SpanRef],
                       present: _Present) -> dict[int | None, int]:
        """Record fact id -> id of the identical fact already in its layer.

        A fact is decided once the facts it points at are: it can equal one
        present only when they all do, so facts are settled in rounds until
        none changes (facts pointing at each other in a ring count as new)."""
        found: dict[int | None, int] = {}
        new: set[int | None] = set()
        undecided = list(record.facts)
        while undecided:
            waiting = []
            for fact in undecided:
                targets = [arg.fact_id for arg in fact.args if arg.fact_id is not None]
                if any(t in new for t in targets):
                    new.add(fact.id)
                elif all(t in found for t in targets):
                    fact_id = present.facts.get(self._key_of(fact, span_refs, found))
                    if fact_id is None:
                        new.add(fact.id)
                    else:
                        found[fact.id] = fact_id
                else:
                    waiting.append(fact)
            if len(waiting) == len(undecided):
                break
            undecided = waiting
        return found

    def _flush(self) -> None:
        conn = self.conn
        insert_rows(conn, _INSERT_DOCUMENT, self.documents)
        # Spans go in one label after another: each label's entries then land
        # together at the end of its run in the spans_by_label index, instead
        # of four or more runs taking turns, which makes the insert far slower.
        # SQLite numbers them on from the largest id (we hold the write
        # transaction); the check after each label proves the numbering.
        first_id: dict[str, int] = {}
        for label, rows in self.spans.items():
            first_id[label] = self.next_span
            insert_rows(conn, _INSERT_SPAN, rows)
            self.next_span += len(rows)
            if conn.execute("SELECT max(id) FROM spans").fetchone()[0] != self.next_span - 1:
                raise StoreError("span ids were not numbered as expected during the import; nothing was imported")
        if self.facts:
            insert_rows(conn, _INSERT_FACT, [
                row if not isinstance(row[4], tuple) else (*row[:4], first_id[row[4][0]] + row[4][1], *row[5:])
                for row in self.facts])
            insert_rows(conn, _INSERT_ARG, [
                row if not isinstance(row[3], tuple) else (*row[:3], first_id[row[3][0]] + row[3][1], row[4])
                for row in self.args])
        insert_rows(conn, _INSERT_STATUS, self.statuses)
        insert_rows(conn, _INSERT_TOKENS, self.tokens)
        insert_rows(conn, _INSERT_NOTE, self.notes)
        self._clear_rows()
