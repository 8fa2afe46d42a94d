"""An import is one transaction, schema part included: whatever stops it (a
failing schema write, a SIGKILL at any point) leaves the database exactly as
it was. And it takes the write lock at BEGIN, so labelling in another
connection beside a large import waits for it and never fails."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from annotator import exchange
from annotator.exchange import importing
from annotator.cli import main
from annotator.project import open_project
from annotator.store import EditConflictError, Store, StoreError, bundles
from fault_figures import FIGURES
from generated_corpus import write_native

TABLES = ("documents", "spans", "facts", "fact_args", "document_status", "labels", "attribute_defs", "annotators",
          "document_notes", "document_tokens", "search_terms")


def contents(path: Path) -> dict[str, list[tuple]]:
    """Every row of the tables an import writes, read on a connection of its own."""
    conn = sqlite3.connect(path)
    try:
        return {table: conn.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall() for table in TABLES}
    finally:
        conn.close()


def cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


@pytest.fixture
def project(tmp_path) -> Path:
    store = open_project(tmp_path / "p.db")
    doc, _ = store.add_document("Lama", "Ani tinggal di Bandung.")
    store.add_span(doc.id, "ana", 0, 3, "PERSON")
    store.close()
    return tmp_path / "p.db"


def test_a_failing_attribute_definition_takes_the_whole_import_back(project, tmp_path):
    before = contents(project)
    source = write_native(tmp_path / "in.jsonl", 30, spans=4)
    conn = sqlite3.connect(project)
    # the last thing an import writes: attribute definitions, after every document, label and role
    conn.execute("CREATE TRIGGER no_attributes BEFORE INSERT ON attribute_defs "
                 "BEGIN SELECT RAISE(ABORT, 'attribute definitions refused'); END")
    conn.commit()
    conn.close()
    store = Store.open(project)
    with pytest.raises(EditConflictError, match="attribute definitions refused"):
        exchange.import_files(store, [source])
    assert not store.db.conn.in_transaction
    assert store.schema().label("GENERATED_FACT") is None  # no cached schema from the rolled-back import
    store.close()
    assert contents(project) == before


def test_a_failing_schema_part_is_reported_truthfully_by_the_command(project, tmp_path, monkeypatch):
    before = contents(project)
    source = write_native(tmp_path / "in.jsonl", 30, spans=4)
    written = []

    def fails(store, needs, new_labels):
        written.append(len(store.document_ids()))  # the documents are in, inside the transaction
        raise StoreError(f"{project}: the disk is full")

    monkeypatch.setattr(importing, "complete_schema", fails)
    code, output = cli("--db", str(project), "import", str(source))
    assert code == 1 and "nothing was imported" in output
    assert written == [31]
    assert contents(project) == before


def test_documents_and_schema_land_together(project, tmp_path):
    source = write_native(tmp_path / "in.jsonl", 30, spans=4)
    code, output = cli("--db", str(project), "import", str(source))
    assert code == 0, output
    store = Store.open(project)
    fact = store.schema().label("GENERATED_FACT")
    assert [role.name for role in fact.roles] == ["who"] and fact.trigger
    assert {a.name for a in store.schema().attributes} >= {"generated_flag", "generated_choice"}
    assert len(store.document_ids()) == 31
    store.close()
    assert cli("--db", str(project), "check")[0] == 0


def test_a_new_database_is_written_as_it_is_read_with_the_rows_a_spooled_import_writes(tmp_path, monkeypatch):
    source = write_native(tmp_path / "in.jsonl", 30, spans=4)
    with open(source, "a", encoding="utf-8") as out:  # a document note, tokens and a text seen twice
        out.write(json.dumps({"title": "Catatan", "text": "Ani di Bandung.", "notes": {"ana": "cek"},
                              "tokens": {"starts": [0, 4, 7, 14], "ends": [3, 6, 14, 15], "sentence_starts": [0]},
                              "spans": [{"start": 7, "end": 14, "label": "LOCATION", "annotator": "budi"}]}) + "\n")
        out.write(json.dumps({"title": "Lagi", "text": "Ani di Bandung.", "status": {"budi": "done"}}) + "\n")
    monkeypatch.setattr(bundles, "now", lambda: "2026-11-29T00:00:00.000+00:00")
    spooled = open_project(tmp_path / "spooled.db")
    report = exchange.import_files(spooled, [source])
    spooled.close()
    direct = open_project(tmp_path / "direct.db")

    class NoSpool:  # a new database has no one waiting for its write lock: nothing is spooled
        def __init__(self, file):
            raise AssertionError("spooled")

    monkeypatch.setattr(importing, "_Spool", NoSpool)
    assert exchange.import_files(direct, [source], new_database=True) == report
    direct.close()
    written = [contents(tmp_path / name) for name in ("direct.db", "spooled.db")]
    for tables in written:  # a layer's creation time is its own
        tables["annotators"] = [name for name, _created in tables["annotators"]]
    assert written[0] == written[1]


def test_a_new_database_whose_import_fails_at_its_last_line_is_removed(tmp_path):
    source = write_native(tmp_path / "in.jsonl", 30, spans=4)
    with open(source, "a", encoding="utf-8") as out:
        out.write(json.dumps({"text": "Ani", "spans": [{"start": 0, "end": 9, "label": "PERSON"}]}) + "\n")
    db = tmp_path / "new.db"
    code, output = cli("--db", str(db), "import", str(source))
    assert code == 1 and "in.jsonl:31" in output and "outside the text" in output
    assert "was removed again" in output and not db.exists()


def test_a_new_database_another_program_wrote_into_is_kept_when_the_import_fails(tmp_path, monkeypatch):
    import annotator.exchange
    from annotator.store import Store

    db = tmp_path / "new.db"

    def fails_beside_another_program(*args, **kwargs):
        other = Store.open(db, create=False)  # a window opened on the new file meanwhile
        other.add_document("Punya orang lain", "Tulisan orang lain.")
        other.close()
        raise ValueError("in.jsonl:1: broken")

    monkeypatch.setattr(annotator.exchange, "import_files", fails_beside_another_program)
    source = write_native(tmp_path / "in.jsonl", 1, spans=1)
    code, output = cli("--db", str(db), "import", str(source))
    assert code == 1 and "in.jsonl:1: broken" in output and "was removed again" not in output
    assert [d.title for d in Store.open(db, create=False).documents()] == ["Punya orang lain"]


def _write_lock_free(path: Path) -> bool:
    probe = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        probe.execute("BEGIN IMMEDIATE")
        probe.execute("ROLLBACK")
        return True
    except sqlite3.OperationalError:
        return False
    finally:
        probe.close()


def test_a_write_transaction_holds_the_write_lock_from_its_begin(project):
    """`BEGIN IMMEDIATE`: a transaction that reads before it writes (deleting a
    span) must not begin without the lock, or it could not wait for it later."""
    store = Store.open(project)
    doc_id = store.document_ids()[0]
    with store.db.atomic():
        assert not _write_lock_free(project)  # nothing written yet, and the lock is taken
        with store.db.atomic():  # nested: a savepoint, still one transaction
            store.add_span(doc_id, "ana", 15, 22, "LOCATION")
        with pytest.raises(StoreError):
            with store.db.atomic():
                store.add_span(doc_id, "ana", 4, 11, "LOCATION")
                raise StoreError("taken back")
    assert _write_lock_free(project)
    assert [s.text for s in store.spans(doc_id)] == ["Ani", "Bandung"]
    store.close()


# -- SIGKILL at any point -----------------------------------------------------

def _wal_size(db: Path) -> int:
    try:
        return Path(f"{db}-wal").stat().st_size
    except FileNotFoundError:
        return -1


KILL_POINTS = {
    "opened": lambda db: _wal_size(db) >= 0,  # the database is open: reading the file
    "writing": lambda db: not _write_lock_free(db),  # the import's transaction holds the write lock
    "committing": lambda db: _wal_size(db) > 64 * 1024,  # the commit writes its pages (about 1.7 MB in all)
    "never": lambda db: False,  # the import completes
}
"""When to SIGKILL the import, as seen from outside."""


def _start_import(db: Path, source: Path) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(Path(__file__).parent.parent), os.environ.get("PYTHONPATH", "")]))
    return subprocess.Popen([sys.executable, "-m", "annotator", "--db", str(db), "import", str(source)],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _kill_when(process: subprocess.Popen, db: Path, reached) -> bool:
    """Poll until `reached(db)`, then SIGKILL the import. False when it finished first."""
    while process.poll() is None:
        if reached(db):
            process.send_signal(signal.SIGKILL)
            process.wait()
            return True
    return False


def test_sigkill_at_any_point_leaves_all_of_the_import_or_none(project, tmp_path):
    source = write_native(tmp_path / "in.jsonl", 600, spans=10)
    before = contents(project)
    pristine = project.read_bytes()
    outcomes = []
    for point, reached in KILL_POINTS.items():
        db = tmp_path / f"run-{point}.db"
        db.write_bytes(pristine)
        process = _start_import(db, source)
        killed = _kill_when(process, db, reached)
        assert killed or process.returncode == 0
        after = contents(db)
        documents = len(after["documents"])
        FIGURES["kill_runs"] += 1
        FIGURES["kills"] += killed
        if documents == len(before["documents"]):
            assert after == before
            outcome = "none"
        else:
            FIGURES["kill_half"] += documents != 601
            assert documents == 601
            assert len(after["spans"]) == 1 + 600 * 10 and len(after["facts"]) == 600
            assert {"generated_flag", "generated_choice"} <= {row[0] for row in after["attribute_defs"]}
            outcome = "whole"
        code, output = cli("--db", str(db), "check")
        assert code == 0, output
        outcomes.append(outcome)
        FIGURES[f"kill_{outcome}"] += 1
    assert outcomes[:2] == ["none", "none"] and outcomes[-1] == "whole"


# -- labelling beside a large import ------------------------------------------

IMPORTED = 4000


def test_labelling_beside_a_large_import_waits_and_loses_nothing(project, tmp_path):
    source = write_native(tmp_path / "in.jsonl", IMPORTED, spans=20)
    window = Store.open(project)
    doc_id = window.document_ids()[0]
    kept = {s.id for s in window.spans(doc_id)}
    edits, rounds_across_the_commit = 0, 0
    failures: list[str] = []
    documents = "SELECT count(*) FROM documents"
    process = _start_import(project, source)
    while process.poll() is None:
        before = window.db.execute(documents).fetchone()[0]
        try:
            # read, then write, in one transaction (delete_span reads the span first)
            span = window.add_span(doc_id, "ana", 15, 22, "LOCATION")
            window.delete_span(span.id)
            kept.add(window.add_span(doc_id, "ana", 4, 11, "EVENT" if edits % 2 else "LOCATION").id)
        except StoreError as exc:
            failures.append(str(exc))
            FIGURES["labelling_failed"] += 1
            break
        edits += 1
        FIGURES["labelling_rounds"] += 1
        # the import holds the write lock for seconds before it commits: a
        # round of three short edits that saw the commit waited for it
        rounds_across_the_commit += before == 1 and window.db.execute(documents).fetchone()[0] > 1
    assert process.wait() == 0
    assert failures == []
    assert rounds_across_the_commit == 1
    FIGURES["labelling_lost"] += len(kept - {s.id for s in window.spans(doc_id)})
    assert {s.id for s in window.spans(doc_id)} == kept
    assert len(window.document_ids()) == 1 + IMPORTED
    assert window.db.execute("SELECT count(*) FROM spans").fetchone()[0] == len(kept) + IMPORTED * 20
    window.close()
