"""`--annotator` means one thing on the command line, before the sub-command or
after it: whose layer. An import says which layers it wrote; `review` without
`--annotator` compares everyone but gold, as `agreement` and the window do."""

from __future__ import annotations

import json

from click.testing import CliRunner

from annotator.cli import main
from annotator.store import Store


def run(*args: object):
    return CliRunner().invoke(main, [str(a) for a in args])


def article(tmp_path, text="Joko Widodo berkunjung ke Bandung."):
    path = tmp_path / "berita.txt"
    path.write_text(text, encoding="utf-8")
    return path


def doccano_line(tmp_path, name="doccano.jsonl"):
    path = tmp_path / name
    path.write_text(json.dumps({"text": "Joko Widodo berkunjung ke Bandung.",
                                "label": [[0, 11, "PERSON"], [26, 33, "LOCATION"]]}) + "\n", encoding="utf-8")
    return path


def test_annotator_after_import_is_the_layer_written(tmp_path):
    db = tmp_path / "p.db"
    result = run("--db", db, "import", "--annotator", "ana", doccano_line(tmp_path))
    assert result.exit_code == 0, result.output
    assert "layers: ana" in result.output.splitlines()
    before = run("--db", db, "--annotator", "budi", "import", doccano_line(tmp_path, "b.jsonl"))
    assert before.exit_code == 0 and "layers: budi" in before.output.splitlines()
    store = Store.open(db, create=False)
    assert sorted(store.annotators()) == ["ana", "budi"]
    store.close()


def test_an_import_names_the_layers_a_file_brings(tmp_path):
    db = tmp_path / "p.db"
    run("--db", db, "import", "--annotator", "ana", doccano_line(tmp_path))
    run("--db", db, "--annotator", "budi", "import", doccano_line(tmp_path, "b.jsonl"))
    exported = tmp_path / "all.jsonl"
    assert run("--db", db, "export", "--format", "native", "--out", exported).exit_code == 0
    other = tmp_path / "other.db"
    result = run("--db", other, "--annotator", "citra", "import", exported)
    assert result.exit_code == 0, result.output
    assert "layers: ana, budi" in result.output.splitlines()  # the file names them; citra wrote nothing


def test_review_without_annotators_compares_everyone_but_gold(tmp_path):
    db = tmp_path / "p.db"
    run("--db", db, "import", "--annotator", "ana", doccano_line(tmp_path))
    store = Store.open(db, create=False)
    doc = store.document_ids()[0]
    store.add_span(doc, "budi", 0, 4, "PERSON")
    store.add_span(doc, "gold", 0, 11, "PERSON")
    store.close()
    result = run("--db", db, "review", doc)
    assert result.exit_code == 0, result.output
    named = run("--db", db, "review", doc, "--annotator", "ana", "--annotator", "budi")
    assert result.output == named.output
    assert "difference(s)" in result.output
    alone = tmp_path / "alone.db"
    run("--db", alone, "import", "--annotator", "ana", doccano_line(tmp_path))
    lonely = run("--db", alone, "review", 1)
    assert lonely.exit_code == 2 and "fewer than two annotators" in lonely.output


def _two_layers(tmp_path):
    db = tmp_path / "p.db"
    run("--db", db, "import", "--annotator", "ana", doccano_line(tmp_path))
    run("--db", db, "import", "--annotator", "budi", doccano_line(tmp_path, "b.jsonl"))
    store = Store.open(db, create=False)
    doc = store.document_ids()[0]
    store.add_span(doc, "budi", 0, 4, "PERSON")
    store.close()
    return db, doc


def test_annotator_before_export_chooses_the_layer_as_after_it(tmp_path):
    db, _ = _two_layers(tmp_path)
    before, after = tmp_path / "before.jsonl", tmp_path / "after.jsonl"
    assert run("--db", db, "--annotator", "budi", "export", "--format", "native", "--out", before).exit_code == 0
    assert run("--db", db, "export", "--annotator", "budi", "--format", "native", "--out", after).exit_code == 0
    assert before.read_text(encoding="utf-8") == after.read_text(encoding="utf-8")
    layers = {span["annotator"] for line in before.read_text(encoding="utf-8").splitlines()
              for span in json.loads(line)["spans"]}
    assert layers == {"budi"}


def test_annotator_in_both_places_names_both_layers(tmp_path):
    db, doc = _two_layers(tmp_path)
    split = run("--db", db, "--annotator", "ana", "agreement", "--annotator", "budi", "--json")
    together = run("--db", db, "agreement", "--annotator", "ana", "--annotator", "budi", "--json")
    assert split.exit_code == 0, split.output
    assert split.output == together.output
    one = run("--db", db, "--annotator", "ana", "agreement")
    assert one.exit_code == 1 and "at least two annotators; found ana" in one.output
    assert run("--db", db, "--annotator", "ana", "review", doc, "--annotator", "budi").output == \
        run("--db", db, "review", doc, "--annotator", "ana", "--annotator", "budi").output


def test_annotator_before_history_filters_as_after_it(tmp_path):
    db, _ = _two_layers(tmp_path)
    before = run("--db", db, "--annotator", "budi", "history", "--json")
    after = run("--db", db, "history", "--annotator", "budi", "--json")
    assert before.exit_code == 0, before.output
    assert before.output == after.output
    assert {c["annotator"] for c in json.loads(before.output)} == {"budi"}
    both = run("--db", db, "--annotator", "ana", "history", "--annotator", "budi")
    assert both.exit_code == 2 and "one annotator's changes" in both.output
