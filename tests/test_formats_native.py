"""Native JSON lines: lossless through a database and back, located errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.domain import AnnotatedDocument, Argument, Document, Fact, Span
from annotator.exchange import export, import_files
from annotator.formats.base import FormatError, ReadOptions, WriteOptions
from annotator.formats.native import read, write
from annotator.store import Store
from annotator.project import install_default_schema

PIECES = ["Jokowi", " ", "😀", "e\u0301", "\r\n", "Bandung", "👩‍👩‍👧", ",", "ك", "\n"]
LABELS = ["PERSON", "LOCATION", "NEW_LABEL"]


@st.composite
def documents(draw):
    text = "".join(draw(st.lists(st.sampled_from(PIECES), min_size=1, max_size=25)))
    spans = []
    for i in range(draw(st.integers(0, 6))):
        start = draw(st.integers(0, len(text) - 1))
        end = draw(st.integers(start + 1, len(text)))
        spans.append(Span(i + 1, None, draw(st.sampled_from(["ana", "budi"])), start, end,
                          draw(st.sampled_from(LABELS)), text[start:end],
                          draw(st.sampled_from([{}, {"negated": True}, {"source_type": "media"}])),
                          draw(st.sampled_from(["", "a note\nover lines", "çatatan 😀"]))))
    facts = []
    if spans:
        for i in range(draw(st.integers(0, 3))):
            trigger = draw(st.sampled_from(spans))
            args = [Argument("speaker", span_id=draw(st.sampled_from(spans)).id)]
            if facts:
                args.append(Argument("topic", fact_id=facts[0].id))
            facts.append(Fact(100 + i, None, trigger.annotator, "QUOTE", trigger.id, args,
                              draw(st.sampled_from([{}, {"uncertain": True}])), draw(st.sampled_from(["", "n"]))))
    status = draw(st.sampled_from([{}, {"ana": "done"}, {"budi": "in_progress", "ana": "reviewed"}]))
    return AnnotatedDocument(Document(None, draw(st.sampled_from(["", "Judul 😀"])), text,
                                      draw(st.sampled_from([{}, {"source": "x", "n": 1}]))), spans, facts, status)


def content(store: Store) -> list:
    """What a database holds, without ids or timestamps."""
    out = []
    for doc_id in store.document_ids():
        record = store.annotated(doc_id)
        spans = {s.id: (s.annotator, s.start, s.end, s.label, s.text, s.attributes, s.note) for s in record.spans}
        facts = {f.id: f for f in record.facts}

        def fact_key(f: Fact, depth: int = 0) -> tuple:
            return (f.annotator, f.label, spans.get(f.span_id), f.attributes, f.note, tuple(
                (a.role, spans[a.span_id] if a.span_id else ("fact", fact_key(facts[a.fact_id], depth + 1) if depth < 3 else None))
                for a in f.args))

        out.append((record.document.title, record.document.text, record.document.meta,
                    sorted(map(repr, spans.values())), sorted(repr(fact_key(f)) for f in record.facts), record.status))
    return out


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(documents(), min_size=1, max_size=3, unique_by=lambda r: r.document.text))
def test_export_then_import_into_an_empty_database_gives_the_same_content(tmp_path_factory, records):
    tmp = tmp_path_factory.mktemp("native")
    first = Store.memory()
    install_default_schema(first)
    first.import_annotated(records)
    export(first, "native", tmp / "out.jsonl")
    second = Store.memory()
    install_default_schema(second)
    import_files(second, [tmp / "out.jsonl"])
    assert content(second) == content(first)
    for line in (tmp / "out.jsonl").read_text(encoding="utf-8").splitlines():
        data = json.loads(line)
        for span in data["spans"]:
            assert data["text"][span["start"]:span["end"]] == span["text"]  # code points, not UTF-16


def test_reimport_matches_documents_by_text(tmp_path, store):
    path = tmp_path / "a.jsonl"
    path.write_text(json.dumps({"text": "Ani di Bandung", "spans": [], "facts": [], "status": {}}) + "\n")
    first = import_files(store, [path])
    again = import_files(store, [path])
    assert (first.documents_added, again.documents_added, again.documents_matched) == (1, 0, 1)
    assert len(store.document_ids()) == 1


@pytest.mark.parametrize("line, message", [
    ('{"text": "abc", "spans": [{"start": 1, "end": 9, "label": "PERSON"}]}', "outside the text"),
    ('{"text": "abc", "spans": [{"start": 0, "end": 1, "label": "PERSON", "text": "b"}]}', "says it covers"),
    ('{"text": "abc", "facts": [{"label": "QUOTE", "span": 7}]}', "not on this line"),
    ('{"text": "abc", "spans": [], "status": {"ana": "finished"}}', "status"),
    ('{"spans": []}', "missing field 'text'"),
    ('{"text": "abc", "spans": [', "not valid JSON"),
])
def test_bad_lines_are_located_and_nothing_is_imported(tmp_path, store, line, message):
    path = tmp_path / "bad.jsonl"
    good = json.dumps({"text": "good one", "spans": [], "facts": [], "status": {}})
    path.write_text(good + "\n" + line + "\n", encoding="utf-8")
    with pytest.raises(FormatError) as error:
        import_files(store, [path])
    assert f"bad.jsonl:2" in str(error.value) and message in str(error.value)
    assert store.document_ids() == []


def test_skip_bad_keeps_the_good_lines_and_lists_the_bad(tmp_path, store):
    path = tmp_path / "mixed.jsonl"
    path.write_text('{"text": "good", "spans": []}\n{"text": "x", "spans": [{"start": 0, "end": 5, "label": "P"}]}\n'
                    "not json\n", encoding="utf-8")
    report = import_files(store, [path], format="native", skip_bad=True)
    assert report.documents_added == 1
    assert len(report.skipped) == 2 and "mixed.jsonl:2" in report.skipped[1] + report.skipped[0]


def test_empty_and_non_utf8_files_are_named(tmp_path):
    empty = tmp_path / "empty.jsonl"
    empty.write_text("")
    with pytest.raises(FormatError, match="empty.jsonl: is empty"):
        list(read(empty, ReadOptions()))
    latin = tmp_path / "latin.jsonl"
    latin.write_bytes('{"text": "ok"}\n{"text": "caf\xe9"}\n'.encode("latin-1"))
    with pytest.raises(FormatError, match="latin.jsonl:2: is not UTF-8"):
        list(read(latin, ReadOptions()))


def test_a_failed_write_leaves_no_half_file(tmp_path):
    out = tmp_path / "out.jsonl"
    out.write_text("old\n")

    def records():
        yield AnnotatedDocument(Document(1, "t", "text"))
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        write(records(), out, WriteOptions())
    assert out.read_text() == "old\n"
    assert [p.name for p in Path(tmp_path).iterdir()] == ["out.jsonl"]


def test_a_file_two_formats_could_read_is_native_whichever_module_came_first(tmp_path, monkeypatch):
    """{"text", "spans": [], "tokens"} reads as spaCy JSONL too; it was detected as
    native or as spaCy JSONL by which format's module some earlier code had imported."""
    from annotator.formats import base

    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps({"id": 1, "text": "Budi pergi", "spans": [],
                                "tokens": {"starts": [0, 5], "ends": [4, 10], "sentence_starts": [0]}}) + "\n",
                    encoding="utf-8")
    assert base.detect_format(path).name == "native"
    registered = base.all_formats()
    monkeypatch.setattr(base, "_REGISTRY", dict(reversed(list(registered.items()))))  # spaCy JSONL's first
    assert base.detect_format(path).name == "native"
