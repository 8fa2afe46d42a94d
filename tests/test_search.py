"""Search: the full-text index over titles and texts, kept in step with the
documents, and annotation terms combined with words."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from annotator.cli import main
from annotator.domain import AnnotatedDocument, Document, Span
from annotator.store import SearchQueryError, Store


def ids(store: Store, query: str) -> list[int]:
    return [hit.id for hit in store.search(query, limit=100)]


def test_words_are_found_after_import_and_edit_and_gone_after_delete(store):
    summary = store.import_annotated([
        AnnotatedDocument(Document(None, "Banjir di Jakarta", "Hujan deras merendam ibu kota."), [], [], {}),
        AnnotatedDocument(Document(None, "Gempa", "Gempa mengguncang Cianjur."), [], [], {}),
    ])
    first, second = summary.document_ids
    assert ids(store, "jakarta") == [first]  # the title is searched
    assert ids(store, "cianjur") == [second]
    added, _ = store.add_document("Pemilu", "Kampanye dimulai di Surabaya.")
    assert ids(store, "surabaya") == [added.id]
    store.db["documents"].update(second, {"text": "Gempa mengguncang Garut."})
    assert ids(store, "cianjur") == [] and ids(store, "garut") == [second]
    store.db["documents"].delete(first)
    assert ids(store, "jakarta") == [] and ids(store, "merendam") == []
    assert store.document_count() == 2


def test_non_ascii_words_and_accents(store):
    doc, _ = store.add_document("Kafe", "Pertemuan di Café\u0301 Ñusantara, lalu ke Düsseldorf dan الرياض.")
    assert ids(store, "cafe") == [doc.id]
    assert ids(store, "Café") == [doc.id]
    assert ids(store, "nusantara") == ids(store, "Ñusantara") == [doc.id]
    assert ids(store, "dusseldorf") == [doc.id]
    assert ids(store, "الرياض") == [doc.id]


def test_prefix_and_phrase(store):
    a, _ = store.add_document("a", "Pemerintah pusat dan Presiden Joko Widodo.")
    b, _ = store.add_document("b", "Pemerintahan daerah; Widodo bertemu Joko.")
    assert ids(store, "pemerin*") == [a.id, b.id]
    assert ids(store, "pemerintah") == [a.id]
    assert ids(store, '"Joko Widodo"') == [a.id]
    assert ids(store, "Joko Widodo") == [a.id, b.id]
    assert ids(store, '"presiden jok"*') == [a.id]
    hit = store.search('"Joko Widodo"')[0]
    assert "Presiden [Joko Widodo]." in hit.snippet and hit.title == "a"


@pytest.mark.parametrize("query, says", [
    ('"Joko Widodo', "quotation mark is not closed"),
    ("pe*rin", "'*' may only end a word"),
    ("status:finish", "unknown status 'finish'"),
    ("label:", "label: needs a value"),
    ("label:NOSUCH", "no label named 'NOSUCH'"),
    ("— …", "no letters or digits"),
])
def test_a_query_that_cannot_be_read_is_a_message(store, query, says):
    store.add_document("a", "Joko Widodo.")
    with pytest.raises(SearchQueryError, match=says.replace("*", r"\*")):
        store.search(query)


@pytest.fixture
def annotated(store):
    """Four documents with known spans and statuses in ana's and budi's layers."""
    texts = {
        "putin": "Presiden Putin bertemu Kim di Vladivostok.",
        "moscow": "Putin tinggal di Moskow; Kim pulang.",
        "plain": "Putin disebut dalam berita tanpa label.",
        "other": "Jokowi meresmikan jalan tol.",
    }
    doc = {name: store.add_document(name, text)[0].id for name, text in texts.items()}

    def span(name, who, word, label):
        start = texts[name].index(word)
        store.add_span(doc[name], who, start, start + len(word), label)

    span("putin", "ana", "Putin", "PERSON")
    span("putin", "ana", "Vladivostok", "LOCATION")
    span("moscow", "ana", "Kim", "PERSON")            # Putin is there, but not as ana's PERSON
    span("moscow", "budi", "Putin", "PERSON")
    span("other", "budi", "Jokowi", "PERSON")
    store.set_status(doc["putin"], "ana", "done")
    store.set_status(doc["moscow"], "budi", "done")
    store.set_status(doc["other"], "budi", "reviewed")
    return doc


def names(store, doc, query):
    by_id = {v: k for k, v in doc.items()}
    return {by_id[i] for i in ids(store, query)}


@pytest.mark.parametrize("query, expected", [
    ("label:PERSON", {"putin", "moscow", "other"}),
    ("label:person Putin", {"putin", "moscow"}),      # the span's text, not the document's
    ("label:PERSON Putin annotator:ana", {"putin"}),
    ("label:PERSON Putin annotator:budi", {"moscow"}),
    ("label:LOCATION Putin", set()),
    ("label:PERSON label:LOCATION", {"putin"}),
    ("putin", {"putin", "moscow", "plain"}),
    ("status:done", {"putin", "moscow"}),
    ("status:done annotator:ana", {"putin"}),
    ("status:in_progress annotator:ana", {"moscow"}),  # ana has a span there and no status
    ("status:todo annotator:ana", {"plain", "other"}),
    ("status:todo", {"plain"}),                       # nobody has begun it
    ("status:reviewed", {"other"}),
    ("annotator:ana", {"putin", "moscow"}),
    ("annotator:budi", {"moscow", "other"}),
    ("annotator:ana annotator:budi", {"moscow"}),
    ("status:done kim", {"putin", "moscow"}),
    ("status:done vladivostok", {"putin"}),
    ("annotator:budi putin", {"moscow"}),
])
def test_annotation_terms_combine_with_words(store, annotated, query, expected):
    assert names(store, annotated, query) == expected
    assert store.document_count(query) == len(expected)


def test_document_page_count_and_position_follow_the_query(store, annotated):
    assert store.document_count() == 4
    page = store.document_page("ana", "putin", 1, 5)
    assert [s.title for s in page] == ["moscow", "plain"]
    assert page[0].span_count == 1 and page[0].status == "in_progress" and page[0].done_by == ["budi"]
    assert store.document_position(annotated["plain"], "putin") == 2
    assert store.document_position(annotated["other"], "putin") is None
    assert store.document_position(annotated["other"]) == 3
    assert store.finished_count("budi") == 2


def test_cli_search_json_and_text(tmp_path):
    db = tmp_path / "p.db"
    store = Store.open(db)
    store.add_document("Banjir", "Banjir di Jakarta Utara.")
    store.add_document("Gempa", "Gempa di Cianjur.")
    store.close()
    runner = CliRunner()
    result = runner.invoke(main, ["--db", str(db), "search", "--json", "jakarta"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == [{"id": 1, "title": "Banjir", "snippet": "Banjir di [Jakarta] Utara."}]
    text = runner.invoke(main, ["--db", str(db), "search", "--limit", "1", "di*"])
    assert text.exit_code == 0 and text.output == "1\tBanjir\n\tBanjir [di] Jakarta Utara.\n"
    bad = runner.invoke(main, ["--db", str(db), "search", '"Gempa di'])
    assert bad.exit_code == 1 and "quotation mark is not closed" in bad.output and "Traceback" not in bad.output


def test_a_database_from_before_search_gets_its_documents_indexed(tmp_path):
    import sqlite3

    from sqlite_utils import Database

    from annotator.store.migrations import migrations

    path = tmp_path / "old.db"
    old = Database(sqlite3.connect(path))
    migrations.apply(old, stop_before="m006_full_text_search")
    old["documents"].insert({"title": "Lama", "text": "Berita lama dari Ternate.", "hash": "x" * 64,
                             "meta": "{}", "created": "2026-01-01"})
    old.close()
    store = Store.open(path)
    assert ids(store, "ternate") == [1] and store.document_count() == 1
