"""brat files as real corpora have them: quoted texts holding a TAB, a `.txt`
with a byte-order mark, note types other than AnnotatorNotes, and event roles
numbered in the `.ann` (Org1, Org2) that brat folds into one."""

from __future__ import annotations

from pathlib import Path

from annotator.exchange import export, import_files
from annotator.formats.base import ReadOptions
from annotator.formats.brat import NOTES, read
from brat_oracle import brat_check

FIXTURES = Path(__file__).parent / "fixtures" / "formats"


def _folder(tmp_path: Path, text: bytes, ann: str) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_bytes(text)
    (folder / "a.ann").write_text(ann, encoding="utf-8")
    return folder


def test_a_quoted_text_holding_a_tab_is_read_and_comes_back(tmp_path, store):
    text = "Kata Budi\tSanto kemarin."
    folder = _folder(tmp_path, text.encode(), "T1\tPERSON 5 15\tBudi\tSanto\n#1\tAnnotatorNotes T1\tone\ttwo\n")
    (record,) = list(read(folder, ReadOptions(annotator="ana")))
    assert [(s.start, s.end, s.text, s.note) for s in record.spans] == [(5, 15, "Budi\tSanto", "one\ttwo")]

    import_files(store, [folder], format="brat", annotator="ana")
    export(store, "brat", tmp_path / "out")
    (again,) = list(read(tmp_path / "out", ReadOptions(annotator="ana")))
    assert [(s.start, s.end, s.text) for s in again.spans] == [(5, 15, "Budi\tSanto")]
    assert brat_check(tmp_path / "out", tmp_path / "brat-work").problems == []


def test_a_byte_order_mark_counts_as_brat_counts_it(tmp_path):
    text = "Joko di Bandung."
    # brat reads the .txt as plain UTF-8: the mark is offset 0, Joko starts at 1
    folder = _folder(tmp_path, b"\xef\xbb\xbf" + text.encode(), "T1\tPERSON 1 5\tJoko\nT2\tLOCATION 9 16\tBandung\n")
    (folder / "annotation.conf").write_text("[entities]\nPERSON\nLOCATION\n[relations]\n[events]\n[attributes]\n")
    shown = brat_check(folder, tmp_path / "brat-work").shown
    assert shown[("a.ann", "T1")] == "Joko" and shown[("a.ann", "T2")] == "Bandung"
    (record,) = list(read(folder, ReadOptions(annotator="ana")))
    assert record.document.text == text
    assert [(s.start, s.end, s.text) for s in record.spans] == [(0, 4, "Joko"), (8, 15, "Bandung")]


def test_a_byte_order_mark_not_counted_is_read_too(tmp_path):
    folder = _folder(tmp_path, b"\xef\xbb\xbfJoko di Bandung.", "T1\tPERSON 0 4\tJoko\n")
    (record,) = list(read(folder, ReadOptions(annotator="ana")))
    assert [(s.start, s.end, s.text) for s in record.spans] == [(0, 4, "Joko")]


def test_note_types_are_kept(tmp_path, store):
    folder = _folder(tmp_path, "Rumah-rumah itu besar.".encode(),
                     "T1\tNOUN 0 11\tRumah-rumah\n#1\tLemma T1\trumah\n#2\tAnnotatorNotes T1\treduplication\n")
    (record,) = list(read(folder, ReadOptions(annotator="ana")))
    (span,) = record.spans
    assert span.note == "reduplication"
    assert span.attributes[NOTES] == [["Lemma", "rumah"]]

    import_files(store, [folder], format="brat", annotator="ana")
    export(store, "brat", tmp_path / "out")
    ann = (tmp_path / "out" / "a.ann").read_text(encoding="utf-8")
    assert "\tLemma T1\trumah" in ann and "\tAnnotatorNotes T1\treduplication" in ann
    conf = (tmp_path / "out" / "annotation.conf").read_text(encoding="utf-8")
    assert NOTES not in conf
    assert brat_check(tmp_path / "out", tmp_path / "brat-work").problems == []


def test_numbered_roles_are_defined_as_brat_reads_them(tmp_path, store):
    # dkpro's document1: E1 MERGE-ORG:T2 Org1:T1 Org2:T3, which brat reads as two Org fillers
    import_files(store, [FIXTURES / "brat-dkpro" / "document1.txt"], format="brat", annotator="ana")
    export(store, "brat", tmp_path / "out")
    conf = (tmp_path / "out" / "annotation.conf").read_text(encoding="utf-8")
    merge = next(line for line in conf.splitlines() if line.startswith("MERGE-ORG\t"))
    assert merge == "MERGE-ORG\tOrg*:<ANY>"
    assert brat_check(tmp_path / "out", tmp_path / "brat-work").problems == []


def _split_corpus(tmp_path: Path) -> Path:
    """A corpus laid out by language, as brat's CoNLL-2002 example is: the folders are not annotators."""
    root = tmp_path / "conll2002"
    for folder, name, text, label in [("esp", "a", "Juan vive en Madrid.", "PER 0 4\tJuan"),
                                      ("esp", "b", "Ana vive en Sevilla.", "PER 0 3\tAna"),
                                      ("ned", "a", "Jan woont in Gent.", "PER 0 3\tJan")]:
        (root / folder).mkdir(parents=True, exist_ok=True)
        (root / folder / f"{name}.txt").write_text(text, encoding="utf-8")
        (root / folder / f"{name}.ann").write_text(f"T1\t{label}\n", encoding="utf-8")
    return root


def test_subfolders_of_other_texts_are_folders_not_layers(tmp_path, store):
    root = _split_corpus(tmp_path)
    report = import_files(store, [root], format="brat", annotator="ana")
    assert store.annotators() == ["ana"]
    assert any("subfolders esp, ned read as folders of one layer (ana)" in w for w in report.warnings)
    sources = sorted(store.document(i).meta["source"] for i in store.document_ids())
    assert sources == ["esp/a.txt", "esp/b.txt", "ned/a.txt"]
    # the export puts each document back in its folder: 3 documents, 3 pairs of files
    export(store, "brat", tmp_path / "out")
    written = sorted(p.relative_to(tmp_path / "out").as_posix() for p in (tmp_path / "out").rglob("*.ann"))
    assert written == ["esp/a.ann", "esp/b.ann", "ned/a.ann"]
    assert (tmp_path / "out" / "ned" / "a.txt").read_text(encoding="utf-8") == "Jan woont in Gent."


def test_subfolders_are_layers_when_asked(tmp_path, store):
    import_files(store, [_split_corpus(tmp_path)], format="brat", annotator="ana", layers_from_folders=True)
    assert sorted(store.annotators()) == ["esp", "ned"]


def test_a_strict_refusal_says_nothing_was_imported_once(tmp_path):
    from click.testing import CliRunner

    from annotator.cli import main

    root = _split_corpus(tmp_path)
    db = tmp_path / "p.db"
    CliRunner().invoke(main, ["--db", str(db), "import", "--samples"])
    result = CliRunner().invoke(main, ["--db", str(db), "import", "--strict", str(root)])
    assert result.exit_code == 1
    assert "labels not in the schema: PER" in result.output
    assert result.output.count("nothing was imported") == 1, result.output


def test_an_empty_txt_is_skipped_with_a_warning_or_refused_when_strict(tmp_path, store):
    import pytest

    from annotator.formats.base import FormatError

    folder = _folder(tmp_path, "Joko di Bandung.".encode(), "T1\tPERSON 0 4\tJoko\n")
    (folder / "b.txt").write_text("", encoding="utf-8")
    (folder / "b.ann").write_text("", encoding="utf-8")
    report = import_files(store, [folder], format="brat", annotator="ana")
    assert report.documents_added == 1 and report.spans == 1
    assert f"{folder / 'b.txt'}: empty, skipped" in report.warnings
    with pytest.raises(FormatError, match=r"b\.txt: is empty"):
        import_files(store, [folder], format="brat", annotator="budi", strict=True)
    assert store.spans(store.document_ids()[0], "budi") == []


def _section(conf: str, name: str) -> list[str]:
    lines = conf.split(f"[{name}]\n", 1)[1].split("\n[", 1)[0].splitlines()
    return [line for line in lines if line.strip()]


def test_annotation_conf_defines_only_the_labels_used_and_keeps_the_schema_as_comments(tmp_path, store):
    from annotator.domain import Argument
    from annotator.project import install_default_schema

    install_default_schema(store)
    doc, _ = store.add_document("t", "Budi berkata hari ini.")
    budi = store.add_span(doc.id, "ana", 0, 4, "PERSON")
    said = store.add_span(doc.id, "ana", 5, 12, "QUOTE")
    store.add_fact(doc.id, "ana", "QUOTE", said.id, [Argument("speaker", span_id=budi.id)])
    store.add_span(doc.id, "budi", 0, 4, "PERSON")
    export(store, "brat", tmp_path / "out")
    conf = (tmp_path / "out" / "annotation.conf").read_text(encoding="utf-8")
    defined = {section: [line for line in _section(conf, section) if not line.startswith("#")]
               for section in ("entities", "relations", "events")}
    assert defined["entities"] == ["PERSON"]
    assert [line.split("\t")[0] for line in defined["relations"]] == ["<OVERLAP>"]
    (quote,) = defined["events"]
    assert quote.startswith("QUOTE\t") and "speaker:PERSON," in quote and "ORGANISATION" not in quote
    # the rest of the schema is there, as comments to take back
    schema = {label.name for label in store.schema().labels}
    commented = {line[2:].split("\t")[0] for section in ("entities", "relations", "events")
                 for line in _section(conf, section) if line.startswith("# ") and not line.endswith(":")}
    assert commented == schema - {"PERSON", "QUOTE"}
    assert "# ORGANISATION" in _section(conf, "entities")
    assert brat_check(tmp_path / "out", tmp_path / "brat-work").problems == []
