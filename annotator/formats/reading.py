"""What readers share: decoding files, walking JSON lines, checking offsets,
and keeping or skipping bad records, always with located messages."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from annotator.domain import AnnotatedDocument, Span
from annotator.formats.base import FormatError, ReadOptions


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


def json_records(path: Path, options: ReadOptions | None = None) -> list[tuple[int, Any]]:
    """(line number, value) of each non-blank line of a JSON-lines file.

    A file that is one JSON document spread over many lines (some tools write
    "jsonl" that way) is accepted too: a list gives one record per item.
    Lines that are not JSON are an error, or listed as skipped with `skip_bad`.
    """
    text = read_text(path)
    if not text.strip():
        raise FormatError(path, "is empty")
    parsed: list[tuple[int, Any]] = []
    bad: list[tuple[int, str]] = []
    # only "\n" ends a JSON line: str.splitlines() would also cut inside
    # strings at U+2028, U+2029 or U+0085, which json.dumps leaves unescaped
    for n, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        try:
            parsed.append((n, json.loads(line)))
        except json.JSONDecodeError as exc:
            bad.append((n, exc.msg))
    if not bad:
        return parsed
    try:
        whole = json.loads(text)
    except json.JSONDecodeError:
        errors = [FormatError(path, f"is not valid JSON ({msg})", n) for n, msg in bad]
        if options is None or not options.skip_bad:
            raise errors[0] from None
        options.skipped.extend(str(e) for e in errors)
        return parsed
    return [(1, item) for item in whole] if isinstance(whole, list) else [(1, whole)]


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
        if record is not None:
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
    """For format sniffing: the first line as JSON, else the whole file, else None."""
    try:
        with open(path, encoding="utf-8-sig") as handle:
            first = next((line for line in handle if line.strip()), "")
            try:
                return json.loads(first)
            except ValueError:
                handle.seek(0)
                return json.load(handle)
    except (OSError, ValueError):
        return None
