"""Reading a layer's spans by position (what the window does on long articles)
agrees with sorting the whole layer in reading order, ties included."""

from __future__ import annotations

from bisect import bisect_left

from annotator.domain import AnnotatedDocument, Span, reading_order

TEXT = "Joko Widodo di Bandung dan Jakarta pada Senin."
# several spans share a start, some also the end (and then differ by label, or only by age)
RANGES = [(0, 11, "PERSON"), (0, 4, "PERSON"), (0, 11, "LOCATION"), (5, 11, "PERSON"),
          (15, 22, "LOCATION"), (12, 22, "EVENT"), (27, 34, "LOCATION"), (15, 34, "LOCATION"), (40, 45, "DATETIME")]


def layer(store):
    doc, _ = store.add_document("a", TEXT)
    store.import_annotated([AnnotatedDocument(doc, [Span(None, None, "ana", s, e, label, TEXT[s:e])
                                                    for s, e, label in RANGES])])
    store.add_span(doc.id, "ana", 0, 11, "PERSON")  # the same as one already there, made later
    store.add_span(doc.id, "budi", 0, 4, "PERSON")  # another layer: never counted
    expected = sorted(((s.start, s.end, s.label, s.id) for s in store.spans(doc.id, "ana")), key=reading_order)
    return doc.id, expected


def test_ranges_and_size_are_the_layer_in_reading_order(store):
    doc_id, expected = layer(store)
    assert store.layer_size(doc_id, "ana") == (len(RANGES) + 1, 19)
    assert store.ranges_starting(doc_id, "ana", 0, len(TEXT)) == expected
    assert store.ranges_starting(doc_id, "ana", 5, 16) == [r for r in expected if 5 <= r[0] < 16]
    assert store.layer_size(doc_id, "nobody") == (0, 0)


def test_neighbours_rows_and_pages_agree_with_the_sorted_layer(store):
    doc_id, expected = layer(store)
    starts = store.span_starts(doc_id, "ana")
    assert starts == [r[0] for r in expected]
    for row, key in enumerate(expected):
        assert store.range_beside(doc_id, "ana", key, 1) == (expected[row + 1] if row + 1 < len(expected) else None)
        assert store.range_beside(doc_id, "ana", key, -1) == (expected[row - 1] if row else None)
        assert bisect_left(starts, key[0]) + store.ties_before(doc_id, "ana", key) == row
        skip = row - bisect_left(starts, key[0])
        page = store.spans_from(doc_id, "ana", key[0], skip, 3)
        assert [(s.start, s.end, s.label, s.id) for s in page] == expected[row:row + 3]
    ids = [r[3] for r in expected[:3]] + [999_999]
    assert sorted(store.spans_by_id(ids)) == sorted(ids[:3])
