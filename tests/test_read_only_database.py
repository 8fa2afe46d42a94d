"""Databases annotator may only read: another database to merge (never
changed, even by a migration), and a database in a read-only file or folder
(said to be read-only, not damaged; still readable by commands that only read).

Tests run as root, whom the system lets write anywhere: annotator counts a
file or folder with no write permission for anyone as read-only all the same,
so removing the write bits here is what a user's chmod would be."""

from __future__ import annotations

import hashlib
import sqlite3
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from annotator.cli import main
from annotator.project import install_default_schema, open_project
from annotator.store import ReadOnlyDatabaseError, Store
from annotator.store.core import ProjectDatabase
from annotator.store.merge import merge_databases
from annotator.store.migrations import m005_change_history, migrations
from annotator.store.opening import configure

TEXT = "Presiden Joko Widodo bertemu Kim Jong Un di Jakarta."


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def fill(store: Store, annotator: str = "budi") -> None:
    doc, _ = store.add_document("Jokowi dan Kim", TEXT)
    start = TEXT.index("Kim Jong Un")
    store.add_span(doc.id, annotator, start, start + len("Kim Jong Un"), "PERSON")


def other_database(path: Path) -> Path:
    store = open_project(path)
    fill(store)
    store.close()
    return path


def older_database(path: Path) -> Path:
    """A database as annotator wrote it when only m001 existed, in rollback-journal mode."""
    conn = sqlite3.connect(path)
    db = ProjectDatabase(conn, path)
    configure(db, in_memory=True)  # keeps SQLite's default journal: the file is not in WAL mode
    migrations.apply(db, stop_before="m002_spans_in_reading_order")
    # today's store writes its change history (m005) with every edit: tables for
    # the filling only, taken away again, so the file is what m001 made
    m005_change_history(db)
    # and names its documents (m007): a column for the filling only, taken away again
    conn.execute("ALTER TABLE documents ADD COLUMN source_name TEXT NOT NULL DEFAULT ''")
    # and the word list for prefixes (m010) that adding a document keeps
    conn.execute("CREATE TABLE search_terms (term TEXT PRIMARY KEY) WITHOUT ROWID")
    conn.execute("CREATE TABLE search_terms_pending (document_id INTEGER PRIMARY KEY)")
    store = Store(db, path)
    install_default_schema(store)
    fill(store)
    conn.execute("DROP TABLE changes")
    conn.execute("ALTER TABLE documents DROP COLUMN source_name")
    conn.execute("DROP TABLE search_terms")
    conn.execute("DROP TABLE search_terms_pending")
    conn.commit()
    store.close()
    return path


def applied_migrations(path: Path) -> list[str]:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?immutable=1", uri=True)
    try:
        return [r[0] for r in conn.execute("SELECT name FROM _sqlite_migrations ORDER BY id")]
    finally:
        conn.close()


def read_only(path: Path) -> None:
    path.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH | (stat.S_IXUSR if path.is_dir() else 0))


@pytest.fixture
def writable_again():
    paths: list[Path] = []
    yield paths.append
    for path in paths:
        path.chmod(stat.S_IRWXU)


@pytest.mark.parametrize("make", [other_database, older_database], ids=["current", "only-m001"])
def test_merge_leaves_the_other_database_as_it_was(tmp_path, writable_again, make):
    folder = tmp_path / "from-budi"
    folder.mkdir()
    other = make(folder / "budi.db")
    migrations_before = applied_migrations(other)
    read_only(other)
    read_only(folder)
    writable_again(folder)
    before = (digest(other), listing(folder), other.read_bytes()[18:20])
    project = tmp_path / "project.db"
    open_project(project).close()
    result = run("--db", project, "merge", other)
    assert result.exit_code == 0, result.output
    assert "1 layer(s) brought in (budi)" in result.output
    # not a byte changed, nothing left beside it, no switch to WAL, no migration recorded
    assert (digest(other), listing(folder), other.read_bytes()[18:20]) == before
    assert applied_migrations(other) == migrations_before
    store = Store.open(project)
    doc_id = store.document_ids()[0]
    assert [s.text for s in store.spans(doc_id, "budi")] == ["Kim Jong Un"]
    store.close()


def test_the_older_database_reads_as_migrated(tmp_path):
    other = older_database(tmp_path / "old.db")
    assert applied_migrations(other) == ["m001_initial"]
    store = Store.open_read_only(other)
    assert [s.text for s in store.spans(store.document_ids()[0], "budi")] == ["Kim Jong Un"]
    with pytest.raises(Exception):
        store.add_document("x", "y")  # a copy, but read-only all the same
    store.close()
    assert applied_migrations(other) == ["m001_initial"]


def test_merge_reads_another_database_a_program_has_open(tmp_path):
    other = other_database(tmp_path / "budi.db")
    colleague = Store.open(other)  # keeps the -wal: read through it, not around it
    fill(colleague, "citra")
    project = open_project(tmp_path / "project.db")
    summary = merge_databases(project, [other])
    assert sorted(summary.annotators) == ["budi", "citra"]
    colleague.close()
    project.close()


def test_a_sound_database_in_a_read_only_folder_is_called_read_only(tmp_path, writable_again):
    folder = tmp_path / "archive"
    folder.mkdir()
    path = other_database(folder / "p.db")
    read_only(folder)
    writable_again(folder)
    with pytest.raises(ReadOnlyDatabaseError) as refused:
        Store.open(path)
    assert str(refused.value) == (f"{path}: the folder {folder} is read-only; "
                                  "annotator needs to write every edit and its journal there")
    assert "damaged" not in str(refused.value)
    # commands that write say so; commands that only read still read it
    merged = run("--db", path, "merge", other_database(tmp_path / "budi.db"))
    assert merged.exit_code == 1 and merged.output.startswith(f"Error: {path}: the folder {folder} is read-only")
    assert run("--db", path, "check").exit_code == 0
    shown = run("--db", path, "--annotator", "budi", "show", "1")
    assert shown.exit_code == 0 and "Kim Jong Un" in shown.output
    assert listing(folder) == ["p.db"]


def test_a_read_only_file_is_called_read_only(tmp_path, writable_again):
    path = other_database(tmp_path / "p.db")
    read_only(path)
    writable_again(path)
    with pytest.raises(ReadOnlyDatabaseError, match="the file is read-only"):
        Store.open(path)
    imported = run("--db", path, "import", "--samples")
    assert imported.exit_code == 1 and f"{path}: the file is read-only" in imported.output


def test_the_window_says_the_folder_is_read_only(qapp, tmp_path, monkeypatch, writable_again):
    from PySide6.QtWidgets import QMessageBox

    from annotator.ui.app import run_app

    folder = tmp_path / "archive"
    folder.mkdir()
    path = other_database(folder / "p.db")
    read_only(folder)
    writable_again(folder)
    shown = []
    monkeypatch.setattr(QMessageBox, "critical", lambda parent, title, text: shown.append(text))
    assert run_app(path, "ana", is_default=False) == 1
    assert shown and shown[0].startswith(f"{path}: the folder {folder} is read-only")


def test_export_workers_read_a_database_in_a_read_only_folder(tmp_path, writable_again, monkeypatch):
    from annotator import export_workers

    monkeypatch.setattr(export_workers, "RUN_DOCUMENTS", 1)  # a worker for each of the two documents
    folder = tmp_path / "archive"
    folder.mkdir()
    path = other_database(folder / "p.db")
    store = Store.open(path)
    store.add_document("lain", "Berita lain.")
    store.close()
    read_only(folder)
    writable_again(folder)
    untouched = folder.stat().st_mtime_ns  # a -wal made and removed again would change it
    out = tmp_path / "out.conll"
    result = run("--db", path, "export", "--format", "conll", "--tokenizer", "regex", "--workers", "2", "--out", out,
                 "--all-layers", "--status", "any")
    assert result.exit_code == 0, result.output
    assert "Kim B-PERSON\nJong I-PERSON" in out.read_text(encoding="utf-8")
    assert listing(folder) == ["p.db"] and folder.stat().st_mtime_ns == untouched


def test_a_store_that_only_reads_lists_by_status_and_span_count(tmp_path):
    path = other_database(tmp_path / "p.db")
    store = Store.open_read_only(path)
    try:
        for order in ("status", "spans"):
            page = store.document_page("budi", "", order=order)
            assert [s.title for s in page] == ["Jokowi dan Kim"]
            assert store.document_position(page[0].id, order=order, annotator="budi") == 0
    finally:
        store.close()
