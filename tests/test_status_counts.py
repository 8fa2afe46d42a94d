"""The counts of statuses kept by migration m012's triggers ("done / total",
the progress figures, next unfinished by runs of ids) against a recount after
every kind of write to statuses, and next unfinished over every document in id
order: the right document, going round, None when every one is finished."""

from __future__ import annotations

import sqlite3

import pytest

from annotator.domain import AnnotatedDocument, Document, Span
from annotator.store import Store
from annotator.store.merge import merge_databases
from annotator.store.search import _BLOCK_BITS

BLOCK = 1 << _BLOCK_BITS


def records(count: int, start: int = 0, status: dict[str, str] | None = None) -> list[AnnotatedDocument]:
    return [AnnotatedDocument(Document(None, f"Berita {n}", f"Kabar nomor {n} dari Jakarta."),
                              [Span(None, None, "ana", 0, 5, "PERSON", "Kabar")] if n % 4 == 0 else [], [],
                              dict(status or {}))
            for n in range(start, start + count)]


def kept(store: Store) -> tuple[dict, dict]:
    counts = {(a, s): n for a, s, n in store.db.execute("SELECT annotator, status, n FROM status_counts") if n}
    blocks = {(a, b): n for a, b, n in store.db.execute("SELECT annotator, block, n FROM finished_blocks") if n}
    return counts, blocks


def recounted(store: Store) -> tuple[dict, dict]:
    counts = {(a, s): n for a, s, n in store.db.execute(
        "SELECT annotator, status, count(*) FROM document_status GROUP BY annotator, status")}
    blocks = {(a, b): n for a, b, n in store.db.execute(
        f"SELECT annotator, document_id >> {_BLOCK_BITS}, count(*) FROM document_status "
        "WHERE status IN ('done', 'reviewed') GROUP BY annotator, document_id >> 10")}
    return counts, blocks


def assert_in_step(store: Store) -> None:
    assert kept(store) == recounted(store)
    for name in ("ana", "budi"):
        assert store.finished_count(name) == store.db.execute(
            "SELECT count(*) FROM document_status WHERE annotator = ? AND status IN ('done', 'reviewed')",
            [name]).fetchone()[0]


@pytest.fixture
def store(tmp_path) -> Store:
    store = Store.open(tmp_path / "project.db")
    yield store
    store.close()


def test_the_counts_follow_the_stores_status_changes_and_their_undoing(store):
    ids = store.import_annotated(records(6)).document_ids
    assert_in_step(store)
    store.set_status(ids[0], "ana", "done")
    store.set_status(ids[1], "ana", "reviewed")
    store.set_status(ids[2], "budi", "in_progress")
    assert store.finished_count("ana") == 2
    assert_in_step(store)
    store.set_status(ids[0], "ana", "in_progress")  # done → in progress: one less finished
    assert store.finished_count("ana") == 1
    assert_in_step(store)
    store.touch_status(ids[3], "budi")
    store.untouch_status(ids[3], "budi")
    store.untouch_status(ids[2], "budi")
    assert_in_step(store)
    store.set_status(ids[4], "ana", "done")
    store.revert_change(store.history(limit=1)[0].id)
    assert store.status(ids[4], "ana") == "todo"
    assert_in_step(store)


def test_the_counts_follow_imports_their_undoing_and_a_document_deleted_and_brought_back(store):
    first = store.import_annotated(records(3, status={"ana": "done"}))
    assert store.finished_count("ana") == 3
    again = records(3, status={"ana": "reviewed", "budi": "done"})  # over present documents: new layers only
    store.import_annotated(again + records(2, start=10, status={"budi": "done"}))
    assert_in_step(store)
    imported = store.history(limit=1)[0]
    store.revert_change(imported.id)  # deletes the documents and the statuses it added
    assert (store.finished_count("ana"), store.finished_count("budi")) == (3, 0)
    assert_in_step(store)

    added, _ = store.add_document("Sendiri", "Satu dokumen sendiri.")
    store.set_status(added.id, "ana", "done")
    store.revert_change(store.history(limit=1)[0].id)
    store.revert_change([c for c in store.history(limit=5) if c.kind == "document"][0].id)  # delete it
    assert_in_step(store)
    brought_back = store.revert_change(store.history(limit=1)[0].id)  # and undo that delete
    assert brought_back and store.document_count() == len(first.document_ids) + 1
    assert_in_step(store)


def test_the_counts_follow_a_merge_and_a_pulled_layer(store, tmp_path):
    ids = store.import_annotated(records(4)).document_ids
    other = Store.open(tmp_path / "other.db")
    other.import_annotated(records(4, status={"budi": "done"}) + records(3, start=20, status={"budi": "reviewed"}))
    other.close()
    merge_databases(store, [tmp_path / "other.db"])
    assert store.finished_count("budi") == 7
    assert_in_step(store)

    state = store.layer_state(ids[0], "ana")
    state["status"] = "done"
    store.apply_layer_state(ids[0], "ana", state, by="budi")
    assert_in_step(store)
    state["status"] = None
    store.apply_layer_state(ids[0], "ana", state, by="budi")
    assert_in_step(store)


def test_the_counts_follow_another_programs_writes(store):
    ids = store.import_annotated(records(2 * BLOCK + 10)).document_ids
    con = sqlite3.connect(store.path)
    con.execute("PRAGMA foreign_keys = ON")
    with con:
        con.execute("INSERT INTO annotators (name, created) VALUES ('budi', 'x') ON CONFLICT DO NOTHING")
        con.executemany("INSERT INTO document_status (document_id, annotator, status, updated) VALUES (?, ?, ?, 'x')",
                        [(i, "budi", "done") for i in ids[::3]])
        con.execute("UPDATE document_status SET status = 'reviewed' WHERE document_id < ?", [ids[BLOCK]])
        con.execute("UPDATE document_status SET document_id = ? WHERE document_id = ?", [ids[-2], ids[3]])
        con.execute("DELETE FROM document_status WHERE document_id = ?", [ids[6]])
        con.execute("DELETE FROM documents WHERE id BETWEEN ? AND ?", [ids[BLOCK], ids[BLOCK + 50]])  # cascades
        con.execute("UPDATE annotators SET name = 'budiman' WHERE name = 'budi'")  # cascades too
    con.close()
    assert store.finished_count("budi") == 0
    assert store.finished_count("budiman") == store.db.execute(
        "SELECT count(*) FROM document_status WHERE annotator = 'budiman'").fetchone()[0] > 600
    assert_in_step(store)


def test_the_migration_counts_the_statuses_of_a_database_made_before_it(tmp_path):
    path = tmp_path / "old.db"
    store = Store.open(path)
    store.import_annotated(records(3 * BLOCK, status={"ana": "done"}) + records(5, start=9000))
    store.close()
    con = sqlite3.connect(path)
    with con:
        for trigger in ("status_counts_insert", "status_counts_delete", "status_counts_update"):
            con.execute(f"DROP TRIGGER {trigger}")
        con.execute("DROP TABLE status_counts")
        con.execute("DROP TABLE finished_blocks")
        con.execute("DELETE FROM _sqlite_migrations WHERE name = 'm012_status_counts'")
    con.close()
    store = Store.open(path)
    assert store.finished_count("ana") == 3 * BLOCK
    assert_in_step(store)
    store.close()


# -- next unfinished in id order, by runs of ids ---------------------------------------


@pytest.fixture
def nearly_all_done(store) -> tuple[Store, list[int]]:
    """Three runs of ids, every document done by ana but three; a run of ids deleted."""
    ids = store.import_annotated(records(3 * BLOCK + 30, status={"ana": "done"})).document_ids
    with store.db.atomic():
        store.db.execute("DELETE FROM documents WHERE id BETWEEN ? AND ?", [ids[BLOCK - 5], ids[BLOCK + 40]])
    for i in (3, 2 * BLOCK + 7, 3 * BLOCK + 20):
        store.set_status(ids[i], "ana", "in_progress")
    return store, ids


def test_next_unfinished_finds_the_next_one_after_long_runs_of_finished_documents(nearly_all_done):
    store, ids = nearly_all_done
    assert store.next_unfinished("ana", None) == ids[3]
    assert store.next_unfinished("ana", ids[3]) == ids[2 * BLOCK + 7]
    assert store.next_unfinished("ana", ids[10]) == ids[2 * BLOCK + 7]  # from a finished document
    assert store.next_unfinished("ana", ids[2 * BLOCK + 7]) == ids[3 * BLOCK + 20]
    assert store.next_unfinished("ana", ids[BLOCK - 5]) == ids[2 * BLOCK + 7]  # from a deleted document's place
    assert store.next_unfinished("budi", ids[2]) == ids[3]  # budi has finished nothing


def test_next_unfinished_goes_round_and_says_when_none_is_left(nearly_all_done):
    store, ids = nearly_all_done
    assert store.next_unfinished("ana", ids[3 * BLOCK + 20]) == ids[3]  # round to the top
    assert store.next_unfinished("ana", ids[-1]) == ids[3]
    store.set_status(ids[3], "ana", "done")
    store.set_status(ids[2 * BLOCK + 7], "ana", "reviewed")
    assert store.next_unfinished("ana", ids[3 * BLOCK + 20]) is None  # the only one left is the current one
    assert store.next_unfinished("ana", ids[0]) == ids[3 * BLOCK + 20]
    store.set_status(ids[3 * BLOCK + 20], "ana", "done")
    assert store.next_unfinished("ana", ids[0]) is None
    assert store.next_unfinished("ana", None) is None
    added, _ = store.add_document("Baru", "Dokumen baru.")
    assert store.next_unfinished("ana", ids[5]) == added.id


def test_next_unfinished_by_runs_agrees_with_reading_every_status(nearly_all_done):
    store, ids = nearly_all_done
    present = [r[0] for r in store.db.execute("SELECT id FROM documents ORDER BY id")]
    finished = {r[0] for r in store.db.execute(
        "SELECT document_id FROM document_status WHERE annotator = 'ana' AND status IN ('done', 'reviewed')")}
    unfinished = [i for i in present if i not in finished]
    for after in (None, *present[::97], ids[-1] + 10):
        later = [i for i in unfinished if after is None or i > after]
        expected = later[0] if later else next((i for i in unfinished if i != after), None)
        assert store.next_unfinished("ana", after) == expected


# -- next unfinished along a sorted order ---------------------------------------------


@pytest.mark.parametrize("order", ["status", "spans"])
def test_next_unfinished_along_a_sorted_order_reads_it_a_chunk_at_a_time(store, monkeypatch, order):
    from annotator.store import search

    monkeypatch.setattr(search, "_CHUNK", 7)
    ids = store.import_annotated(records(40, status={"ana": "done"})).document_ids
    for i in (5, 33):
        store.set_status(ids[i], "ana", "todo")
    listed = [s.id for s in store.document_page("ana", "", order=order)]
    first, second = sorted((ids[5], ids[33]), key=listed.index)
    assert store.next_unfinished("ana", None, order=order) == first
    assert store.next_unfinished("ana", first, order=order) == second
    assert store.next_unfinished("ana", listed[-1], order=order) == first  # round to the top
    assert store.next_unfinished("ana", listed[listed.index(second) + 1], order=order) == first
    store.set_status(first, "ana", "done")
    assert store.next_unfinished("ana", second, order=order) is None  # the only one left is the current one
    store.set_status(second, "ana", "reviewed")
    assert store.next_unfinished("ana", listed[3], order=order) is None


def test_next_unfinished_along_a_sorted_order_finds_the_few_left_by_their_runs(store):
    from annotator.store import search

    ids = store.import_annotated(records(3 * BLOCK, status={"ana": "done"})).document_ids
    for i in (7, BLOCK + 3, 2 * BLOCK + 9):
        store.set_status(ids[i], "ana", "in_progress")
    store.adopt_list_order(store.list_order("ana", "", "status", rows=True))
    listed = list(store.list_order("ana", "", "status").ids)
    assert listed[:3] == [ids[7], ids[BLOCK + 3], ids[2 * BLOCK + 9]]  # in progress first, then the done
    assert store.document_count() - store.finished_count("ana") <= search._FEW_UNFINISHED
    assert store.next_unfinished("ana", ids[7], order="status") == ids[BLOCK + 3]
    assert store.next_unfinished("ana", ids[500], order="status") == ids[7]  # from a done row: round to the top
    store.set_status(ids[BLOCK + 3], "ana", "done")  # marked since the sort: skipped where it stays
    assert store.next_unfinished("ana", ids[7], order="status") == ids[2 * BLOCK + 9]
    store.set_status(ids[7], "ana", "done")
    assert store.next_unfinished("ana", ids[2 * BLOCK + 9], order="status") is None
    store.set_status(ids[600], "ana", "todo")  # unmarked since the sort: found where it stays
    assert store.next_unfinished("ana", ids[2 * BLOCK + 9], order="status") == ids[600]


def test_a_sort_told_to_stop_stops_and_the_next_one_sorts(store, monkeypatch):
    from annotator.store import StoreError, search

    monkeypatch.setattr(search, "_STEPS_BETWEEN_LOOKS", 1000)
    ids = store.import_annotated(records(3 * BLOCK, status={"ana": "done"})).document_ids
    asked = []
    with pytest.raises(StoreError, match="stopped"):
        store.list_order("ana", "", "spans", rows=True, keep_going=lambda: asked.append(1) or len(asked) < 2)
    sorted_order = store.list_order("ana", "", "spans", rows=True)
    assert len(sorted_order.ids) == len(ids) and sorted_order.row_of(sorted_order.ids[-1]) == len(ids) - 1


@pytest.mark.parametrize("few", [True, False])
def test_next_unfinished_by_title_and_in_a_filtered_list_when_nearly_all_are_done(store, monkeypatch, few):
    from annotator.store import search

    monkeypatch.setattr(search, "_FEW_UNFINISHED", 1000 if few else 0)  # both ways give the same answers
    ids = store.import_annotated(records(2 * BLOCK, status={"ana": "done"})).document_ids
    left = [ids[30], ids[BLOCK + 2], ids[BLOCK + 500]]  # titles Berita 30, Berita 1026, Berita 1524
    for i in left:
        store.set_status(i, "ana", "in_progress")
    by_title = sorted(left, key=lambda i: store.document(i).title.casefold())
    assert by_title == [ids[BLOCK + 2], ids[BLOCK + 500], ids[30]]
    assert store.next_unfinished("ana", None, order="title") == by_title[0]
    assert store.next_unfinished("ana", by_title[0], order="title") == by_title[1]
    assert store.next_unfinished("ana", ids[BLOCK + 100], order="title") == by_title[1]  # Berita 1124: before 1524
    assert store.next_unfinished("ana", ids[31], order="title") == by_title[0]  # Berita 31 is after all: round
    assert store.next_unfinished("ana", by_title[2], order="title") == by_title[0]  # round to the top
    assert store.next_unfinished("ana", ids[BLOCK + 3], "Berita") == ids[BLOCK + 500]  # filtered, id order
    assert store.next_unfinished("ana", ids[BLOCK + 600], "Berita") == ids[30]  # round to the top
    assert store.next_unfinished("ana", ids[0], "status:in_progress annotator:ana", order="title") == by_title[0]
    for i in left[1:]:
        store.set_status(i, "ana", "done")
    assert store.next_unfinished("ana", ids[30], "Berita", order="title") is None  # only the current one left
    assert store.next_unfinished("ana", ids[5], "Berita", order="title") == ids[30]
