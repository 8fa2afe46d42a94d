"""Telling formats apart by content where the extension is shared (.jsonl, .json)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.exchange import export, import_files
from annotator.formats.base import detect_format
from annotator.store import Store
from annotator.project import install_default_schema

FORMATS = Path(__file__).parent / "fixtures" / "formats"
TEXT = "Presiden 👍🏽 Joko Widodo di Bandung."


def write_lines(path: Path, *records: dict) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


@pytest.mark.parametrize("record", [
    {"text": TEXT, "spans": [{"start": 12, "end": 23, "label": "PERSON"}]},
    {"text": TEXT, "spans": [{"start": 12, "end": 23, "label": "PERSON", "token_start": 2, "token_end": 3}],
     "meta": {"source": "prodigy"}, "_input_hash": 1, "answer": "accept"},
    {"text": TEXT, "spans": []},
])
def test_spacy_span_lines_are_spacy_jsonl(tmp_path, record):
    assert detect_format(write_lines(tmp_path / "a.jsonl", record)).name == "spacy-jsonl"


@pytest.mark.parametrize("record", [
    {"id": 3, "title": "t", "text": TEXT, "meta": {}, "spans": [], "facts": [], "status": {}},
    {"title": "t", "text": TEXT, "spans": [{"start": 12, "end": 23, "label": "PERSON"}]},
    {"text": TEXT, "spans": [{"start": 12, "end": 23, "label": "PERSON", "annotator": "ana"}]},
    {"text": TEXT, "spans": [{"id": 1, "start": 12, "end": 23, "label": "PERSON"}]},
    {"text": TEXT, "facts": []},
])
def test_records_with_native_keys_are_native(tmp_path, record):
    assert detect_format(write_lines(tmp_path / "a.jsonl", record)).name == "native"


def test_articles_lines_are_articles(tmp_path):
    assert detect_format(write_lines(tmp_path / "a.jsonl", {"title": "t", "text": TEXT})).name == "jsonl"


@pytest.mark.parametrize("path, name", [
    (FORMATS / "doccano" / "sequence.jsonl", "doccano"),
    (FORMATS / "doccano" / "relation.jsonl", "doccano"),
    (FORMATS / "doccano" / "legacy_labels.jsonl", "doccano"),
    (FORMATS / "labelstudio" / "annotations_1.json", "labelstudio"),
    (FORMATS / "labelstudio" / "tasks.json", "labelstudio"),
])
def test_doccano_and_label_studio_samples_stay_detected(path, name):
    assert detect_format(path).name == name


@pytest.mark.parametrize("fmt", ["spacy-jsonl", "native"])
def test_our_own_exports_come_back_in_their_format_with_titles(store, tmp_path, fmt):
    doc, _ = store.add_document("Judul berita", TEXT)
    store.add_span(doc.id, "ana", 12, 23, "PERSON")
    out = tmp_path / f"out.{fmt}.jsonl"
    export(store, fmt, out)
    assert detect_format(out).name == fmt
    other = Store.memory()
    install_default_schema(other)
    report = import_files(other, [out], annotator="budi")
    (record,) = [other.annotated(i) for i in report.document_ids]
    assert record.document.title == "Judul berita"
    assert [(s.start, s.end, s.label, s.annotator) for s in record.spans] == [(12, 23, "PERSON", "ana")]
    other.close()
