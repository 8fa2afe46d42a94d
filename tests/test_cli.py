import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from annotator.cli import main
from annotator.store import Store


def run(*args, **kwargs):
    result = CliRunner().invoke(main, list(args), catch_exceptions=False, **kwargs)
    return result


def test_import_plain_text_and_samples(tmp_path):
    db = tmp_path / "p.db"
    article = tmp_path / "a.txt"
    article.write_text("Judul Berita\nIsi berita di Jakarta.\n", encoding="utf-8")
    result = run("--db", str(db), "import", str(article))
    assert result.exit_code == 0, result.output
    assert "1 added" in result.output
    again = run("--db", str(db), "import", str(article))
    assert "1 already present" in again.output
    samples = run("--db", str(db), "import", "--samples")
    assert "added 1 sample" in samples.output
    store = Store.open(db)
    assert [d.title for d in store.documents()][0] == "Judul Berita"
    assert store.schema().label("PERSON") is not None  # a new database gets the schema


def test_non_utf8_file_is_named_and_nothing_imported(tmp_path):
    db = tmp_path / "p.db"
    good = tmp_path / "good.txt"
    good.write_text("fine", encoding="utf-8")
    bad = tmp_path / "bad.txt"
    bad.write_bytes("baris satu\ncaf\xe9\n".encode("latin-1"))
    result = run("--db", str(db), "import", str(good), str(bad))
    assert result.exit_code == 1
    assert "bad.txt:2" in result.output and "not UTF-8" in result.output
    # the database this import created is gone again: a failed first import leaves no empty project
    assert "was removed again" in result.output and not db.exists()
    run("--db", str(db), "import", str(good))
    result = run("--db", str(db), "import", str(bad))
    assert result.exit_code == 1 and "removed" not in result.output
    assert [d.title for d in Store.open(db).documents()] == ["fine"]  # one it did not create stays


def test_import_checks_its_files_before_it_creates_a_database(tmp_path):
    db = tmp_path / "p.db"
    result = run("--db", str(db), "import", str(tmp_path / "missing.jsonl"))
    assert result.exit_code == 1 and "missing.jsonl" in result.output and "no such file" in result.output
    odd = tmp_path / "notes.xyz"
    odd.write_text("?", encoding="utf-8")
    result = run("--db", str(db), "import", str(odd))
    assert result.exit_code == 1 and "notes.xyz" in result.output and "--format" in result.output
    assert "created" not in result.output and not db.exists()


def test_check_exit_status(tmp_path):
    db = tmp_path / "p.db"
    run("--db", str(db), "import", "--samples")
    store = Store.open(db)
    text = store.document(1).text
    start = text.find("Kim Jong Un")
    span = store.add_span(1, "ana", start, start + 11, "PERSON")
    assert run("--db", str(db), "check").exit_code == 0
    store.db.execute("UPDATE spans SET start = start + 1 WHERE id = ?", [span.id])
    result = run("--db", str(db), "check")
    assert result.exit_code == 1 and f"span {span.id}" in result.output


def test_show_prints_entities_and_facts(tmp_path):
    db = tmp_path / "p.db"
    run("--db", str(db), "import", "--samples")
    store = Store.open(db)
    text = store.document(1).text
    from annotator.domain import Argument

    putin = store.add_span(1, "ana", text.find("Putin"), text.find("Putin") + 5, "PERSON")
    said = store.add_span(1, "ana", text.find("Kami berbicara"), text.find("Kami berbicara") + 14, "QUOTE")
    store.add_fact(1, "ana", "QUOTE", said.id, [Argument("speaker", putin.id)])
    out = run("--db", str(db), "--annotator", "ana", "show", "1").output
    assert "QUOTE 'Kami berbicara' (ana)" in out and "speaker: 'Putin'" in out
    data = json.loads(run("--db", str(db), "--annotator", "ana", "show", "1", "--json").output)
    assert data["facts"][0]["args"] == [{"role": "speaker", "span": putin.id, "fact": None, "text": "Putin"}]
    assert run("--db", str(db), "show", "99").exit_code == 1


def test_newer_database_message_not_traceback(tmp_path):
    import sqlite3

    db = tmp_path / "p.db"
    Store.open(db).close()
    conn = sqlite3.connect(db)
    conn.execute("INSERT INTO _sqlite_migrations (migration_set, name, applied_at) VALUES ('annotator', 'm999', 'x')")
    conn.commit()
    conn.close()
    result = CliRunner().invoke(main, ["--db", str(db), "check"])
    assert result.exit_code == 1 and "newer version of annotator" in result.output


def test_env_var_names_database(tmp_path, monkeypatch):
    db = tmp_path / "env.db"
    monkeypatch.setenv("ANNOTATOR_DB", str(db))
    run("import", "--samples")
    assert db.exists()


def test_default_database_is_seeded_with_samples(tmp_path):
    from annotator.cli import default_db_path

    article = tmp_path / "a.txt"
    article.write_text("Judul\n\nIsi berita.", encoding="utf-8")
    result = run("import", str(article))
    assert result.exit_code == 0 and f"created {default_db_path()}" in result.output
    store = Store.open(default_db_path())
    assert len(store.document_ids()) >= 2
    assert "Vladimir Putin" in store.document(1).text


def test_other_new_database_gets_schema_only(tmp_path):
    db = tmp_path / "new.db"
    article = tmp_path / "a.txt"
    article.write_text("Judul\n\nIsi berita.", encoding="utf-8")
    result = run("--db", str(db), "import", str(article))
    assert result.output.startswith(f"created {db}\n")
    store = Store.open(db)
    assert len(store.document_ids()) == 1 and store.schema().label("QUOTE") is not None


@pytest.mark.parametrize("module", ["pandas", "numpy"])
def test_commands_start_without_importing_pandas_or_numpy_which_stay_importable(module):
    # sqlite-utils would import them (over half a second of every command's start) for nothing we use
    pytest.importorskip(module)
    code = (f"import sys, annotator.cli; assert {module!r} not in sys.modules; import {module}; "
            f"print({module}.__name__)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout.strip() == module, done.stderr
