"""doccano: the project's own sample files import with the right spans."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.domain import Argument
from annotator.exchange import export, import_files
from annotator.formats.base import FormatError, ReadOptions, detect_format
from annotator.formats.doccano import read

DOCCANO = Path(__file__).parent / "fixtures" / "formats" / "doccano"


def spans(record):
    return [(s.start, s.end, s.label, s.text) for s in record.spans]


def test_sequence_labelling_lines():
    records = list(read(DOCCANO / "sequence.jsonl", ReadOptions()))
    assert spans(records[0]) == [(0, 2, "ORG", "EU"), (11, 17, "MISC", "German")]
    assert spans(records[2]) == [(10, 15, "PERSON", "Obama")]


def test_legacy_labels_key_with_overlapping_spans():
    records = list(read(DOCCANO / "legacy_labels.jsonl", ReadOptions()))
    assert spans(records[0]) == [(0, 1, "LOC", "e"), (0, 2, "ORG", "ex")]


@pytest.mark.parametrize("name", ["relation.jsonl", "relation_pretty.jsonl"])
def test_relations_including_the_pretty_printed_file(name):
    assert detect_format(DOCCANO / name).name == "doccano"
    (record,) = read(DOCCANO / name, ReadOptions())
    assert spans(record)[3] == (59, 70, "PERSON", "Sergey Brin")
    by_id = {s.id: s.text for s in record.spans}
    relations = sorted((f.label, by_id[f.args[0].span_id], by_id[f.args[1].span_id]) for f in record.facts)
    assert ("foundedAt", "Google", "September 4, 1998") in relations
    assert ("foundedBy", "Google", "Sergey Brin") in relations


def test_offsets_past_the_end_of_the_text_are_located(store):
    with pytest.raises(FormatError, match=r"offsets_past_end.jsonl:1: span MISC 11-17 is outside the text \(length 14\)"):
        import_files(store, [DOCCANO / "offsets_past_end.jsonl"], format="doccano")
    assert store.document_ids() == []


def test_export_and_read_back(tmp_path, store):
    import_files(store, [DOCCANO / "relation.jsonl"], format="doccano", annotator="ana")
    export(store, "doccano", tmp_path / "out.jsonl")
    data = json.loads((tmp_path / "out.jsonl").read_text(encoding="utf-8"))
    assert len(data["entities"]) == 4 and len(data["relations"]) == 3
    (again,) = read(tmp_path / "out.jsonl", ReadOptions())
    assert spans(again) == spans(next(read(DOCCANO / "relation.jsonl", ReadOptions())))


def test_one_relation_puts_every_line_in_the_relation_shape(tmp_path, store):
    # doccano 1.8.4 reads a file into one table: a line in the other shape made
    # its import of the whole file fail (a NaN `label` in the relation lines' metadata)
    with_relation, _ = store.add_document("a", "Ani anggota PBB.")
    ani = store.add_span(with_relation.id, "ana", 0, 3, "PERSON")
    pbb = store.add_span(with_relation.id, "ana", 12, 15, "ORGANISATION")
    store.add_fact(with_relation.id, "ana", "MEMBER_OF", None,
                   [Argument("member", span_id=ani.id), Argument("group", span_id=pbb.id)])
    plain, _ = store.add_document("b", "Budi di Bandung.")
    store.add_span(plain.id, "ana", 8, 15, "LOCATION")
    store.add_document("c", "Belum ditandai.")

    export(store, "doccano", tmp_path / "out.jsonl")

    lines = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [sorted(line) for line in lines] == [["entities", "id", "relations", "text"]] * 3
    assert lines[1]["entities"] == [{"id": lines[1]["entities"][0]["id"], "start_offset": 8, "end_offset": 15,
                                     "label": "LOCATION"}] and lines[1]["relations"] == []
    records = list(read(tmp_path / "out.jsonl", ReadOptions(annotator="ana", schema=store.schema())))
    assert [[(s.start, s.end, s.label) for s in r.spans] for r in records] == [
        [(0, 3, "PERSON"), (12, 15, "ORGANISATION")], [(8, 15, "LOCATION")], []]
    assert [f.label for f in records[0].facts] == ["MEMBER_OF"]


def test_without_relations_every_line_is_sequence_labelling_and_overlaps_are_noted(tmp_path, store):
    doc, _ = store.add_document("a", "Presiden Joko Widodo.")
    store.add_span(doc.id, "ana", 0, 20, "PERSON")
    store.add_span(doc.id, "ana", 9, 13, "PERSON")
    store.add_document("b", "Belum ditandai.")
    summary = export(store, "doccano", tmp_path / "out.jsonl").summaries["all"]
    lines = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [line["label"] for line in lines] == [[[0, 20, "PERSON"], [9, 13, "PERSON"]], []]
    assert any("1 document(s) have nested or overlapping spans" in note for note in summary.notes)


def test_custom_columns_are_read_with_label_field_and_warned_of_without(store):
    # doccano's own example names its columns column_data and column_label
    path = DOCCANO / "custom_columns.jsonl"
    report = import_files(store, [path], format="doccano", text_field="column_data")
    assert report.spans == 0
    assert any("'column_label' looks like labels but was not read; name it with --label-field column_label" in w
               for w in report.warnings)
    report = import_files(store, [path], format="doccano", text_field="column_data", label_field="column_label")
    assert report.spans == 3 and report.documents_matched == 3
    assert sorted((s.text, s.label) for i in store.document_ids() for s in store.spans(i)) == \
        [("EU", "ORG"), ("Obama", "PERSON"), ("Peter Blackburn", "PERSON")]


def test_export_keeps_the_document_meta(tmp_path, store):
    doc, _ = store.add_document("Berita", "Joko di Bandung.", {"source": "kompas", "language": "id"})
    store.add_span(doc.id, "ana", 0, 4, "PERSON")
    export(store, "doccano", tmp_path / "out.jsonl")
    (line,) = [json.loads(x) for x in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    assert line["meta"] == {"source": "kompas", "language": "id"}
    (record,) = list(read(tmp_path / "out.jsonl", ReadOptions(annotator="ana")))
    assert {k: record.document.meta[k] for k in ("source", "language")} == {"source": "kompas", "language": "id"}
