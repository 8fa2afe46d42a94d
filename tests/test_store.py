import os
import sqlite3
import stat
import subprocess
import sys
import textwrap

import pytest

from annotator.domain import AnnotatedDocument, Argument, Document, Span
from annotator.store import (
    CorruptDatabaseError,
    LabelInUseError,
    NewerDatabaseError,
    ReadOnlyDatabaseError,
    Store,
)
from annotator.store.database import ImportCancelled

TRICKY = "Café\u0301 😀 di Bandung\r\nPresiden 👍🏽 Putin\r\n"


def test_span_offsets_are_code_points(store):
    doc, _ = store.add_document("t", TRICKY)
    start = TRICKY.find("Putin")
    span = store.add_span(doc.id, "ana", start, start + 5, "PERSON")
    assert store.spans(doc.id)[0].text == "Putin"
    assert span.start == TRICKY.find("Putin")  # a code-point index, not UTF-16 or bytes
    store.add_span(doc.id, "ana", TRICKY.find("Bandung"), TRICKY.find("Bandung") + 7, "LOCATION")
    assert store.check() == []


def test_documents_are_matched_by_content(store):
    a, added_a = store.add_document("one", "same text")
    b, added_b = store.add_document("other title", "same text")
    assert (added_a, added_b) == (True, False) and a.id == b.id


def test_layers_are_separate(store):
    doc, _ = store.add_document("t", "Kim bertemu Putin.")
    store.add_span(doc.id, "ana", 0, 3, "PERSON")
    store.add_span(doc.id, "budi", 12, 17, "PERSON")
    assert [s.text for s in store.spans(doc.id, "ana")] == ["Kim"]
    assert [s.annotator for s in store.spans(doc.id)] == ["ana", "budi"]
    summary = store.document_summaries("ana")[0]
    assert (summary.span_count, summary.status) == (1, "in_progress")


def test_out_of_range_offsets_are_refused(store):
    doc, _ = store.add_document("t", "short")
    with pytest.raises(ValueError, match="outside the text"):
        store.add_span(doc.id, "ana", 2, 9, "PERSON")
    assert store.spans(doc.id) == []


def test_delete_span_is_restorable_with_its_fact_roles(store):
    doc, _ = store.add_document("t", "Putin berkata damai.")
    putin = store.add_span(doc.id, "ana", 0, 5, "PERSON")
    said = store.add_span(doc.id, "ana", 6, 19, "QUOTE")
    quote = store.add_fact(doc.id, "ana", "QUOTE", said.id, [Argument("speaker", putin.id)])
    deleted = store.delete_span(putin.id)
    assert store.fact(quote.id).args == []  # the role is left empty, the fact stays
    store.restore_span(deleted)
    assert store.fact(quote.id).args == [Argument("speaker", putin.id)]
    # deleting the statement deletes the fact it states; undo brings both back
    deleted = store.delete_span(said.id)
    assert store.facts(doc.id) == []
    store.restore_span(deleted)
    assert [f.id for f in store.facts(doc.id)] == [quote.id]


def test_label_in_use_needs_a_choice(store):
    doc, _ = store.add_document("t", "Putin dan Kim")
    store.add_span(doc.id, "ana", 0, 5, "PERSON")
    with pytest.raises(LabelInUseError):
        store.delete_label("PERSON")
    deleted = store.delete_label("PERSON", annotations="relabel", relabel_to="ORGANISATION")
    assert [s.label for s in store.spans(doc.id)] == ["ORGANISATION"]
    store.restore_label(deleted)
    assert [s.label for s in store.spans(doc.id)] == ["PERSON"]
    deleted = store.delete_label("PERSON", annotations="delete")
    assert store.spans(doc.id) == [] and store.schema().label("PERSON") is None
    store.restore_label(deleted)
    assert [s.label for s in store.spans(doc.id)] == ["PERSON"]


def test_rename_label_follows_into_spans_and_roles(store):
    doc, _ = store.add_document("t", "Putin dan Kim")
    store.add_span(doc.id, "ana", 0, 5, "PERSON")
    store.rename_label("PERSON", "PER")
    assert store.spans(doc.id)[0].label == "PER"
    assert "PER" in store.schema().label("QUOTE").role("speaker").allowed


def test_check_reports_mismatched_text(store):
    doc, _ = store.add_document("t", "Putin dan Kim")
    span = store.add_span(doc.id, "ana", 0, 5, "PERSON")
    store.db.execute("UPDATE spans SET text = 'Kim' WHERE id = ?", [span.id])
    problems = store.check()
    assert len(problems) == 1 and "Kim" in problems[0].message


def test_import_is_all_or_nothing(store):
    good = AnnotatedDocument(Document(None, "a", "Kim di Seoul"), [Span(1, None, "x", 0, 3, "PERSON", "Kim")])
    bad = AnnotatedDocument(Document(None, "b", "short"), [Span(1, None, "x", 0, 40, "PERSON", "?")])
    with pytest.raises(ValueError):
        store.import_annotated([good, bad])
    assert store.document_ids() == []
    with pytest.raises(ImportCancelled):
        store.import_annotated([good], progress=lambda n: False)
    assert store.document_ids() == []
    summary = store.import_annotated([good])
    assert (summary.documents_added, summary.spans) == (1, 1)


def test_newer_database_is_refused_untouched(tmp_path):
    path = tmp_path / "a.db"
    Store.open(path).close()
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO _sqlite_migrations (migration_set, name, applied_at) VALUES ('annotator', 'm999_future', 'x')")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(NewerDatabaseError, match="newer version"):
        Store.open(path)
    assert path.read_bytes() == before


def test_corrupt_database_is_refused_untouched(tmp_path):
    path = tmp_path / "a.db"
    path.write_bytes(b"this is not a database at all" * 100)
    with pytest.raises(CorruptDatabaseError, match="a.db"):
        Store.open(path)
    assert path.read_bytes() == b"this is not a database at all" * 100


def test_foreign_sqlite_file_is_refused(tmp_path):
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE x (a)")
    conn.commit()
    conn.close()
    with pytest.raises(CorruptDatabaseError, match="not an annotator database"):
        Store.open(path)


def test_read_only_database_is_refused(tmp_path):
    # refused even for root, whom the system would let write: no one may write the file
    path = tmp_path / "a.db"
    Store.open(path).close()
    path.chmod(stat.S_IRUSR)
    with pytest.raises(ReadOnlyDatabaseError):
        Store.open(path)


def test_read_only_folder_is_refused(tmp_path, monkeypatch):
    path = tmp_path / "a.db"
    Store.open(path).close()
    monkeypatch.setattr(os, "access", lambda p, mode: False)
    with pytest.raises(ReadOnlyDatabaseError, match="read-only"):
        Store.open(path)


def test_span_survives_sigkill(tmp_path):
    path = tmp_path / "a.db"
    script = textwrap.dedent(
        f"""
        import os, signal
        from annotator.project import open_project
        store = open_project({str(path)!r}, samples=True)
        text = store.document(1).text
        start = text.find("Vladimir Putin")
        store.add_span(1, "ana", start, start + 14, "PERSON")
        os.kill(os.getpid(), signal.SIGKILL)
        """
    )
    result = subprocess.run([sys.executable, "-c", script])
    assert result.returncode == -9
    store = Store.open(path)
    assert [s.text for s in store.spans(1)] == ["Vladimir Putin"]


def _allow_quote_topics(store):
    import dataclasses

    quote = store.schema().label("QUOTE")
    roles = [dataclasses.replace(r, allowed=r.allowed + ["QUOTE"]) if r.name == "topic" else r for r in quote.roles]
    store.save_label(dataclasses.replace(quote, roles=roles))


def test_undo_of_label_deletion_restores_facts_citing_facts(store):
    # "Jokowi said that Prabowo said ...": the outer quote's topic is the inner quote
    _allow_quote_topics(store)
    doc, _ = store.add_document("t", "Jokowi berkata bahwa Prabowo berkata harga naik.")
    inner = store.add_fact(doc.id, "ana", "QUOTE", store.add_span(doc.id, "ana", 21, 47, "QUOTE").id)
    outer = store.add_fact(doc.id, "ana", "QUOTE", store.add_span(doc.id, "ana", 0, 47, "QUOTE").id,
                           [Argument("topic", fact_id=inner.id)])
    deleted = store.delete_label("QUOTE", annotations="delete")
    assert store.facts(doc.id) == []
    store.restore_label(deleted)
    assert store.schema().label("QUOTE") is not None and len(store.spans(doc.id)) == 2
    assert store.fact(outer.id).args == [Argument("topic", fact_id=inner.id)]


def test_undo_of_span_deletion_restores_facts_citing_each_other(store):
    _allow_quote_topics(store)
    doc, _ = store.add_document("t", "Prabowo berkata harga naik.")
    said = store.add_span(doc.id, "ana", 0, 26, "QUOTE")
    first = store.add_fact(doc.id, "ana", "QUOTE", said.id)
    second = store.add_fact(doc.id, "ana", "QUOTE", said.id, [Argument("topic", fact_id=first.id)])
    deleted = store.delete_span(said.id)
    assert store.facts(doc.id) == []
    store.restore_span(deleted)
    assert store.fact(second.id).args == [Argument("topic", fact_id=first.id)]
    assert {f.id for f in store.facts(doc.id)} == {first.id, second.id}
