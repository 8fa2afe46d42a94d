"""CSV: spans for spreadsheets on export, articles on import.

Cells a spreadsheet would run as a formula (starting with =, +, -, @, tab or
carriage return) are written with a leading apostrophe, so opening an export
of someone's article text can never run anything.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path

from annotator.domain import AnnotatedDocument
from annotator.formats.articles import read_csv
from annotator.formats.base import Format, WriteOptions, WriteSummary, atomic_output, register

COLUMNS = ["document_id", "title", "annotator", "start", "end", "text", "label"]
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: object) -> object:
    if isinstance(cell, str) and cell.startswith(_FORMULA_STARTS):
        return "'" + cell
    return cell


def write(records: Iterable[AnnotatedDocument], path: Path, options: WriteOptions) -> WriteSummary:
    summary = WriteSummary(files=[Path(path)])
    with atomic_output(path) as out:
        writer = csv.writer(out)
        writer.writerow(COLUMNS)
        for record in records:
            doc = record.document
            for span in record.spans:
                writer.writerow([neutralise(c) for c in
                                 (doc.id, doc.title, span.annotator, span.start, span.end, span.text, span.label)])
            summary.documents += 1
            summary.spans += len(record.spans)
            if record.facts:
                summary.dropped["facts (CSV holds spans only; use native or brat)"] += len(record.facts)
    return summary


register(Format(name="csv", description="CSV: spans on export, articles on import (--text-field, --title-field)",
                read=read_csv, write=write, extensions=(".csv",)))
