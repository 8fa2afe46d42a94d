"""CSV of spans for spreadsheets, and CSV of articles on import."""

from __future__ import annotations

import csv
import io

import pytest

from annotator.domain import Label
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


def _cells_split_on(line: str, separator: str) -> list[str]:
    """The cells a spreadsheet that splits on `separator` (and honours quotes) reads from a line."""
    return next(csv.reader([line], delimiter=separator))


@pytest.mark.parametrize("separator", [",", ";", "\t"])
def test_no_cell_starts_a_formula_in_spreadsheets_that_split_on_semicolons_or_tabs(tmp_path, store, separator):
    for name in ("LABEL; -1+1", "x\t=2"):
        store.save_label(Label(name))
    doc, _ = store.add_document("x;=1+1", "Budi\tvs =SUM(A1) ; @Ani, -2+3 kata;+cmd")
    store.add_span(doc.id, "a;=HYPERLINK(1)", 0, 16, "PERSON")
    store.add_span(doc.id, "ana", 0, 4, "LABEL; -1+1")
    store.add_span(doc.id, "ana", 19, 39, "x\t=2")
    export(store, "csv", tmp_path / "spans.csv")
    lines = (tmp_path / "spans.csv").read_text(encoding="utf-8").splitlines()
    assert lines[1].startswith('1,"x;\'=1+1","a;\'=HYPERLINK(1)",0,16,"Budi\tvs =SUM(A1)",PERSON')
    assert lines[3].endswith(',"\'@Ani, \'-2+3 kata;\'+cmd","x\t\'=2"')
    for line in lines[1:]:
        for cell in _cells_split_on(line, separator):
            assert not cell.lstrip().startswith(("=", "+", "-", "@")), (separator, line, cell)
    # a CSV reader reads the values with the apostrophes, and nothing else changed
    rows = list(csv.reader(io.StringIO((tmp_path / "spans.csv").read_text(encoding="utf-8"), newline="")))
    assert [row[1] for row in rows[1:]] == ["x;'=1+1"] * 3
    assert sorted(row[6] for row in rows[1:]) == ["LABEL; '-1+1", "PERSON", "x\t'=2"]


def test_a_formula_after_a_line_break_inside_a_cell_is_neutralised_too():
    # a spreadsheet that does not see the quotes starts a row at the line break
    from annotator.formats.spreadsheet_cells import csv_line

    assert csv_line(["a\r\n=1+1", "b, @x", -3, None]) == "\"a\r\n'=1+1\",\"b, '@x\",-3,\r\n"


def test_our_csv_of_spans_is_read_back_as_spans_onto_the_documents_it_names(tmp_path, store):
    store.save_label(Label("LABEL; -1+1"))
    doc, _ = store.add_document("=Judul", "=1+2 kata @Ani di Bandung")
    other, _ = store.add_document("Lain", "Budi di Depok")
    store.add_span(doc.id, "ana", 0, 4, "LABEL; -1+1")
    store.add_span(doc.id, "-bea", 10, 14, "PERSON")
    store.add_span(other.id, "ana", 0, 4, "PERSON")
    path = tmp_path / "spans.csv"
    export(store, "csv", path)
    again = import_files(store, [path], annotator="ignored")
    assert (again.documents_added, again.documents_matched, again.spans, again.spans_present) == (0, 2, 0, 3)
    assert again.labels_added == []
    assert f"{path}: read as a CSV of spans (annotator's CSV export) onto the documents it names" in again.lines()
    # a row added in a spreadsheet becomes a span of the layer it names
    with open(path, "a", encoding="utf-8", newline="") as out:
        out.write(f"{other.id},Lain,budi,8,13,Depok,LOCATION\r\n")
    added = import_files(store, [path])
    assert (added.documents_added, added.spans, added.spans_present, added.layers) == (0, 1, 3, ["-bea", "ana", "budi"])
    assert [(s.text, s.label) for s in store.spans(other.id, "budi")] == [("Depok", "LOCATION")]
    assert len(store.document_ids()) == 2


@pytest.mark.parametrize("row, reason", [
    ("99,Lain,ana,0,4,Budi,PERSON", "names document 99, which this database does not hold"),
    ("{id},Other,ana,0,4,Budi,PERSON", "titled 'Other', but document {id} here is titled 'Lain'"),
    ("{id},Lain,ana,0,4,Bude,PERSON", "says it covers 'Bude' but the text there is 'Budi'"),
    ("{id},Lain,ana,0,40,Budi,PERSON", "outside the text"),
])
def test_a_csv_of_spans_that_does_not_fit_this_database_is_refused_at_its_row(tmp_path, store, row, reason):
    doc, _ = store.add_document("Lain", "Budi di Depok")
    path = tmp_path / "spans.csv"
    path.write_text("document_id,title,annotator,start,end,text,label\r\n"
                    f"{doc.id},Lain,ana,8,13,Depok,LOCATION\r\n" + row.format(id=doc.id) + "\r\n", encoding="utf-8")
    with pytest.raises(FormatError) as error:
        import_files(store, [path])
    assert str(error.value).startswith(f"{path}:3: ") and reason.format(id=doc.id) in str(error.value)
    assert store.spans(doc.id) == []


def test_a_csv_of_articles_is_said_to_be_one(tmp_path, store):
    path = tmp_path / "news.csv"
    path.write_text("title,text\nA,Banjir di Jakarta\n", encoding="utf-8")
    report = import_files(store, [path])
    assert f"{path}: read as a CSV of articles (text from the 'text' column)" in report.lines()
