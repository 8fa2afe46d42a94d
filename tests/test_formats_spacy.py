"""spaCy DocBin checked by spaCy itself, and the simple span JSONL."""

from __future__ import annotations

import json

import pytest
import spacy
from spacy.tokens import DocBin
from token_examples import nested_record, tricky_record

from annotator.domain import AnnotatedDocument, Document, Span
from annotator.formats import spacy_docbin
from annotator.formats.base import FormatError, ReadOptions, WriteOptions, get_format
from annotator.formats.spacy_jsonl import read as read_jsonl
from annotator.formats.spacy_jsonl import write as write_jsonl


def offsets(record: AnnotatedDocument) -> list[tuple[int, int, str]]:
    return sorted((s.start, s.end, s.label) for s in record.spans)


def spacy_docs(path):
    return list(DocBin().from_disk(path).get_docs(spacy.blank("xx").vocab))


@pytest.mark.parametrize("tokenizer", ["regex", "spacy"])
def test_spacy_loads_the_docbin_with_every_span_at_its_offsets(tmp_path, tokenizer):
    records = [tricky_record(), nested_record()]
    out = tmp_path / "train.spacy"
    summary = spacy_docbin.write(records, out, WriteOptions(tokenizer=tokenizer, language="id"))
    docs = spacy_docs(out)
    assert [d.text for d in docs] == [r.document.text for r in records]
    for doc, record in zip(docs, records):
        assert sorted((s.start_char, s.end_char, s.label_) for s in doc.spans["sc"]) == offsets(record)
    tricky, nested = docs
    assert sorted((e.start_char, e.end_char, e.label_) for e in tricky.ents) == offsets(records[0])
    assert [(e.text, e.label_) for e in nested.ents] == [
        ("Gubernur Jawa Barat", "ROLE"), ("Ridwan Kamil", "PERSON"), ("Bandung", "LOCATION")]
    assert summary.spans == sum(len(r.spans) for r in records)
    assert sum(summary.dropped.values()) == 3


def test_docbin_keeps_title_and_annotator_and_reads_back(tmp_path):
    out = tmp_path / "x.spacy"
    spacy_docbin.write([tricky_record("budi")], out, WriteOptions())
    [back] = spacy_docbin.read(out, ReadOptions())
    assert back.document.title == "tricky"
    assert offsets(back) == offsets(tricky_record())
    assert {s.annotator for s in back.spans} == {"budi"}


def test_docbin_from_spacy_convert_shape_reads_entities(tmp_path):
    nlp = spacy.blank("id")
    doc = nlp("Joko Widodo tiba di Bandung")
    doc.ents = [doc.char_span(0, 11, "PER"), doc.char_span(20, 27, "LOC")]
    out = tmp_path / "converted.spacy"
    DocBin(docs=[doc]).to_disk(out)
    [back] = spacy_docbin.read(out, ReadOptions(annotator="model"))
    assert [(s.text, s.label, s.annotator) for s in back.spans] == [("Joko Widodo", "PER", "model"), ("Bandung", "LOC", "model")]


def test_not_a_docbin_is_refused(tmp_path):
    out = tmp_path / "bad.spacy"
    out.write_bytes(b"not msgpack at all")
    with pytest.raises(FormatError, match="bad.spacy"):
        list(spacy_docbin.read(out, ReadOptions()))


def test_missing_spacy_names_the_extra(tmp_path, monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_spacy(name, *args, **kwargs):
        if name == "spacy" or name.startswith("spacy."):
            raise ImportError("No module named 'spacy'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_spacy)
    with pytest.raises(FormatError, match=r"pip install 'annotator\[spacy\]'"):
        spacy_docbin.write([tricky_record()], tmp_path / "x.spacy", WriteOptions())
    assert not list(tmp_path.iterdir())


def test_span_jsonl_round_trip_is_exact(tmp_path):
    records = [tricky_record(), nested_record()]
    out = tmp_path / "spans.jsonl"
    summary = write_jsonl(records, out, WriteOptions())
    assert summary.spans == sum(len(r.spans) for r in records)
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert lines[0]["text"] == records[0].document.text
    assert set(lines[0]["spans"][0]) == {"start", "end", "label"}
    back = list(read_jsonl(out, ReadOptions()))
    assert [offsets(r) for r in back] == [offsets(r) for r in records]
    assert [r.document.text for r in back] == [r.document.text for r in records]
    assert back[0].spans[0].annotator == "ana"


def test_span_jsonl_accepts_prodigy_token_keys_and_checks_span_text(tmp_path):
    path = tmp_path / "prodigy.jsonl"
    good = {"text": "Ani ke Bandung", "spans": [{"start": 7, "end": 14, "label": "LOC", "token_start": 2,
                                                 "token_end": 2, "text": "Bandung"}]}
    bad = {"text": "Ani ke Bandung", "spans": [{"start": 7, "end": 14, "label": "LOC", "text": "Jakarta"}]}
    path.write_text(json.dumps(good) + "\n" + json.dumps(bad) + "\n", encoding="utf-8")
    with pytest.raises(FormatError) as caught:
        list(read_jsonl(path, ReadOptions()))
    assert caught.value.line == 2 and "Jakarta" in str(caught.value)
    options = ReadOptions(skip_bad=True)
    [record] = read_jsonl(path, options)
    assert offsets(record) == [(7, 14, "LOC")] and len(options.skipped) == 1


def test_span_jsonl_refuses_offsets_outside_the_text(tmp_path):
    path = tmp_path / "out.jsonl"
    path.write_text(json.dumps({"text": "Ani", "spans": [{"start": 0, "end": 9, "label": "PER"}]}) + "\n", encoding="utf-8")
    with pytest.raises(FormatError, match="outside the text"):
        list(read_jsonl(path, ReadOptions()))


def test_registered():
    assert get_format("spacy").write is spacy_docbin.write
    assert get_format("spacy-jsonl").read is read_jsonl


def test_spans_starting_or_ending_on_white_space_survive_in_spans_sc(tmp_path):
    text = "Ani  \n Budi ke  Bandung\n"
    cuts = [(0, 11, "X"), (3, 16, "Y"), (4, 7, "Z"), (0, 4, "W"), (14, 15, "V")]
    record = AnnotatedDocument(Document(1, "spaces", text),
                               [Span(None, 1, "ana", s, e, label, text[s:e]) for s, e, label in cuts])
    out = tmp_path / "w.spacy"
    summary = spacy_docbin.write([record], out, WriteOptions(tokenizer="regex"))
    [doc] = spacy_docs(out)
    assert doc.text == text
    assert sorted((s.start_char, s.end_char, s.label_) for s in doc.spans["sc"]) == sorted(cuts)
    assert all(not e.text[0].isspace() and not e.text[-1].isspace() for e in doc.ents)
    assert summary.spans == 5
    assert [t.text for t in doc][:3] == ["Ani", " ", " \n "]  # Y starts on the first space: not folded


def _docbin_with_own_tokens(path, *, sentences: bool):
    """A DocBin whose tokens a tokenizer would not make (street names, numbers), with a PER entity."""
    nlp = spacy.blank("id")
    words = ["Wali", "kota", "menutup", "Jl.Sudirman", "No.5", ".", "\n", "Polisi", "berjaga", "di", "sana", "."]
    spaces = [True, True, True, True, False, False, False, True, True, True, False, False]
    starts = [True, False, False, False, False, False, False, True, False, False, False, False] if sentences else None
    doc = spacy.tokens.Doc(nlp.vocab, words=words, spaces=spaces, sent_starts=starts)
    doc.ents = [doc.char_span(0, 9, "PER")]
    DocBin(docs=[doc]).to_disk(path)
    return doc


@pytest.mark.parametrize("sentences", [True, False])
def test_a_docbins_own_tokens_and_sentences_come_back_in_a_token_export(tmp_path, sentences):
    """spaCy's tokens, not a tokenizer's guess: `Jl.Sudirman` stays one token, as
    the file had it; sentences as the file marks them, or else by punctuation."""
    from click.testing import CliRunner

    from annotator.cli import main

    doc = _docbin_with_own_tokens(tmp_path / "in.spacy", sentences=sentences)
    db = tmp_path / "p.db"
    runner = CliRunner()
    assert runner.invoke(main, ["--db", str(db), "--annotator", "ana", "import", str(tmp_path / "in.spacy")]).exit_code == 0
    done = runner.invoke(main, ["--db", str(db), "export", "--format", "conll", "--annotator", "ana",
                                "--status", "any", "--out", str(tmp_path / "out.conll")])
    assert done.exit_code == 0, done.output
    lines = [line.split() for line in (tmp_path / "out.conll").read_text(encoding="utf-8").splitlines()
             if line and not line.startswith("-DOCSTART-")]
    assert [parts[0] for parts in lines] == [t.text for t in doc if not t.is_space]
    assert [parts[-1] for parts in lines[:2]] == ["B-PER", "I-PER"]
    text = (tmp_path / "out.conll").read_text(encoding="utf-8")
    sentences_written = [block.split("\n") for block in text.split("\n\n") if block.strip()]
    firsts = [block[0].split()[0] for block in sentences_written if not block[0].startswith("-DOCSTART-")]
    assert firsts == ["Wali", "Polisi"]
    # and back to spaCy with the same tokens
    done = runner.invoke(main, ["--db", str(db), "export", "--format", "spacy", "--annotator", "ana",
                                "--status", "any", "--out", str(tmp_path / "out.spacy")])
    assert done.exit_code == 0, done.output
    [back] = spacy_docs(tmp_path / "out.spacy")
    assert [(t.text, t.whitespace_) for t in back] == [(t.text, t.whitespace_) for t in doc]
