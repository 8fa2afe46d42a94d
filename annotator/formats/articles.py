"""New documents without annotations: plain-text files and folders, JSON lines
and CSV of articles, with the text and title taken from chosen fields."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from annotator.domain import AnnotatedDocument, Document
from annotator.domain.document import SOURCE_NAME
from annotator.formats.base import Format, FormatError, ReadOptions, register
from annotator.formats.plaintext import article_files, read_article
from annotator.formats.reading import (
    check_file_size, convert_each, first_json_value, json_records, title_from_text,
)


def read_txt(path: Path, options: ReadOptions) -> Iterator[AnnotatedDocument]:
    root = Path(path)
    files = article_files([root])
    if not files:
        raise FormatError(path, "holds no .txt files")
    for file in files:
        try:
            check_file_size(file, options)
            title, text = read_article(file)
        except FormatError as exc:
            if not options.skip_bad:
                raise
            options.skipped.append(str(exc))
            continue
        # the name it has in the folder imported: the same wherever the folder is
        name = file.relative_to(root).as_posix() if root.is_dir() else file.name
        yield AnnotatedDocument(Document(None, title, text, {"source": str(file), SOURCE_NAME: name}))


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
    if meta.get("id") not in (None, ""):  # the record's own id names the document, with its text
        meta.setdefault(SOURCE_NAME, str(meta["id"]))
    return AnnotatedDocument(Document(None, title.strip(), text, meta))


def read_jsonl(path: Path, options: ReadOptions) -> Iterator[AnnotatedDocument]:
    yield from convert_each(path, options, json_records(path, options), lambda item: article(item, options))


def read_csv(path: Path, options: ReadOptions) -> Iterator[AnnotatedDocument]:
    """The rows as articles, read one at a time."""
    with csv_rows(path, options) as (columns, rows):
        yield from articles_from_rows(path, columns, rows, options)


def articles_from_rows(path: Path, columns: list[str], rows: Iterator[tuple[int, dict[str, Any]]],
                       options: ReadOptions) -> Iterator[AnnotatedDocument]:
    if options.text_field not in columns:
        raise FormatError(path, f"has no {options.text_field!r} column (columns: "
                                f"{', '.join(columns)}); choose one with --text-field", 1)
    yield from convert_each(path, options, rows, lambda row: article(row, options))


@contextmanager
def csv_rows(path: Path, options: ReadOptions) -> Iterator[tuple[list[str], Iterator[tuple[int, dict[str, Any]]]]]:
    """A CSV file's columns and its rows, each with its line number, read one at a time."""
    try:
        handle = open(path, encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise FormatError(path, f"cannot be read ({exc.strerror})") from exc
    # the csv module refuses a longer field as it reads, before holding all of
    # it; the limit is the module's, so it is put back afterwards
    previous = csv.field_size_limit(options.max_document_size)
    with handle, _restored(previous):
        rows = csv.DictReader(handle)
        try:
            columns = rows.fieldnames
        except (csv.Error, UnicodeDecodeError) as exc:
            raise _csv_error(path, exc, 1, options) from None
        if columns is None or not any(name.strip() for name in columns):
            raise FormatError(path, "is empty")
        yield list(columns), _located_rows(path, rows, options)


@contextmanager
def _restored(field_size_limit: int) -> Iterator[None]:
    try:
        yield
    finally:
        csv.field_size_limit(field_size_limit)


def _located_rows(path: Path, rows: csv.DictReader, options: ReadOptions) -> Iterator[tuple[int, dict[str, Any]]]:
    while True:
        try:
            row = next(rows)
        except StopIteration:
            return
        except (csv.Error, UnicodeDecodeError) as exc:
            # the reader cannot go on after either: report where it stopped
            raise _csv_error(path, exc, rows.line_num + 1, options) from None
        yield rows.line_num, {k: v for k, v in row.items() if k is not None}


def _csv_error(path: Path, exc: Exception, line: int, options: ReadOptions) -> FormatError:
    if isinstance(exc, UnicodeDecodeError):
        return FormatError(path, "is not UTF-8; save it as UTF-8 and import again", line)
    if "field larger than field limit" in str(exc):
        return FormatError(path, f"a cell is over the limit of {options.max_document_size / 1e6:g} MB for one "
                                 "document (--max-document-size or ANNOTATOR_MAX_DOCUMENT_SIZE)", line)
    return FormatError(path, f"is not valid CSV ({exc})", line)


def looks_like_articles(path: Path) -> bool:
    data = first_json_value(path)
    return isinstance(data, dict) and any(isinstance(v, str) for v in data.values())


register(Format(name="txt", description="plain-text articles: .txt files or folders of them",
                read=read_txt, extensions=(".txt",)))
register(Format(name="jsonl", description="articles as JSON lines (--text-field, --title-field)",
                read=read_jsonl, extensions=(".jsonl", ".ndjson", ".json"), detect=looks_like_articles))
