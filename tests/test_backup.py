"""Backups: on demand while another connection writes, automatic and rotated, restored."""

from __future__ import annotations

import datetime
import sqlite3
import threading

import pytest
from click.testing import CliRunner

from annotator.cli import main
from annotator.project import open_project
from annotator.store import Store, StoreError
from annotator.store.backup import (
    AUTOMATIC_BACKUPS_KEPT,
    automatic_backup,
    automatic_backups,
    backup_database,
    restore_database,
)


def run(*args):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture
def project(tmp_path):
    store = open_project(tmp_path / "project.db", samples=True)
    yield store
    store.close()


def _span_ids(path) -> list[int]:
    conn = sqlite3.connect(path)
    try:
        return [r[0] for r in conn.execute("SELECT id FROM spans ORDER BY id")]
    finally:
        conn.close()


def test_backup_while_another_connection_writes_is_whole_and_consistent(project, tmp_path):
    writer = Store.open(project.path)
    committed: list[int] = []
    stop = threading.Event()
    started = threading.Event()

    def label_in_a_loop() -> None:
        while not stop.is_set():
            committed.append(writer.add_span(1, "ana", 0, 5, "PERSON").id)
            started.set()

    thread = threading.Thread(target=label_in_a_loop)
    thread.start()
    try:
        started.wait()
        before = list(committed)
        copy = backup_database(project.path, tmp_path / "copy.db")
        after = list(committed)
    finally:
        stop.set()
        thread.join()
        writer.close()
    conn = sqlite3.connect(copy)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # one file, no -wal beside it
    conn.close()
    in_copy = _span_ids(copy)
    assert set(before) <= set(in_copy) <= set(after)  # everything committed when it began, nothing half
    assert in_copy == sorted(after)[:len(in_copy)]  # one moment: a prefix of the commits
    assert Store.open(copy).span(before[0]).text == project.span(before[0]).text


def test_backup_command_names_the_copy_and_never_overwrites(project, tmp_path):
    project.add_span(1, "ana", 0, 5, "PERSON")
    result = run("--db", str(project.path), "backup")
    assert result.exit_code == 0, result.output
    made = [p for p in tmp_path.iterdir() if p.name.startswith("project-") and p.suffix == ".db"]
    assert len(made) == 1 and made[0].name[len("project-"):-3].replace("-", "").isdigit()
    assert _span_ids(made[0]) == _span_ids(project.path)

    taken = tmp_path / "taken.db"
    taken.write_bytes(b"someone else's file")
    refused = run("--db", str(project.path), "backup", "--out", str(taken))
    assert refused.exit_code == 1 and "already exists" in refused.output
    assert taken.read_bytes() == b"someone else's file"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []  # no partial copy left


def test_automatic_backup_at_most_daily_keeps_the_last_n_and_only_its_own(project, tmp_path):
    folder = tmp_path / "backups"
    folder.mkdir()
    unrelated = [folder / "notes.txt", folder / "project-auto-20200101-000000.db.txt",
                 folder / "other-auto-20200101-000000.db", folder / "project-20200101-000000.db"]
    for path in unrelated:
        path.write_text("keep me")
    day = datetime.datetime(2026, 1, 1, 9, 0, 0)
    first = automatic_backup(project.path, now=day)
    assert first is not None and first.parent == folder
    assert automatic_backup(project.path, now=day + datetime.timedelta(hours=10)) is None  # same day
    for n in range(1, AUTOMATIC_BACKUPS_KEPT + 3):
        assert automatic_backup(project.path, now=day + datetime.timedelta(days=n)) is not None
    kept = [when.date() for when, _ in automatic_backups(project.path)]
    assert len(kept) == AUTOMATIC_BACKUPS_KEPT
    assert kept[-1] == (day + datetime.timedelta(days=AUTOMATIC_BACKUPS_KEPT + 2)).date()
    assert not first.exists()  # the oldest went
    assert all(path.read_text() == "keep me" for path in unrelated)


def test_restore_refuses_without_force_and_keeps_the_replaced_database(project, tmp_path):
    span = project.add_span(1, "ana", 0, 5, "PERSON")
    copy = backup_database(project.path, tmp_path / "copy.db")
    later = project.add_span(1, "ana", 6, 9, "PERSON")
    refused = run("restore", str(copy), "--db", str(project.path))
    assert refused.exit_code == 1 and "--force" in refused.output
    assert project.has_span(later.id)
    result = run("restore", str(copy), "--db", str(project.path), "--force")
    assert result.exit_code == 0, result.output
    assert project.changed_elsewhere()  # an open connection (the window) sees the restore
    assert project.has_span(span.id) and not project.has_span(later.id)
    kept = [p for p in tmp_path.iterdir() if p.name.startswith("project-") and p.suffix == ".db"]
    assert len(kept) == 1 and later.id in _span_ids(kept[0])


def test_restore_refuses_a_file_that_is_not_a_database(project, tmp_path):
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not sqlite" * 100)
    with pytest.raises(StoreError, match="junk.db"):
        restore_database(junk, project.path, force=True)
    assert project.document_ids()


def test_window_takes_the_daily_backup_in_the_background(qtbot, project, tmp_path):
    from annotator.ui.main_window import MainWindow

    window = MainWindow(project, "ana")
    qtbot.addWidget(window)
    window.start_automatic_backup()
    qtbot.waitUntil(window.automatic_backup.isFinished, timeout=30000)
    [(_, copy)] = automatic_backups(project.path)
    assert copy.parent == tmp_path / "backups"
    assert window.automatic_backup.written == copy
    assert _span_ids(copy) == _span_ids(project.path)


def test_restoring_an_older_backup_brings_it_up_to_date(project, tmp_path):
    old = backup_database(project.path, tmp_path / "old.db")
    conn = sqlite3.connect(old)  # as a backup taken before the change history existed
    conn.execute("DROP TABLE changes")
    conn.execute("DELETE FROM _sqlite_migrations WHERE name = 'm005_change_history'")
    conn.commit()
    conn.close()
    restore_database(old, project.path, force=True)
    project.reload()
    span = project.add_span(1, "ana", 0, 5, "PERSON")  # the open connection writes its history
    assert project.history(limit=2)[1].target == str(span.id)


def test_backup_of_a_missing_database_is_refused(tmp_path):
    result = run("--db", str(tmp_path / "none.db"), "backup")
    assert result.exit_code == 1 and "no such database" in result.output
    assert list(tmp_path.iterdir()) == []
