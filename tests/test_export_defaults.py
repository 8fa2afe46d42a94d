"""Training formats export, by default, what a model is trained on: one layer
per document (gold where the document has it, else the user's) of the
documents marked done or reviewed; the summary says what was chosen and how
many documents were left out. --layer, --all-layers and --status choose otherwise."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from token_examples import conll_sentences

from annotator.cli import main
from annotator.project import open_project

TEXTS = ["Budi tinggal di Bandung.", "Ani bekerja di Jakarta.", "Cici belum selesai.", "Belum dibuka."]


def run(*args):
    return CliRunner().invoke(main, list(map(str, args)), catch_exceptions=False)


def run_as(login, *args):
    """As the user `login`: "yours" in the default is the login name's layer (an
    --annotator given, before or after `export`, names the layer outright)."""
    return CliRunner().invoke(main, list(map(str, args)), catch_exceptions=False,
                              env={"LOGNAME": login, "USER": login})


@pytest.fixture
def db(tmp_path):
    """Document 1: gold reviewed and ana done (gold wins); 2: ana done (and bob
    done); 3: ana in progress; 4: never opened."""
    path = tmp_path / "p.db"
    store = open_project(path)
    ids = [store.add_document(f"d{i}", text)[0].id for i, text in enumerate(TEXTS, 1)]
    store.add_span(ids[0], "ana", 0, 4, "PERSON")
    store.add_span(ids[0], "gold", 0, 4, "PERSON")
    store.add_span(ids[0], "gold", 16, 23, "LOCATION")
    store.set_status(ids[0], "ana", "done")
    store.set_status(ids[0], "gold", "reviewed")
    store.add_span(ids[1], "ana", 0, 3, "PERSON")
    store.set_status(ids[1], "ana", "done")
    store.add_span(ids[1], "bob", 15, 22, "LOCATION")
    store.set_status(ids[1], "bob", "done")
    store.add_span(ids[2], "ana", 0, 4, "PERSON")
    store.close()
    return path


def tokens_and_tags(path):
    return [pair for sentence in conll_sentences(path) for pair in sentence]


def test_conll_default_is_one_finished_layer_per_document(db, tmp_path):
    out = tmp_path / "train.conll"
    result = run_as("ana", "--db", db, "export", "--format", "conll", "--out", out)
    assert result.exit_code == 0, result.output
    assert tokens_and_tags(out) == [
        ("Budi", "B-PERSON"), ("tinggal", "O"), ("di", "O"), ("Bandung", "B-LOCATION"), (".", "O"),  # gold's
        ("Ani", "B-PERSON"), ("bekerja", "O"), ("di", "O"), ("Jakarta", "O"), (".", "O"),  # ana's, not bob's
    ]
    lines = result.output.splitlines()
    assert lines[0] == ("exported: one layer per document: gold where the document has it, else ana's; "
                        "documents marked done or reviewed (a training format's default)")
    assert lines[1] == "  (--layer NAME, --all-layers or --status any choose otherwise)"
    assert "2 document(s), 3 span(s), 0 fact(s) written" in lines
    assert "left out 2: documents with no layer of the chosen status" in lines
    named = tmp_path / "ana.conll"
    assert run("--db", db, "--annotator", "ana", "export", "--format", "conll", "--out", named).exit_code == 0
    assert [tag for _, tag in tokens_and_tags(named)][:5] == ["B-PERSON", "O", "O", "O", "O"]  # ana's, not gold's


def test_hf_and_doccano_write_one_example_per_document(db, tmp_path):
    out = tmp_path / "train.jsonl"
    assert run_as("ana", "--db", db, "export", "--format", "hf", "--out", out).exit_code == 0
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [(row["document"], row["annotator"]) for row in rows] == [("1", "gold"), ("2", "ana")]
    doccano = tmp_path / "doccano.jsonl"
    result = run_as("bob", "--db", db, "export", "--format", "doccano", "--out", doccano)
    assert result.exit_code == 0, result.output
    gold, bob = [json.loads(line) for line in doccano.read_text(encoding="utf-8").splitlines()]
    assert gold["label"] == [[0, 4, "PERSON"], [16, 23, "LOCATION"]]
    assert bob["text"] == TEXTS[1] and bob["label"] == [[15, 22, "LOCATION"]]  # bob's only, not merged with ana's
    assert "documents marked done or reviewed" in result.output


def test_options_choose_otherwise(db, tmp_path):
    out = tmp_path / "out.conll"
    result = run_as("ana", "--db", db, "export", "--format", "conll", "--out", out, "--all-layers")
    assert result.exit_code == 0, result.output
    assert "exported: every layer; documents marked done or reviewed (a training format's default)" in result.output
    assert "carry several annotators' spans: written as one example per document and annotator" in result.output
    result = run("--db", db, "export", "--format", "conll", "--out", out, "--layer", "ana", "--status", "any")
    assert result.output.splitlines()[0] == "exported: layer(s) ana; any status"
    assert len(conll_sentences(out)) == 4  # the never-opened document too, as asked
    result = run("--db", db, "export", "--format", "conll", "--out", out, "--layer", "ana", "--status", "in_progress")
    assert tokens_and_tags(out)[0] == ("Cici", "B-PERSON") and len(conll_sentences(out)) == 1
    result = run("--db", db, "export", "--format", "conll", "--out", out, "--layer", "ana", "--all-layers")
    assert result.exit_code == 1 and "--all-layers and --layer" in result.output


def test_other_formats_still_write_every_layer(db, tmp_path):
    out = tmp_path / "all.jsonl"
    result = run_as("ana", "--db", db, "export", "--format", "native", "--out", out)
    assert result.output.splitlines()[0] == "exported: every layer; any status"
    assert len(out.read_text(encoding="utf-8").splitlines()) == 4


def test_an_empty_split_is_reported(db, tmp_path):
    result = run_as("ana", "--db", db, "export", "--format", "conll", "--out", tmp_path / "splits",
                 "--split", "0.8,0.1,0.1")
    assert result.exit_code == 0, result.output
    assert "the dev part is empty: 2 document(s) are too few for these ratios" in result.output
    assert "dev: 0 document(s), 0 span(s), 0 fact(s) written" in result.output
    result = run("--db", db, "export", "--format", "conll", "--out", tmp_path / "none", "--layer", "nobody",
                 "--split", "0.5,0.5")
    assert "every part is empty: no document was chosen" in result.output


def test_worker_processes_choose_the_same_documents(db, tmp_path, monkeypatch):
    from annotator import export_workers

    monkeypatch.setattr(export_workers, "RUN_DOCUMENTS", 1)  # a worker job per document
    alone, workers = tmp_path / "alone.conll", tmp_path / "workers.conll"
    one = run_as("ana", "--db", db, "export", "--format", "conll", "--out", alone, "--workers", "1")
    two = run_as("ana", "--db", db, "export", "--format", "conll", "--out", workers, "--workers", "2")
    assert alone.read_bytes() == workers.read_bytes()
    assert "left out 2: documents with no layer of the chosen status" in one.output
    assert "left out 2: documents with no layer of the chosen status" in two.output
