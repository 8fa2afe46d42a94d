"""Label Studio: the editor's sample tasks import with the right spans."""

from __future__ import annotations

import json
from xml.etree import ElementTree
from pathlib import Path

from annotator.exchange import export, import_files
from annotator.formats.base import ReadOptions, detect_format
from annotator.formats.labelstudio import read

LS = Path(__file__).parent / "fixtures" / "formats" / "labelstudio"


def test_annotations_give_the_date_span():
    assert detect_format(LS / "annotations_1.json").name == "labelstudio"
    (record,) = read(LS / "annotations_1.json", ReadOptions(annotator="ana"))
    assert [(s.start, s.end, s.label, s.text, s.annotator) for s in record.spans] == [
        (343, 354, "Date", "February 22", "ana")]


def test_predictions_become_a_model_layer():
    (record,) = read(LS / "tasks.json", ReadOptions())
    assert [(s.start, s.end, s.annotator) for s in record.spans] == [(343, 354, "model:model 1")]


def test_legacy_completions():
    (record,) = read(LS / "completions_348.json", ReadOptions())
    assert len(record.spans) == 38
    assert (record.spans[0].start, record.spans[0].end, record.spans[0].text) == (121, 155, "Sodium Lauroyl Methyl Isethionate,")
    assert {s.label for s in record.spans} == {"INGREDIENT"}


def test_utf16_offsets_from_a_browser_are_converted(tmp_path):
    text = "😀 Ani di Bandung"
    task = {"data": {"text": text}, "annotations": [{"result": [
        {"id": "a", "type": "labels", "value": {"start": 10, "end": 17, "text": "Bandung", "labels": ["LOCATION"]}}]}]}
    (tmp_path / "t.json").write_text(json.dumps([task]), encoding="utf-8")
    (record,) = read(tmp_path / "t.json", ReadOptions())
    assert (record.spans[0].start, record.spans[0].end) == (9, 16)


def test_export_with_relations_reads_back_the_same(tmp_path, store):
    text = "Ani 😀 anggota PBB."
    (tmp_path / "in.jsonl").write_text(json.dumps({"text": text, "spans": [
        {"id": 1, "start": 0, "end": 3, "label": "PERSON", "annotator": "ana"},
        {"id": 2, "start": 14, "end": 17, "label": "ORGANISATION", "annotator": "ana"}],
        "facts": [{"id": 1, "label": "MEMBER_OF", "span": None, "annotator": "ana",
                   "args": [{"role": "member", "span": 1}, {"role": "group", "span": 2}]}], "status": {}}) + "\n")
    import_files(store, [tmp_path / "in.jsonl"])
    export(store, "labelstudio", tmp_path / "out.json")
    tasks = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    assert tasks[0]["data"]["text"] == text
    (record,) = read(tmp_path / "out.json", ReadOptions(schema=store.schema()))
    assert [(s.start, s.end, s.text, s.annotator) for s in record.spans] == [(0, 3, "Ani", "ana"), (14, 17, "PBB", "ana")]
    assert [a.role for a in record.facts[0].args] == ["member", "group"]


def test_the_labeling_config_beside_the_tasks_names_every_label_they_use(tmp_path, store):
    text = "Ani & Budi <b>anggota</b> PBB."
    (tmp_path / "in.jsonl").write_text(json.dumps({"text": text, "spans": [
        {"id": 1, "start": 0, "end": 3, "label": "PERSON", "annotator": "ana"},
        {"id": 2, "start": 26, "end": 29, "label": "ORGANISATION", "annotator": "ana"},
        {"id": 3, "start": 6, "end": 10, "label": "Tokoh & <Figur>", "annotator": "ana"}],
        "facts": [{"id": 1, "label": "MEMBER_OF", "span": None, "annotator": "ana",
                   "args": [{"role": "member", "span": 1}, {"role": "group", "span": 2}]}], "status": {}}) + "\n")
    import_files(store, [tmp_path / "in.jsonl"])
    summary = export(store, "labelstudio", tmp_path / "out.json").summaries["all"]
    config_path = tmp_path / "out.label_config.xml"
    assert config_path in summary.files

    view = ElementTree.fromstring(config_path.read_text(encoding="utf-8"))
    tasks = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    regions = [r for r in tasks[0]["annotations"][0]["result"] if r["type"] == "labels"]
    [labels] = view.findall("Labels")
    [text_tag] = view.findall("Text")
    assert (labels.get("name"), labels.get("toName")) == (regions[0]["from_name"], regions[0]["to_name"])
    assert (text_tag.get("name"), text_tag.get("value")) == (regions[0]["to_name"], "$text")
    names = [label.get("value") for label in labels]
    assert {r["value"]["labels"][0] for r in regions} <= set(names)
    assert names[:3] == ["PERSON", "ORGANISATION", "LOCATION"]  # the schema's order, then labels met
    assert "Tokoh & <Figur>" in names  # escaped in the XML, read back whole
    assert labels.find("Label[@value='PERSON']").get("background") == store.schema().label("PERSON").color
    assert "MEMBER_OF" in [r.get("value") for r in view.find("Relations")]
    assert "MEMBER_OF" not in names
    assert summary.notes == []  # one layer: nothing Label Studio would lose


def test_several_layers_come_with_a_note_that_label_studio_keeps_no_names(tmp_path, store):
    doc, _ = store.add_document("t", "Ani di Bandung.")
    store.add_span(doc.id, "ana", 0, 3, "PERSON")
    store.add_span(doc.id, "budi", 7, 14, "LOCATION")
    summary = export(store, "labelstudio", tmp_path / "out.json").summaries["all"]
    assert any("importing user" in note for note in summary.notes)
    tasks = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    assert [a["annotator"] for a in tasks[0]["annotations"]] == ["ana", "budi"]
