"""What readers share: decoding files, walking JSON lines, checking offsets and sizes,
and keeping or skipping bad records, always with located messages."""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from annotator.domain import AnnotatedDocument, Span
from annotator.formats.base import FormatError, ReadOptions
from annotator.formats.json_input import READ_CHUNK, TooDeep, json_document, parse_json


def size_limit_error(size: int, options: ReadOptions) -> str:
    return (f"the document is {size / 1e6:.3g} MB, over the limit of {options.max_document_size / 1e6:g} MB "
            "for one document (--max-document-size or ANNOTATOR_MAX_DOCUMENT_SIZE)")


def check_size(text: str, options: ReadOptions) -> None:
    """Refuse a document text over `options.max_document_size` bytes (UTF-8)."""
    limit = options.max_document_size
    if len(text) * 4 > limit and (size := len(text.encode("utf-8", "surrogatepass"))) > limit:
        raise ValueError(size_limit_error(size, options))


def check_file_size(path: Path, options: ReadOptions) -> None:
    """Refuse, before reading it, a one-document file over the size limit."""
    try:
        size = Path(path).stat().st_size
    except OSError as exc:
        raise FormatError(path, f"cannot be read ({exc.strerror})") from exc
    if size > options.max_document_size:
        raise FormatError(path, size_limit_error(size, options))


def read_text(path: Path) -> str:
    """A UTF-8 file's text, exactly as stored (line ends kept, BOM dropped)."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise FormatError(path, f"cannot be read ({exc.strerror})") from exc
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise FormatError(path, f"is not UTF-8 (byte {exc.start}); save it as UTF-8 and import again", line) from exc


TITLE_LENGTH = 120


def title_from_text(text: str) -> str:
    """The first non-empty line ("" when there is none); a line longer than
    120 characters is cut at the last space before that, marked with "…"."""
    line = next((line.strip() for line in text.splitlines() if line.strip()), "")
    if len(line) <= TITLE_LENGTH:
        return line
    cut = line[:TITLE_LENGTH - 1]
    space = cut.rfind(" ")
    # a single word longer than the title is cut where it must be
    return (cut[:space].rstrip() if space > TITLE_LENGTH // 2 else cut) + "…"


def text_lines(path: Path, options: ReadOptions | None = None) -> Iterator[tuple[int, str]]:
    """(line number, line) of a UTF-8 file, read one line at a time; only "\n"
    ends a line (the "\r" of CRLF stays). A line longer than a document of the
    size limit could need, even escaped as JSON, is refused without being read whole."""
    path = Path(path)
    limit = (options or ReadOptions()).max_document_size
    longest = 6 * limit + READ_CHUNK  # JSON may spell a character as \uXXXX
    try:
        handle = open(path, "rb")
    except OSError as exc:
        raise FormatError(path, f"cannot be read ({exc.strerror})") from exc
    with handle:
        for number in itertools.count(1):
            raw = handle.readline(longest)
            if not raw:
                return
            if len(raw) == longest and not raw.endswith(b"\n"):
                raise FormatError(path, f"the line is longer than {longest / 1e6:g} MB; no document of the size "
                                        "limit needs that much (--max-document-size)", number)
            try:
                line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError as exc:
                raise FormatError(path, f"is not UTF-8 (byte {exc.start} of the line); save it as UTF-8 and "
                                        "import again", number) from exc
            yield number, line


def json_records(path: Path, options: ReadOptions | None = None) -> Iterator[tuple[int, Any]]:
    """(line number, value) of each non-blank line of a JSON-lines file, read
    one line at a time.

    A file that is one JSON document spread over many lines (some tools write
    "jsonl" that way) is accepted too: a list gives one record per item.
    Lines that are not JSON are an error, or listed as skipped with `skip_bad`.
    """
    lines = text_lines(path, options)
    for number, line in lines:
        if line.strip():
            break
    else:
        raise FormatError(path, "is empty")
    try:
        first = parse_json(line)
    except TooDeep as exc:
        error = FormatError(path, str(exc), number)
        if options is None or not options.skip_bad:
            raise error from None
        options.skipped.append(str(error))
        yield from _json_lines(path, options, lines)
        return
    except json.JSONDecodeError as exc:
        lines.close()
        whole = json_document(path, options)
        try:
            located = next(whole)
        except FormatError as error:
            if error.reason == str(TooDeep()):
                raise
            # not one JSON document either: report the lines
            yield from _json_lines(path, options, text_lines(path, options), FormatError(
                path, f"is not valid JSON ({exc.msg})", number))
            return
        yield located
        yield from whole
        return
    yield number, first
    yield from _json_lines(path, options, lines)


def _json_lines(path: Path, options: ReadOptions | None, lines: Iterable[tuple[int, str]],
                first_error: FormatError | None = None) -> Iterator[tuple[int, Any]]:
    for number, line in lines:
        if not line.strip():
            continue
        try:
            yield number, parse_json(line)
            continue
        except json.JSONDecodeError as exc:
            error = FormatError(path, f"is not valid JSON ({exc.msg})", number)
        except TooDeep as exc:
            error = FormatError(path, str(exc), number)
        if options is None or not options.skip_bad:
            raise first_error or error
        options.skipped.append(str(error))


def convert_each(path: Path, options: ReadOptions, items: Iterable[tuple[int, Any]],
                 convert: Callable[[Any], AnnotatedDocument | None]) -> Iterator[AnnotatedDocument]:
    """Convert located items, raising the first error located, or, with
    `options.skip_bad`, listing bad items in `options.skipped` and going on."""
    for line, item in items:
        try:
            record = convert(item)
        except FormatError:
            raise
        except (ValueError, KeyError, TypeError, AttributeError, IndexError) as exc:
            error = FormatError(path, _reason(exc), line)
            if not options.skip_bad:
                raise error from exc
            options.skipped.append(str(error))
            continue
        if record is None:
            continue
        try:
            check_size(record.document.text, options)
        except ValueError as exc:
            if not options.skip_bad:
                raise FormatError(path, str(exc), line) from None
            options.skipped.append(str(FormatError(path, str(exc), line)))
            continue
        yield record


def _reason(exc: Exception) -> str:
    if isinstance(exc, KeyError):
        return f"missing field {exc.args[0]!r}"
    return str(exc)


def text_and_meta(data: Any) -> tuple[str, dict[str, Any]]:
    """The non-empty "text" and the "meta" object of a JSON-lines record."""
    if not isinstance(data, dict):
        raise ValueError("a line must be a JSON object")
    text = data["text"]
    if not isinstance(text, str) or not text:
        raise ValueError("'text' must be a non-empty string")
    meta = data.get("meta") or {}
    if not isinstance(meta, dict):
        raise ValueError("'meta' must be an object")
    return text, meta


def list_of_objects(value: Any, what: str) -> list[dict[str, Any]]:
    """A record's list of JSON objects (missing or null: none), checked so that
    a wrong type is reported by name instead of failing deep inside a reader."""
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise ValueError(f"{what!r} must be a list of objects")
    return value


def an_object(value: Any, what: str) -> dict[str, Any]:
    """A record's JSON object (missing or null: empty), checked."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ValueError(f"{what!r} must be an object")
    return value


def an_id(value: Any, what: str) -> int | str:
    """An id from a file: a whole number or a string, nothing else."""
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise ValueError(f"{what} {value!r} must be a whole number or a string")
    return value


def checked_span(text: str, start: Any, end: Any, label: Any, annotator: str, span_id: int,
                 expected: str | None = None, **extra: Any) -> Span:
    """A span after checking its offsets (and the covered text, when the file gives it)."""
    if not isinstance(start, int) or not isinstance(end, int) or isinstance(start, bool) or isinstance(end, bool):
        raise ValueError(f"offsets {start!r}-{end!r} are not whole numbers")
    if not (0 <= start < end <= len(text)):
        raise ValueError(f"span {label} {start}-{end} is outside the text (length {len(text)})")
    if not isinstance(label, str) or not label.strip():
        raise ValueError(f"span {start}-{end} has no label")
    covered = text[start:end]
    if expected is not None and expected != covered:
        raise ValueError(f"span {label} {start}-{end} says it covers {expected!r} but the text there is {covered!r}")
    return Span(span_id, None, annotator, start, end, label, covered, **extra)


def first_json_value(path: Path) -> Any:
    """For format sniffing: the first line as JSON, else the first item of the
    file as one JSON document (in a list when the file is an array), else None.
    JSON nested too deep is a `FormatError`, as it would be on reading."""
    try:
        lines = text_lines(path)
        try:
            number, first = next((n, line) for n, line in lines if line.strip())
        finally:
            lines.close()
        try:
            return parse_json(first)
        except TooDeep as exc:
            raise FormatError(path, str(exc), number) from None
        except ValueError:
            pass
        items = json_document(path)
        try:
            _, value = next(items)
        finally:
            items.close()
        with open(path, encoding="utf-8-sig") as handle:
            array = handle.read(4096).lstrip().startswith("[")
        return [value] if array else value
    except FormatError as exc:
        if exc.reason == str(TooDeep()):
            raise
        return None
    except (OSError, ValueError, StopIteration):
        return None
