"""A layer's spans by position, without loading the layer.

The window shows articles of 10 MB with 100,000 spans: it paints the spans
of the lines on screen and lists the rows of the span table in view, so it
asks for spans by where they lie. Every query here is a range of the
`spans_by_document` index (document, annotator, start, end DESC, label),
whose order is the reading order (`domain.reading_order`), so SQLite neither
sorts nor, for (start, end, label, id), visits the table.
"""

from __future__ import annotations

from collections.abc import Iterable

from annotator.domain import LabelledRange, Span
from annotator.store.core import StoreCore
from annotator.store.rows import SPAN_COLUMNS, span_from_row

_LAYER = "document_id = ? AND annotator = ?"
_READING = 'start, "end" DESC, label, id'
_BACKWARDS = 'start DESC, "end", label DESC, id DESC'
# spans at the same start as the key (?1 = end, ?2 = label, ?3 = id) that come after or before it
_AFTER_AT_START = '("end" < ? OR "end" = ? AND (label > ? OR label = ? AND id > ?))'
_BEFORE_AT_START = '("end" > ? OR "end" = ? AND (label < ? OR label = ? AND id < ?))'


def _tie(key: LabelledRange) -> list:
    _start, end, label, made = key
    return [end, end, label, label, made]


class SpanPositionsMixin(StoreCore):
    """The positional reads of `Store`."""

    def layer_size(self, document_id: int, annotator: str) -> tuple[int, int]:
        """(how many spans, length of the longest span) of one annotator's layer on a document."""
        count, longest = self.db.execute(
            f'SELECT count(*), max("end" - start) FROM spans WHERE {_LAYER}', [document_id, annotator]).fetchone()
        return count, longest or 0

    def ranges_starting(self, document_id: int, annotator: str, low: int, high: int) -> list[LabelledRange]:
        """(start, end, label, id) of the layer's spans that start in [low, high), in reading order."""
        return self.db.execute(
            f'SELECT start, "end", label, id FROM spans WHERE {_LAYER} AND start >= ? AND start < ? '
            f"ORDER BY {_READING}", [document_id, annotator, low, high]).fetchall()

    def span_starts(self, document_id: int, annotator: str) -> list[int]:
        """The start of every span of the layer, in reading order: with these a list
        of the spans finds a span's row, and a row's span, by bisection."""
        return [r[0] for r in self.db.execute(
            f"SELECT start FROM spans WHERE {_LAYER} ORDER BY {_READING}", [document_id, annotator])]

    def ties_before(self, document_id: int, annotator: str, key: LabelledRange) -> int:
        """How many spans of the layer start where `key` starts and come before it in reading order."""
        return self.db.execute(
            f"SELECT count(*) FROM spans WHERE {_LAYER} AND start = ? AND {_BEFORE_AT_START}",
            [document_id, annotator, key[0], *_tie(key)]).fetchone()[0]

    def range_beside(self, document_id: int, annotator: str, key: LabelledRange, step: int) -> LabelledRange | None:
        """The span right after (`step` 1) or before (-1) `key` in reading order, or None."""
        at_start, beyond, order = ((_AFTER_AT_START, ">", _READING) if step > 0
                                   else (_BEFORE_AT_START, "<", _BACKWARDS))
        start = key[0]
        for condition, params in ((f"start = ? AND {at_start}", [start, *_tie(key)]), (f"start {beyond} ?", [start])):
            row = self.db.execute(
                f'SELECT start, "end", label, id FROM spans WHERE {_LAYER} AND {condition} ORDER BY {order} LIMIT 1',
                [document_id, annotator, *params]).fetchone()
            if row is not None:
                return row
        return None

    def spans_from(self, document_id: int, annotator: str, start: int, skip: int, count: int) -> list[Span]:
        """`count` spans of the layer in reading order, from the first that starts at
        `start` or later, leaving out the first `skip` of them."""
        # the ids come from the index alone; only the rows wanted are read from the table
        ids = [r[0] for r in self.db.execute(
            f"SELECT id FROM spans WHERE {_LAYER} AND start >= ? ORDER BY {_READING} LIMIT ? OFFSET ?",
            [document_id, annotator, start, count, skip])]
        found = self.spans_by_id(ids)
        return [found[i] for i in ids if i in found]

    def spans_by_id(self, ids: Iterable[int]) -> dict[int, Span]:
        """The spans with these ids (those that exist), by id."""
        ids = list(ids)
        found: dict[int, Span] = {}
        for at in range(0, len(ids), 500):
            chunk = ids[at:at + 500]
            for row in self.db.execute(
                    f"SELECT {SPAN_COLUMNS} FROM spans WHERE id IN ({','.join('?' * len(chunk))})", chunk):
                found[row[0]] = span_from_row(row)
        return found
