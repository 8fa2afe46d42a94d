"""Texts with line breaks other than "\\n" (U+2028, U+2029, U+0085, CR) and
spans across line breaks survive our own export and import."""

import pytest

from annotator.exchange import export, import_files
from annotator.project import open_project

TEXTS = [
    "Joko Widodo berkata\u2028di Jakarta.",
    "Kedua\x85 artikel Prabowo\u2029selesai.",
    "Kementerian Luar\r\nNegeri menyatakan.",
]


def spans_of(store):
    return sorted(
        (store.document(s.document_id).text, s.start, s.end, s.label)
        for doc_id in store.document_ids()
        for s in store.spans(doc_id)
    )


@pytest.mark.parametrize("fmt", ["native", "doccano", "brat", "spacy-jsonl", "labelstudio"])
def test_round_trip_keeps_documents_with_unusual_line_breaks(tmp_path, fmt):
    source = open_project(tmp_path / "a.db")
    for text in TEXTS:
        doc, _ = source.add_document(text[:5], text)
        # one span within a line, one across the line break
        first = text.split()[0]
        source.add_span(doc.id, "ana", 0, len(first), "ORGANISATION")
        source.add_span(doc.id, "ana", len(first) + 1, len(text) - 1, "LOCATION")
    out = tmp_path / ("out" if fmt == "brat" else "out.jsonl" if fmt != "labelstudio" else "out.json")
    export(source, fmt, out)
    target = open_project(tmp_path / "b.db")
    import_files(target, [out], format=fmt, annotator="ana")
    assert spans_of(target) == spans_of(source)
