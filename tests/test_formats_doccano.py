"""doccano: the project's own sample files import with the right spans."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

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
