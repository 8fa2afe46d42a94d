"""Opening reads only what takes constant time; damage inside the data is
found when read (a message naming the file, never a traceback) or by
`annotator check --deep` (SQLite's integrity_check)."""

from __future__ import annotations

import sqlite3

import pytest
from click.testing import CliRunner

from annotator.cli import main
from annotator.store import CorruptDatabaseError, Store
from annotator.store.integrity import integrity_problems
from annotator.project import open_project
from damaged_database import damaged_project, make_project


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_opening_reads_no_page_of_data(tmp_path, monkeypatch):
    path = tmp_path / "p.db"
    damaged_project(path)
    statements: list[str] = []
    connect = sqlite3.connect

    def traced(*args, **kwargs):
        conn = connect(*args, **kwargs)
        if args and args[0] != ":memory:":  # not the fresh database the tables are compared with
            conn.set_trace_callback(statements.append)
        return conn

    monkeypatch.setattr(sqlite3, "connect", traced)
    store = open_project(path)  # quick_check, as before, refused this file
    assert statements
    assert [s for s in statements if "_check" in s.lower() or "count(" in s.lower()] == []
    assert len(store.document_ids()) == 30
    store.close()


def test_check_deep_reports_damage_that_opening_does_not_see(tmp_path):
    path = tmp_path / "p.db"
    make_project(path)
    sound = run("--db", path, "check", "--deep")
    assert sound.exit_code == 0, sound.output
    assert "every page of the file is sound" in sound.output
    damaged_project(tmp_path / "d.db")
    result = run("--db", tmp_path / "d.db", "check", "--deep")
    assert result.exit_code == 1
    assert f"{tmp_path / 'd.db'}: damaged: " in result.output
    assert isinstance(result.exception, SystemExit)  # an exit status, not a traceback


@pytest.mark.parametrize("command", [
    ["check"],
    ["export", "--format", "native", "--out", "{out}"],
    ["show", "{last}", "--all-layers"],
])
def test_damage_met_in_reading_is_a_message_naming_the_file(tmp_path, command):
    path = tmp_path / "p.db"
    last = damaged_project(path)
    out = tmp_path / "out.jsonl"
    result = run("--db", path, *[a.format(out=out, last=last) for a in command])
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit), result.exception  # not a traceback
    assert result.output.startswith(f"Error: {path}: the database is damaged ("), result.output
    assert "check --deep" in result.output
    assert not out.exists() and [p.name for p in tmp_path.iterdir() if not p.name.startswith("p.db")] == []


def test_integrity_problems_can_be_cancelled(tmp_path, monkeypatch):
    from annotator.store import integrity
    from annotator.store.errors import CheckCancelled

    monkeypatch.setattr(integrity, "STEPS_PER_CALL", 10)  # so that this small file is asked about
    path = tmp_path / "p.db"
    make_project(path)
    store = Store.open(path)
    with pytest.raises(CheckCancelled):
        integrity_problems(store, lambda: False)
    assert integrity_problems(store) == []
    store.close()


def test_a_damaged_page_in_a_write_is_a_store_error(tmp_path):
    path = tmp_path / "p.db"
    last = damaged_project(path)
    store = Store.open(path)
    with pytest.raises(CorruptDatabaseError, match="damaged"):
        with store.transaction():
            store.db.execute("DELETE FROM spans WHERE document_id = ?", [last])
    store.close()


def test_damage_anywhere_is_never_a_traceback(tmp_path):
    import collections
    import shutil

    from damaged_database import damage_anywhere

    pristine = tmp_path / "pristine.db"
    make_project(pristine)
    outcomes: collections.Counter[str] = collections.Counter()
    for seed in range(60):
        path = tmp_path / f"p{seed}.db"
        shutil.copy(pristine, path)
        damage_anywhere(path, seed)
        for command in (["check", "--deep"], ["check"], ["show", "30", "--all-layers"],
                        ["export", "--format", "native", "--out", tmp_path / f"out{seed}.jsonl"]):
            result = run("--db", path, *command)
            assert result.exception is None or isinstance(result.exception, SystemExit), (seed, command, result.output)
            if result.output.startswith("Error: "):
                assert result.output.startswith(f"Error: {path}: "), result.output
            outcome = "refused" if result.output.startswith("Error: ") else f"exit {result.exit_code}"
            outcomes[f"{command[0]}{' --deep' if '--deep' in command else ''}: {outcome}"] += 1
    print("\n60 damaged files:", ", ".join(f"{key} {n}" for key, n in sorted(outcomes.items())))
