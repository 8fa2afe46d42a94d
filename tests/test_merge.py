"""Merging colleagues' databases: matched by content, names kept, nothing overwritten, clashes reported."""

from __future__ import annotations

import pytest

from annotator.store import Store
from annotator.store.database import ImportCancelled
from annotator.store.merge import merge_databases
from annotator.project import install_default_schema

TEXT = "Presiden Rusia Vladimir Putin bertemu Kim Jong Un di Vladivostok 🙂."


def make_db(path, layers, text=TEXT, extra_doc=None):
    store = Store.open(path)
    install_default_schema(store)
    doc, _ = store.add_document("Putin dan Kim", text)
    for annotator, spans in layers.items():
        for phrase, label in spans:
            start = text.index(phrase)
            store.add_span(doc.id, annotator, start, start + len(phrase), label)
    if extra_doc:
        store.add_document("other", extra_doc)
    return store


def layer(store, annotator):
    doc_id = store.document_ids()[0]
    return sorted((s.text, s.label) for s in store.spans(doc_id, annotator))


def test_merge_brings_layers_and_reports_a_same_name_clash(tmp_path):
    main = make_db(tmp_path / "main.db", {"ana": [("Vladimir Putin", "PERSON")]})
    make_db(tmp_path / "budi.db", {"budi": [("Kim Jong Un", "PERSON"), ("Vladivostok", "LOCATION")],
                                   "ana": [("Putin", "PERSON")]},
            extra_doc="Teks lain.").close()
    summary = merge_databases(main, [tmp_path / "budi.db"])
    assert summary.documents_matched == 1 and summary.documents_added == 1
    assert summary.layers_added == 1 and summary.annotators == ["budi"]
    assert summary.spans == 2
    assert layer(main, "budi") == [("Kim Jong Un", "PERSON"), ("Vladivostok", "LOCATION")]
    # the other file's "ana" is someone else, or another version: not mixed in
    assert layer(main, "ana") == [("Vladimir Putin", "PERSON")]
    assert [(c.annotator, c.here) for c in summary.clashes] == [("ana", "this database")]
    assert "name clash" in "\n".join(summary.lines())
    assert len(main.document_ids()) == 2
    main.close()


def test_merging_the_same_file_twice_changes_nothing(tmp_path):
    main = make_db(tmp_path / "main.db", {})
    make_db(tmp_path / "budi.db", {"budi": [("Kim Jong Un", "PERSON")]}).close()
    merge_databases(main, [tmp_path / "budi.db"])
    again = merge_databases(main, [tmp_path / "budi.db"])
    assert again.layers_added == 0 and again.layers_already_present == 1 and again.clashes == []
    assert layer(main, "budi") == [("Kim Jong Un", "PERSON")]
    main.close()


def test_two_files_with_the_same_name_clash_with_each_other(tmp_path):
    main = make_db(tmp_path / "main.db", {})
    make_db(tmp_path / "one.db", {"ana": [("Putin", "PERSON")]}).close()
    make_db(tmp_path / "two.db", {"ana": [("Kim Jong Un", "PERSON")]}).close()
    summary = merge_databases(main, [tmp_path / "one.db", tmp_path / "two.db"])
    assert layer(main, "ana") == [("Putin", "PERSON")]
    assert [(c.source, c.here) for c in summary.clashes] == [(str(tmp_path / "two.db"), str(tmp_path / "one.db"))]
    main.close()


def test_cancelled_merge_changes_nothing(tmp_path):
    main = make_db(tmp_path / "main.db", {})
    make_db(tmp_path / "budi.db", {"budi": [("Kim Jong Un", "PERSON")]}, extra_doc="Teks lain.").close()
    with pytest.raises(ImportCancelled):
        merge_databases(main, [tmp_path / "budi.db"], progress=lambda done, total: False)
    assert layer(main, "budi") == []
    assert len(main.document_ids()) == 1
    main.close()


def test_facts_come_along_with_their_spans(tmp_path):
    from annotator.domain import Argument

    main = make_db(tmp_path / "main.db", {})
    other = make_db(tmp_path / "budi.db", {"budi": [("Vladimir Putin", "PERSON"), ("bertemu", "HAPPENING")]})
    doc_id = other.document_ids()[0]
    spans = {s.text: s for s in other.spans(doc_id, "budi")}
    other.add_fact(doc_id, "budi", "HAPPENING", spans["bertemu"].id,
                   [Argument("participant", span_id=spans["Vladimir Putin"].id)])
    other.close()
    merge_databases(main, [tmp_path / "budi.db"])
    doc_id = main.document_ids()[0]
    [fact] = main.facts(doc_id, "budi")
    assert main.span(fact.span_id).text == "bertemu"
    assert main.span(fact.args[0].span_id).text == "Vladimir Putin"
    assert main.check() == []
    main.close()


def test_annotated_many_equals_annotated_one_by_one(tmp_path):
    from annotator.domain import Argument

    store = make_db(tmp_path / "main.db", {"ana": [("Vladimir Putin", "PERSON"), ("bertemu", "HAPPENING")],
                                           "budi": [("Kim Jong Un", "PERSON")]}, extra_doc="Teks lain.")
    doc_id = store.document_ids()[0]
    spans = {s.text: s for s in store.spans(doc_id, "ana")}
    store.add_fact(doc_id, "ana", "HAPPENING", spans["bertemu"].id,
                   [Argument("participant", span_id=spans["Vladimir Putin"].id)])
    ids = store.document_ids()
    for names in (None, ["ana"], ["budi", "nobody"]):
        assert list(store.annotated_many(ids, names)) == [store.annotated(i, names) for i in ids]
    # without span details: the same spans by offset and label, attributes and notes left out
    span_id = spans["Vladimir Putin"].id
    store.update_span(span_id, attributes={"negated": True}, note="cek")
    light = next(store.annotated_many([doc_id], ["ana"], span_details=False))
    full = store.annotated(doc_id, ["ana"])
    assert [(s.id, s.start, s.end, s.label, s.text) for s in light.spans] == \
        [(s.id, s.start, s.end, s.label, s.text) for s in full.spans]
    putin = next(s for s in light.spans if s.id == span_id)
    assert (putin.attributes, putin.note) == ({}, "")
    assert light.facts == full.facts
    store.close()
