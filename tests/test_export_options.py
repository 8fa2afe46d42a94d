"""Token choices on export: `annotator export --tokenizer/--language/--nested`
and the same choices in the window's export dialog."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from annotator.cli import main
from annotator.formats.tokens import spacy_installed
from annotator.store import Store
from annotator.project import open_project

TEXT = "Kami don't pergi ke U.S. bersama Universitas Gadjah Mada 😀, kata Jokowi."
UNIVERSITY = TEXT.find("Universitas")
GADJAH = TEXT.find("Gadjah")
MADA_END = TEXT.find(" 😀")

needs_spacy = pytest.mark.skipif(not spacy_installed(), reason="spaCy is not installed")


def run(*args):
    return CliRunner().invoke(main, list(map(str, args)), catch_exceptions=False)


@pytest.fixture
def db(tmp_path) -> Path:
    """A database with one document: ORGANISATION "Universitas Gadjah Mada"
    with PERSON "Gadjah Mada" nested inside it."""
    path = tmp_path / "p.db"
    store = open_project(path)
    doc, _ = store.add_document("t", TEXT)
    store.add_span(doc.id, "ana", UNIVERSITY, MADA_END, "ORGANISATION")
    store.add_span(doc.id, "ana", GADJAH, MADA_END, "PERSON")
    store.set_status(doc.id, "ana", "done")  # what training formats export by default
    store.close()
    return path


def conll_rows(path: Path) -> list[tuple[str, str]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [tuple(line.split(" ")) for line in lines if line and not line.startswith("-DOCSTART-")]


def tagged(rows: list[tuple[str, str]], *words: str) -> list[str]:
    tags = dict(rows)
    return [tags[w] for w in words]


@pytest.mark.parametrize("policy, expected, kept", [
    ("outermost", ["B-ORGANISATION", "I-ORGANISATION", "I-ORGANISATION"], "outermost"),
    ("longest", ["B-ORGANISATION", "I-ORGANISATION", "I-ORGANISATION"], "longest"),
    ("innermost", ["O", "B-PERSON", "I-PERSON"], "innermost"),
    ("first", ["B-ORGANISATION", "I-ORGANISATION", "I-ORGANISATION"], "first"),
])
def test_nested_policy_chooses_the_entity_tagged(db, tmp_path, policy, expected, kept):
    out = tmp_path / "out.conll"
    result = run("--db", db, "--annotator", "ana", "export", "--format", "conll", "--out", out, "--tokenizer", "regex", "--nested", policy)
    assert result.exit_code == 0, result.output
    assert tagged(conll_rows(out), "Universitas", "Gadjah", "Mada") == expected
    assert f"dropped 1: nested or overlapping span(s): tags cannot overlap, kept the {kept}" in result.output


def test_default_nested_policy_is_outermost(db, tmp_path):
    out = tmp_path / "out.conll"
    assert run("--db", db, "--annotator", "ana", "export", "--format", "conll", "--out", out, "--tokenizer", "regex").exit_code == 0
    assert tagged(conll_rows(out), "Universitas", "Gadjah") == ["B-ORGANISATION", "I-ORGANISATION"]


def test_regex_tokenizer_for_hugging_face(db, tmp_path):
    out = tmp_path / "out.jsonl"
    result = run("--db", db, "--annotator", "ana", "export", "--format", "hf", "--out", out, "--tokenizer", "regex", "--nested", "innermost")
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    tokens = [t for row in rows for t in row["tokens"]]
    assert "don't" in tokens and "U.S" in tokens and "😀" in tokens
    names = json.loads((tmp_path / "out.labels.json").read_text(encoding="utf-8"))
    tags = [names[i] for row in rows for i in row["ner_tags"]]
    assert tags[tokens.index("Gadjah")] == "B-PERSON" and tags[tokens.index("Universitas")] == "O"


@needs_spacy
def test_spacy_tokenizer_follows_the_language(db, tmp_path):
    english, any_language = tmp_path / "en.conll", tmp_path / "xx.conll"
    assert run("--db", db, "--annotator", "ana", "export", "--format", "conll", "--out", english, "--tokenizer", "spacy",
               "--language", "en").exit_code == 0
    assert run("--db", db, "--annotator", "ana", "export", "--format", "conll", "--out", any_language, "--tokenizer", "spacy").exit_code == 0
    english_words = [w for w, _ in conll_rows(english)]
    assert ["do", "n't"] == english_words[1:3] and "U.S." in english_words
    assert "don't" in [w for w, _ in conll_rows(any_language)]


def test_unknown_choices_are_refused_before_anything_is_written(db, tmp_path):
    out = tmp_path / "out.conll"
    result = run("--db", db, "--annotator", "ana", "export", "--format", "conll", "--out", out, "--nested", "widest")
    assert result.exit_code == 2 and "widest" in result.output
    result = run("--db", db, "--annotator", "ana", "export", "--format", "conll", "--out", out, "--tokenizer", "nltk")
    assert result.exit_code == 2
    assert not out.exists()


def test_token_choices_on_a_format_without_tokens_are_noted(db, tmp_path):
    out = tmp_path / "out.csv"
    result = run("--db", db, "--annotator", "ana", "export", "--format", "csv", "--out", out, "--nested", "innermost")
    assert result.exit_code == 0, result.output
    assert "csv does not write tokens; --nested left unused" in result.output
    assert "Gadjah Mada" in out.read_text(encoding="utf-8")


def test_help_documents_the_token_choices():
    result = run("export", "--help")
    for text in ("--tokenizer [source|auto|regex|spacy]", "--language CODE", "--nested [outermost|innermost|longest|first]"):
        assert text in result.output


# -- the export dialog ----------------------------------------------------------

def test_dialog_offers_token_choices_only_for_token_formats(qtbot, db):
    from annotator.ui.files.exchange_dialog import ExportDialog

    store = Store.open(db)
    dialog = ExportDialog(None, store, "ana")
    qtbot.addWidget(dialog)
    for name, enabled in (("conll", True), ("csv", False), ("hf", True), ("spacy-jsonl", False), ("spacy", True)):
        dialog.format.setCurrentIndex(dialog.format.findData(name))
        assert [w.isEnabled() for w in (dialog.tokenizer, dialog.language, dialog.nested)] == [enabled] * 3, name
    assert [dialog.nested.itemData(i) for i in range(dialog.nested.count())] == [
        "outermost", "innermost", "longest", "first"]
    assert [dialog.tokenizer.itemData(i) for i in range(dialog.tokenizer.count())] == ["source", "auto", "regex", "spacy"]
    store.close()


def test_dialog_passes_the_token_choices_to_the_export(qtbot, db, tmp_path):
    from annotator.ui.files.exchange_dialog import ExportDialog, run_with_progress

    store = Store.open(db)
    dialog = ExportDialog(None, store, "ana")
    qtbot.addWidget(dialog)
    dialog.format.setCurrentIndex(dialog.format.findData("conll"))
    dialog.tokenizer.setCurrentIndex(dialog.tokenizer.findData("regex"))
    dialog.nested.setCurrentIndex(dialog.nested.findData("innermost"))
    dialog.out.setText(str(tmp_path / "out.conll"))
    task = run_with_progress(None, store, "Exporting…", dialog.work())
    assert task.error == ""
    rows = conll_rows(tmp_path / "out.conll")
    assert tagged(rows, "Universitas", "Gadjah", "don't", "U.S") == ["O", "B-PERSON", "O", "O"]
    assert task.result.summaries["all"].dropped
    store.close()
