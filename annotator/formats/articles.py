"""New documents without annotations: plain-text files and folders, JSON lines
and CSV of articles, with the text and title taken from chosen fields."""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from annotator.domain import AnnotatedDocument, Document
from annotator.formats.base import Format, FormatError, ReadOptions, register
from annotator.formats.plaintext import ArticleError, article_files, read_article
from annotator.formats.reading import convert_each, first_json_value, json_records, read_text, title_from_text


def read_txt(path: Path, options: ReadOptions) -> Iterator[AnnotatedDocument]:
    files = article_files([Path(path)])
    if not files:
        raise FormatError(path, "holds no .txt files")
    for file in files:
        try:
            title, text = read_article(file)
        except ArticleError as exc:
            if not options.skip_bad:
                raise
            options.skipped.append(str(exc))
            continue
        yield AnnotatedDocument(Document(None, title, text, {"source": str(file)}))


def article(fields: dict[str, Any], options: ReadOptions) -> AnnotatedDocument:
    """A document from one row or object, its other fields kept as metadata."""
    if not isinstance(fields, dict):
        raise ValueError("a record must be an object with named fields")
    if options.text_field not in fields:
        known = ", ".join(sorted(map(str, fields))) or "none"
        raise ValueError(f"has no {options.text_field!r} field (fields: {known}); choose one with --text-field")
    text = fields[options.text_field]
    if not isinstance(text, str) or not text.strip():
        raise ValueError(f"the {options.text_field!r} field is empty or not text")
    title = fields.get(options.title_field)
    if not isinstance(title, str) or not title.strip():
        title = title_from_text(text)
    meta = {k: v for k, v in fields.items() if k not in (options.text_field, options.title_field)}
    return AnnotatedDocument(Document(None, title.strip(), text, meta))


def read_jsonl(path: Path, options: ReadOptions) -> Iterator[AnnotatedDocument]:
    yield from convert_each(path, options, json_records(path, options), lambda item: article(item, options))


def read_csv(path: Path, options: ReadOptions) -> Iterator[AnnotatedDocument]:
    text = read_text(path)
    if not text.strip():
        raise FormatError(path, "is empty")
    csv.field_size_limit(sys.maxsize)
    rows = csv.DictReader(io.StringIO(text, newline=""))
    if rows.fieldnames is None or options.text_field not in rows.fieldnames:
        raise FormatError(path, f"has no {options.text_field!r} column (columns: "
                                f"{', '.join(rows.fieldnames or [])}); choose one with --text-field", 1)
    located = ((rows.line_num, {k: v for k, v in row.items() if k is not None}) for row in rows)
    yield from convert_each(path, options, located, lambda row: article(row, options))


def looks_like_articles(path: Path) -> bool:
    data = first_json_value(path)
    return isinstance(data, dict) and any(isinstance(v, str) for v in data.values())


register(Format(name="txt", description="plain-text articles: .txt files or folders of them",
                read=read_txt, extensions=(".txt",)))
register(Format(name="jsonl", description="articles as JSON lines (--text-field, --title-field)",
                read=read_jsonl, extensions=(".jsonl", ".ndjson", ".json"), detect=looks_like_articles))
