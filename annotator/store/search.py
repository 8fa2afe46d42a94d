"""Finding documents: full-text search over titles and texts (the FTS5 index
of migration m006) combined with annotation terms, and the document list's
windowed reads (a page of summaries, a count, a document's row) over the same
matches, in document order. Every read here is indexed: none walks all
documents in Python.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any

from annotator.domain.search import QuerySyntaxError, SearchQuery, TextTerm, parse_query
from annotator.store.core import StoreCore
from annotator.store.errors import StoreError
from annotator.store.results import DocumentSummary, SearchHit

FINISHED = ("done", "reviewed")

_SUMMARY_COLUMNS = """d.id, d.title,
    (SELECT count(*) FROM spans s WHERE s.document_id = d.id AND s.annotator = :who),
    (SELECT status FROM document_status ds WHERE ds.document_id = d.id AND ds.annotator = :who),
    (SELECT group_concat(annotator, '\n') FROM document_status ds
        WHERE ds.document_id = d.id AND ds.status IN ('done', 'reviewed'))"""

_SNIPPET = "snippet(documents_fts, -1, '[', ']', '…', 12)"
_OPENING = "substr(d.text, 1, 100)"
"""What a hit shows when the query has no words to highlight (annotation terms only)."""

_SPAN_TERM_FUNCTION = "annotator_term_in"


class SearchQueryError(StoreError):
    """A search query that cannot be read: the message says why."""


@dataclass
class _Matches:
    """SQL naming the documents a query matches, `d` being the document."""

    source: str
    where: str
    params: dict[str, Any]
    ordered_by: str
    text: bool


def _summary(row: tuple) -> DocumentSummary:
    return DocumentSummary(row[0], row[1], row[2], row[3] or ("in_progress" if row[2] else "todo"),
                           sorted(row[4].split("\n")) if row[4] else [])


def _term_in(text: str, wanted: str, prefix: int) -> bool:
    return TextTerm(tuple(wanted.split(" ")), bool(prefix)).found_in(text)


def install_search_functions(conn: sqlite3.Connection) -> None:
    """The SQL function that matches a search term against a span's text (in
    Python, folding words as the index does); every connection needs it."""
    conn.create_function(_SPAN_TERM_FUNCTION, 3, _term_in, deterministic=True)


class SearchMixin(StoreCore):
    """The search and document-list part of `Store`."""

    def search(self, query: str, *, limit: int = 20, offset: int = 0) -> list[SearchHit]:
        """Documents matching `query`, in document order, with a snippet whose
        matched words are [bracketed]. Raises `SearchQueryError` for a query
        that cannot be read."""
        parsed = self._parse(query)
        if parsed.is_empty:
            raise SearchQueryError("search: the query is empty; give words, \"a phrase\", prefix*, "
                                   "label:NAME, status:STATUS or annotator:NAME")
        m = self._matches(parsed)
        snippet = _SNIPPET if m.text else _OPENING
        rows = self._run(
            f"SELECT d.id, d.title, {snippet} FROM {m.source} WHERE {m.where} "
            f"ORDER BY {m.ordered_by} LIMIT :limit OFFSET :offset",
            {**m.params, "limit": limit, "offset": offset}, query)
        return [SearchHit(r[0], r[1], " ".join(r[2].split())) for r in rows]

    def document_count(self, query: str = "", *, last_word_prefix: bool = False) -> int:
        """How many documents match `query` (all of them for an empty query)."""
        parsed = self._parse(query, last_word_prefix)
        if parsed.is_empty:
            return self.db.execute("SELECT n FROM document_count").fetchone()[0]
        m = self._matches(parsed)
        return self._run(f"SELECT count(*) FROM {m.source} WHERE {m.where}", m.params, query)[0][0]

    def document_page(self, annotator: str, query: str = "", offset: int = 0, limit: int | None = None, *,
                      last_word_prefix: bool = False) -> list[DocumentSummary]:
        """Summaries of the matching documents from row `offset` on (document order),
        with `annotator`'s span count and status."""
        m = self._matches(self._parse(query, last_word_prefix))
        rows = self._run(
            f"SELECT {_SUMMARY_COLUMNS} FROM {m.source} WHERE {m.where} "
            f"ORDER BY {m.ordered_by} LIMIT :limit OFFSET :offset",
            {**m.params, "who": annotator, "limit": -1 if limit is None else limit, "offset": offset}, query)
        return [_summary(r) for r in rows]

    def document_summaries(self, annotator: str, query: str = "") -> list[DocumentSummary]:
        """Every document matching `query` (all for an empty one) with the annotator's
        span count and status: for short lists (review's choice of documents)."""
        return self.document_page(annotator, query)

    def document_summary(self, document_id: int, annotator: str) -> DocumentSummary:
        row = self.db.execute(f"SELECT {_SUMMARY_COLUMNS} FROM documents d WHERE d.id = :id",
                              {"who": annotator, "id": document_id}).fetchone()
        if row is None:
            raise StoreError(f"no document with id {document_id}")
        return _summary(row)

    def document_position(self, document_id: int, query: str = "", *, last_word_prefix: bool = False) -> int | None:
        """The row of a document among the matches of `query` (None when it does not match)."""
        m = self._matches(self._parse(query, last_word_prefix))
        params = {**m.params, "id": document_id}
        if not self._run(f"SELECT 1 FROM {m.source} WHERE {m.where} AND {m.ordered_by} = :id", params, query):
            return None
        return self._run(f"SELECT count(*) FROM {m.source} WHERE {m.where} AND {m.ordered_by} < :id",
                         params, query)[0][0]

    def finished_count(self, annotator: str) -> int:
        """Documents `annotator` has marked done or reviewed (an index range, not every status)."""
        return self.db.execute(
            "SELECT count(*) FROM document_status WHERE annotator = ? AND status IN ('done', 'reviewed')",
            [annotator]).fetchone()[0]

    # -- queries into SQL -----------------------------------------------------

    def _parse(self, query: str, last_word_prefix: bool = False) -> SearchQuery:
        try:
            parsed = parse_query(query, last_word_prefix=last_word_prefix)
        except QuerySyntaxError as exc:
            raise SearchQueryError(str(exc)) from exc
        names = {label.name.casefold(): label.name for label in self.schema().labels}
        for i, label in enumerate(parsed.labels):
            if label.casefold() not in names:
                raise SearchQueryError(f"search {query!r}: no label named {label!r}")
            parsed.labels[i] = names[label.casefold()]
        return parsed

    def _run(self, sql: str, params: dict[str, Any], query: str) -> list[tuple]:
        try:
            return self.db.execute(sql, params).fetchall()
        except sqlite3.OperationalError as exc:
            if "fts5" in str(exc):  # the terms are quoted, so this should not happen; still a message
                raise SearchQueryError(f"search {query!r}: {exc}") from exc
            raise

    def _matches(self, query: SearchQuery) -> _Matches:
        params: dict[str, Any] = {}
        conditions: list[str] = []

        def param(value: Any) -> str:
            name = f"p{len(params)}"
            params[name] = value
            return f":{name}"

        scopes: list[str | None] = list(dict.fromkeys(query.annotators)) or [None]
        for who in scopes:
            layer = "" if who is None else f" AND s.annotator = {param(who)}"
            if who is not None and not query.labels and not query.statuses:
                conditions.append(
                    f"(EXISTS (SELECT 1 FROM spans s WHERE s.document_id = d.id{layer}) OR EXISTS "
                    f"(SELECT 1 FROM document_status ds WHERE ds.document_id = d.id AND ds.annotator = {param(who)}))")
            for label in dict.fromkeys(query.labels):
                conditions.append(
                    f"EXISTS (SELECT 1 FROM spans s WHERE s.document_id = d.id AND s.label = {param(label)}{layer})")
            if query.labels:
                # the words must be in the text of spans of those labels: label:PERSON Putin
                labels = ", ".join(param(label) for label in dict.fromkeys(query.labels))
                for term in query.text:
                    conditions.append(
                        f"EXISTS (SELECT 1 FROM spans s WHERE s.document_id = d.id AND s.label IN ({labels}){layer} "
                        f"AND {_SPAN_TERM_FUNCTION}(s.text, {param(' '.join(term.words))}, {int(term.prefix)}))")
            for status in dict.fromkeys(query.statuses):
                conditions.append(self._status_condition(status, who, param))
        if query.text:
            params["match"] = " ".join(term.fts() for term in query.text)
            # CROSS JOIN keeps the index outside: SQLite walks the matches in
            # rowid order and looks each document up, never the other way round
            source = "documents_fts CROSS JOIN documents d ON d.id = documents_fts.rowid"
            conditions.insert(0, "documents_fts MATCH :match")
            ordered_by = "documents_fts.rowid"
        else:
            source, ordered_by = "documents d", "d.id"
        return _Matches(source, " AND ".join(conditions) or "1", params, ordered_by, bool(query.text))

    @staticmethod
    def _status_condition(status: str, who: str | None, param) -> str:
        # A status is the one the list shows: the annotator's recorded status,
        # else "in progress" once they have spans, else "to do".
        if who is None:
            if status in FINISHED:
                return f"EXISTS (SELECT 1 FROM document_status ds WHERE ds.document_id = d.id AND ds.status = {param(status)})"
            unrecorded_layer = ("EXISTS (SELECT 1 FROM spans s WHERE s.document_id = d.id AND NOT EXISTS "
                                "(SELECT 1 FROM document_status ds WHERE ds.document_id = d.id "
                                "AND ds.annotator = s.annotator))")
            if status == "in_progress":
                return ("(EXISTS (SELECT 1 FROM document_status ds WHERE ds.document_id = d.id "
                        f"AND ds.status = 'in_progress') OR {unrecorded_layer})")
            # todo: nobody has begun it
            return ("(NOT EXISTS (SELECT 1 FROM document_status ds WHERE ds.document_id = d.id "
                    "AND ds.status <> 'todo') AND NOT EXISTS (SELECT 1 FROM spans s WHERE s.document_id = d.id))")
        recorded = f"SELECT status FROM document_status ds WHERE ds.document_id = d.id AND ds.annotator = {param(who)}"
        if status in FINISHED:
            return f"({recorded}) = {param(status)}"
        has_spans = f"EXISTS (SELECT 1 FROM spans s WHERE s.document_id = d.id AND s.annotator = {param(who)})"
        shown = f"CASE WHEN {has_spans} THEN 'in_progress' ELSE 'todo' END"
        return f"coalesce(({recorded}), {shown}) = {param(status)}"
