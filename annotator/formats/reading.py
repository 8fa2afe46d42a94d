"""What readers share: decoding files, walking JSON lines, checking offsets,
and keeping or skipping bad records, always with located messages."""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from annotator.domain import AnnotatedDocument, Span
from annotator.formats.base import FormatError, ReadOptions


MAX_DEPTH = 100
"""Deepest nesting of JSON arrays and objects a record may have: far beyond
any real record, far below what would exhaust Python's recursion."""

_CHUNK = 1 << 16
"""Characters read at a time when a JSON file holds one big array (up to 4
bytes each in memory), and the slack allowed beyond a line's size limit."""

_JSON_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]')
"""A JSON string (skipped whole) or a bracket: what `nesting_depth` walks."""


class TooDeep(ValueError):
    """JSON nested deeper than `MAX_DEPTH`."""

    def __init__(self) -> None:
        super().__init__(f"arrays or objects are nested more than {MAX_DEPTH} deep; not a record this tool can read")


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


def title_from_text(text: str) -> str:
    """The first non-empty line, cut to 120 characters ("" when there is none)."""
    return next((line.strip() for line in text.splitlines() if line.strip()), "")[:120]


def nesting_depth(text: str) -> int:
    """How deep arrays and objects nest in a JSON text (brackets inside strings do not count)."""
    depth = deepest = 0
    for match in _JSON_TOKEN.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif token in "]}":
            depth -= 1
    return deepest


def _check_depth(text: str, start: int = 0, end: int | None = None) -> None:
    end = len(text) if end is None else end
    # counting brackets is cheap; walking the tokens only pays for texts with many
    if text.count("[", start, end) + text.count("{", start, end) > MAX_DEPTH and \
            nesting_depth(text[start:end]) > MAX_DEPTH:
        raise TooDeep()


def parse_json(text: str) -> Any:
    """`json.loads` that refuses nesting deeper than `MAX_DEPTH` (a ValueError,
    never a RecursionError)."""
    _check_depth(text)
    try:
        return json.loads(text)
    except RecursionError:
        raise TooDeep() from None


def text_lines(path: Path, options: ReadOptions | None = None) -> Iterator[tuple[int, str]]:
    """(line number, line) of a UTF-8 file, read one line at a time; only "\n"
    ends a line (the "\r" of CRLF stays). A line longer than a document of the
    size limit could need, even escaped as JSON, is refused without being read whole."""
    path = Path(path)
    limit = (options or ReadOptions()).max_document_size
    longest = 6 * limit + _CHUNK  # JSON may spell a character as \uXXXX
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
        except FormatError:
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


def json_document(path: Path, options: ReadOptions | None = None) -> Iterator[tuple[int, Any]]:
    """(line where it starts, value) of each item of a file holding one JSON
    array, parsed one item at a time so that memory holds one record, not
    the file; a file holding one other value gives that value."""
    path = Path(path)
    limit = 6 * (options or ReadOptions()).max_document_size + _CHUNK
    decoder = json.JSONDecoder()
    try:
        handle = open(path, encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise FormatError(path, f"cannot be read ({exc.strerror})") from exc
    with handle:
        reader = _Buffer(path, handle)
        reader.skip_space()
        if reader.at_end():
            raise FormatError(path, "is empty")
        array = reader.peek() == "["
        if array:
            reader.pos += 1
        while True:
            reader.skip_space()
            if array and reader.peek() == "]":
                reader.pos += 1
                reader.skip_space()
                if not reader.at_end():
                    raise reader.error("is not valid JSON (more after the closing ])")
                return
            line = reader.line()
            value = reader.value(decoder, limit)
            yield line, value
            reader.skip_space()
            if not array:
                if not reader.at_end():
                    raise reader.error("is not valid JSON (more after the first value)")
                return
            if reader.peek() == ",":
                reader.pos += 1
            elif reader.peek() != "]":
                raise reader.error("is not valid JSON (expected , or ] between items)")


class _Buffer:
    """A window onto a text file, read in chunks, that knows its line numbers."""

    def __init__(self, path: Path, handle: Any) -> None:
        self.path, self.handle = path, handle
        self.text, self.pos, self.eof = "", 0, False
        self.lines_before, self.counted = 1, 0
        """Line number at text[0]; newlines are counted up to text[counted]."""

    def _read(self, size: int = _CHUNK) -> bool:
        if self.eof:
            return False
        try:
            more = self.handle.read(size)
        except UnicodeDecodeError as exc:
            raise self.error(f"is not UTF-8 (byte {exc.start} of a chunk); save it as UTF-8 and import again") from exc
        if not more:
            self.eof = True
            return False
        if self.pos > _CHUNK:  # drop what has been read
            self.line()
            self.text, self.counted, self.pos = self.text[self.pos:], 0, 0
        self.text += more
        return True

    def _read_more(self, size: int, limit: int) -> bool:
        if len(self.text) - self.pos > limit:
            raise self.error(f"a record is longer than {limit / 1e6:g} MB; no document of the size "
                             "limit needs that much (--max-document-size)")
        return self._read(size)

    def line(self) -> int:
        self.lines_before += self.text.count("\n", self.counted, self.pos)
        self.counted = max(self.counted, self.pos)
        return self.lines_before

    def error(self, message: str) -> FormatError:
        return FormatError(self.path, message, self.line())

    def skip_space(self) -> None:
        while True:
            while self.pos < len(self.text) and self.text[self.pos] in " \t\r\n":
                self.pos += 1
            if self.pos < len(self.text) or not self._read():
                return

    def at_end(self) -> bool:
        return self.pos >= len(self.text) and not self._read()

    def peek(self) -> str:
        return "" if self.at_end() else self.text[self.pos]

    def value(self, decoder: json.JSONDecoder, limit: int) -> Any:
        """The JSON value at the position: read more while it is cut off, up to `limit` characters."""
        wanted = _CHUNK
        while True:
            try:
                value, end = decoder.raw_decode(self.text, self.pos)
            except RecursionError:
                raise self.error(str(TooDeep())) from None
            except json.JSONDecodeError as exc:
                # cut off by the end of what was read (an unterminated string
                # is reported where it starts), or wrong where it stands
                cut_off = exc.pos >= len(self.text) - 16 or exc.msg.startswith("Unterminated string")
                if self.eof or not cut_off:
                    self.pos = max(self.pos, min(exc.pos, len(self.text)))
                    raise self.error(f"is not valid JSON ({exc.msg})") from None
                self._read_more(wanted, limit)
                wanted *= 2  # each retry parses the record from its start: grow geometrically
                continue
            if end == len(self.text) and self._read_more(wanted, limit):
                continue  # a number may go on in what is not read yet
            try:
                _check_depth(self.text, self.pos, end)
            except TooDeep as exc:
                raise self.error(str(exc)) from None
            self.pos = end
            return value


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
