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
