"""The brat files we write, read by brat's own code (tests/brat_oracle.py), and
brat's offset conventions read back: a CRLF is one character in brat, and a
span across a line break is fragments either side of it."""

from __future__ import annotations

import re
from pathlib import Path

from annotator.domain import Argument
from annotator.exchange import export, import_files
from annotator.formats.base import ReadOptions
from annotator.formats.brat import BratOffsets, read
from brat_oracle import brat_check

FIXTURES = Path(__file__).parent / "fixtures" / "formats"

# CRLF and a lone CR, an emoji with a skin tone (two code points), a combining
# accent, and the line separators brat does not know as line breaks
TEXT = ("Presiden Joko Widodo berkata di Jakarta pada Senin 👍🏽 bahwa PT Maju membayar Rp 5 miliar.\r\n"
        "Kim e\u0301 tinggal di Bandung, Jawa Barat.\rLalu ke Kota\u2028Baru.\n"
        "Selesai di Pulau\r\nBesar, lalu kembali.\r\n")


def _span(store, doc_id, surface, label, nth=0, **extra):
    start = [m.start() for m in re.finditer(re.escape(surface), TEXT)][nth]
    return store.add_span(doc_id, "ana", start, start + len(surface), label, **extra)


def _annotated(store):
    doc, _ = store.add_document("uji", TEXT)
    joko = _span(store, doc.id, "Joko Widodo", "PERSON", attributes={"uncertain": True}, note="the president")
    _span(store, doc.id, "Joko", "PERSON")                     # nested in Joko Widodo
    _span(store, doc.id, "Joko Widodo", "ORGANISATION")        # same offsets, other label
    senin = _span(store, doc.id, "Senin", "DATETIME")
    pt = _span(store, doc.id, "PT Maju", "ORGANISATION")
    money = _span(store, doc.id, "Rp 5 miliar", "MONEY")
    _span(store, doc.id, "miliar.\r\nKim", "EVENT")            # crosses MONEY and the CRLF
    kim = _span(store, doc.id, "Kim e\u0301", "PERSON")
    bandung = _span(store, doc.id, "Bandung", "LOCATION")
    jabar = _span(store, doc.id, "Jawa Barat", "LOCATION")
    _span(store, doc.id, "Barat.\rLalu", "EVENT")              # across a lone CR
    _span(store, doc.id, "Kota\u2028Baru", "LOCATION")         # across a line separator
    _span(store, doc.id, "Pulau\r\nBesar", "LOCATION")         # after two CRLFs
    said = _span(store, doc.id, "berkata", "QUOTE")
    paid = _span(store, doc.id, "membayar", "FIGURE")
    figure = store.add_fact(doc.id, "ana", "FIGURE", paid.id,
                            [Argument("value", span_id=money.id), Argument("subject", span_id=pt.id)],
                            {"source_type": "official"}, "a payment")
    store.add_fact(doc.id, "ana", "QUOTE", said.id,
                   [Argument("speaker", span_id=joko.id), Argument("time", span_id=senin.id),
                    Argument("topic", fact_id=figure.id), Argument("topic", span_id=pt.id)], {"negated": True})
    store.add_fact(doc.id, "ana", "LOCATED_IN", None,
                   [Argument("inner", span_id=bandung.id), Argument("outer", span_id=jabar.id)])
    store.add_fact(doc.id, "ana", "MEMBER_OF", None,
                   [Argument("member", span_id=kim.id), Argument("group", span_id=pt.id)])
    return doc


def test_brat_reads_what_we_write_and_finds_nothing_wrong(tmp_path, store):
    doc = _annotated(store)
    export(store, "brat", tmp_path / "out")
    brat = brat_check(tmp_path / "out", tmp_path / "brat-work")
    assert brat.problems == []
    # brat shows each span's own text, its line breaks as the gap between fragments
    spans = store.spans(doc.id, "ana")
    ann = (tmp_path / "out" / f"document-{doc.id}.ann").read_text(encoding="utf-8")
    t_ids = [line.split("\t")[0] for line in ann.splitlines() if line.startswith("T")]
    assert len(t_ids) == len(spans) == 15
    for brat_id, span in zip(t_ids, spans):
        expected = re.sub("\r\n|[\r\n\u2028]", " ", span.text)
        assert brat.shown[(f"document-{doc.id}.ann", brat_id)] == expected
    # in the schema's colours
    schema = store.schema()
    assert brat.colours["PERSON"] == schema.label("PERSON").color
    assert brat.colours["QUOTE"] == schema.label("QUOTE").color


def test_offsets_after_a_crlf_are_one_less_as_brat_counts(tmp_path, store):
    doc = _annotated(store)
    export(store, "brat", tmp_path / "out")
    lines = (tmp_path / "out" / f"document-{doc.id}.ann").read_text(encoding="utf-8").splitlines()
    by_text = {line.split("\t")[2]: line.split("\t")[1] for line in lines if line.startswith("T")}
    bandung = TEXT.index("Bandung")                            # after one CRLF
    assert by_text["Bandung"] == f"LOCATION {bandung - 1} {bandung - 1 + 7}"
    pulau = TEXT.index("Pulau")                                # after one CRLF (the CR alone counts one)
    assert by_text["Pulau Besar"] == f"LOCATION {pulau - 1} {pulau - 1 + 5};{pulau - 1 + 6} {pulau - 1 + 11}"
    assert (tmp_path / "out" / f"document-{doc.id}.txt").read_bytes() == TEXT.encode("utf-8")


def test_what_we_write_comes_back_with_the_same_offsets_and_no_warnings(tmp_path, store):
    doc = _annotated(store)
    export(store, "brat", tmp_path / "out")
    options = ReadOptions(annotator="ana", discontinuous="error")
    (record,) = list(read(tmp_path / "out", options))
    assert options.warnings == []
    assert record.document.text == TEXT
    assert sorted((s.start, s.end, s.label) for s in record.spans) == \
        sorted((s.start, s.end, s.label) for s in store.spans(doc.id, "ana"))


def test_files_that_count_a_crlf_as_two_characters_are_read_too(tmp_path):
    # as some converters and our own exports before this change wrote them
    folder = tmp_path / "in"
    folder.mkdir()
    text = "Satu.\r\nJoko di Bandung.\r\n"
    (folder / "a.txt").write_bytes(text.encode("utf-8"))
    start = text.index("Bandung")
    (folder / "a.ann").write_text(f"T1\tLOCATION {start} {start + 7}\tBandung\n", encoding="utf-8")
    (record,) = list(read(folder, ReadOptions(annotator="ana")))
    assert [(s.start, s.end, s.text) for s in record.spans] == [(start, start + 7, "Bandung")]

    (folder / "a.ann").write_text(f"T1\tLOCATION {start - 1} {start + 6}\tBandung\n", encoding="utf-8")
    (record,) = list(read(folder, ReadOptions(annotator="ana")))
    assert [(s.start, s.end, s.text) for s in record.spans] == [(start, start + 7, "Bandung")]


def test_brat_offsets_convert_both_ways():
    text = "a\r\nb\rc\r\n\r\nd"
    brat = BratOffsets(text)
    assert brat.text == "a\nb\rc\n\nd"
    for ours, char in enumerate(text):
        if char != "\n" or text[ours - 1] != "\r":
            assert brat.text[brat.to_brat(ours)] == ("\n" if char == "\r" and text[ours + 1:ours + 2] == "\n"
                                                     else char)
            assert brat.to_ours(brat.to_brat(ours)) == ours
    assert brat.to_brat(len(text)) == len(brat.text) and brat.to_ours(len(brat.text)) == len(text)


def test_the_brat_tutorial_goes_through_the_database_and_still_opens_in_brat(tmp_path, store):
    import_files(store, [FIXTURES / "brat-news"], format="brat", annotator="ana")
    export(store, "brat", tmp_path / "out")
    assert brat_check(tmp_path / "out", tmp_path / "brat-work").problems == []
