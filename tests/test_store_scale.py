"""What migration m010 keeps fast at a million documents, checked for the
answers it gives: a document's row in the list and the list's pages (counted
by blocks of ids), the list ordered by uncertainty (read in index order),
prefixes spelled out into the index's words, and the indexes the window's
queries use."""

from __future__ import annotations

import random
import sqlite3

import pytest

from annotator.domain import AnnotatedDocument, Argument, Document
from annotator.store import Store
from annotator.store import search_terms
from annotator.store.search import _BLOCK_BITS, _BLOCK_OF_ROW, _IDS_BEFORE

BLOCK = 1 << _BLOCK_BITS


def corpus(count: int, start: int = 0) -> list[AnnotatedDocument]:
    return [AnnotatedDocument(Document(None, f"Berita {n}", f"Kabar nomor {n}: pemerintah{'an' if n % 3 else ''} "
                                       f"{'banjir' if n % 7 == 0 else 'cerah'} di kota."), [], [], {})
            for n in range(start, start + count)]


@pytest.fixture(scope="module")
def gappy() -> Store:
    """Documents whose ids span several blocks, with runs of them deleted."""
    store = Store.memory()
    ids = store.import_annotated(corpus(3 * BLOCK + 100)).document_ids
    gone = ids[5:40] + ids[BLOCK - 3:BLOCK + 900] + ids[2 * BLOCK:3 * BLOCK] + ids[-1:]
    with store.db.atomic():
        store.db.conn.executemany("DELETE FROM documents WHERE id = ?", [(i,) for i in gone])
    store.add_document("Akhir", "Dokumen terakhir, pemerintah baru.")
    return store


def all_ids(store: Store) -> list[int]:
    return [r[0] for r in store.db.execute("SELECT id FROM documents ORDER BY id")]


def test_a_documents_row_is_the_number_of_documents_before_it(gappy):
    ids = all_ids(gappy)
    for row in [0, 1, 4, 5, 6, BLOCK - 10, len(ids) // 2, len(ids) - 2, len(ids) - 1]:
        assert gappy.document_position(ids[row]) == row
    assert gappy.document_position(ids[-1] + 5) is None


def test_pages_deep_in_the_list_skip_whole_blocks(gappy):
    ids = all_ids(gappy)
    for offset in [0, 1, 29, BLOCK - 50, BLOCK, len(ids) - 7, len(ids) - 1]:
        page = gappy.document_page("ana", "", offset, 10)
        assert [s.id for s in page] == ids[offset:offset + 10]
    assert gappy.document_page("ana", "", len(ids), 10) == []
    assert [s.id for s in gappy.document_page("ana", "", 3)] == ids[3:]


def test_filtered_rows_and_pages_still_count_the_matches(gappy):
    matching = [hit.id for hit in gappy.search("banjir", limit=10_000)]
    assert [s.id for s in gappy.document_page("ana", "banjir", 3, 5)] == matching[3:8]
    assert gappy.document_position(matching[17], "banjir") == 17


def test_the_list_by_uncertainty_reads_measured_documents_first_then_the_rest_in_id_order(gappy):
    ids = all_ids(gappy)
    rng = random.Random(3)
    scores = {doc_id: rng.choice([0.1, 0.25, 0.5, 0.9]) for doc_id in rng.sample(ids, 300)}
    gappy.set_uncertainties(scores)
    try:
        expected = sorted(ids, key=lambda i: (-scores.get(i, -1), i))
        for offset, limit in [(0, 50), (250, 100), (299, 3), (1000, 20)]:
            page = gappy.document_page("ana", "", offset, limit, by_uncertainty=True)
            assert [s.id for s in page] == expected[offset:offset + limit]
        assert [s.id for s in gappy.document_page("ana", "", 290, None, by_uncertainty=True)] == expected[290:]
        for row in [0, 7, 299, 300, 301, len(ids) - 1]:
            assert gappy.document_position(expected[row], by_uncertainty=True) == row
        flooded = set(gappy.search("banjir", limit=10_000) and [h.id for h in gappy.search("banjir", limit=10_000)])
        filtered = [i for i in expected if i in flooded]
        assert [s.id for s in gappy.document_page("ana", "banjir", 30, 40, by_uncertainty=True)] == filtered[30:70]
        for row in [0, 5, len(filtered) - 1]:
            assert gappy.document_position(filtered[row], "banjir", by_uncertainty=True) == row
    finally:
        gappy.set_uncertainties({})


def test_uncertainties_below_the_unmeasured_mark_still_order_the_list(store):
    ids = store.import_annotated(corpus(6)).document_ids
    store.set_uncertainties({ids[0]: -3.0, ids[1]: 0.5})
    expected = [ids[1], *ids[2:], ids[0]]
    assert [s.id for s in store.document_page("ana", "", 0, 10, by_uncertainty=True)] == expected
    assert store.document_position(ids[0], by_uncertainty=True) == 5


def native(store: Store, query: str) -> list[int]:
    """What FTS5 itself gives for a prefix, without spelling it out."""
    term = query.rstrip("*")
    return [r[0] for r in store.db.execute(
        "SELECT rowid FROM documents_fts WHERE documents_fts MATCH ? ORDER BY rowid", [f'"{term}" *'])]


def test_a_prefix_finds_what_fts5_finds(gappy):
    for query in ["pemerin*", "pemerintaha*", "banj*", "berit*", "zzz*", "akh*"]:
        assert [h.id for h in gappy.search(query, limit=10_000)] == native(gappy, query), query
    assert gappy.words_starting("pemerin") == ["pemerintah", "pemerintahan"]


def test_a_phrase_ending_in_a_prefix(store):
    first, _ = store.add_document("a", "Joko Widodo datang.")
    second, _ = store.add_document("b", "Joko Widya pergi, Widodo tinggal.")
    store.add_document("c", "Widodo dan Joko.")
    assert [h.id for h in store.search('"joko wid"*')] == [first.id, second.id]
    assert [h.id for h in store.search('"joko wido"*')] == [first.id]


def test_documents_another_program_added_are_found_by_prefix(tmp_path):
    path = tmp_path / "p.db"
    store = Store.open(path)
    store.add_document("a", "Pemerintah pusat")
    other = sqlite3.connect(path)  # a program that knows nothing of the word list
    with other:
        other.execute("INSERT INTO documents (title, text, hash, meta, created) "
                      "VALUES ('b', 'Pemerkosaan dan Pémerasan', 'h1', '{}', 'now')")  # folded as the index folds
    other.close()
    assert store.db.execute("SELECT count(*) FROM search_terms_pending").fetchone()[0] == 1
    assert [h.title for h in store.search("pemer*")] == ["a", "b"]
    assert store.words_starting("pemer") == ["pemerasan", "pemerintah", "pemerkosaan"]
    store.add_document("c", "Pemerataan")  # the store's own writes settle what was noted
    assert store.db.execute("SELECT count(*) FROM search_terms_pending").fetchone()[0] == 0
    assert [h.title for h in store.search("pemer*")] == ["a", "b", "c"]
    store.close()


def test_too_many_words_or_too_much_unlisted_is_left_to_fts5(store, monkeypatch):
    store.import_annotated(corpus(30))
    assert store.words_starting("2") is not None
    monkeypatch.setattr(search_terms, "MOST_WORDS", 3)
    assert store.words_starting("2") is None  # 2, 20..29
    assert [h.title for h in store.search("2*", limit=100)] == [f"Berita {n}" for n in [2, *range(20, 30)]]
    monkeypatch.setattr(search_terms, "MOST_WORDS", 200)
    monkeypatch.setattr(search_terms, "MOST_PENDING", 1)
    store.db.execute("INSERT INTO search_terms_pending (document_id) SELECT id FROM documents LIMIT 2")
    assert store.words_starting("2") is None
    assert [h.title for h in store.search("2*", limit=100)] == [f"Berita {n}" for n in [2, *range(20, 30)]]


def test_the_migration_lists_the_words_and_counts_the_blocks_of_a_database_made_before_it(tmp_path):
    path = tmp_path / "old.db"
    store = Store.open(path)
    store.import_annotated(corpus(1500))
    store.close()
    conn = sqlite3.connect(path)
    with conn:
        for trigger in ["document_blocks_insert", "document_blocks_delete", "search_terms_insert", "search_terms_update"]:
            conn.execute(f"DROP TRIGGER {trigger}")
        for table in ["document_blocks", "search_terms", "search_terms_pending"]:
            conn.execute(f"DROP TABLE {table}")
        for index in ["tagger_uncertainty_order", "suggestions_by_span", "facts_by_label"]:
            conn.execute(f"DROP INDEX {index}")
        conn.execute("DELETE FROM _sqlite_migrations WHERE name = 'm010_indexes_for_scale'")
        conn.execute("DELETE FROM documents WHERE id < 10")
    conn.close()
    store = Store.open(path)
    assert store.words_starting("pemerin") == ["pemerintah", "pemerintahan"]
    assert store.db.execute("SELECT sum(n) FROM document_blocks").fetchone()[0] == 1491
    ids = all_ids(store)
    assert store.document_position(ids[1200]) == 1200
    store.close()


def plan(store: Store, sql: str, params: object = ()) -> str:
    return " | ".join(r[3] for r in store.db.execute("EXPLAIN QUERY PLAN " + sql, params))


def test_the_windows_queries_use_the_indexes(gappy):
    assert "USING COVERING INDEX tagger_uncertainty_order" in plan(
        gappy, "SELECT t.document_id FROM tagger_uncertainty t ORDER BY t.uncertainty DESC, t.document_id LIMIT 5")
    assert "suggestions_by_span" in plan(
        gappy, "SELECT span_id, id FROM suggestions WHERE state = 'accepted' AND span_id IN (1, 2)")
    assert "facts_by_label" in plan(gappy, "SELECT 1 FROM facts WHERE label = 'QUOTE'")
    position = plan(gappy, _IDS_BEFORE, {"id": 2 * BLOCK + 5})
    assert "SEARCH document_blocks USING INTEGER PRIMARY KEY" in position
    assert "SEARCH documents USING COVERING INDEX documents_by_id" in position
    assert "documents " not in plan(gappy, _BLOCK_OF_ROW, {"row": 1500})  # the blocks alone


def test_an_import_over_present_documents_records_the_statuses_it_set(store):
    records = corpus(3)
    store.import_annotated(records)
    records[1].status = {"budi": "done"}
    records[2].status = {"budi": "in_progress"}
    store.import_annotated(records[1:] + corpus(1, start=10))
    change = store.history(limit=1)[0]
    ids = all_ids(store)
    assert change.after["statuses"] == [[ids[1], "budi", "done"], [ids[2], "budi", "in_progress"]]


def test_edits_return_what_their_rows_hold(store):
    doc, _ = store.add_document("a", "Joko berkata: hujan.")
    joko = store.add_span(doc.id, "ana", 0, 4, "PERSON")
    rain = store.add_span(doc.id, "ana", 14, 19, "PERSON")
    fact = store.add_fact(doc.id, "ana", "CLAIM", None, [Argument("claimant", joko.id, None)], {"x": (1, 2)})
    assert fact == store.fact(fact.id)
    updated = store.update_fact(fact.id, args=[Argument("topic", rain.id, None), Argument("claimant", joko.id, None)],
                                attributes={"y": [3]})
    assert updated == store.fact(fact.id)
    stored = store.stored_fact(fact.id)
    store.update_fact(fact.id, note="n")
    store.rewrite_fact(stored, expect=store.stored_fact(fact.id))
    assert store.stored_fact(fact.id) == stored
    deleted = store.delete_span(joko.id, expect=joko)
    assert deleted.span == joko and deleted.args == [(fact.id, 1, "claimant", joko.id)]
    store.set_status(doc.id, "ana", "done", expect="in_progress")
    assert store.status(doc.id, "ana") == "done"


def test_a_label_in_use_is_found_by_looking_it_up(store):
    doc, _ = store.add_document("a", "Joko di Solo.")
    span = store.add_span(doc.id, "ana", 0, 4, "PERSON")
    store.add_fact(doc.id, "ana", "CLAIM", None, [Argument("claimant", span.id, None)])
    assert store._used_labels() == {"PERSON", "CLAIM"}
    assert store.span_labels() == ["PERSON"]
