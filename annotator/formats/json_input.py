"""JSON read safely: nesting capped (`parse_json`), and a file holding one big
array read item by item (`json_document`), so that neither a hostile file
(200 KB of brackets) nor a large one (a 1 GB export) can exhaust the stack or
memory. Errors are `FormatError`s naming the file and line."""

from __future__ import annotations

import json
import re
from pathlib import Path
from collections.abc import Iterator
from typing import Any

from annotator.formats.base import FormatError, ReadOptions

MAX_DEPTH = 100
"""Deepest nesting of JSON arrays and objects a record may have: far beyond
any real record, far below what would exhaust Python's recursion."""

READ_CHUNK = 1 << 16
"""Characters read at a time when a JSON file holds one big array (up to 4
bytes each in memory), and the slack allowed beyond a line's size limit."""

_JSON_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]')
"""A JSON string (skipped whole) or a bracket: what `nesting_depth` walks."""


class TooDeep(ValueError):
    """JSON nested deeper than `MAX_DEPTH`."""

    def __init__(self) -> None:
        super().__init__(f"arrays or objects are nested more than {MAX_DEPTH} deep; not a record this tool can read")


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


def json_document(path: Path, options: ReadOptions | None = None) -> Iterator[tuple[int, Any]]:
    """(line where it starts, value) of each item of a file holding one JSON
    array, parsed one item at a time so that memory holds one record, not
    the file; a file holding one other value gives that value."""
    path = Path(path)
    limit = 6 * (options or ReadOptions()).max_document_size + READ_CHUNK
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

    def _read(self, size: int = READ_CHUNK) -> bool:
        if self.eof:
            return False
        try:
            more = self.handle.read(size)
        except UnicodeDecodeError as exc:
            raise self.error(f"is not UTF-8 (byte {exc.start} of a chunk); save it as UTF-8 and import again") from exc
        if not more:
            self.eof = True
            return False
        if self.pos > READ_CHUNK:  # drop what has been read
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
        wanted = READ_CHUNK
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
