"""A mistyped database path never looks like an empty project: only `import`
(and the window) create a database; every other command refuses a path with
no database, a folder or a URL, and creates nothing."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from annotator.cli import main
from annotator.project import open_project

# every command but import, with arguments that get it as far as opening the database
READ_ONLY_INVOCATIONS = {
    "check": ["check", "--deep"],
    "show": ["show", "1", "--json"],
    "export": ["export", "--format", "native", "--out", "{tmp}/out.jsonl"],
    "agreement": ["agreement"],
    "review": ["review", "1", "--annotator", "ana", "--annotator", "budi"],
    "merge": ["merge", "{tmp}/other.db"],
    "history": ["history", "--json"],
    "revert": ["revert", "1"],
    "backup": ["backup", "--out", "{tmp}/copy.db"],
    "search": ["search", "Putin", "--json"],
    "stats": ["stats", "--json"],
    "suggest": ["suggest", "status"],
    # the local database is opened before the server is reached (port 9: nothing listens)
    "sync": ["sync", "--server", "postgresql://ana@127.0.0.1:9/project"],
    "team": ["team", "push-documents", "--server", "postgresql://lena@127.0.0.1:9/project"],
}
CREATING = {"import", "restore"}
"""Commands meant to make a database: import, and restore (which puts a backup in its place)."""


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def everything_under(folder):
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*"))


def test_every_command_but_import_is_checked_here():
    assert set(main.commands) - CREATING == set(READ_ONLY_INVOCATIONS), (
        "a new command: add how to invoke it to READ_ONLY_INVOCATIONS")


@pytest.mark.parametrize("name", sorted(READ_ONLY_INVOCATIONS))
def test_a_read_only_command_refuses_a_missing_database_and_creates_nothing(tmp_path, monkeypatch, name):
    monkeypatch.chdir(tmp_path)
    missing = tmp_path / "corpsu.db"
    args = [a.format(tmp=tmp_path) for a in READ_ONLY_INVOCATIONS[name]]
    result = run("--db", missing, *args)
    assert result.exit_code == 2
    assert result.output == f"Error: {missing}: no such database (annotator import … creates one)\n"
    # the default database (the data folder) is not made either
    assert everything_under(tmp_path) == []


def test_without_db_a_read_only_command_does_not_make_the_default_database(tmp_path):
    from annotator.cli import default_db_path

    result = run("check")
    assert result.exit_code == 2 and f"{default_db_path()}: no such database" in result.output
    assert not default_db_path().parent.exists()


def test_merge_refuses_a_missing_other_database(tmp_path):
    project = tmp_path / "project.db"
    open_project(project).close()
    before = everything_under(tmp_path)
    missing = tmp_path / "budi.db"
    result = run("--db", project, "merge", missing)
    assert result.exit_code == 2
    assert result.output == f"Error: {missing}: no such database (annotator import … creates one)\n"
    assert [p for p in everything_under(tmp_path) if not p.startswith("project.db")] == []
    assert before == ["project.db"]


def test_import_creates_the_database_and_says_so(tmp_path):
    article = tmp_path / "a.txt"
    article.write_text("Judul\n\nIsi berita.", encoding="utf-8")
    db = tmp_path / "new" / "project.db"
    result = run("--db", db, "import", article)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == f"created {db}"
    again = run("--db", db, "import", article)
    assert again.exit_code == 0 and "created" not in again.output
    assert run("--db", db, "check").exit_code == 0


@pytest.mark.parametrize("command", [["check"], ["import", "--samples"]])
def test_a_folder_is_not_a_database(tmp_path, command):
    folder = tmp_path / "projects"
    folder.mkdir()
    result = run("--db", folder, *command)
    assert result.exit_code == 2
    assert result.output == f"Error: {folder}: is a folder, not a database file (e.g. {folder / 'annotations.db'})\n"
    assert everything_under(tmp_path) == ["projects"]


@pytest.mark.parametrize("url", ["http://example.org/corpus.db", "sqlite:///corpus.db"])
@pytest.mark.parametrize("command", [["check"], ["import", "--samples"]])
def test_a_url_is_not_a_database(tmp_path, monkeypatch, url, command):
    monkeypatch.chdir(tmp_path)
    result = run("--db", url, *command)
    assert result.exit_code == 2
    assert result.output.startswith(f"Error: {url}: is a URL; annotator opens SQLite database files only")
    assert everything_under(tmp_path) == []


@pytest.mark.parametrize("command", [["import", "--samples"], ["revert", "1"], []])
def test_a_team_server_as_db_is_only_read(tmp_path, monkeypatch, command):
    """Commands that read take a team server (tests/test_team_read_commands.py); one that
    writes, and the window, refuse it before connecting and create nothing."""
    monkeypatch.chdir(tmp_path)
    url = "postgresql://ana:secret@localhost/corpus"
    result = run("--db", url, *command)
    assert result.exit_code == 2
    assert result.output.startswith("Error: postgresql://ana@localhost/corpus: a team server is only read"
                                    if command else "Error: postgresql://ana@localhost/corpus: is a URL; the window opens")
    assert everything_under(tmp_path) == []


def test_the_window_refuses_a_url_and_creates_nothing(qapp, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from pathlib import Path

    from annotator.ui.app import run_app

    monkeypatch.chdir(tmp_path)
    shown = []
    monkeypatch.setattr(QMessageBox, "critical", lambda parent, title, text: shown.append(text))
    # as a caller that made a Path of it would pass it: postgresql:/ana@localhost/corpus
    assert run_app(Path("postgresql://ana@localhost/corpus"), "ana", is_default=False) == 1
    assert "is a URL" in shown[0]
    assert everything_under(tmp_path) == []


def test_open_recent_refuses_a_database_deleted_since(qtbot, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from annotator.ui.main_window import MainWindow

    shown = []
    monkeypatch.setattr(QMessageBox, "critical", lambda parent, title, text: shown.append(text))
    window = MainWindow(open_project(tmp_path / "here.db"), "ana")
    qtbot.addWidget(window)
    gone = tmp_path / "gone.db"
    assert window.open_database(gone) is None
    assert shown == [f"{gone}: no such database"] and not gone.exists()
    successor = window.open_database(gone, create=True)  # File → New
    qtbot.addWidget(successor)
    assert gone.exists() and successor.store.path == gone


def test_import_into_a_folder_it_cannot_make_or_write_is_a_message(tmp_path):
    import stat

    a_file = tmp_path / "notes.txt"
    a_file.write_text("x")
    result = run("--db", a_file / "project.db", "import", "--samples")
    assert result.exit_code == 2 and result.output.startswith(f"Error: {a_file / 'project.db'}: cannot make its folder")
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        result = run("--db", locked / "project.db", "import", "--samples")
    finally:
        locked.chmod(stat.S_IRWXU)
    assert result.exit_code == 1
    assert result.output == (f"Error: {locked / 'project.db'}: the folder {locked} is read-only; "
                             "annotator cannot create the database there\n")
    assert everything_under(tmp_path) == ["locked", "notes.txt"]
