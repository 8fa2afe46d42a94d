"""The token formats' read path: `Store.labelled_many` gives exactly what
`annotated_many` gives, reduced to offsets and labels, straight from the
`spans_by_document` index (migration m003)."""

from __future__ import annotations

import random
import sqlite3

import pytest
from sqlite_utils import Database

from annotator.domain import LabelledDocument
from annotator.exchange import export
from annotator.formats.base import WriteOptions
from annotator.formats.selection import Selection, select, select_labelled
from annotator.store import Store
from annotator.store.migrations import migrations

WORDS = "Presiden Joko Widodo 😀 meresmikan e\u0301 jalan tol di Bandung , kata dia .".split()


@pytest.fixture
def varied(seeded_store: Store) -> Store:
    """Documents with no layer, one layer, several layers, statuses without
    spans, facts, nested and overlapping spans, and spans with the same
    offsets under different labels."""
    store = seeded_store
    rng = random.Random(3)
    labels = ["PERSON", "LOCATION", "ORGANISATION", "DATETIME"]
    for d in range(12):
        text = " ".join(rng.choice(WORDS) for _ in range(30))
        doc, _ = store.add_document(f"berita {d}", text)
        for name in rng.sample(["ana", "budi", "gold"], rng.randint(0, 3)):
            for _ in range(rng.randint(0, 8)):
                start = rng.randrange(len(text) - 1)
                end = min(len(text), start + rng.randint(1, 20))
                if text[start:end].strip():
                    store.add_span(doc.id, name, start, end, rng.choice(labels))
            if rng.random() < 0.5:
                store.add_fact(doc.id, name, "HAPPENING", None)
        store.add_span(doc.id, "ana", 0, 8, "PERSON")
        store.add_span(doc.id, "ana", 0, 8, "LOCATION")  # same offsets, made later
        if d % 3 == 0:
            store.set_status(doc.id, "budi", "done")
    return store


def reduced(record) -> LabelledDocument:
    return LabelledDocument.of(record)


@pytest.mark.parametrize("annotators", [None, ["ana"], ["gold", "budi"], ["nobody"]])
def test_labelled_many_matches_annotated_many(varied, annotators):
    ids = varied.document_ids()
    full = [reduced(r) for r in varied.annotated_many(ids, annotators)]
    lean = list(varied.labelled_many(ids, annotators))
    assert lean == full
    assert any(len(r.layers) > 1 for r in lean) or annotators is not None and len(annotators) < 2


def test_labelled_many_keeps_the_order_asked_for_and_refuses_missing_ids(varied):
    ids = varied.document_ids()
    picked = [ids[5], ids[1], ids[9]]
    assert [r.document.id for r in varied.labelled_many(picked)] == picked
    from annotator.store import StoreError
    with pytest.raises(StoreError, match="no document with id 9999"):
        list(varied.labelled_many([ids[0], 9999]))


def test_labelled_many_inside_an_open_transaction(varied):
    ids = varied.document_ids()
    with varied.db.atomic():
        inside = list(varied.labelled_many(ids))
    assert inside == list(varied.labelled_many(ids))


def test_spans_are_read_from_the_index_alone_without_a_sort(varied):
    plan = varied.db.execute(
        'EXPLAIN QUERY PLAN SELECT start, "end", label, id FROM spans WHERE document_id BETWEEN 1 AND 5 '
        'ORDER BY document_id, annotator, start, "end" DESC, label, id').fetchall()
    details = " ".join(row[3] for row in plan)
    assert "COVERING INDEX spans_by_document" in details
    assert "TEMP B-TREE" not in details


def test_a_database_from_before_m003_is_upgraded_with_its_spans(tmp_path):
    path = tmp_path / "old.db"
    db = Database(sqlite3.connect(path))
    migrations.apply(db, stop_before="m003_spans_index_covers_labels")
    db.execute("INSERT INTO annotators (name, created) VALUES ('ana', 'x')")
    db.execute("INSERT INTO documents (id, title, text, hash, meta, created) VALUES (1, 't', 'Joko di Bandung', 'h', '{}', 'x')")
    db.execute("INSERT INTO labels (name, kind, color) VALUES ('PERSON', 'entity', '#ffffff')")
    db.execute('INSERT INTO spans (document_id, annotator, start, "end", label, text, attributes, note, created, updated) '
               "VALUES (1, 'ana', 0, 4, 'PERSON', 'Joko', '{}', '', 'x', 'x')")
    db.conn.commit()
    db.close()
    store = Store.open(path)
    index = store.db.execute("SELECT sql FROM sqlite_master WHERE name = 'spans_by_document'").fetchone()[0]
    assert '"end" DESC, label' in index
    [record] = store.labelled_many([1])
    assert record.layers == {"ana": [(0, 4, "PERSON", 1)]}


@pytest.mark.parametrize("selection", [
    Selection(statuses=["done"]),
    Selection(statuses=["todo", "in_progress"]),
    Selection(annotators=["ana", "budi"], statuses=["done"]),
])
def test_selecting_labelled_records_matches_selecting_whole_ones(varied, selection):
    ids = varied.document_ids()
    full_selection = Selection(selection.annotators, selection.statuses, selection.labels)
    full = [reduced(r) for r in select(varied.annotated_many(ids, selection.annotators), full_selection)]
    lean = list(select_labelled(varied.labelled_many(ids, selection.annotators), selection))
    assert lean == full
    assert selection.dropped == full_selection.dropped


def test_a_label_choice_keeps_exactly_those_labels(varied):
    ids = varied.document_ids()
    selection = Selection(labels=["PERSON"])
    lean = list(select_labelled(varied.labelled_many(ids), selection))
    every = sum(len(v) for r in varied.labelled_many(ids) for v in r.layers.values())
    kept = [entry for r in lean for entries in r.layers.values() for entry in entries]
    assert kept and {entry[2] for entry in kept} == {"PERSON"}
    assert selection.dropped["spans of other labels"] == every - len(kept)


def test_first_policy_keeps_the_span_made_first(seeded_store, tmp_path):
    """Reading order puts the outer span first; "first" keeps the inner one,
    made earlier, and "outermost" of two spans over the same tokens keeps the older."""
    store = seeded_store
    text = "Universitas Gadjah Mada di Yogyakarta"
    doc, _ = store.add_document("t", text)
    store.add_span(doc.id, "ana", 12, 23, "PERSON")  # Gadjah Mada, made first
    store.add_span(doc.id, "ana", 0, 23, "ORGANISATION")
    store.add_span(doc.id, "ana", 27, 37, "PERSON")  # Yogyakarta: PERSON made before LOCATION
    store.add_span(doc.id, "ana", 27, 37, "LOCATION")

    def tags(policy: str) -> list[str]:
        out = tmp_path / f"{policy}.conll"
        export(store, "conll", out, options=WriteOptions(tokenizer="regex", nested=policy))
        return [line.split(" ")[1] for line in out.read_text(encoding="utf-8").splitlines()[-6:] if line]

    assert tags("first") == ["O", "B-PERSON", "I-PERSON", "O", "B-PERSON"]
    assert tags("outermost") == ["B-ORGANISATION", "I-ORGANISATION", "I-ORGANISATION", "O", "B-PERSON"]


def test_records_from_files_are_numbered_by_place():
    from annotator.domain import AnnotatedDocument, Document, Span

    text = "Joko di Bandung"
    spans = [Span(-1, None, "ana", 8, 15, "LOCATION", "Bandung"), Span(-2, None, "ana", 0, 4, "PERSON", "Joko")]
    record = LabelledDocument.of(AnnotatedDocument(Document(None, "t", text), spans))
    assert record.layers == {"ana": [(0, 4, "PERSON", 1), (8, 15, "LOCATION", 0)]}
