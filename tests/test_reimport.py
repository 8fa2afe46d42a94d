"""Importing a file whose documents are already present adds only what is
new: identical spans and facts of a layer are not doubled, and a status set
here is kept."""

from __future__ import annotations

import pytest

from annotator.domain import AnnotatedDocument, Argument, Document, Fact, Span
from annotator.exchange import export, import_files
from annotator.store import bulk_import
from annotator.project import open_project

TRICKY = "Café\u0301 😀 di Bandung\r\nPresiden 👍🏽 Putin berkata \"aman\".\r\n"


@pytest.fixture
def project(tmp_path):
    store = open_project(tmp_path / "a.db")
    yield store
    store.close()


def layer(store, doc_id, annotator="ana"):
    spans = sorted((s.start, s.end, s.label) for s in store.spans(doc_id, annotator))
    return spans, store.facts(doc_id, annotator)


def with_facts(store):
    """A document with two spans, a QUOTE whose arguments name a span and a
    HAPPENING, and that HAPPENING."""
    doc, _ = store.add_document("t", TRICKY, {})
    putin, said = TRICKY.find("Putin"), TRICKY.find("\"aman\"")
    person = store.add_span(doc.id, "ana", putin, putin + 5, "PERSON")
    quote = store.add_span(doc.id, "ana", said, said + 6, "PERSON")
    happening = store.add_fact(doc.id, "ana", "HAPPENING", None, [Argument("place", span_id=person.id)])
    store.add_fact(doc.id, "ana", "QUOTE", quote.id,
                   [Argument("speaker", span_id=person.id), Argument("about", fact_id=happening.id)])
    return doc


def test_reimporting_an_export_adds_nothing_and_keeps_the_status(project, tmp_path):
    doc, _ = project.add_document("a", "Joko Widodo di Jakarta.", {})
    project.add_span(doc.id, "ana", 0, 11, "PERSON")
    export(project, "native", tmp_path / "old.jsonl")
    project.set_status(doc.id, "ana", "done")

    report = import_files(project, [tmp_path / "old.jsonl"])

    assert [(s.start, s.end, s.label) for s in project.spans(doc.id, "ana")] == [(0, 11, "PERSON")]
    assert project.status(doc.id, "ana") == "done"
    assert "spans: 0 added, 1 already present" in report.lines()[0]
    assert report.spans == 0 and report.spans_present == 1 and report.statuses_kept == 1


def test_reimporting_facts_does_not_double_them_and_their_arguments_stay_right(project, tmp_path):
    doc = with_facts(project)
    before = layer(project, doc.id)
    export(project, "native", tmp_path / "old.jsonl")

    report = import_files(project, [tmp_path / "old.jsonl"])

    assert layer(project, doc.id) == before
    assert (report.spans, report.spans_present, report.facts, report.facts_present) == (0, 2, 0, 2)


def test_other_attributes_or_notes_in_the_file_are_counted_and_the_database_keeps_its_own(project, tmp_path):
    doc = with_facts(project)
    export(project, "native", tmp_path / "old.jsonl")
    span = project.spans(doc.id, "ana")[0]
    project.update_span(span.id, attributes={"uncertain": True}, note="checked")
    quote = next(f for f in project.facts(doc.id, "ana") if f.label == "QUOTE")
    project.update_fact(quote.id, note="said twice")

    report = import_files(project, [tmp_path / "old.jsonl"])

    assert (report.spans, report.facts, report.annotations_differing) == (0, 0, 2)
    assert any("kept as they were: 2 span(s) or fact(s)" in line for line in report.lines())
    assert project.span(span.id).attributes == {"uncertain": True} and project.span(span.id).note == "checked"
    assert project.fact(quote.id).note == "said twice"

    again = import_files(project, [tmp_path / "old.jsonl"])
    export(project, "native", tmp_path / "now.jsonl")
    assert import_files(project, [tmp_path / "now.jsonl"]).annotations_differing == 0
    assert again.annotations_differing == 2


def test_a_new_span_and_fact_on_a_matched_document_are_the_only_things_added(project):
    doc = with_facts(project)
    record = project.annotated(doc.id, ["ana"])
    old_spans = {(s.start, s.end): s.id for s in record.spans}
    bandung = TRICKY.find("Bandung")
    happening = next(f for f in record.facts if f.label == "HAPPENING")
    record.spans.append(Span(900, None, "ana", bandung, bandung + 7, "LOCATION", "Bandung"))
    # a new fact pointing at the new span, an old span and an old fact
    record.facts.append(Fact(901, None, "ana", "HAPPENING", None, [
        Argument("place", span_id=900), Argument("place", span_id=happening.args[0].span_id)]))
    record.facts.append(Fact(902, None, "ana", "QUOTE", None, [Argument("about", fact_id=happening.id)]))

    summary = project.import_annotated([record])

    assert (summary.spans, summary.spans_present, summary.facts, summary.facts_present) == (1, 2, 2, 2)
    spans = {(s.start, s.end): s.id for s in project.spans(doc.id, "ana")}
    assert len(spans) == 3 and {k: spans[k] for k in old_spans} == old_spans
    new_span = spans[(bandung, bandung + 7)]
    facts = project.facts(doc.id, "ana")
    assert len(facts) == 4
    added = [f for f in facts if f.id not in {f.id for f in record.facts[:2]}]
    assert sorted((a.role, a.span_id, a.fact_id) for f in added for a in f.args) == sorted([
        ("place", new_span, None), ("place", happening.args[0].span_id, None), ("about", None, happening.id)])


def test_a_fact_that_differs_only_in_an_argument_is_added(project):
    doc = with_facts(project)
    record = project.annotated(doc.id, ["ana"])
    quote = next(f for f in record.facts if f.label == "QUOTE")
    quote.args = [a for a in quote.args if a.role == "speaker"]

    summary = project.import_annotated([record])

    assert (summary.facts, summary.facts_present) == (1, 1)
    assert len(project.facts(doc.id, "ana")) == 3


def test_a_status_missing_here_is_filled_in_from_the_file(project):
    doc, _ = project.add_document("a", "Joko Widodo di Jakarta.", {})
    record = AnnotatedDocument(Document(None, "a", doc.text, {}),
                               [Span(1, None, "budi", 0, 4, "PERSON", "Joko")], [], {"budi": "done"})

    summary = project.import_annotated([record])

    assert project.status(doc.id, "budi") == "done" and summary.statuses_kept == 0
    assert layer(project, doc.id, "budi")[0] == [(0, 4, "PERSON")]


def test_same_layer_in_two_files_is_not_doubled(project, tmp_path):
    doc = with_facts(project)
    spans_before = layer(project, doc.id)[0]
    export(project, "native", tmp_path / "one.jsonl")
    (tmp_path / "two.jsonl").write_bytes((tmp_path / "one.jsonl").read_bytes())
    fresh = open_project(tmp_path / "fresh.db")

    report = import_files(fresh, [tmp_path / "one.jsonl", tmp_path / "two.jsonl"])

    (new_id,) = set(report.document_ids)
    spans, facts = layer(fresh, new_id)
    assert spans == spans_before and len(facts) == 2
    quote = next(f for f in facts if f.label == "QUOTE")
    assert {a.fact_id for a in quote.args if a.fact_id} == {f.id for f in facts if f.label == "HAPPENING"}
    assert (report.documents_added, report.documents_matched, report.spans_present, report.facts_present) == (1, 1, 2, 2)
    fresh.close()


@pytest.mark.parametrize("new", [False, True], ids=["matched", "added by the import"])
def test_repeats_within_and_across_chunks_are_not_doubled(project, tmp_path, monkeypatch, new):
    monkeypatch.setattr(bulk_import, "CHUNK", 3)
    doc = with_facts(project)
    record = project.annotated(doc.id, ["ana"])
    target = open_project(tmp_path / "fresh.db") if new else project
    others = [AnnotatedDocument(Document(None, f"o{i}", f"lain {i}", {}), [], [], {}) for i in range(3)]

    summary = target.import_annotated([record, others[0], record, others[1], others[2], record])

    (doc_id,) = {summary.document_ids[i] for i in (0, 2, 5)}
    spans, facts = layer(target, doc_id)
    assert len(spans) == 2 and len(facts) == 2
    assert summary.documents_added == 3 + new
    quote = next(f for f in facts if f.label == "QUOTE")
    assert {a.fact_id for a in quote.args if a.fact_id} == {f.id for f in facts if f.label == "HAPPENING"}
    assert {a.span_id for a in quote.args if a.span_id} <= {s.id for s in target.spans(doc_id, "ana")}
