"""A document is the source's name for it together with its text (m007): two
files or records holding the same sentence stay two documents, a source read
again is matched by name and text, and a document with no name (any imported
before names were kept) matches by text as every import did before."""

from __future__ import annotations

import json
import sqlite3

from sqlite_utils import Database

from annotator.domain import content_hash
from annotator.exchange import export, import_files
from annotator.project import install_default_schema
from annotator.store import Store
from annotator.store.merge import merge_databases
from annotator.store.migrations import m011_suggestions, migrations

SAME = "Budi tinggal di Jakarta."
OTHER = "Ani bekerja di Bandung."


def one_sentence_corpus(folder):
    """Three brat documents of one sentence each; a.txt and b.txt hold the same
    sentence, annotated differently (as a corpus of sentences often does)."""
    folder.mkdir()
    files = {
        "a": (SAME, ["T1\tPERSON 0 4\tBudi", "T2\tLOCATION 16 23\tJakarta"]),
        "b": (SAME, ["T1\tPERSON 0 4\tBudi"]),
        "c": (OTHER, ["T1\tPERSON 0 3\tAni"]),
    }
    for stem, (text, lines) in files.items():
        (folder / f"{stem}.txt").write_text(text, encoding="utf-8")
        (folder / f"{stem}.ann").write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return folder


def spans_by_name(store):
    return {d.meta["source_name"]: sorted((s.start, s.end, s.label) for s in store.spans(d.id))
            for d in store.documents()}


def test_identical_sentences_under_different_file_names_stay_two_documents(store, tmp_path):
    corpus = one_sentence_corpus(tmp_path / "brat")
    report = import_files(store, [corpus], annotator="ana")
    assert report.documents_added == 3 and report.spans == 4
    assert spans_by_name(store) == {"a.txt": [(0, 4, "PERSON"), (16, 23, "LOCATION")],
                                    "b.txt": [(0, 4, "PERSON")], "c.txt": [(0, 3, "PERSON")]}
    again = import_files(store, [corpus], annotator="ana")
    assert (again.documents_added, again.documents_matched, again.spans, again.spans_present) == (0, 3, 0, 4)
    assert "documents: 0 added, 3 already present (matched 3 by name and text);" in again.lines()[0]
    assert len(store.document_ids()) == 3


def test_plain_text_files_are_named_by_their_path_in_the_folder(store, tmp_path):
    folder = tmp_path / "articles"
    (folder / "sub").mkdir(parents=True)
    for name in ("one.txt", "sub/one.txt"):
        (folder / name).write_text(SAME, encoding="utf-8")
    report = import_files(store, [folder])
    assert report.documents_added == 2
    assert sorted(d.source_name for d in store.documents()) == ["one.txt", "sub/one.txt"]
    # the folder's file named on its own is the same document, by its name
    again = import_files(store, [folder / "one.txt"])
    assert (again.documents_added, again.documents_matched_by_name) == (0, 1)


def test_records_are_named_by_their_own_ids_in_every_format_that_has_them(store, tmp_path):
    doccano = tmp_path / "d.jsonl"
    doccano.write_text("".join(json.dumps({"id": n, "text": SAME, "label": [[0, 4, "PERSON"]]}) + "\n"
                               for n in (7, 8)), encoding="utf-8")
    articles = tmp_path / "a.csv"
    articles.write_text(f"id,text\nx1,{SAME}\nx2,{SAME}\n", encoding="utf-8")
    lines = tmp_path / "a.jsonl"
    lines.write_text("".join(json.dumps({"id": n, "isi": SAME}) + "\n" for n in ("j1", "j2")), encoding="utf-8")
    studio = tmp_path / "ls.json"
    studio.write_text(json.dumps([{"id": n, "data": {"text": SAME}, "annotations": []} for n in (41, 42)]),
                      encoding="utf-8")
    hf = tmp_path / "h.jsonl"
    hf.write_text("".join(json.dumps({"id": n, "document": doc, "tokens": SAME[:-1].split() + ["."],
                                      "ner_tags": ["O"] * 5}) + "\n" for n, doc in enumerate(("h1", "h2"))),
                  encoding="utf-8")
    assert import_files(store, [doccano], format="doccano").documents_added == 2
    assert import_files(store, [articles], format="csv").documents_added == 2
    assert import_files(store, [lines], format="jsonl", text_field="isi").documents_added == 2
    assert import_files(store, [studio], format="labelstudio").documents_added == 2
    assert import_files(store, [hf], format="hf").documents_added == 2
    names = sorted(d.source_name for d in store.documents())
    assert names == ["41", "42", "7", "8", "h1", "h2", "j1", "j2", "x1", "x2"]
    for path, fmt, field in ((doccano, "doccano", "text"), (articles, "csv", "text"), (lines, "jsonl", "isi"),
                             (studio, "labelstudio", "text"), (hf, "hf", "text")):
        again = import_files(store, [path], format=fmt, text_field=field)
        assert (again.documents_added, again.documents_matched_by_name) == (0, 2), fmt


def test_a_record_without_a_name_matches_by_text_as_before(store, tmp_path):
    store.add_document("named", SAME, {"source_name": "a.txt"})
    store.add_document("named too", SAME, {"source_name": "b.txt"})
    native = tmp_path / "n.jsonl"
    native.write_text(json.dumps({"id": 1, "title": "t", "text": SAME, "spans": [], "facts": []}) + "\n",
                      encoding="utf-8")
    report = import_files(store, [native], format="native")
    assert (report.documents_added, report.documents_matched, report.documents_matched_by_name) == (0, 1, 0)
    assert "(matched 1 by text)" in report.lines()[0]
    assert report.document_ids == [min(store.document_ids())]  # the oldest of the text


def test_documents_imported_before_names_were_kept_still_match(tmp_path):
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    migrations.apply(Database(conn), stop_before="m007_document_identity_by_source_name")
    conn.execute("INSERT INTO documents (title, text, hash, meta, created) VALUES ('old', ?, ?, '{}', 'then')",
                 [SAME, content_hash(SAME)])
    conn.commit()
    conn.close()
    store = Store.open(path)
    report = import_files(store, [one_sentence_corpus(tmp_path / "brat")], annotator="ana")
    # a.txt and b.txt both find the document of their text that has no name, as they did before
    assert (report.documents_added, report.documents_matched, report.documents_matched_by_name) == (1, 2, 0)
    assert "(matched 2 by text)" in report.lines()[0]
    store.close()


def test_the_migration_keeps_every_row_id_and_index_of_a_database_with_suggestions(tmp_path):
    """m011 shipped before m007: a database made then has tables referring to documents that m007 rebuilds too."""
    path = tmp_path / "then.db"
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA foreign_keys = ON")
    db = Database(conn)
    migrations.apply(db, stop_before="m007_document_identity_by_source_name")
    m011_suggestions(db)
    db["_sqlite_migrations"].insert({"migration_set": "annotator", "name": "m011_suggestions", "applied_at": "then"})
    conn.commit()
    conn.close()
    raw = sqlite3.connect(path)
    raw.execute("PRAGMA foreign_keys = ON")
    for n, text in enumerate((SAME, OTHER, "Dihapus."), 1):
        raw.execute("INSERT INTO documents (title, text, hash, meta, created) VALUES (?, ?, ?, '{}', 'then')",
                    [f"t{n}", text, f"h{n}"])
    raw.execute("INSERT INTO annotators VALUES ('ana', 'then')")
    raw.execute("INSERT INTO labels (name, kind, color) VALUES ('PERSON', 'entity', '#fff'), "
                "('QUOTE', 'fact', '#000')")
    raw.execute("INSERT INTO spans (document_id, annotator, start, \"end\", label, text, created, updated) "
                "VALUES (1, 'ana', 0, 4, 'PERSON', 'Budi', 'then', 'then')")
    raw.execute("INSERT INTO facts (document_id, annotator, label, span_id, created, updated) "
                "VALUES (1, 'ana', 'QUOTE', 1, 'then', 'then')")
    raw.execute("INSERT INTO fact_args (fact_id, position, role, span_id) VALUES (1, 0, 'speaker', 1)")
    raw.execute("INSERT INTO document_status VALUES (1, 'ana', 'done', 'then')")
    raw.execute("INSERT INTO decisions (document_id, reviewer, kind, choice, created) VALUES (1, 'r', 'span', 'a', 'x')")
    raw.execute("INSERT INTO suggestions (document_id, annotator, suggester, start, \"end\", label, confidence, "
                "created) VALUES (2, 'ana', 'memory', 0, 3, 'PERSON', 0.9, 'then')")
    raw.execute("INSERT INTO tagger_uncertainty VALUES (2, 0.5)")
    raw.execute("DELETE FROM documents WHERE id = 3")  # its id is given, and never to be given again
    raw.commit()
    tables = ["documents", "spans", "facts", "fact_args", "document_status", "decisions", "suggestions",
              "tagger_uncertainty"]
    before = {t: raw.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall() for t in tables}
    indexes = {r[0] for r in raw.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")}
    triggers = {r[0] for r in raw.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    raw.close()

    store = Store.open(path)
    after = {t: store.db.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall() for t in tables}
    assert after["documents"] == [(*row, "") for row in before["documents"]]  # no name: matched by text
    assert {t: rows for t, rows in after.items() if t != "documents"} == {
        t: rows for t, rows in before.items() if t != "documents"}
    # every index and trigger kept (later migrations add their own)
    assert indexes | {"documents_by_text"} <= {
        r[0] for r in store.db.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")}
    assert triggers <= {r[0] for r in store.db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    assert store.db.execute("PRAGMA foreign_key_check").fetchall() == []
    assert store.db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    assert [h.id for h in store.search("Budi")] == [1]  # the text index still reads the table
    doc, added = store.add_document("new", "Baru.")
    assert added and doc.id == 4
    assert store.document_count() == 3
    # deleting a document still takes what refers to it
    store.db.execute("DELETE FROM documents WHERE id = 2")
    assert store.db.execute("SELECT count(*) FROM suggestions").fetchone()[0] == 0
    store.close()


def make_layered(path, ana_on, budi_on):
    store = Store.open(path)
    install_default_schema(store)
    for name, annotator in (("a.txt", ana_on), ("b.txt", budi_on)):
        doc, _ = store.add_document(name, SAME, {"source_name": name})
        store.add_span(doc.id, annotator, 0, 4, "PERSON")
    return store


def test_merge_keeps_identical_texts_of_different_names_apart(tmp_path):
    make_layered(tmp_path / "other.db", "ana", "budi").close()
    main = Store.open(tmp_path / "main.db")
    install_default_schema(main)
    first = merge_databases(main, [tmp_path / "other.db"])
    assert (first.documents_added, first.layers_added) == (2, 2)
    assert {d.source_name: [s.annotator for s in main.spans(d.id)] for d in main.documents()} == {
        "a.txt": ["ana"], "b.txt": ["budi"]}
    again = merge_databases(main, [tmp_path / "other.db"])
    assert (again.documents_added, again.documents_matched, again.layers_already_present, again.clashes) == (
        0, 2, 2, [])
    main.close()


def test_exports_keep_the_names_so_that_importing_them_matches(tmp_path):
    """(Token formats write the text anew from its tokens, so theirs is another text.)"""
    store = make_layered(tmp_path / "p.db", "ana", "ana")
    for fmt, out in (("brat", tmp_path / "brat"), ("doccano", tmp_path / "d.jsonl"),
                     ("native", tmp_path / "n.jsonl"), ("labelstudio", tmp_path / "ls.json")):
        export(store, fmt, out)
        report = import_files(store, [out], format=fmt, annotator="ana")
        assert (report.documents_added, report.documents_matched_by_name, report.spans) == (0, 2, 0), fmt
    assert len(store.document_ids()) == 2
    export(store, "hf", tmp_path / "h.jsonl")
    rows = [json.loads(line) for line in (tmp_path / "h.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [row["document"] for row in rows] == ["a.txt", "b.txt"]
    store.close()
