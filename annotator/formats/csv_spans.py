"""CSV: spans for spreadsheets on export; on import, a CSV of articles, or
our own CSV of spans read back onto the documents it names.

Cells are written so that no spreadsheet runs them as formulas
(`spreadsheet_cells`). A CSV of spans holds no document texts, only each
span's document id, title, offsets and covered text: read back, every row
must name a document of the database with that title and covering that
text there (the ids are the exporting database's), else the import is
refused at that row. Labels and annotator names are read without the
apostrophes the export put before formula characters.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from itertools import groupby
from pathlib import Path
from typing import Any

from annotator.domain import AnnotatedDocument, Document, Span
from annotator.formats.articles import articles_from_rows, csv_rows
from annotator.formats.base import Format, FormatError, ReadOptions, WriteOptions, WriteSummary, atomic_output, register
from annotator.formats.reading import checked_span
from annotator.formats.spreadsheet_cells import csv_line, neutralise

COLUMNS = ["document_id", "title", "annotator", "start", "end", "text", "label"]


def write(records: Iterable[AnnotatedDocument], path: Path, options: WriteOptions) -> WriteSummary:
    summary = WriteSummary(files=[Path(path)])
    with atomic_output(path) as out:
        out.write(csv_line(COLUMNS))
        for record in records:
            doc = record.document
            for span in record.spans:
                out.write(csv_line((doc.id, doc.title, span.annotator, span.start, span.end, span.text, span.label)))
            summary.documents += 1
            summary.spans += len(record.spans)
            if record.facts:
                summary.dropped["facts (CSV holds spans only; use native or brat)"] += len(record.facts)
    return summary


def read(path: Path, options: ReadOptions) -> Iterator[AnnotatedDocument]:
    """A CSV of spans (its header is our export's) onto the documents it names; any other CSV as articles."""
    path = Path(path)
    with csv_rows(path, options) as (columns, rows):
        if not set(COLUMNS) <= set(columns):
            options.notes.append(f"{path}: read as a CSV of articles (text from the {options.text_field!r} column)")
            yield from articles_from_rows(path, columns, rows, options)
            return
        if options.document_by_id is None:
            raise FormatError(path, "is a CSV of spans (annotator's CSV export), which holds no texts: it can only "
                                    "be read into the database it was exported from", 1)
        options.notes.append(f"{path}: read as a CSV of spans (annotator's CSV export) onto the documents it names")
        for _, group in groupby(rows, key=lambda row: row[1].get("document_id")):
            record = _onto_document(path, list(group), options)
            if record is not None:
                yield record


def _onto_document(path: Path, rows: list[tuple[int, dict[str, Any]]],
                   options: ReadOptions) -> AnnotatedDocument | None:
    first_line, first = rows[0]
    try:
        document = _named_document(first, options)
        spans = [_span(document, row, options, n) for n, (_, row) in enumerate(rows, 1)]
    except ValueError as exc:
        line = first_line
        if isinstance(exc, _RowError):
            line = rows[exc.row][0]
        error = FormatError(path, str(exc), line)
        if not options.skip_bad:
            raise error from None
        options.skipped.append(str(error))
        return None
    return AnnotatedDocument(document, spans)


class _RowError(ValueError):
    def __init__(self, row: int, message: str) -> None:
        super().__init__(message)
        self.row = row


def _named_document(row: dict[str, Any], options: ReadOptions) -> Document:
    raw = (row.get("document_id") or "").strip()
    if not raw.isdigit():
        raise ValueError(f"document_id {raw!r} is not a document id")
    document = options.document_by_id(int(raw))  # type: ignore[misc]
    if document is None:
        raise ValueError(f"names document {raw}, which this database does not hold "
                         "(a CSV of spans goes back into the database it was exported from)")
    # the record is the database's document itself (its meta names it), so the import matches it
    return Document(None, document.title, document.text, dict(document.meta))


_APOSTROPHE_AFTER_SEPARATOR = re.compile(r"([;,\t\r\n] *)'(?=[=+\-@])")


def _without_apostrophes(cell: str) -> str:
    """The name an export wrote as `cell` (`neutralise` undone)."""
    if cell.startswith("'") and cell[1:].startswith(("=", "+", "-", "@", "\t", "\r")):
        cell = cell[1:]
    return _APOSTROPHE_AFTER_SEPARATOR.sub(r"\1", cell)


def _span(document: Document, row: dict[str, Any], options: ReadOptions, n: int) -> Span:
    if neutralise(document.title) != row.get("title"):
        named = row.get("document_id")
        raise _RowError(n - 1, f"names document {named} titled {row.get('title')!r}, but document {named} here is "
                               f"titled {document.title!r}: was the CSV exported from another database?")
    try:
        start, end = int(row.get("start") or ""), int(row.get("end") or "")
    except ValueError:
        raise _RowError(n - 1, f"offsets {row.get('start')!r}-{row.get('end')!r} are not whole numbers") from None
    label = _without_apostrophes(row.get("label") or "")
    annotator = _without_apostrophes(row.get("annotator") or "") or options.annotator
    try:
        span = checked_span(document.text, start, end, label, annotator, n)
    except ValueError as exc:
        raise _RowError(n - 1, str(exc)) from None
    if neutralise(span.text) != row.get("text"):
        raise _RowError(n - 1, f"span {label} {start}-{end} says it covers {row.get('text')!r} but the text there "
                               f"is {span.text!r}")
    return span


register(Format(name="csv", description="CSV: spans on export; on import articles (--text-field, --title-field), "
                                        "or our CSV of spans back onto its documents",
                read=read, write=write, extensions=(".csv",)))
