"""Hugging Face token classification JSONL: plain json and seqeval read it back."""

from __future__ import annotations

import json

import pytest
from token_examples import expected_entities, nested_record, seqeval_entities, squeezed, tricky_record

from annotator.domain.schema import default_schema
from annotator.formats.base import FormatError, ReadOptions, WriteOptions, get_format
from annotator.formats.conll import read as read_conll
from annotator.formats.hf import read, write

FIXTURES = __import__("pathlib").Path(__file__).parent / "fixtures" / "tokens"


def load(path):
    """The file as a user would load it: json lines and the label list beside them."""
    names = json.loads(path.with_name(path.stem + ".labels.json").read_text(encoding="utf-8"))
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    return names, rows


def sentences(path):
    names, rows = load(path)
    return [list(zip(row["tokens"], (names[t] for t in row["ner_tags"]))) for row in rows]


@pytest.mark.parametrize("tokenizer", ["regex", "spacy"])
def test_seqeval_finds_the_records_entities(tmp_path, tokenizer):
    records = [tricky_record()]
    out = tmp_path / "train.jsonl"
    summary = write(records, out, WriteOptions(tokenizer=tokenizer))
    assert seqeval_entities(sentences(out)) == expected_entities(records)
    assert summary.files == [out, tmp_path / "train.labels.json", tmp_path / "train.dataset_info.json"]


def test_rows_have_the_shape_datasets_loads(tmp_path):
    out = tmp_path / "train.jsonl"
    write([tricky_record(), nested_record()], out, WriteOptions(tokenizer="regex"))
    names, rows = load(out)
    assert names[0] == "O"
    assert all(set(row) == {"id", "document", "hash", "annotator", "tokens", "ner_tags"} for row in rows)
    assert all(len(row["tokens"]) == len(row["ner_tags"]) and all(isinstance(t, int) for t in row["ner_tags"])
               for row in rows)
    assert [row["id"] for row in rows] == [str(i) for i in range(len(rows))]
    info = json.loads((tmp_path / "train.dataset_info.json").read_text(encoding="utf-8"))
    assert info["features"]["ner_tags"]["feature"]["names"] == names


def test_tag_ids_follow_the_schema_so_splits_agree(tmp_path):
    options = WriteOptions(tokenizer="regex", schema=default_schema())
    write([tricky_record()], tmp_path / "train.jsonl", options)
    write([nested_record()], tmp_path / "test.jsonl", options)
    train, _ = load(tmp_path / "train.jsonl")
    test, _ = load(tmp_path / "test.jsonl")
    assert train[:3] == test[:3] == ["O", "B-PERSON", "I-PERSON"]
    assert "B-QUOTE" not in train  # fact labels are not entity tags
    assert train[: 1 + 2 * 7] == test[: 1 + 2 * 7]


def test_hf_round_trip_keeps_span_texts_and_labels(tmp_path):
    out = tmp_path / "t.jsonl"
    write([tricky_record(), nested_record()], out, WriteOptions(tokenizer="regex"))
    back = list(read(out, ReadOptions()))
    assert len(back) == 2  # sentences regrouped into their documents
    assert [(s.label, squeezed(s.text)) for s in back[0].spans] == expected_entities([tricky_record()])
    assert {s.annotator for s in back[0].spans} == {"ana"}
    assert all(r.document.text[s.start:s.end] == s.text for r in back for s in r.spans)


def test_idner_through_hf_keeps_every_entity(tmp_path):
    records = list(read_conll(FIXTURES / "idner-test.txt", ReadOptions()))
    out = tmp_path / "idner.jsonl"
    write(records, out, WriteOptions(tokenizer="regex"))
    assert seqeval_entities(sentences(out)) == expected_entities(records)


def test_string_tags_need_no_label_list(tmp_path):
    path = tmp_path / "plain.jsonl"
    path.write_text(json.dumps({"tokens": ["Ani", "ke", "Bandung"], "ner_tags": ["B-PER", "O", "B-LOC"]}) + "\n",
                    encoding="utf-8")
    [record] = read(path, ReadOptions())
    assert [(s.text, s.label) for s in record.spans] == [("Ani", "PER"), ("Bandung", "LOC")]


@pytest.mark.parametrize("row, message", [
    ({"tokens": ["Ani"], "ner_tags": [0]}, "no labels.json"),
    ({"tokens": ["Ani", "ke"], "ner_tags": ["O"]}, "2 tokens but 1 tags"),
    ({"tokens": ["Ani"], "ner_tags": ["PER"]}, "'PER'"),
    ({"tokens": ["Ani"]}, "missing field 'ner_tags'"),
])
def test_bad_rows_are_located(tmp_path, row, message):
    path = tmp_path / "bad.jsonl"
    good = {"tokens": ["Budi"], "ner_tags": ["B-PER"]}
    path.write_text(json.dumps(good) + "\n" + json.dumps(row) + "\n", encoding="utf-8")
    with pytest.raises(FormatError, match=message) as caught:
        list(read(path, ReadOptions()))
    assert caught.value.line == 2


def test_tag_id_outside_the_label_list_is_refused(tmp_path):
    path = tmp_path / "d.jsonl"
    path.write_text(json.dumps({"tokens": ["Ani"], "ner_tags": [5]}) + "\n", encoding="utf-8")
    (tmp_path / "labels.json").write_text('["O", "B-PER", "I-PER"]', encoding="utf-8")
    with pytest.raises(FormatError, match="outside the label list"):
        list(read(path, ReadOptions()))


def test_datasets_loads_the_rows_with_the_features_written_beside_them(tmp_path, monkeypatch):
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")  # a local file: nothing to fetch
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    import datasets

    out = tmp_path / "train.jsonl"
    write([tricky_record()], out, WriteOptions(tokenizer="regex"))
    info = json.loads((tmp_path / "train.dataset_info.json").read_text(encoding="utf-8"))
    features = datasets.Features.from_dict(info["features"])
    loaded = datasets.load_dataset("json", data_files=str(out), features=features,
                                   cache_dir=str(tmp_path / "cache"))["train"]
    names = loaded.features["ner_tags"].feature.names
    assert names == load(out)[0]
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [row["tokens"] for row in loaded] == [row["tokens"] for row in rows]
    assert [[names[t] for t in row["ner_tags"]] for row in loaded] == \
        [[names[t] for t in row["ner_tags"]] for row in rows]


def test_registered():
    assert get_format("hf").write is write
