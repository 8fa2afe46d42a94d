"""Names that a format cannot hold as they are (spaces, tabs, line breaks,
control characters, non-ASCII letters, markup): brat gets reversible brat
names that brat reads and our reader maps back; CoNLL tags carry no
whitespace; Label Studio's XML stays well-formed or is refused; layers whose
folder names would meet stay apart."""

from __future__ import annotations

import json
from pathlib import Path
from xml.etree import ElementTree

import pytest

from annotator.domain import Argument, AttributeDef, Label, Role, Schema
from annotator.exchange import export, import_files
from annotator.formats.base import FormatError, WriteOptions
from annotator.formats.brat_names import NAMES_FILE, brat_name, folder_names
from annotator.project import install_default_schema
from annotator.store import Store
from brat_oracle import brat_check

TEXT = "Budi tinggal di Jakarta. Kata Ani, harga naik."

PERSON, PLACE, LIVES_IN = "Nama Orang", "人名\tkota", "lives in"
SAID, SPEAKER, TOPIC, DOUBT = "kata\nkan <b>X</b>", "yang bicara", "主题", "ragu ragu\x01"
LEVEL, LEVELS = "tingkat", ["very high", "人", "<u>a</u>|b", "low"]


def _annotated(store: Store) -> None:
    schema = store.schema()
    store.set_schema(Schema(
        [*schema.labels, Label(PERSON), Label(PLACE), Label("Nama_Orang2"),
         Label(LIVES_IN, "fact", roles=[Role("siapa", "one", [PERSON]), Role("di mana", "one", [PLACE])],
               trigger=False),
         Label(SAID, "fact", roles=[Role(SPEAKER, "one", [PERSON]), Role(TOPIC, "many")])],
        [*schema.attributes, AttributeDef(DOUBT, "flag"), AttributeDef(LEVEL, "choice", LEVELS, ["entity"])]))
    doc, _ = store.add_document("uji", TEXT)
    for layer in ("ana x", "ana_x"):
        budi = store.add_span(doc.id, layer, 0, 4, PERSON, attributes={DOUBT: True}, note="catatan\tdengan tab\ndua")
        jakarta = store.add_span(doc.id, layer, 16, 23, PLACE, attributes={LEVEL: "<u>a</u>|b"})
        ani = store.add_span(doc.id, layer, 30, 33, PERSON, attributes={LEVEL: "very high"})
        kata = store.add_span(doc.id, layer, 25, 29, SAID)
        harga = store.add_span(doc.id, layer, 35, 40, "Nama_Orang2")
        store.add_fact(doc.id, layer, LIVES_IN, None,
                       [Argument("siapa", span_id=budi.id), Argument("di mana", span_id=jakarta.id)])
        store.add_fact(doc.id, layer, SAID, kata.id,
                       [Argument(SPEAKER, span_id=ani.id), Argument(TOPIC, span_id=harga.id),
                        Argument(TOPIC, span_id=budi.id)], {DOUBT: True})


def _what(store: Store, layer: str):
    doc_id = store.document_ids()[0]
    spans = {s.id: s for s in store.spans(doc_id, layer)}
    return (sorted((s.start, s.end, s.label, tuple(sorted(s.attributes.items())), s.note) for s in spans.values()),
            sorted((f.label, tuple(sorted(a.role for a in f.args)), tuple(sorted(f.attributes.items())))
                   for f in store.facts(doc_id, layer)))


def test_brat_names_hold_what_brat_cannot_and_come_back_through_our_reader(tmp_path, store):
    _annotated(store)
    report = export(store, "brat", tmp_path / "out")
    names = json.loads((tmp_path / "out" / NAMES_FILE).read_text(encoding="utf-8"))
    assert names["labels"]["Nama_Orang"] == PERSON and names["roles"]["yang_bicara"] == SPEAKER
    assert names["layers"] == {"ana_x-2": "ana x"}
    assert any("Nama_Orang" in line and NAMES_FILE in line for line in report.lines())
    ann = (tmp_path / "out" / "ana_x-2" / "document-1.ann").read_text(encoding="utf-8")
    for line in ann.splitlines():  # a note's text, after the second tab, may hold tabs (brat reads them)
        assert len(line.split("\t")) <= 3 or line.startswith("#")
        assert line.split("\t")[1].split(" ")[0].isascii()
    conf = (tmp_path / "out" / "annotation.conf").read_text(encoding="utf-8")
    assert '# label Nama_Orang is annotator\'s "Nama Orang"' in conf
    assert "Nama_Orang | Nama Orang" in (tmp_path / "out" / "visual.conf").read_text(encoding="utf-8")

    # into a database that does not know the names: they are added as they were
    fresh = Store.memory()
    install_default_schema(fresh)
    imported = import_files(fresh, [tmp_path / "out"])
    assert imported.warnings == [] and sorted(fresh.annotators()) == ["ana x", "ana_x"]
    assert {PERSON, PLACE, LIVES_IN, SAID, "Nama_Orang2"} <= set(imported.labels_added)
    assert imported.attributes_added == [DOUBT, LEVEL]
    assert _what(fresh, "ana x")[0] == _what(store, "ana x")[0]
    # into one with the schema (relations' Arg1/Arg2 are then named by its roles): everything as it was
    again = Store.memory()
    again.set_schema(store.schema())
    import_files(again, [tmp_path / "out"])
    for layer in ("ana x", "ana_x"):
        assert _what(again, layer) == _what(store, layer)


def test_brat_reads_the_renamed_names_and_finds_nothing_wrong(tmp_path, store):
    _annotated(store)
    export(store, "brat", tmp_path / "out", annotators=["ana x"])
    brat = brat_check(tmp_path / "out", tmp_path / "brat-work")
    assert brat.problems == []
    assert brat.colours[brat_name(PERSON)] == store.schema().label(PERSON).color


def test_two_names_meeting_on_one_brat_name_are_refused_before_anything_is_written(tmp_path, store):
    store.save_label(Label("Nama Orang"))
    store.save_label(Label("Nama_Orang"))
    doc, _ = store.add_document("uji", TEXT)
    store.add_span(doc.id, "ana", 0, 4, "Nama Orang")
    with pytest.raises(FormatError, match="'Nama Orang' and 'Nama_Orang' would both be 'Nama_Orang'"):
        export(store, "brat", tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_brat_names_are_ascii_never_end_in_a_digit_and_keep_safe_names():
    assert brat_name("PERSON") == "PERSON" and brat_name("Transfer-money") == "Transfer-money"
    assert brat_name("Nama Orang") == "Nama_Orang" and brat_name("a \t\n b") == "a_b"
    assert brat_name("人名") == "U4EBA_U540D_"
    assert brat_name("<b>") == "U003C_bU003E_"


def test_layers_whose_folder_names_meet_stay_apart():
    assert folder_names(["ana x", "ana_x"]) == {"ana_x": "ana_x", "ana x": "ana_x-2"}
    assert folder_names(["Ana", "ana"]) == {"Ana": "Ana", "ana": "ana-2"}
    assert folder_names(["../x", "gold"]) == {"../x": "x", "gold": "gold"}
    assert folder_names(["annotation.conf"], reserved=["annotation.conf"]) == {"annotation.conf": "annotation.conf-2"}


def test_documents_whose_file_names_differ_only_in_case_stay_apart(tmp_path, store):
    for name in ("Berita.txt", "berita.txt"):
        store.add_document(name, f"Isi {name}.", {"source": name})
    export(store, "brat", tmp_path / "out")
    assert sorted(p.name for p in (tmp_path / "out").glob("*.txt")) == ["Berita.txt", "berita-2.txt"]


def test_conll_tags_carry_no_whitespace_and_the_summary_says_how_they_were_written(tmp_path, store):
    from seqeval.metrics.sequence_labeling import get_entities

    _annotated(store)
    report = export(store, "conll", tmp_path / "out.conll", annotators=["ana x"],
                    options=WriteOptions(tokenizer="regex"))
    lines = (tmp_path / "out.conll").read_text(encoding="utf-8").splitlines()
    rows = [line.split() for line in lines if line and not line.startswith("-DOCSTART-")]
    assert all(len(row) == 2 for row in rows)
    tags = [row[1] for row in rows]
    assert [(label, tags[start:end + 1]) for label, start, end in get_entities(tags)][0] == \
           ("Nama_Orang", ["B-Nama_Orang"])
    assert any("Nama Orang" in line and "Nama_Orang" in line for line in report.lines())
    again = Store.memory()
    install_default_schema(again)
    import_files(again, [tmp_path / "out.conll"], format="conll")
    assert {s.label for s in again.spans(again.document_ids()[0])} >= {"Nama_Orang", "人名_kota"}


def test_conll_refuses_labels_that_would_meet_once_written_without_whitespace(tmp_path, store):
    store.save_label(Label("Nama Orang"))
    store.save_label(Label("Nama_Orang"))
    doc, _ = store.add_document("uji", TEXT)
    store.add_span(doc.id, "ana", 0, 4, "Nama Orang")
    store.add_span(doc.id, "ana", 16, 23, "Nama_Orang")
    with pytest.raises(ValueError, match="'Nama Orang' and 'Nama_Orang' would both be tagged 'Nama_Orang'"):
        export(store, "conll", tmp_path / "out.conll", options=WriteOptions(tokenizer="regex"))
    assert not (tmp_path / "out.conll").exists()


def test_label_studio_config_stays_well_formed_xml_or_is_refused(tmp_path, store):
    store.save_label(Label("<b>X</b> & \"Y\"\tZ"))
    doc, _ = store.add_document("uji", TEXT)
    store.add_span(doc.id, "ana", 0, 4, "<b>X</b> & \"Y\"\tZ")
    export(store, "labelstudio", tmp_path / "ls.json")
    config = ElementTree.parse(tmp_path / "ls.label_config.xml").getroot()
    assert "<b>X</b> & \"Y\"\tZ" in [label.get("value") for label in config.iter("Label")]
    store.save_label(Label("bad\x01label"))
    store.add_span(doc.id, "ana", 16, 23, "bad\x01label")
    with pytest.raises(FormatError, match=r"'bad\\x01label'.*XML"):
        export(store, "labelstudio", tmp_path / "ls2.json")
    assert not (tmp_path / "ls2.json").exists() and not (tmp_path / "ls2.label_config.xml").exists()
