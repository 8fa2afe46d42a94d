"""Whole annotated documents in and out, for formats and review: bundles of a
document with its layers, bulk import in one transaction, and the consistency check."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from itertools import groupby
from operator import itemgetter

from annotator.domain import AnnotatedDocument, Argument, Document, Fact, LabelledDocument, Span
from annotator.domain.validation import fact_problems, span_problems
from annotator.store.bulk_import import BulkImport
from annotator.store.core import StoreCore
from annotator.store.errors import ImportCancelled, StoreError
from annotator.store.results import ImportSummary, Problem
from annotator.store.rows import SPAN_COLUMNS, fact_from_row, generated_color, now


def _reading_order(span: Span) -> tuple[int, int, str, int]:
    return span.start, -span.end, span.label, span.id  # type: ignore[return-value]


def _among(chunk: list[int]) -> tuple[str, list[int]]:
    """SQL (after `document_id`) and parameters matching the ids of `chunk`."""
    if chunk[-1] - chunk[0] == len(chunk) - 1 and all(b - a == 1 for a, b in zip(chunk, chunk[1:])):
        # a run of ids (the usual case: every document) is one range scan of the index
        return "BETWEEN ? AND ?", [chunk[0], chunk[-1]]
    return f"IN ({','.join('?' * len(chunk))})", chunk


class BundlesMixin(StoreCore):
    """The bundles, import and check part of `Store`."""

    def annotated(self, document_id: int, annotators: Iterable[str] | None = None) -> AnnotatedDocument:
        """A document with the spans and facts of the given layers (all when None)."""
        doc = self.document(document_id)
        names = None if annotators is None else set(annotators)
        spans = [s for s in self.spans(document_id) if names is None or s.annotator in names]
        facts = [f for f in self.facts(document_id) if names is None or f.annotator in names]
        status = {k: v for k, v in self.statuses(document_id).items() if names is None or k in names}
        return AnnotatedDocument(doc, spans, facts, status)

    def annotated_many(self, document_ids: Iterable[int],
                       annotators: Iterable[str] | None = None, *,
                       span_details: bool = True) -> Iterator[AnnotatedDocument]:
        """`annotated` for many documents, in a few queries per 1,000 documents
        rather than several per document (agreement over a corpus, exports).

        `span_details=False` leaves out spans' attributes, notes and times
        (empty in the result): token formats and agreement never read them,
        and turning those columns into Python objects is most of the reading
        time of a large export.
        """
        ids = list(document_ids)
        names = None if annotators is None else list(dict.fromkeys(annotators))
        layer = "" if names is None else f" AND annotator IN ({','.join('?' * len(names))})"
        layer_params = [] if names is None else names
        conn = self.db.conn
        for offset in range(0, len(ids), 1000):
            chunk = ids[offset:offset + 1000]
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
            facts: dict[int, Fact] = {}
            for r in conn.execute(
                    "SELECT id, document_id, annotator, label, span_id, attributes, note, created, updated "
                    f"FROM facts WHERE {where} ORDER BY id", params):
                facts[r[0]] = fact_from_row(r)
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

    def labelled_many(self, document_ids: Iterable[int],
                      annotators: Iterable[str] | None = None) -> Iterator[LabelledDocument]:
        """The documents with each layer's spans as (start, end, label, id)
        ranges in reading order, and how many facts each layer holds: what the
        token formats write. About three times faster than `annotated_many`,
        since no `Span` is made and the `spans_by_document` index holds every
        column read, so SQLite never visits the table's rows.
        """
        ids = list(document_ids)
        names = None if annotators is None else list(dict.fromkeys(annotators))
        layer = "" if names is None else f" AND annotator IN ({','.join('?' * len(names))})"
        conn = self.db.conn
        for offset in range(0, len(ids), 1000):
            chunk = ids[offset:offset + 1000]
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
                statuses = conn.execute(
                    f"SELECT document_id, annotator, status FROM document_status WHERE {where} ORDER BY annotator",
                    params).fetchall()
            records = {doc_id: LabelledDocument(doc) for doc_id, doc in docs.items()}
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
            BulkImport(self, annotator, summary, stamp, generated_color).run(records, progress, ImportCancelled)
            self._record_import(annotator, summary, last_ids, stamp)
        self._schema = None
        self._changed("schema")
        self._changed("documents")
        return summary

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
