"""No reader crashes on bad input (issue 4).

Every registered format's reader is fed damaged copies of valid files of
that format (written by the format's own writer, or by hand for formats
that only read). The reader must either give documents whose spans lie
inside their text, or raise a `FormatError` naming the file (and the line,
for line-based formats). Any other exception is a bug in the reader.
"""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.cli import main
from annotator.domain import AnnotatedDocument, Argument, Document, Fact, Span
from annotator.formats.base import FormatError, ReadOptions, WriteOptions, all_formats
from annotator.store import Store
from annotator.project import install_default_schema
from fault_figures import FIGURES

READABLE = sorted(name for name, fmt in all_formats().items() if fmt.read is not None)

LINE_BASED = {"native", "brat", "conll", "spacy-jsonl", "hf", "doccano", "jsonl", "csv"}
"""Formats whose errors about one record must say which line it is on."""

WHOLE_FILE_REASONS = ("is empty", "holds no", "is not valid JSON", "cannot be read", "has no ")
"""Problems of a whole file, which have no one line to name."""

PYTHON_JARGON = re.compile(r"object has no attribute|object is not|unhashable|NoneType|not subscriptable|"
                           r"invalid literal for|argument must be|indices must be|takes \d+ positional|"
                           r"unpack|out of range|Expecting value: line|codec can't")
"""Wording of Python's own exceptions: a message for users must say what is wrong with the file instead."""


def _span(i: int, text: str, covered: str, label: str, annotator: str = "ana") -> Span:
    start = text.index(covered)
    return Span(i, None, annotator, start, start + len(covered), label, covered)


def _sample_records() -> list[AnnotatedDocument]:
    first = "Jokowi tiba di Bandung 😀 hari ini.\nIa berkata \"baik\"."
    second = "Kota Depok e\u0301 ramai,\r\nkata Budi 12 kali."
    spans = [_span(1, first, "Jokowi", "PERSON"), _span(2, first, "Bandung", "LOCATION"),
             _span(3, first, '"baik"', "QUOTE")]
    fact = Fact(10, None, "ana", "QUOTE", 3, [Argument("speaker", span_id=1)])
    return [
        AnnotatedDocument(Document(None, "Satu", first, {"n": 1}), spans, [fact], {"ana": "done"}),
        AnnotatedDocument(Document(None, "Dua", second, {}),
                          [_span(1, second, "Depok", "LOCATION", "budi"), _span(2, second, "Budi", "PERSON", "budi")],
                          [Fact(20, None, "budi", "LOCATED_IN", None,
                                [Argument("member", span_id=2), Argument("place", span_id=1)])]),
    ]


HAND_WRITTEN = {
    "txt": ("article.txt", "Judul berita\n\nJokowi tiba di Bandung 😀 hari ini.\n".encode()),
    "jsonl": ("articles.jsonl", (
        '{"title": "Satu", "text": "Jokowi tiba di Bandung 😀.", "source": "a", "n": 3}\n'
        '{"title": "Dua", "text": "Kota Depok ramai.", "tags": ["x", 1]}\n').encode()),
    "csv": ("articles.csv", 'title,text,n\nSatu,"Jokowi tiba di Bandung 😀.",1\nDua,"Kota ""Depok""\nramai.",2\n'.encode()),
}

SUFFIX = {"native": ".jsonl", "conll": ".conll", "spacy": ".spacy", "spacy-jsonl": ".jsonl", "hf": ".jsonl",
          "doccano": ".jsonl", "labelstudio": ".json"}


@dataclass
class Sample:
    """A valid input of one format: what to pass to its reader, and the one file to damage."""

    read_path: Path
    damaged: Path


FIXTURES = Path(__file__).parent / "fixtures" / "formats"
FIXTURE_SAMPLES = [("doccano", "doccano/relation.jsonl"), ("doccano", "doccano/legacy_labels.jsonl"),
                   ("doccano", "doccano/relation_pretty.jsonl"), ("labelstudio", "labelstudio/completions_348.json"),
                   ("labelstudio", "labelstudio/tasks.json"), ("brat", "brat-dkpro")]
"""Real files of other tools, which use parts of their formats our writers do not."""

SAMPLES = [(name, "written") for name in READABLE] + FIXTURE_SAMPLES


def _largest(files: list[Path]) -> Path:
    return sorted(files, key=lambda p: p.stat().st_size)[-1]


def make_sample(name: str, folder: Path, source: str = "written") -> Sample:
    fmt = all_formats()[name]
    folder.mkdir(parents=True, exist_ok=True)
    if source != "written":
        origin = FIXTURES / source
        if origin.is_dir():
            copy = shutil.copytree(origin, folder / origin.name)
            return Sample(copy, _largest(list(copy.rglob("*.ann"))))
        copy = Path(shutil.copy(origin, folder / origin.name))
        return Sample(copy, copy)
    if name in HAND_WRITTEN:
        file_name, content = HAND_WRITTEN[name]
        path = folder / file_name
        path.write_bytes(content)
        return Sample(path, path)
    if name == "brat":
        out = folder / "brat"
        fmt.write(_sample_records(), out, WriteOptions(tokenizer="regex"))
        return Sample(out, _largest(list(out.rglob("*.ann"))))
    path = folder / f"sample{SUFFIX[name]}"
    fmt.write(_sample_records(), path, WriteOptions(tokenizer="regex"))
    return Sample(path, path)


# -- damage ---------------------------------------------------------------------

ODD_BYTES = [b"\x00", b"\xff", b"\xc3", b"\xe2\x82", b"\xed\xa0\x80", b"\r", b"\n", b"\t", b'"', b"{", b"]",
             b",", b"\\", b"\xef\xbb\xbf", "😀".encode(), b"T1\t", b"-"]
NUMBERS = [b"99999999999999999999", b"-5", b"-1", b"0", b"1e308", b"1.5", b"x", b"", b"NaN", b"2147483648"]
JSON_VALUES = [b"null", b"[]", b"{}", b'"7"', b"7", b"[1, 2]", b'{"a": 1}', b"true", b'""', b"-3"]
JSON_TOKEN = re.compile(rb'"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?|true|false|null|\[|\{')


def _nth(pattern: re.Pattern[bytes], data: bytes, index: int) -> re.Match[bytes] | None:
    found = list(pattern.finditer(data))
    return found[index % len(found)] if found else None


def _replace_match(data: bytes, match: re.Match[bytes] | None, new: bytes) -> bytes:
    if match is None:
        return data
    return data[: match.start()] + new + data[match.end():]


def _nodes(value: object, path: tuple = ()) -> list[tuple]:
    """Paths to every value inside parsed JSON, parents before children."""
    found = [path]
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, child in items:
        found += _nodes(child, (*path, key))
    return found


def _with_node_replaced(value: object, path: tuple, new: object) -> object:
    if not path:
        return new
    head, rest = path[0], path[1:]
    copy = dict(value) if isinstance(value, dict) else list(value)
    copy[head] = _with_node_replaced(copy[head], rest, new)
    return copy


def swap_json_node(data: bytes, where: int, what: int) -> bytes:
    """Valid JSON with one value, chosen by `where`, replaced by a value of another type."""
    new = json.loads(JSON_VALUES[what % len(JSON_VALUES)])
    try:
        whole = json.loads(data)
    except ValueError:
        lines = data.splitlines(keepends=True)
        if not lines:
            return data
        at = where % len(lines)
        try:
            value = json.loads(lines[at])
        except ValueError:
            return data
        paths = _nodes(value)
        lines[at] = json.dumps(_with_node_replaced(value, paths[where % len(paths)], new),
                               ensure_ascii=False).encode("utf-8", "surrogatepass") + b"\n"
        return b"".join(lines)
    paths = _nodes(whole)
    return json.dumps(_with_node_replaced(whole, paths[where % len(paths)], new), ensure_ascii=False).encode("utf-8", "surrogatepass")


def damage(data: bytes, op: tuple) -> bytes:
    kind, where, what = op
    lines = data.splitlines(keepends=True)
    if kind == "truncate":
        return data[: where % (len(data) + 1)]
    if kind == "flip" and data:
        at = where % len(data)
        return data[:at] + bytes([data[at] ^ (what % 255 + 1)]) + data[at + 1:]
    if kind == "insert":
        at = where % (len(data) + 1)
        return data[:at] + ODD_BYTES[what % len(ODD_BYTES)] + data[at:]
    if kind == "delete_line" and lines:
        del lines[where % len(lines)]
        return b"".join(lines)
    if kind == "duplicate_line" and lines:
        at = where % len(lines)
        lines.insert(at, lines[at])
        return b"".join(lines)
    if kind == "number":
        return _replace_match(data, _nth(re.compile(rb"\d+"), data, where), NUMBERS[what % len(NUMBERS)])
    if kind == "json_type":
        return _replace_match(data, _nth(JSON_TOKEN, data, where), JSON_VALUES[what % len(JSON_VALUES)])
    if kind == "json_node":
        return swap_json_node(data, where, what)
    if kind == "nest":  # brackets thousands deep, where a value would go
        at = where % (len(data) + 1)
        return data[:at] + (b"[", b'{"a": ', b"[{")[what % 3] * (50 + 40 * what) + data[at:]
    if kind == "empty":
        return b""
    if kind == "blank":
        return b" \n\n\t\n"
    if kind == "bom":
        return b"\xef\xbb\xbf" + data
    if kind == "crlf":
        return data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    if kind == "cr_only":
        return data.replace(b"\r\n", b"\n").replace(b"\n", b"\r")
    return data


OPERATIONS = ["truncate", "flip", "insert", "delete_line", "duplicate_line", "number", "json_type", "json_node",
              "nest", "empty", "blank", "bom", "crlf", "cr_only"]

damages = st.lists(st.tuples(st.sampled_from(OPERATIONS), st.integers(0, 10_000), st.integers(0, 255)),
                   min_size=1, max_size=3)


# -- the property -----------------------------------------------------------------

def assert_read_is_safe(name: str, sample: Sample, options: ReadOptions) -> None:
    fmt = all_formats()[name]
    FIGURES["fuzz_cases"] += 1
    try:
        records = list(fmt.read(sample.read_path, options))
    except FormatError as error:
        message = str(error)
        assert sample.damaged.name in message or str(sample.read_path) in message, message
        assert not PYTHON_JARGON.search(error.reason), message
        if name in LINE_BASED and not message.endswith(WHOLE_FILE_REASONS) and not any(
                reason in error.reason for reason in WHOLE_FILE_REASONS):
            assert error.line is not None and f":{error.line}:" in message, message
        return
    for record in records:
        text = record.document.text
        assert isinstance(text, str)
        for span in record.spans:
            assert isinstance(span.start, int) and isinstance(span.end, int), span
            assert 0 <= span.start < span.end <= len(text), (span, len(text))
            FIGURES["fuzz_wrong_spans"] += span.text != text[span.start:span.end]
            assert span.text == text[span.start:span.end], span
        span_ids = {s.id for s in record.spans}
        fact_ids = {f.id for f in record.facts}
        for fact in record.facts:
            assert fact.span_id is None or fact.span_id in span_ids, fact
            for arg in fact.args:
                assert arg.span_id in span_ids or arg.fact_id in fact_ids, fact


@pytest.mark.parametrize(("name", "source"), SAMPLES)
def test_a_damaged_file_gives_documents_inside_their_text_or_a_located_format_error(name, source, tmp_path_factory):
    pristine = make_sample(name, tmp_path_factory.mktemp(f"{name}-pristine"), source)
    original = pristine.damaged.read_bytes()
    assert list(all_formats()[name].read(pristine.read_path, ReadOptions())), "the undamaged sample must read"

    @settings(max_examples=100, deadline=None, derandomize=True, database=None,
              suppress_health_check=[HealthCheck.too_slow])
    @given(ops=damages, skip_bad=st.booleans())
    def check(ops, skip_bad):
        data = original
        for op in ops:
            data = damage(data, op)
        pristine.damaged.write_bytes(data)
        try:
            assert_read_is_safe(name, pristine, ReadOptions(skip_bad=skip_bad))
        except BaseException as exc:
            FIGURES["fuzz_tracebacks"] += not isinstance(exc, AssertionError)
            raise
        finally:
            pristine.damaged.write_bytes(original)

    check()


# -- through the command line -------------------------------------------------------

CLI_DAMAGE = {
    "txt": [("insert", 3, 1)],            # invalid UTF-8
    "spacy": [("truncate", 40, 0)],
}
"""One damage per format that must be refused (others use a broken JSON-ish line)."""


def _refused_damage(name: str, data: bytes) -> bytes:
    if name in CLI_DAMAGE:
        for op in CLI_DAMAGE[name]:
            data = damage(data, op)
        return data
    lines = data.splitlines(keepends=True)
    # Break the last line: a record with good ones before it tests all-or-nothing.
    return b"".join(lines[:-1]) + b"\xff\x00 not { valid [\n"


@pytest.mark.parametrize("name", READABLE)
def test_importing_a_damaged_file_exits_1_names_the_file_and_adds_nothing(name, tmp_path):
    sample = make_sample(name, tmp_path / "input")
    sample.damaged.write_bytes(_refused_damage(name, sample.damaged.read_bytes()))
    db = tmp_path / "project.db"
    store = Store.open(db)
    install_default_schema(store)
    before = store.document_ids()
    store.close()

    for told in (["--format", name], []):  # named, then told from the file's name and content
        result = CliRunner().invoke(main, ["--db", str(db), "import", *told, str(sample.read_path)])

        assert result.exit_code == 1, result.output
        assert isinstance(result.exception, SystemExit), result.exception
        assert sample.damaged.name in result.output, result.output
    store = Store.open(db)
    assert store.document_ids() == before
    store.close()


def test_the_damage_operations_change_the_bytes():
    data = b'{"a": 12, "b": "x"}\nline two\n'
    assert damage(data, ("truncate", 5, 0)) == data[:5]
    assert damage(data, ("number", 0, 0)) == data.replace(b"12", NUMBERS[0])
    assert damage(data, ("json_type", 2, 0)) == b'{"a": null, "b": "x"}\nline two\n'
    assert damage(data, ("delete_line", 1, 0)) == b'{"a": 12, "b": "x"}\n'
    assert damage(data, ("crlf", 0, 0)).count(b"\r\n") == 2
    assert damage(b"", ("flip", 0, 0)) == b""

