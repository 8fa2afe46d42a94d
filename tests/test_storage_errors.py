"""The store turns a failing disk or a locked database into its own errors,
rolls the write back, and keeps everything committed before; the CLI prints
the message instead of a traceback. Also: noticing other connections' commits."""

from __future__ import annotations

import sqlite3

import pytest
from click.testing import CliRunner

from annotator.cli import main
from annotator.store import Store
from annotator.store.database import DatabaseBusyError, StorageFullError
from annotator.project import open_project

LONG_TEXT = "Presiden berkunjung ke Jakarta 🇮🇩 hari ini. " * 400  # needs overflow pages


def fill_up(store: Store) -> None:
    """No page may be added beyond what the file holds now: the next write
    that needs a new page fails as on a full disk."""
    pages = store.db.execute("PRAGMA page_count").fetchone()[0]
    store.db.execute(f"PRAGMA max_page_count = {pages}")


def test_full_disk_rolls_back_and_keeps_earlier_work(tmp_path):
    store = open_project(tmp_path / "p.db")
    doc, _ = store.add_document("Berita", LONG_TEXT)
    kept = store.add_span(doc.id, "ana", 0, 8, "PERSON")
    seen = []
    store.subscribe(lambda kind, doc_id: seen.append(kind))
    fill_up(store)
    with pytest.raises(StorageFullError) as failure:
        store.add_span(doc.id, "ana", 0, len(LONG_TEXT), "LOCATION")
    assert str(tmp_path / "p.db") in str(failure.value)
    assert "disk is full" in str(failure.value)
    assert not store.db.conn.in_transaction
    assert seen == []  # nothing was announced for the write that failed
    assert [s.id for s in store.spans(doc.id)] == [kept.id]
    store.db.execute("PRAGMA max_page_count = 1000000")
    store.add_span(doc.id, "ana", 0, len(LONG_TEXT), "LOCATION")
    assert len(store.spans(doc.id)) == 2


def test_locked_database_is_a_busy_error_and_retry_works(tmp_path):
    store = open_project(tmp_path / "p.db")
    doc, _ = store.add_document("Berita", "Ani tinggal di Bandung.")
    store.db.execute("PRAGMA busy_timeout = 50")
    other = sqlite3.connect(tmp_path / "p.db", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(DatabaseBusyError) as failure:
            store.add_span(doc.id, "ana", 0, 3, "PERSON")
        assert "another program" in str(failure.value)
    finally:
        other.execute("ROLLBACK")
        other.close()
    store.add_span(doc.id, "ana", 0, 3, "PERSON")
    assert [s.text for s in store.spans(doc.id)] == ["Ani"]


def test_sql_mistakes_are_not_disguised_as_storage_trouble(store):
    with pytest.raises(sqlite3.OperationalError):
        with store.db.atomic():
            store.db.execute("INSERT INTO no_such_table VALUES (1)")


def test_cli_import_into_full_database_is_a_clean_message(tmp_path, monkeypatch):
    db = tmp_path / "p.db"
    first = open_project(db)
    first.add_document("Lama", "Berita lama.")
    first.close()
    article = tmp_path / "baru.txt"
    article.write_text("Judul\n" + LONG_TEXT, encoding="utf-8")
    opened = Store.open.__func__

    def open_full(cls, path, **kwargs):
        store = opened(cls, path, **kwargs)
        fill_up(store)
        return store

    monkeypatch.setattr(Store, "open", classmethod(open_full))
    result = CliRunner().invoke(main, ["--db", str(db), "import", str(article)])
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit)  # click's clean exit, not an uncaught error
    assert "disk is full" in result.output and str(db) in result.output
    assert "nothing was imported" in result.output
    monkeypatch.undo()
    assert [d.title for d in Store.open(db).documents()] == ["Lama"]


def test_changed_elsewhere_sees_other_connections_only(tmp_path):
    store = open_project(tmp_path / "p.db")
    assert not store.changed_elsewhere()
    store.add_document("Sendiri", "Ditulis oleh koneksi ini.")
    assert not store.changed_elsewhere()  # its own commits do not count
    other = Store.open(tmp_path / "p.db")
    other.add_document("Lain", "Ditulis oleh proses lain.")
    assert store.changed_elsewhere()
    assert not store.changed_elsewhere()  # asked once per change
    other.add_document("Lagi", "Satu lagi.")
    store.reload()
    assert not store.changed_elsewhere()  # reload has already picked it up
