"""Finding documents: full-text search over titles and texts (the FTS5 index
of migration m006) combined with annotation terms, and the document list's
windowed reads (a page of summaries, a count, a document's row) over the same
matches, in document order. Every read here is indexed: none walks all
documents in Python.
"""

from __future__ import annotations

import functools
import json
import sqlite3
from array import array
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from annotator.domain.search import QuerySyntaxError, SearchQuery, TextTerm, parse_query
from annotator.store.errors import StoreError
from annotator.store.results import DocumentSummary, SearchHit
from annotator.store.search_terms import SearchTermsMixin

FINISHED = ("done", "reviewed")

_SUMMARY_COLUMNS = """doc.id, doc.title,
    (SELECT count(*) FROM spans s WHERE s.document_id = doc.id AND s.annotator = :who),
    (SELECT status FROM document_status ds WHERE ds.document_id = doc.id AND ds.annotator = :who),
    (SELECT group_concat(annotator, '\n') FROM document_status ds
        WHERE ds.document_id = doc.id AND ds.status IN ('done', 'reviewed'))"""

_SNIPPET = "snippet(documents_fts, -1, '[', ']', '…', 12)"
_OPENING = "substr(doc.text, 1, 100)"
"""What a hit shows when the query has no words to highlight (annotation terms only)."""

_SPAN_TERM_FUNCTION = "annotator_term_in"


class SearchQueryError(StoreError):
    """A search query that cannot be read: the message says why."""


@dataclass
class _Matches:
    """SQL naming the ids of the documents a query matches, read from the
    full-text index or the index of ids, never from the table of texts."""

    source: str
    where: str
    params: dict[str, Any]
    id: str
    """The expression of a matching document's id in `source`."""
    text: bool

    @property
    def everything(self) -> bool:
        """True when every document matches (an empty query)."""
        return self.where == "1" and not self.text

    def ids(self) -> str:
        """A query of the ids from row :offset on, :limit of them (-1: all), in order."""
        return (f"SELECT {self.id} FROM {self.source} WHERE {self.where} "
                f"ORDER BY {self.id} LIMIT :limit OFFSET :offset")


_UNCERTAINTY = "coalesce((SELECT uncertainty FROM tagger_uncertainty WHERE document_id = {id}), -1)"
"""How unsure the tagger is of a document (suggestions' active learning); -1 when it has not said."""

_LISTED_STATUS = """coalesce(
    (SELECT status FROM document_status ds WHERE ds.document_id = doc.id AND ds.annotator = :who),
    CASE WHEN EXISTS (SELECT 1 FROM spans s WHERE s.document_id = doc.id AND s.annotator = :who)
         THEN 'in_progress' ELSE 'todo' END)"""

ORDERS: dict[str, tuple[str, str]] = {
    "title": ("doc.title COLLATE NOCASE", "ASC"),  # along the index documents_by_title (m009)
    "status": (f"CASE {_LISTED_STATUS} WHEN 'todo' THEN 0 WHEN 'in_progress' THEN 1 WHEN 'done' THEN 2 ELSE 3 END",
               "ASC"),
    "spans": ("(SELECT count(*) FROM spans s WHERE s.document_id = doc.id AND s.annotator = :who)", "DESC"),
    "uncertainty": (_UNCERTAINTY.format(id="doc.id"), "DESC"),
}
"""The document list's orders besides document (import) order: a key of the
row `doc` (per annotator :who) and its direction; ties go in document order."""

SNAPSHOT_ORDERS = ("status", "spans")
"""Orders whose key is worked out per document (0.25 s at 100,000, seconds at a
million): sorted once into a `ListOrder`, not again for every page. The window
sorts on a connection of its own in the background and hands the result over
(`adopt_list_order`); any other read sorts first when no order is held."""

_STEPS_BETWEEN_LOOKS = 1_000_000
"""SQLite's steps between two looks at whether a sort should go on (a few ms)."""

_CHUNK = 2000
"""Documents of a sorted order looked at per query when seeking the next unfinished one."""


@dataclass(frozen=True)
class ListOrder:
    """The matches of a query sorted once in one of `SNAPSHOT_ORDERS`: which
    document is at each row, and (for a document's row) the ids in id order
    with their rows. About 24 bytes a document; rows keep their place while
    their documents are edited, as a filtered list keeps rows that stop matching."""

    key: tuple[str, str, str]
    """(query, annotator, order)."""
    ids: array
    """The document at each row."""
    by_id: array | None = None
    """The same ids in id order, when asked for (`list_order(..., rows=True)`)."""
    rows: array | None = None
    """The row of each of `by_id`."""

    def row_of(self, document_id: int) -> int | None:
        if self.by_id is None or self.rows is None:
            try:  # a walk over the ids in C: a few ms at 100,000
                return self.ids.index(document_id)
            except ValueError:
                return None
        i = bisect_left(self.by_id, document_id)
        return self.rows[i] if i < len(self.by_id) and self.by_id[i] == document_id else None


def _order(name: str) -> str:
    if name != "id" and name not in ORDERS:
        raise StoreError(f"unknown order {name!r} (one of id, {', '.join(ORDERS)})")
    return name


def _within(m: _Matches) -> str:
    """SQL true when `doc` is one of the matches (always, for no query)."""
    return "1" if m.where == "1" and not m.text else f"doc.id IN (SELECT {m.id} FROM {m.source} WHERE {m.where})"


def _keyed(order: str) -> tuple[str, str, str, str]:
    """(key, its value for document :id, the comparison of keys before it, of keys after it) in `order`.
    Rows before a document are counted as two index ranges (a smaller key; the
    same key and a smaller id) rather than one OR, which SQLite would read whole."""
    key, direction = ORDERS[order]
    anchor = f"(SELECT {key.replace('doc.', 'anchor.')} FROM documents anchor WHERE anchor.id = :id)"
    return (key, anchor, "<", ">") if direction == "ASC" else (key, anchor, ">", "<")

_BLOCK_BITS = 10
"""document_blocks counts the documents of each run of 2**10 ids (migration m010)."""

_IDS_BEFORE = (f"SELECT (SELECT coalesce(sum(n), 0) FROM document_blocks WHERE block < :id >> {_BLOCK_BITS}) + "
               f"(SELECT count(*) FROM documents INDEXED BY documents_by_id "
               f"WHERE id >= (:id >> {_BLOCK_BITS}) << {_BLOCK_BITS} AND id < :id)")
"""How many documents have a smaller id than :id: the blocks before its own summed, its own block counted."""

_BLOCK_OF_ROW = (f"SELECT block << {_BLOCK_BITS}, before FROM (SELECT block, n, sum(n) OVER (ORDER BY block) - n AS before "
                 f"FROM document_blocks) WHERE before + n > :row ORDER BY block LIMIT 1")
"""The first id of the block holding the document at row :row (from 0) of all documents, and the rows before that block."""


_UNFINISHED_BLOCKS = ("SELECT b.block FROM document_blocks b LEFT JOIN finished_blocks f "
                      "ON f.annotator = :who AND f.block = b.block "
                      "WHERE b.block >= :from AND b.n > coalesce(f.n, 0) ORDER BY b.block")
"""The runs of ids (from the run of id :from on) holding a document :who has not finished."""

_UNFINISHED_IN_BLOCK = (
    f"SELECT doc.id FROM documents doc INDEXED BY documents_by_id "
    f"WHERE doc.id >= :block << {_BLOCK_BITS} AND doc.id < (:block + 1) << {_BLOCK_BITS} AND doc.id > :after "
    f"AND NOT EXISTS (SELECT 1 FROM document_status ds WHERE ds.document_id = doc.id AND ds.annotator = :who "
    f"AND ds.status IN ('done', 'reviewed')) ORDER BY doc.id")
"""The documents after :after in the run :block that :who has not finished."""

_FEW_UNFINISHED = 1000
"""At most this many unfinished documents are looked up by their runs of ids and the list's order
and filter applied to them, rather than the list read until one comes (which, nearly all done,
reads nearly every row after the current one; by status, every finished row)."""


def _summary(row: tuple) -> DocumentSummary:
    return DocumentSummary(row[0], row[1], row[2], row[3] or ("in_progress" if row[2] else "todo"),
                           sorted(row[4].split("\n")) if row[4] else [])


@functools.lru_cache(maxsize=65536)
def _term_in(text: str, wanted: str, prefix: int) -> bool:
    # cached: the same names fill spans across a corpus (every "Joko Widodo")
    return TextTerm(tuple(wanted.split(" ")), bool(prefix)).found_in(text)


def install_search_functions(conn: sqlite3.Connection) -> None:
    """The SQL function that matches a search term against a span's text (in
    Python, folding words as the index does); every connection needs it."""
    conn.create_function(_SPAN_TERM_FUNCTION, 3, _term_in, deterministic=True)


class SearchMixin(SearchTermsMixin):
    """The search and document-list part of `Store`."""

    _list_order: ListOrder | None = None
    """The sorted order the list's reads in `SNAPSHOT_ORDERS` follow."""

    def search(self, query: str, *, limit: int = 20, offset: int = 0) -> list[SearchHit]:
        """Documents matching `query`, in document order, with a snippet whose
        matched words are [bracketed]. Raises `SearchQueryError` for a query
        that cannot be read."""
        parsed = self._parse(query)
        if parsed.is_empty:
            raise SearchQueryError("search: the query is empty; give words, \"a phrase\", prefix*, "
                                   "label:NAME, status:STATUS or annotator:NAME")
        m = self._matches(parsed)
        params = {**m.params, "limit": limit, "offset": offset}
        if m.text:  # snippet() needs the full-text match in the same query
            sql = (f"SELECT doc.id, doc.title, {_SNIPPET} FROM {m.source} CROSS JOIN documents doc "
                   f"ON doc.id = {m.id} WHERE {m.where} ORDER BY {m.id} LIMIT :limit OFFSET :offset")
        else:
            sql = f"SELECT doc.id, doc.title, {_OPENING} FROM documents doc WHERE doc.id IN ({m.ids()}) ORDER BY doc.id"
        rows = self._run(sql, params, query)
        return [SearchHit(r[0], r[1], " ".join(r[2].split())) for r in rows]

    def document_count(self, query: str = "") -> int:
        """How many documents match `query` (all of them for an empty query)."""
        parsed = self._parse(query)
        if parsed.is_empty:
            return self.db.execute("SELECT n FROM document_count").fetchone()[0]
        m = self._matches(parsed)
        return self._run(f"SELECT count(*) FROM {m.source} WHERE {m.where}", m.params, query)[0][0]

    def document_page(self, annotator: str, query: str = "", offset: int = 0,
                      limit: int | None = None, *, by_uncertainty: bool = False,
                      order: str = "id") -> list[DocumentSummary]:
        """Summaries of the matching documents from row `offset` on, with
        `annotator`'s span count and status. In document order, or by one of
        `ORDERS` (title, status, span count); with `by_uncertainty` the ones
        the tagger is least sure of first."""
        m = self._matches(self._parse(query))
        limit = -1 if limit is None else limit
        order = "uncertainty" if by_uncertainty else _order(order)
        if order == "uncertainty":
            return self._summaries_of(self._ids_by_uncertainty(m, offset, limit, query), annotator)
        if order in SNAPSHOT_ORDERS:
            ids = self._take_list_order(annotator, query, order).ids
            return self._summaries_of(list(ids[offset:] if limit < 0 else ids[offset:offset + limit]), annotator)
        params = {**m.params, "who": annotator, "limit": limit, "offset": offset}
        if order != "id":
            key, direction = ORDERS[order]
            rows = self._run(
                f"SELECT {_SUMMARY_COLUMNS} FROM documents doc WHERE {_within(m)} "
                f"ORDER BY {key} {direction}, doc.id LIMIT :limit OFFSET :offset", params, query)
        else:
            if m.everything and offset > 0:
                # skip whole blocks of ids by their counts, then count off the rest
                block = self.db.execute(_BLOCK_OF_ROW, {"row": offset}).fetchone()
                if block is None:
                    return []
                m = _Matches(m.source, f"{m.id} >= :first", {"first": block[0]}, m.id, False)
                params = {**m.params, "who": annotator, "limit": limit, "offset": offset - block[1]}
            # the ids are counted off in the slim index; only the page's rows are read
            rows = self._run(f"SELECT {_SUMMARY_COLUMNS} FROM documents doc WHERE doc.id IN ({m.ids()}) "
                             "ORDER BY doc.id", params, query)
        return [_summary(r) for r in rows]

    def _summaries_of(self, ids: list[int], annotator: str) -> list[DocumentSummary]:
        """The summaries of documents `ids`, in that order (those deleted since left out)."""
        rows = self.db.execute(f"SELECT {_SUMMARY_COLUMNS} FROM documents doc WHERE doc.id IN "
                               f"(SELECT value FROM json_each(:ids))", {"who": annotator, "ids": json.dumps(ids)})
        place = {doc_id: i for i, doc_id in enumerate(ids)}
        return sorted(map(_summary, rows), key=lambda summary: place[summary.id])

    def list_order(self, annotator: str, query: str, order: str, *, rows: bool = False,
                   keep_going: Callable[[], bool] | None = None) -> ListOrder:
        """Sort the matches of `query` in `order` (one of `SNAPSHOT_ORDERS`), for
        `annotator`: seconds at a million documents, so the window does it on a
        connection of its own, off its thread, and hands it to `adopt_list_order`.
        With `rows`, also the ids in id order with their rows, so that a document's
        row is a bisection (a third more time: for the window's background sort).
        `keep_going` is asked now and then; once it says no, the sort stops with a `StoreError`."""
        if order not in SNAPSHOT_ORDERS:
            raise StoreError(f"order {order!r} is read along an index, not sorted (sorted: {', '.join(SNAPSHOT_ORDERS)})")
        m = self._matches(self._parse(query))
        key, direction = ORDERS[order]
        params = {**m.params, "who": annotator}
        if keep_going is not None:
            self.db.conn.set_progress_handler(lambda: 0 if keep_going() else 1, _STEPS_BETWEEN_LOOKS)
        try:  # reads only: a read-only database sorts too
            if not rows:
                return ListOrder((query, annotator, order), array("q", (r[0] for r in self.db.conn.execute(
                    f"SELECT doc.id FROM documents doc WHERE {_within(m)} ORDER BY {key} {direction}, doc.id",
                    params))))
            # the row of each document handed out in id order: both arrays without a sort in Python
            by_id, row_of_id = array("q"), array("q")
            for document_id, row in self.db.conn.execute(
                    f"SELECT doc.id, row_number() OVER (ORDER BY {key} {direction}, doc.id) - 1 "
                    f"FROM documents doc WHERE {_within(m)} ORDER BY doc.id", params):
                by_id.append(document_id)
                row_of_id.append(row)
            ids = array("q", bytes(8 * len(by_id)))
            for document_id, row in zip(by_id, row_of_id):
                ids[row] = document_id
            return ListOrder((query, annotator, order), ids, by_id, row_of_id)
        except sqlite3.OperationalError as exc:
            if keep_going is not None and "interrupt" in str(exc):
                raise StoreError("the sort was stopped") from exc
            if "fts5" in str(exc):
                raise SearchQueryError(f"search {query!r}: {exc}") from exc
            raise
        finally:
            self.db.conn.set_progress_handler(None, 0)

    def adopt_list_order(self, sorted_order: ListOrder) -> None:
        """Read the list in `sorted_order` (made by `list_order`, on this or another connection)
        until `forget_list_order` or another query, annotator or order."""
        self._list_order = sorted_order

    def _take_list_order(self, annotator: str, query: str, order: str) -> ListOrder:
        """The sorted order held for these reads, sorted first when none is."""
        if self._list_order is None or self._list_order.key != (query, annotator, order):
            self._list_order = self.list_order(annotator, query, order)
        return self._list_order

    def forget_list_order(self) -> None:
        """Sort again at the next read (the list is reloaded: documents came, the filter changed)."""
        self._list_order = None

    def _ids_by_uncertainty(self, m: _Matches, offset: int, limit: int, query: str) -> list[int]:
        """Ids of the matches from row `offset` on, the ones the tagger is least
        sure of first, then the ones it has not measured (as -1) in id order:
        read in the order of the index of uncertainties, not sorted."""
        if self._unmeasured_mixed():
            return [r[0] for r in self._run(
                f"SELECT {m.id} FROM {m.source} WHERE {m.where} "
                f"ORDER BY {_UNCERTAINTY.format(id=m.id)} DESC, {m.id} LIMIT :limit OFFSET :offset",
                {**m.params, "limit": limit, "offset": offset}, query)]
        matching = "" if m.everything else f"WHERE t.document_id IN (SELECT {m.id} FROM {m.source} WHERE {m.where})"
        measured = [r[0] for r in self._run(
            f"SELECT t.document_id FROM tagger_uncertainty t {matching} "
            f"ORDER BY t.uncertainty DESC, t.document_id LIMIT :limit OFFSET :offset",
            {**m.params, "limit": limit, "offset": offset}, query)]
        if 0 <= limit <= len(measured):
            return measured
        before = offset + len(measured) if measured else self._run(
            f"SELECT count(*) FROM tagger_uncertainty t {matching}", m.params, query)[0][0]
        rest = [r[0] for r in self._run(
            f"SELECT {m.id} FROM {m.source} WHERE {m.where} AND NOT EXISTS "
            f"(SELECT 1 FROM tagger_uncertainty t WHERE t.document_id = {m.id}) ORDER BY {m.id} LIMIT :limit OFFSET :offset",
            {**m.params, "limit": limit - len(measured) if limit >= 0 else -1,
             "offset": max(offset - before, 0)}, query)]
        return measured + rest

    def document_summaries(self, annotator: str, query: str = "") -> list[DocumentSummary]:
        """Every document matching `query` (all for an empty one) with the annotator's
        span count and status: for short lists (review's choice of documents)."""
        return self.document_page(annotator, query)

    def document_summary(self, document_id: int, annotator: str) -> DocumentSummary:
        row = self.db.execute(f"SELECT {_SUMMARY_COLUMNS} FROM documents doc WHERE doc.id = :id",
                              {"who": annotator, "id": document_id}).fetchone()
        if row is None:
            raise StoreError(f"no document with id {document_id}")
        return _summary(row)

    def document_position(self, document_id: int, query: str = "", *, by_uncertainty: bool = False,
                          order: str = "id", annotator: str = "") -> int | None:
        """The row of a document among the matches of `query` in the list's
        order (None when it does not match)."""
        m = self._matches(self._parse(query))
        params = {**m.params, "id": document_id, "who": annotator}
        order = "uncertainty" if by_uncertainty else _order(order)
        if order in SNAPSHOT_ORDERS:
            return self._take_list_order(annotator, query, order).row_of(document_id)
        if not self._run(f"SELECT 1 FROM {m.source} WHERE {m.where} AND {m.id} = :id", params, query):
            return None
        if order == "uncertainty":
            return self._uncertainty_position(m, document_id, query)
        if order == "id":
            if m.everything:
                return self.db.execute(_IDS_BEFORE, {"id": document_id}).fetchone()[0]
            return self._run(f"SELECT count(*) FROM {m.source} WHERE {m.where} AND {m.id} < :id",
                             params, query)[0][0]
        key, anchor, ahead, _ = _keyed(order)
        within = _within(m)
        return self._run(f"SELECT (SELECT count(*) FROM documents doc WHERE {within} AND {key} {ahead} {anchor}) + "
                         f"(SELECT count(*) FROM documents doc WHERE {within} AND {key} = {anchor} AND doc.id < :id)",
                         params, query)[0][0]

    def next_unfinished(self, annotator: str, after: int | None, query: str = "", *,
                        by_uncertainty: bool = False, order: str = "id") -> int | None:
        """The first document after `after` in the list (the matches of `query`
        in that order) that `annotator` has not marked done or reviewed, going
        round to the top; None when every listed document is finished."""
        m = self._matches(self._parse(query))
        params = {**m.params, "who": annotator, "id": after if after is not None else 0}
        order = "uncertainty" if by_uncertainty else _order(order)
        unfinished = ("NOT EXISTS (SELECT 1 FROM document_status ds WHERE ds.document_id = doc.id "
                      "AND ds.annotator = :who AND ds.status IN ('done', 'reviewed'))")
        if order == "id" and m.everything:
            return self._next_unfinished_by_blocks(annotator, after)
        if order in SNAPSHOT_ORDERS:
            return self._next_unfinished_in(self._take_list_order(annotator, query, order), annotator, after)
        # With few documents left unfinished, those are found by their runs of ids (m012) and the list's
        # order and filter applied to them alone, instead of the list read until one comes: by title, a
        # filter or uncertainty, nearly all done meant reading nearly every document after the current one
        source, within = "documents doc", _within(m)
        few = self._few_unfinished(annotator)
        if few is not None:
            source = "json_each(:few) few CROSS JOIN documents doc ON doc.id = few.value"
            within = "1" if m.everything else f"EXISTS (SELECT 1 FROM {m.source} WHERE {m.where} AND {m.id} = doc.id)"
            params["few"] = json.dumps(few)
        if order == "id":
            first = f"SELECT doc.id FROM {source} WHERE {within} AND {unfinished} {{}} ORDER BY doc.id LIMIT 1"
            later = ["AND doc.id > :id"]
        else:
            key, anchor, _, behind = _keyed(order)
            first = (f"SELECT doc.id FROM {source} WHERE {within} AND {unfinished} {{}} "
                     f"ORDER BY {key} {ORDERS[order][1]}, doc.id LIMIT 1")
            later = [f"AND {key} = {anchor} AND doc.id > :id", f"AND {key} {behind} {anchor}"]  # ties, then the rest
        for condition in later if after is not None else []:
            rows = self._run(first.format(condition), params, query)
            if rows:
                return rows[0][0]
        rows = self._run(first.format(""), params, query)  # round to the top
        return rows[0][0] if rows and rows[0][0] != after else None

    def _next_unfinished_in(self, sorted_order: ListOrder, annotator: str, after: int | None) -> int | None:
        """`next_unfinished` along a sorted order, a few thousand rows a query."""
        ids = sorted_order.ids
        row = None if after is None else sorted_order.row_of(after)
        start = 0 if row is None else row + 1
        few = self._few_unfinished(annotator) if not sorted_order.key[0] and sorted_order.by_id is not None else None
        if few is not None:
            rows = sorted(r for r in map(sorted_order.row_of, few) if r is not None)
            later = [r for r in rows if r >= start]
            if later:
                return ids[later[0]]
            return ids[rows[0]] if rows and ids[rows[0]] != after else None  # round to the top
        for begin, end in ((start, len(ids)), (0, start)):  # then round to the top
            for chunk in range(begin, end, _CHUNK):
                found = self.db.execute(
                    "SELECT j.value FROM json_each(:ids) j WHERE EXISTS (SELECT 1 FROM documents WHERE id = j.value) "
                    "AND NOT EXISTS (SELECT 1 FROM document_status ds WHERE ds.document_id = j.value "
                    "AND ds.annotator = :who AND ds.status IN ('done', 'reviewed')) ORDER BY j.key LIMIT 1",
                    {"ids": json.dumps(list(ids[chunk:min(chunk + _CHUNK, end)])), "who": annotator}).fetchone()
                if found is not None:
                    return None if begin == 0 and found[0] == after else found[0]
        return None

    def _few_unfinished(self, annotator: str) -> list[int] | None:
        """Every document `annotator` has not finished, when there are at most `_FEW_UNFINISHED`
        (found by the runs of ids holding one, m012); None when there are more."""
        if self.document_count() - self.finished_count(annotator) > _FEW_UNFINISHED:
            return None
        params = {"who": annotator, "after": -1, "from": 0}
        return [document_id for (block,) in self.db.execute(_UNFINISHED_BLOCKS, params).fetchall()
                for (document_id,) in self.db.execute(_UNFINISHED_IN_BLOCK, {**params, "block": block})]

    def _next_unfinished_by_blocks(self, annotator: str, after: int | None) -> int | None:
        """`next_unfinished` over every document in id order: the runs of ids
        holding fewer finished documents than documents (m012) are found from
        the counts, and the first such run after `after` read, so nearly all
        documents being done costs a look at each run's counts, not at each status."""
        for low in ((after, -1) if after is not None else (-1,)):
            params = {"who": annotator, "after": low, "from": max(low, 0) >> _BLOCK_BITS}
            for (block,) in self.db.execute(_UNFINISHED_BLOCKS, params).fetchall():
                row = self.db.execute(_UNFINISHED_IN_BLOCK + " LIMIT 1", {**params, "block": block}).fetchone()
                if row is not None:
                    return None if low != after and row[0] == after else row[0]
        return None

    def _unmeasured_mixed(self) -> bool:
        """Whether a measure sits at or below the -1 of "not measured", so that
        the two cannot be read one after the other and are sorted instead (the
        tagger gives none: its uncertainty is between 0 and 1)."""
        return self.db.execute("SELECT 1 FROM tagger_uncertainty WHERE uncertainty <= -1 LIMIT 1").fetchone() is not None

    def _uncertainty_position(self, m: _Matches, document_id: int, query: str) -> int:
        # counted in the index of uncertainties, over the matches when filtered
        params = {**m.params, "id": document_id}
        if self._unmeasured_mixed():
            key = _UNCERTAINTY.format(id=m.id)
            params["u"] = self.db.execute(f"SELECT {_UNCERTAINTY.format(id=':id')}", params).fetchone()[0]
            return self._run(f"SELECT count(*) FROM {m.source} WHERE {m.where} AND "
                             f"({key} > :u OR ({key} = :u AND {m.id} < :id))", params, query)[0][0]
        matching = "" if m.everything else f"AND t.document_id IN (SELECT {m.id} FROM {m.source} WHERE {m.where})"
        row = self.db.execute("SELECT uncertainty FROM tagger_uncertainty WHERE document_id = :id", params).fetchone()
        if row is not None:
            params["u"] = row[0]
            return self._run(f"SELECT count(*) FROM tagger_uncertainty t WHERE "
                             f"(t.uncertainty > :u OR (t.uncertainty = :u AND t.document_id < :id)) {matching}",
                             params, query)[0][0]
        measured = self._run(f"SELECT count(*) FROM tagger_uncertainty t WHERE 1 {matching}", params, query)[0][0]
        if m.everything:
            return measured + self.db.execute(_IDS_BEFORE, params).fetchone()[0] - self.db.execute(
                "SELECT count(*) FROM tagger_uncertainty WHERE document_id < :id", params).fetchone()[0]
        unmeasured_before = self._run(
            f"SELECT count(*) FROM {m.source} WHERE {m.where} AND {m.id} < :id AND NOT EXISTS "
            f"(SELECT 1 FROM tagger_uncertainty t WHERE t.document_id = {m.id})", params, query)[0][0]
        return measured + unmeasured_before

    def finished_count(self, annotator: str) -> int:
        """Documents `annotator` has marked done or reviewed: two counts kept by triggers (m012)."""
        return self.db.execute(
            "SELECT coalesce(sum(n), 0) FROM status_counts WHERE annotator = ? AND status IN ('done', 'reviewed')",
            [annotator]).fetchone()[0]

    # -- queries into SQL -----------------------------------------------------

    def _parse(self, query: str) -> SearchQuery:
        try:
            parsed = parse_query(query)
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

    def _fts_term(self, term: TextTerm) -> str:
        """`term` in FTS5 syntax, a prefix spelled out into the words it stands
        for (read lazily, in document order, where FTS5 would merge them first)."""
        if not term.prefix:
            return term.fts()
        words = self.words_starting(term.words[-1])
        if not words:  # too many to spell out, or none (then FTS5 finds none, at once)
            return term.fts()
        phrase = " ".join(term.words[:-1])
        return "(" + " OR ".join(f'"{phrase} {word}"' if phrase else f'"{word}"' for word in words) + ")"

    def _matches(self, query: SearchQuery) -> _Matches:
        params: dict[str, Any] = {}
        conditions: list[str] = []

        def param(value: Any) -> str:
            name = f"p{len(params)}"
            params[name] = value
            return f":{name}"

        if query.text:
            # the index yields ids in order; conditions test the id, so no text is read
            source, doc = "documents_fts", "documents_fts.rowid"
            params["match"] = " AND ".join(map(self._fts_term, query.text))
            conditions.append("documents_fts MATCH :match")
        else:
            source, doc = "documents d", "d.id"
        scopes: list[str | None] = list(dict.fromkeys(query.annotators)) or [None]
        for who in scopes:
            layer = "" if who is None else f" AND s.annotator = {param(who)}"
            if who is not None and not query.labels and not query.statuses:
                conditions.append(
                    f"(EXISTS (SELECT 1 FROM spans s WHERE s.document_id = {doc}{layer}) OR EXISTS "
                    f"(SELECT 1 FROM document_status ds WHERE ds.document_id = {doc} AND ds.annotator = {param(who)}))")
            # +s.label: look the document's spans up (spans_by_document), never
            # every span of the label (spans_by_label), which SQLite may prefer
            for label in dict.fromkeys(query.labels):
                conditions.append(
                    f"EXISTS (SELECT 1 FROM spans s WHERE s.document_id = {doc} AND +s.label = {param(label)}{layer})")
            if query.labels:
                # the words must be in the text of spans of those labels: label:PERSON Putin
                labels = ", ".join(param(label) for label in dict.fromkeys(query.labels))
                for term in query.text:
                    conditions.append(
                        f"EXISTS (SELECT 1 FROM spans s WHERE s.document_id = {doc} AND +s.label IN ({labels}){layer} "
                        f"AND {_SPAN_TERM_FUNCTION}(s.text, {param(' '.join(term.words))}, {int(term.prefix)}))")
            for status in dict.fromkeys(query.statuses):
                conditions.append(_status_condition(status, who, doc, param))
        return _Matches(source, " AND ".join(conditions) or "1", params, doc, bool(query.text))


def _status_condition(status: str, who: str | None, doc: str, param: Callable[[Any], str]) -> str:
    """SQL true when the document `doc` has `status` for `who` (for anyone when None).

    A status is the one the list shows: the annotator's recorded status, else
    "in progress" once they have spans, else "to do". For anyone, "to do"
    means nobody has begun the document. "finished" is done or reviewed.
    """
    recorded_by_anyone = f"SELECT 1 FROM document_status ds WHERE ds.document_id = {doc}"
    if status == "finished":
        if who is None:
            return f"EXISTS ({recorded_by_anyone} AND ds.status IN ('done', 'reviewed'))"
        return (f"(SELECT status FROM document_status ds WHERE ds.document_id = {doc} "
                f"AND ds.annotator = {param(who)}) IN ('done', 'reviewed')")
    if who is None:
        if status in FINISHED:
            return f"EXISTS ({recorded_by_anyone} AND ds.status = {param(status)})"
        if status == "in_progress":
            unrecorded_layer = (f"EXISTS (SELECT 1 FROM spans s WHERE s.document_id = {doc} AND NOT EXISTS "
                                f"({recorded_by_anyone} AND ds.annotator = s.annotator))")
            return f"(EXISTS ({recorded_by_anyone} AND ds.status = 'in_progress') OR {unrecorded_layer})"
        return (f"(NOT EXISTS ({recorded_by_anyone} AND ds.status <> 'todo') "
                f"AND NOT EXISTS (SELECT 1 FROM spans s WHERE s.document_id = {doc}))")
    recorded = f"SELECT status FROM document_status ds WHERE ds.document_id = {doc} AND ds.annotator = {param(who)}"
    if status in FINISHED:
        return f"({recorded}) = {param(status)}"
    has_spans = f"EXISTS (SELECT 1 FROM spans s WHERE s.document_id = {doc} AND s.annotator = {param(who)})"
    return f"coalesce(({recorded}), CASE WHEN {has_spans} THEN 'in_progress' ELSE 'todo' END) = {param(status)}"
