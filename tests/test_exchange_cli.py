"""`annotator import` and `annotator export` through click's runner on a file database."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from annotator.cli import main
from annotator.store import Store

FIXTURES = Path(__file__).parent / "fixtures" / "formats"


def run(*args):
    return CliRunner().invoke(main, list(map(str, args)), catch_exceptions=False)


def test_import_brat_then_export_split(tmp_path):
    db = tmp_path / "p.db"
    result = run("--db", db, "--annotator", "ana", "import", FIXTURES / "brat-news")
    assert result.exit_code == 0, result.output
    assert "documents: 13 added" in result.output and "spans: 119" in result.output
    assert "labels added to the schema:" in result.output and "Transfer-money" in result.output
    out = tmp_path / "out"
    result = run("--db", db, "export", "--format", "native", "--out", out, "--split", "0.6,0.2,0.2", "--seed", "7")
    assert result.exit_code == 0, result.output
    counts = {name: len((out / f"{name}.jsonl").read_text().splitlines()) for name in ("train", "dev", "test")}
    assert sum(counts.values()) == 13 and counts["train"] == 8
    again = tmp_path / "again"
    run("--db", db, "export", "--format", "native", "--out", again, "--split", "0.6,0.2,0.2", "--seed", "7")
    assert (again / "dev.jsonl").read_text() == (out / "dev.jsonl").read_text()


def test_strict_refuses_unknown_labels_and_changes_nothing(tmp_path):
    db = tmp_path / "p.db"
    result = run("--db", db, "import", "--strict", FIXTURES / "doccano" / "sequence.jsonl")
    assert result.exit_code == 1
    assert "labels not in the schema: MISC, ORG" in result.output and "nothing was imported" in result.output
    assert Store.open(db).document_ids() == []


def test_bad_offsets_exit_1_with_the_file_and_line(tmp_path):
    db = tmp_path / "p.db"
    result = run("--db", db, "import", FIXTURES / "doccano" / "sequence.jsonl",
                 FIXTURES / "doccano" / "offsets_past_end.jsonl")
    assert result.exit_code == 1
    assert "offsets_past_end.jsonl:1:" in result.output
    assert Store.open(db).document_ids() == []


def test_skip_bad_lists_the_bad_records(tmp_path):
    db = tmp_path / "p.db"
    result = run("--db", db, "import", "--skip-bad", FIXTURES / "doccano" / "offsets_past_end.jsonl")
    assert result.exit_code == 0, result.output
    assert "documents: 2 added" in result.output and "skipped 1 bad record(s)" in result.output


def test_export_by_layer_status_and_label(tmp_path):
    db = tmp_path / "p.db"
    run("--db", db, "--annotator", "ana", "import", FIXTURES / "labelstudio" / "annotations_1.json")
    run("--db", db, "--annotator", "budi", "import", FIXTURES / "labelstudio" / "completions_348.json")
    store = Store.open(db)
    store.set_status(store.document_ids()[0], "ana", "done")
    store.close()
    out = tmp_path / "done.jsonl"
    result = run("--db", db, "export", "--format", "native", "--out", out, "--status", "done")
    assert result.exit_code == 0, result.output
    lines = [json.loads(l) for l in out.read_text().splitlines()]
    assert len(lines) == 1 and {s["annotator"] for s in lines[0]["spans"]} == {"ana"}
    assert "left out 1: documents with no layer of the chosen status" in result.output
    csv_out = tmp_path / "budi.csv"
    result = run("--db", db, "export", "--format", "csv", "--out", csv_out, "--annotator", "budi", "--labels", "INGREDIENT")
    assert result.exit_code == 0, result.output
    assert len(csv_out.read_text().splitlines()) == 1 + 38


def test_unknown_format_is_a_clear_error(tmp_path):
    Store.open(tmp_path / "p.db").close()
    result = run("--db", tmp_path / "p.db", "export", "--format", "nope", "--out", tmp_path / "x")
    assert result.exit_code == 1 and "unknown format 'nope'" in result.output
    assert not (tmp_path / "x").exists()
