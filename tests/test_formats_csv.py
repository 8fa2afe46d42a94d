"""CSV of spans for spreadsheets, and CSV of articles on import."""

from __future__ import annotations

import csv
import io

import pytest

from annotator.exchange import export, import_files
from annotator.formats.base import FormatError


def test_span_rows_with_formulas_neutralised(tmp_path, store):
    doc, _ = store.add_document("=HYPERLINK(\"x\")", "=1+2 kata @Ani -5 Bandung\r\n😀")
    store.add_span(doc.id, "ana", 0, 4, "QUANTITY")
    store.add_span(doc.id, "ana", 10, 14, "PERSON")
    store.add_span(doc.id, "ana", 18, 25, "LOCATION")
    report = export(store, "csv", tmp_path / "spans.csv")
    rows = list(csv.reader(io.StringIO((tmp_path / "spans.csv").read_text(encoding="utf-8"), newline="")))
    assert rows[0] == ["document_id", "title", "annotator", "start", "end", "text", "label"]
    assert rows[1] == [str(doc.id), "'=HYPERLINK(\"x\")", "ana", "0", "4", "'=1+2", "QUANTITY"]
    assert rows[2][5] == "'@Ani" and rows[3][5] == "Bandung"
    assert "3 span(s)" in report.lines()[0]


def test_articles_from_chosen_columns(tmp_path, store):
    path = tmp_path / "news.csv"
    path.write_text("judul,isi,url\nBanjir,\"Banjir di Jakarta,\nhari ini\",http://x\nGempa,Gempa di Bandung,http://y\n",
                    encoding="utf-8")
    report = import_files(store, [path], text_field="isi", title_field="judul")
    assert report.documents_added == 2
    first = store.document(store.document_ids()[0])
    assert (first.title, first.text, first.meta) == ("Banjir", "Banjir di Jakarta,\nhari ini", {"url": "http://x"})


def test_missing_text_column_names_the_columns(tmp_path, store):
    path = tmp_path / "news.csv"
    path.write_text("judul,isi\nA,B\n", encoding="utf-8")
    with pytest.raises(FormatError, match=r"news.csv:1: has no 'text' column \(columns: judul, isi\)"):
        import_files(store, [path])
