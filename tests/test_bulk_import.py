"""Store.import_annotated writes rows in chunks across documents: the chunk
edges must not change what is stored, matched, cancelled or rolled back."""

from __future__ import annotations

import gc
import threading

import pytest

from annotator.domain import AnnotatedDocument, Argument, Document, Fact, Span
from annotator.store import bulk_import
from annotator.store.database import ImportCancelled

TRICKY = "Café\u0301 😀 di Bandung\r\nPresiden 👍🏽 Putin berkata \"aman\".\r\n"


def record(text: str, annotator: str = "ana", status: str = "done") -> AnnotatedDocument:
    """Two spans and a QUOTE whose args name the spans and a later fact."""
    putin = text.find("Putin")
    said = text.find("\"aman\"")
    spans = [Span(7, None, annotator, putin, putin + 5, "PERSON", "Putin"),
             Span(9, None, annotator, said, said + 6, "NEW_LABEL", "\"aman\"")]
    facts = [Fact(3, None, annotator, "QUOTE", 9, [Argument("speaker", span_id=7), Argument("about", fact_id=4)]),
             Fact(4, None, annotator, "HAPPENING", None, [Argument("place", span_id=7)], {"certain": True}, "note")]
    return AnnotatedDocument(Document(None, f"t {len(text)}", text, {"source": "x"}), spans, facts, {annotator: status})


@pytest.fixture
def small_chunks(monkeypatch):
    monkeypatch.setattr(bulk_import, "CHUNK", 2)


def texts(n: int) -> list[str]:
    return [f"{TRICKY}nomor {i}" for i in range(n)]


def test_rows_across_chunk_edges_are_stored_exactly(store, small_chunks):
    existing, _ = store.add_document("old", texts(5)[3])
    records = [record(t) for t in texts(5)] + [record(texts(5)[1], annotator="budi", status="in_progress")]
    summary = store.import_annotated(records)
    assert (summary.documents_added, summary.documents_matched) == (4, 2)
    assert (summary.spans, summary.facts) == (12, 12)
    assert summary.labels_added == ["NEW_LABEL"]
    assert summary.document_ids[3] == existing.id
    assert summary.document_ids[1] == summary.document_ids[5]
    assert len(store.document_ids()) == 5
    for doc_id, text in zip(summary.document_ids, texts(5)):
        stored = store.annotated(doc_id, ["ana"])
        assert [(s.start, s.end, s.text, s.label) for s in stored.spans] == [
            (s.start, s.end, text[s.start:s.end], s.label) for s in sorted(record(text).spans, key=lambda s: s.start)]
        by_id = {s.id: s for s in stored.spans}
        quote, happening = stored.facts
        assert by_id[quote.span_id].text == "\"aman\""
        assert quote.args[0].role == "speaker" and by_id[quote.args[0].span_id].text == "Putin"
        assert quote.args[1] == Argument("about", fact_id=happening.id)
        assert (happening.attributes, happening.note) == ({"certain": True}, "note")
        assert stored.status == {"ana": "done"}
    assert store.statuses(summary.document_ids[1]) == {"ana": "done", "budi": "in_progress"}
    assert store.document(summary.document_ids[0]).meta == {"source": "x"}
    assert [p for p in store.check() if p.kind == "span"] == []


def test_cancel_after_a_written_chunk_rolls_everything_back(store, small_chunks):
    with pytest.raises(ImportCancelled):
        store.import_annotated([record(t) for t in texts(5)], progress=lambda done: done < 4)
    assert store.document_ids() == []
    assert store.db.execute("SELECT count(*) FROM spans").fetchone()[0] == 0
    assert store.schema().label("NEW_LABEL") is None


def test_a_bad_record_in_a_later_chunk_rolls_everything_back(store, small_chunks):
    bad = AnnotatedDocument(Document(None, "b", "short"), [Span(1, None, "x", 2, 40, "PERSON", "?")])
    with pytest.raises(ValueError, match="outside the text"):
        store.import_annotated([record(t) for t in texts(3)] + [bad])
    assert store.document_ids() == []
    assert store.annotators() == []


def test_ids_continue_after_rows_already_stored(store):
    first = store.import_annotated([record(texts(2)[0])])
    second = store.import_annotated([record(texts(2)[1]), record(texts(2)[0], annotator="budi")])
    assert second.document_ids == [first.document_ids[0] + 1, first.document_ids[0]]
    ids = [r[0] for r in store.db.execute("SELECT id FROM spans ORDER BY id")]
    assert ids == list(range(ids[0], ids[0] + 6))


def test_layer_given_for_the_whole_import_overrides_the_records(store):
    summary = store.import_annotated([record(texts(1)[0], annotator="ana")], annotator="cici")
    assert store.annotated(summary.document_ids[0]).annotators() == ["cici"]
    assert store.statuses(summary.document_ids[0]) == {"cici": "done"}


def test_an_import_leaves_the_full_text_settings_as_it_found_them(store, small_chunks, monkeypatch):
    """The import gathers more new words before writing them out (a setting kept in the
    database): set back when it ends, and never seen by the searches that follow."""
    seen: list[int] = []
    flush = bulk_import.BulkImport._flush

    def flush_and_look(self):
        seen.append(int(self.conn.execute("SELECT v FROM documents_fts_config WHERE k = 'hashsize'").fetchone()[0]))
        flush(self)

    monkeypatch.setattr(bulk_import.BulkImport, "_flush", flush_and_look)
    hash_size = "SELECT coalesce((SELECT v FROM documents_fts_config WHERE k = 'hashsize'), 1048576)"
    summary = store.import_annotated([record(t) for t in texts(5)])
    assert set(seen) == {bulk_import.IMPORT_FTS_HASH_BYTES}
    assert store.db.execute(hash_size).fetchone()[0] == bulk_import.FTS_DEFAULT_HASH_BYTES
    assert [hit.id for hit in store.search("Bandung nomor 3")] == [summary.document_ids[3]]
    with pytest.raises(ImportCancelled):
        store.import_annotated([record(f"lain {t}") for t in texts(5)], progress=lambda done: done < 4)
    assert store.db.execute(hash_size).fetchone()[0] == bulk_import.FTS_DEFAULT_HASH_BYTES


def test_the_cycle_collector_rests_while_records_are_read_and_written_and_is_set_back(store, small_chunks):
    """A tenth of an import's time went to the collector walking the heap again and again."""
    def watched(n: int, seen: list[bool]):
        for t in texts(n):
            seen.append(gc.isenabled())
            yield record(t)

    seen: list[bool] = []
    assert gc.isenabled()
    store.import_annotated(watched(5, seen))
    assert seen == [False] * 5 and gc.isenabled()
    with pytest.raises(ImportCancelled):
        store.import_annotated(watched(5, []), progress=lambda done: done < 3)
    assert gc.isenabled()
    gc.disable()  # someone else's choice is kept
    try:
        store.import_annotated([record(f"lain {t}") for t in texts(2)])
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_the_collector_comes_back_only_when_the_last_of_two_imports_in_threads_ends():
    first_in, second_out = threading.Event(), threading.Event()
    states: list[bool] = []

    def first():
        with bulk_import.cycle_collection_paused():
            first_in.set()
            second_out.wait(5)
            states.append(gc.isenabled())

    worker = threading.Thread(target=first)
    worker.start()
    first_in.wait(5)
    with bulk_import.cycle_collection_paused():
        states.append(gc.isenabled())
    second_out.set()
    worker.join(5)
    assert states == [False, False] and gc.isenabled()


def test_the_ids_an_import_reports_take_room_by_runs_not_by_documents(store, small_chunks):
    summary = store.import_annotated([record(t) for t in texts(9)] + [record(texts(9)[0])])
    assert summary.document_ids == store.document_ids() + [store.document_ids()[0]]
    assert summary.document_ids.runs == 2
