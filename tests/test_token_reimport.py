"""Our own CoNLL and HF exports imported again find their documents: each
document is named on its -DOCSTART- line (or in the `hash` column) by its
id and its text's hash, and the import puts the spans back on the stored
text instead of adding the tokens rejoined as a new document."""

from __future__ import annotations

from click.testing import CliRunner
from token_examples import span_at

from annotator.cli import main
from annotator.domain import AnnotatedDocument, Document
from annotator.exchange import export, import_files
from annotator.formats.base import WriteOptions
from annotator.store import Store

TEXT = "Presiden  Joko Widodo tiba di Bandung,\nJawa Barat (Senin).\u200b Ia disambut Ridwan Kamil."


def run(*args):
    return CliRunner().invoke(main, list(map(str, args)), catch_exceptions=False)


def project(tmp_path):
    db = tmp_path / "p.db"
    store = Store.open(db, create=True)
    record = AnnotatedDocument(Document(None, "berita", TEXT), [
        span_at(TEXT, "Joko Widodo", "PERSON"), span_at(TEXT, "Bandung", "LOCATION"),
        span_at(TEXT, "Jawa Barat", "LOCATION"), span_at(TEXT, "Ridwan Kamil", "PERSON")], status={"ana": "done"})
    store.import_annotated([record])
    store.close()
    return db


def layer(db, annotator):
    store = Store.open(db, create=False)
    try:
        [doc] = store.documents()
        return store.document_count(), doc.text, sorted((s.start, s.end, s.label, s.text)
                                                        for s in store.spans(doc.id, annotator))
    finally:
        store.close()


def test_conll_export_names_each_document():
    record = AnnotatedDocument(Document(12, "t", TEXT), [span_at(TEXT, "Bandung", "LOCATION")])
    from annotator.formats.conll import render
    from annotator.formats.base import WriteSummary
    from annotator.domain import LabelledDocument

    pieces = render([LabelledDocument.of(record)], WriteOptions(tokenizer="regex"), WriteSummary())
    assert pieces[0] == f"-DOCSTART- id=12 hash={record.document.hash} O\n\n"


def test_conll_reimport_lands_on_the_stored_text(tmp_path):
    db = project(tmp_path)
    out = tmp_path / "ana.conll"
    assert run("--db", db, "export", "--format", "conll", "--out", out, "--layer", "ana").exit_code == 0
    again = run("--db", db, "--annotator", "ana", "import", out)
    assert again.exit_code == 0, again.output
    assert "documents: 0 added, 1 already present (matched 1 by text); spans: 0 added, 4 already present" in again.output
    assert "found by the hash the file names: 1 document(s); their spans are put on the stored text" in again.output
    # into another layer: the spans sit on the stored text, at its offsets
    assert run("--db", db, "--annotator", "budi", "import", out).exit_code == 0
    count, text, spans = layer(db, "budi")
    assert (count, text) == (1, TEXT)
    assert spans == layer(db, "ana")[2]
    assert [s[3] for s in spans] == ["Joko Widodo", "Bandung", "Jawa Barat", "Ridwan Kamil"]


def test_without_document_ids_the_text_comes_back_rejoined(tmp_path):
    # what the -DOCSTART- names prevent: a second document holding the tokens joined by spaces
    db = project(tmp_path)
    out = tmp_path / "ana.conll"
    run("--db", db, "export", "--format", "conll", "--out", out, "--layer", "ana", "--no-document-ids")
    assert run("--db", db, "--annotator", "ana", "import", out).exit_code == 0
    store = Store.open(db, create=False)
    assert store.document_count() == 2
    store.close()


def test_hf_reimport_lands_on_the_stored_text(tmp_path):
    db = project(tmp_path)
    out = tmp_path / "ana.jsonl"
    assert run("--db", db, "export", "--format", "hf", "--out", out, "--layer", "ana").exit_code == 0
    before = layer(db, "ana")
    result = run("--db", db, "import", out)  # the rows name their layer, ana
    assert "found by the hash the file names: 1 document(s)" in result.output
    assert "documents: 0 added, 1 already present (matched 1 by text); spans: 0 added, 4 already present" in result.output
    assert layer(db, "ana") == before


def test_an_edited_file_is_a_new_document_with_a_warning(tmp_path):
    db = project(tmp_path)
    out = tmp_path / "ana.conll"
    run("--db", db, "export", "--format", "conll", "--out", out, "--layer", "ana")
    out.write_text(out.read_text(encoding="utf-8").replace("Bandung", "Bogor"), encoding="utf-8")
    result = run("--db", db, "--annotator", "ana", "import", out)
    assert "1 document(s) name a stored document by its hash, but their tokens are not that document's text" \
           in result.output
    store = Store.open(db, create=False)
    assert store.document_count() == 2
    store.close()


def test_a_named_document_that_is_not_here_is_added_as_read(store, tmp_path):
    out = tmp_path / "ana.conll"
    other = Store.memory()
    other.add_document("t", TEXT)
    export(other, "conll", out)
    report = import_files(store, [out], "conll", annotator="ana")
    assert report.documents_added == 1 and report.documents_found == 0
    [doc] = store.documents()
    assert doc.text != TEXT and doc.text.split() != TEXT.split()  # the tokens rejoined
