"""Whole annotated documents in and out, for formats and review: bundles of a
document with its layers, bulk import in one transaction, and the consistency check."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from itertools import groupby, islice
from operator import itemgetter

from annotator.domain import AnnotatedDocument, Argument, Document, Fact, LabelledDocument, SourceTokens, Span
from annotator.domain.validation import fact_problems, span_problems, trigger_problems
from annotator.store.bulk_import import BulkImport
from annotator.store.core import StoreCore
from annotator.store.errors import ImportCancelled, StoreError
from annotator.store.results import ImportSummary, Problem
from annotator.store.rows import SPAN_COLUMNS, fact_from_row, generated_color, now


def _bad_span_order(row: tuple) -> tuple[int, int, int]:
    return row[2], -row[3], row[1]  # (start, -end, id) of a (document_id, id, start, end, ...) row


def _reading_order(span: Span) -> tuple[int, int, str, int]:
    return span.start, -span.end, span.label, span.id  # type: ignore[return-value]


CHUNK = 1000
"""Documents read per round of queries by the streaming reads."""


def _among(chunk: list[int]) -> tuple[str, list[int]]:
    """SQL (after `document_id`) and parameters matching the ids of `chunk`."""
    if chunk[-1] - chunk[0] == len(chunk) - 1 and all(b - a == 1 for a, b in zip(chunk, chunk[1:])):
        # a run of ids (the usual case: every document) is one range scan of the index
        return "BETWEEN ? AND ?", [chunk[0], chunk[-1]]
    return f"IN ({','.join('?' * len(chunk))})", chunk


def _in_layers(names: list[str] | None, column: str = "annotator") -> str:
    """SQL (after a condition) keeping the rows of these layers (all when None)."""
    return "" if names is None else f" AND {column} IN ({','.join('?' * len(names))})"


_STATUSES = ("SELECT document_id, annotator, status FROM document_status WHERE document_id {}{} "
             "ORDER BY annotator")
"""A chunk's statuses by the primary key (document, annotator). `+annotator` keeps SQLite off the
index by annotator, which it would otherwise pick and then read that layer's statuses over the
whole corpus for every chunk: 1.2 of the 5 s reading 100,000 documents, minutes at a million."""


class BundlesMixin(StoreCore):
    """The bundles, import and check part of `Store`."""

    def annotated(self, document_id: int, annotators: Iterable[str] | None = None) -> AnnotatedDocument:
        """A document with the spans and facts of the given layers (all when None)."""
        doc = self.document(document_id)
        names = None if annotators is None else set(annotators)
        spans = [s for s in self.spans(document_id) if names is None or s.annotator in names]
        facts = [f for f in self.facts(document_id) if names is None or f.annotator in names]
        status = {k: v for k, v in self.statuses(document_id).items() if names is None or k in names}
        notes = {k: v for k, v in self.document_notes(document_id).items()  # type: ignore[attr-defined]
                 if names is None or k in names}
        return AnnotatedDocument(doc, spans, facts, status, notes=notes)

    def source_tokens(self, document_id: int) -> SourceTokens | None:
        """The tokens and sentences the document was imported with from a token format, if any."""
        row = self.db.conn.execute("SELECT tokens FROM document_tokens WHERE document_id = ?",
                                   [document_id]).fetchone()
        return SourceTokens.decode(row[0]) if row is not None else None

    def annotated_many(self, document_ids: Iterable[int] | None,
                       annotators: Iterable[str] | None = None, *,
                       span_details: bool = True, tokens: bool = False) -> Iterator[AnnotatedDocument]:
        """`annotated` for many documents, in a few queries per 1,000 documents
        rather than several per document (agreement over a corpus, exports).
        `document_ids` None means every document, in id order. Only one chunk
        of documents is held at a time; wrap the loop in `snapshot()` to read
        every chunk from one state of the file.

        `span_details=False` leaves out spans' attributes, notes and times
        (empty in the result): token formats and agreement never read them,
        and turning those columns into Python objects is most of the reading
        time of a large export. With `tokens`, each record carries the tokens
        its document was imported with, if any.
        """
        names = None if annotators is None else list(dict.fromkeys(annotators))
        layer = _in_layers(names)
        layer_params = [] if names is None else names
        conn = self.db.conn
        for chunk in self.document_id_chunks(document_ids):
            among, among_params = _among(chunk)
            where = f"document_id {among}{layer}"
            params = [*among_params, *layer_params]
            docs = {r[0]: Document(r[0], r[1], r[2], {} if r[3] == "{}" else json.loads(r[3]))
                    for r in conn.execute(f"SELECT id, title, text, meta FROM documents WHERE id {among}", among_params)}
            spans: dict[int, list[Span]] = {}
            columns = SPAN_COLUMNS if span_details else 'id, document_id, annotator, start, "end", label, text'
            # The order the spans_by_document index holds, so SQLite sorts nothing;
            # a document with several layers is put in (start, -end, label, id) order below.
            rows = conn.execute(
                f'SELECT {columns} FROM spans WHERE {where} ORDER BY document_id, annotator, start, "end" DESC, label, id',
                params).fetchall()
            for doc_id, group in groupby(rows, itemgetter(1)):
                # Span(...) inline rather than span_from_row(): this loop reads every span of an export
                if span_details:
                    doc_spans = [
                        Span(i, d, a, s, e, lab, t, {} if at == "{}" else json.loads(at), n, c, u)
                        for i, d, a, s, e, lab, t, at, n, c, u in group]
                else:
                    doc_spans = [Span(*row) for row in group]
                if doc_spans[0].annotator != doc_spans[-1].annotator:
                    doc_spans.sort(key=_reading_order)
                spans[doc_id] = doc_spans
            by_document = self._facts_where(where, params)
            statuses: dict[int, dict[str, str]] = {}
            for doc_id, name, status in conn.execute(_STATUSES.format(among, _in_layers(names, "+annotator")), params):
                statuses.setdefault(doc_id, {})[name] = status
            packed = dict(conn.execute(f"SELECT document_id, tokens FROM document_tokens WHERE document_id {among}",
                                       among_params).fetchall()) if tokens else {}
            notes: dict[int, dict[str, str]] = {}
            for doc_id, name, note in conn.execute(
                    f"SELECT document_id, annotator, note FROM document_notes WHERE {where} ORDER BY annotator",
                    params):
                notes.setdefault(doc_id, {})[name] = note
            for doc_id in chunk:
                if doc_id not in docs:
                    raise StoreError(f"no document with id {doc_id}")
                data = packed.get(doc_id)
                yield AnnotatedDocument(docs[doc_id], spans.get(doc_id, []), by_document.get(doc_id, []),
                                        statuses.get(doc_id, {}), tokens=SourceTokens.decode(data) if data else None,
                                        notes=notes.get(doc_id, {}))

    def labelled_many(self, document_ids: Iterable[int] | None,
                      annotators: Iterable[str] | None = None, *,
                      tokens: bool = False) -> Iterator[LabelledDocument]:
        """The documents with each layer's spans as (start, end, label, id)
        ranges in reading order, and how many facts each layer holds: what the
        token formats write. About three times faster than `annotated_many`,
        since no `Span` is made and the `spans_by_document` index holds every
        column read, so SQLite never visits the table's rows. `document_ids`
        None means every document, as for `annotated_many`. With `tokens`, each
        record carries the tokens its document was imported with, if any.
        """
        names = None if annotators is None else list(dict.fromkeys(annotators))
        layer = _in_layers(names)
        conn = self.db.conn
        for chunk in self.document_id_chunks(document_ids):
            among, among_params = _among(chunk)
            where = f"document_id {among}{layer}"
            params = [*among_params, *(names or [])]
            with self._snapshot():
                # The spans come as one list, cut into layers by the counts, so
                # both queries must see the same state of the file.
                docs = {r[0]: Document(r[0], r[1], r[2], {} if r[3] == "{}" else json.loads(r[3]))
                        for r in conn.execute(f"SELECT id, title, text, meta FROM documents WHERE id {among}",
                                              among_params)}
                counts = conn.execute(
                    f"SELECT document_id, annotator, count(*) FROM spans WHERE {where} "
                    "GROUP BY document_id, annotator ORDER BY document_id, annotator", params).fetchall()
                rows = conn.execute(
                    f'SELECT start, "end", label, id FROM spans WHERE {where} '
                    'ORDER BY document_id, annotator, start, "end" DESC, label, id', params).fetchall()
                facts = conn.execute(
                    f"SELECT document_id, annotator, count(*) FROM facts WHERE {where} "
                    "GROUP BY document_id, annotator", params).fetchall()
                statuses = conn.execute(_STATUSES.format(among, _in_layers(names, "+annotator")), params).fetchall()
                packed = conn.execute(f"SELECT document_id, tokens FROM document_tokens WHERE document_id {among}",
                                      among_params).fetchall() if tokens else ()
            records = {doc_id: LabelledDocument(doc) for doc_id, doc in docs.items()}
            for doc_id, data in packed:
                records[doc_id].tokens = SourceTokens.decode(data)
            at = 0
            for doc_id, name, n in counts:
                records[doc_id].layers[name] = rows[at:at + n]
                at += n
            for doc_id, name, n in facts:
                records[doc_id].facts[name] = n
            for doc_id, name, status in statuses:
                records[doc_id].status[name] = status
            for doc_id in chunk:
                if doc_id not in records:
                    raise StoreError(f"no document with id {doc_id}")
                yield records[doc_id]

    def document_id_chunks(self, document_ids: Iterable[int] | None = None,
                           size: int | None = None) -> Iterator[list[int]]:
        """The ids in lists of `size` (default `CHUNK`); None means every
        document's id, in order, read a chunk at a time (a million ids are
        never held at once)."""
        size = size or CHUNK
        if document_ids is not None:
            ids = iter(document_ids)
            while chunk := list(islice(ids, size)):
                yield chunk
            return
        last = -1
        while chunk := [r[0] for r in self.db.conn.execute(
                "SELECT id FROM documents WHERE id > ? ORDER BY id LIMIT ?", [last, size])]:
            yield chunk
            last = chunk[-1]

    def snapshot(self) -> AbstractContextManager[None]:
        """Reads in the block see one state of the file, even while another
        connection commits: a streamed export or check reads its chunks as
        they were when it began. Write nothing through this store inside it.
        An in-memory database has no other connection to keep out, and may be
        shared with the window's thread, so nothing is begun there."""
        return self._snapshot() if self.path is not None else nullcontext()

    @contextmanager
    def _snapshot(self) -> Iterator[None]:
        """Several reads that see one state of the file, even while another
        connection writes (WAL readers keep the snapshot they began with)."""
        conn = self.db.conn
        if conn.in_transaction:
            yield
            return
        conn.execute("BEGIN")
        try:
            yield
        finally:
            conn.execute("COMMIT")

    def import_annotated(self, records: Iterable[AnnotatedDocument], *, annotator: str | None = None,
                         progress: Callable[[int], bool | None] | None = None) -> ImportSummary:
        """Add documents with their annotations in one transaction: all or nothing.

        Documents already present (same text) are matched, not duplicated; their
        annotations are added to the layers named in the records (or to
        `annotator` when given), except spans and facts identical to ones the
        layer already has; a status the layer already has is kept. Labels the
        schema lacks are added. `progress`
        is called with the count done; returning False cancels, and the
        transaction is rolled back.
        """
        summary = ImportSummary()
        stamp = now()
        with self.db.atomic():
            last_ids = self._last_ids()
            bulk = BulkImport(self, annotator, summary, stamp, generated_color)
            bulk.run(records, progress, ImportCancelled)
            self._record_import(annotator, summary, last_ids, sorted(bulk.statuses_set_on_present))
        self._schema = None
        self._changed("schema")
        self._changed("documents")
        return summary

    def check(self) -> list[Problem]:
        """Every span whose covered text no longer matches its document, every
        span of a fact label stated by text without its fact, and every fact
        that breaks the schema or points at something gone (`problems`, listed)."""
        return list(self.problems())

    def problems(self) -> Iterator[Problem]:
        """`check`'s problems one at a time, by document, then spans in reading
        order, then facts by id. Documents are read 1,000 at a time in one
        snapshot, so memory stays flat and time linear however large the corpus."""
        schema = self.schema()
        trigger_labels = {label.name for label in schema.fact_labels if label.trigger}
        conn = self.db.conn
        with self._snapshot():
            for chunk in self.document_id_chunks():
                among, params = _among(chunk)
                texts = dict(conn.execute(f"SELECT id, text FROM documents WHERE id {among}", params))
                # by document only, as the index holds them: no sort; the few bad spans are sorted below
                spans = conn.execute(
                    f'SELECT document_id, id, start, "end", label, text FROM spans WHERE document_id {among} '
                    "ORDER BY document_id", params).fetchall()
                found: dict[int, list[Problem]] = {}
                for doc_id, group in groupby(spans, itemgetter(0)):
                    text = texts.get(doc_id)
                    if text is None:  # foreign keys forbid it: only damage does this
                        found.setdefault(doc_id, []).extend(
                            Problem(doc_id, "span", r[1], f"belongs to document {doc_id}, which does not exist")
                            for r in group)
                        continue
                    size = len(text)
                    # the test span_problems makes, inline: this loop sees every span of the corpus
                    bad = [r for r in group if not 0 <= r[2] < r[3] <= size or text[r[2]:r[3]] != r[5]]
                    for _, span_id, start, end, label, covered in sorted(bad, key=_bad_span_order):
                        span = Span(span_id, doc_id, "", start, end, label, covered)
                        found.setdefault(doc_id, []).extend(
                            Problem(doc_id, "span", span_id, m) for m in span_problems(span, text))
                facts_of = self._facts_where(f"document_id {among}", params)
                # a fact label's span with no fact stated by it: half of an edit
                stated = {doc_id: {f.span_id for f in facts} for doc_id, facts in facts_of.items()}
                for doc_id, span_id, start, end, label, covered in spans:
                    if label in trigger_labels:
                        span = Span(span_id, doc_id, "", start, end, label, covered)
                        found.setdefault(doc_id, []).extend(
                            Problem(doc_id, "span", span_id, m)
                            for m in trigger_problems(span, schema, span_id in stated.get(doc_id, ())))
                spans_of = {doc_id: list(group) for doc_id, group in groupby(spans, itemgetter(0))} if facts_of else {}
                for doc_id, facts in facts_of.items():
                    by_span = {r[1]: Span(r[1], doc_id, "", r[2], r[3], r[4], r[5]) for r in spans_of.get(doc_id, ())}
                    by_fact = {f.id: f for f in facts}
                    for fact in facts:
                        found.setdefault(doc_id, []).extend(
                            Problem(doc_id, "fact", fact.id, m)  # type: ignore[arg-type]
                            for m in fact_problems(fact, schema, by_span, by_fact))  # type: ignore[arg-type]
                for doc_id in sorted(found):
                    yield from found[doc_id]

    def _facts_where(self, where: str, params: list) -> dict[int, list[Fact]]:
        """The facts matching `where` (SQL over the facts table) with their
        arguments, by document, each document's in id order."""
        conn = self.db.conn
        facts = {r[0]: fact_from_row(r) for r in conn.execute(
            "SELECT id, document_id, annotator, label, span_id, attributes, note, created, updated "
            f"FROM facts WHERE {where} ORDER BY id", params)}
        if facts:
            for fact_id, role, span_id, target in conn.execute(
                    "SELECT fact_id, role, span_id, target_fact_id FROM fact_args WHERE fact_id IN "
                    f"(SELECT id FROM facts WHERE {where}) ORDER BY fact_id, position", params):
                facts[fact_id].args.append(Argument(role, span_id, target))
        by_document: dict[int, list[Fact]] = {}
        for fact in facts.values():
            by_document.setdefault(fact.document_id, []).append(fact)  # type: ignore[arg-type]
        return by_document
