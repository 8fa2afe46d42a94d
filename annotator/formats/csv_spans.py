"""CSV: spans for spreadsheets on export, articles on import.

Cells are written so that no spreadsheet runs them as formulas
(`spreadsheet_cells`).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from annotator.domain import AnnotatedDocument
from annotator.formats.articles import read_csv
from annotator.formats.base import Format, WriteOptions, WriteSummary, atomic_output, register
from annotator.formats.spreadsheet_cells import csv_line

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


register(Format(name="csv", description="CSV: spans on export, articles on import (--text-field, --title-field)",
                read=read_csv, write=write, extensions=(".csv",)))
