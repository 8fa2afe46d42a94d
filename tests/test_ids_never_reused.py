"""m004: every table whose rows undo puts back, or other rows point at, numbers
with AUTOINCREMENT, so an id once given is never given again; a database made
before keeps every row, reference and index."""

from __future__ import annotations

import sqlite3

from sqlite_utils import Database

from annotator.domain import Argument
from annotator.project import install_default_schema
from annotator.store import Store
from annotator.store.migrations import m005_change_history, migrations

TABLES = ["documents", "spans", "facts", "fact_args", "document_status", "decisions"]


def old_database(path, monkeypatch) -> None:
    """A database as annotator made it before m004, with a row in every table."""
    apply = migrations.apply
    monkeypatch.setattr(migrations, "apply", lambda db: apply(db, stop_before="m004_ids_never_reused"))
    store = Store.open(path)
    # today's store writes its change history (m005, after m004) with every edit,
    # and keeps the word list for prefixes (m010): tables for the filling only, taken away again
    m005_change_history(store.db)
    store.db.execute("CREATE TABLE search_terms (term TEXT PRIMARY KEY) WITHOUT ROWID")
    store.db.execute("CREATE TABLE search_terms_pending (document_id INTEGER PRIMARY KEY)")
    install_default_schema(store)
    # and the column today's store names documents by (m007, after m004), which m004 leaves behind
    store.db.execute("ALTER TABLE documents ADD COLUMN source_name TEXT NOT NULL DEFAULT ''")
    doc, _ = store.add_document("t", "Andi berkata hari ini di Bandung.")
    andi = store.add_span(doc.id, "ana", 0, 4, "PERSON")
    said = store.add_span(doc.id, "ana", 5, 12, "QUOTE")
    quote = store.add_fact(doc.id, "ana", "QUOTE", said.id, [Argument("speaker", andi.id)])
    store.add_fact(doc.id, "ana", "CLAIM", None, [Argument("topic", fact_id=quote.id)])
    store.delete_span(store.add_span(doc.id, "ana", 25, 32, "LOCATION").id)  # the largest span id, freed
    store.record_decision(doc.id, "rina", "span", "take")
    store.set_status(doc.id, "ana", "done")
    for table in ("changes", "search_terms", "search_terms_pending"):
        store.db.execute(f"DROP TABLE {table}")
    store.close()
    monkeypatch.setattr(migrations, "apply", apply)


def content(store: Store) -> dict[str, list]:
    return {t: store.db.execute(f"SELECT * FROM {t} ORDER BY 1, 2").fetchall() for t in TABLES}


def indexes(store: Store) -> dict[str, list]:
    names = [r[0] for r in store.db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
        f"AND tbl_name IN ({','.join('?' * len(TABLES))}) ORDER BY name", TABLES)]
    return {name: store.db.execute(f"PRAGMA index_xinfo({name})").fetchall() for name in names}


def test_an_old_database_keeps_every_row_and_index(tmp_path, monkeypatch):
    path = tmp_path / "old.db"
    old_database(path, monkeypatch)
    with sqlite3.connect(path) as conn:
        before = content(Store(Database(conn), path))
        old_indexes = indexes(Store(Database(conn), path))
    store = Store.open(path)
    assert content(store) == before
    new_indexes = indexes(store)
    later = {"facts_by_span", "changes_by_document", "changes_by_annotator",  # made by m004, m005, m006
             "document_status_by_annotator", "documents_by_id", "documents_by_text",  # and m007
             "documents_by_title", "facts_by_label"}  # and m009, m010
    assert {k: v for k, v in new_indexes.items() if k not in later} == old_indexes
    assert "facts_by_span" in new_indexes  # new: deleting a span finds the facts it states by index
    for table in ["documents", "spans", "facts", "fact_args", "decisions"]:
        sql = store.db.execute("SELECT sql FROM sqlite_master WHERE name = ?", [table]).fetchone()[0]
        assert "AUTOINCREMENT" in sql
    assert store.db.execute("PRAGMA foreign_key_check").fetchall() == []
    plan = " ".join(str(r) for r in store.db.execute("EXPLAIN QUERY PLAN SELECT id FROM facts WHERE span_id = 1"))
    assert "facts_by_span" in plan
    # deleting a span still empties the roles it fills and deletes the facts it states, through the new tables
    doc_id = before["documents"][0][0]
    andi = store.spans(doc_id, "ana")[0]
    deleted = store.delete_span(andi.id)
    assert store.facts(doc_id, "ana")[0].args == []
    store.restore_span(deleted)
    assert store.facts(doc_id, "ana")[0].args == [Argument("speaker", andi.id)]
    store.close()


def test_an_id_once_given_is_never_given_again(tmp_path, monkeypatch):
    path = tmp_path / "old.db"
    old_database(path, monkeypatch)
    store = Store.open(path)
    doc_id = next(iter(store.documents())).id
    added = store.add_span(doc_id, "bea", 0, 4, "PERSON")
    store.delete_span(added.id)
    again = store.add_span(doc_id, "bea", 0, 4, "PERSON")
    assert again.id == added.id + 1
    fact = store.add_fact(doc_id, "bea", "MEMBER_OF", None, [Argument("member", again.id)])
    store.delete_fact(fact.id)
    assert store.add_fact(doc_id, "bea", "MEMBER_OF", None, [Argument("member", again.id)]).id == fact.id + 1
    store.close()


def test_an_import_numbers_past_every_id_ever_given(tmp_path):
    from annotator.domain import AnnotatedDocument, Document, Fact, Span

    from annotator.project import open_project

    store = open_project(tmp_path / "p.db")
    doc, _ = store.add_document("t", "Andi dan Budi.")
    kept = store.add_span(doc.id, "ana", 0, 4, "PERSON")
    freed_span = store.add_span(doc.id, "ana", 9, 13, "PERSON")
    freed_fact = store.add_fact(doc.id, "ana", "MEMBER_OF", None, [Argument("member", kept.id)])
    store.delete_fact(freed_fact.id)
    store.delete_span(freed_span.id)
    text = "Cici di Bandung."
    record = AnnotatedDocument(Document(None, "u", text), [Span(1, None, "bea", 0, 4, "PERSON", "Cici")],
                               [Fact(1, None, "bea", "MEMBER_OF", None, [Argument("member", 1)])], {})
    store.import_annotated([record])
    new_doc = [d for d in store.documents() if d.title == "u"][0]
    assert store.spans(new_doc.id)[0].id > freed_span.id
    assert store.facts(new_doc.id)[0].id > freed_fact.id
    store.close()
