"""CoNLL IOB2: seqeval reads our files as we meant them; real corpora read
with their known entity counts; round trips keep every span."""

from __future__ import annotations

import json
from collections import Counter

import pytest
from token_examples import (
    conll_sentences, expected_entities, nested_record, seqeval_entities, span_at, squeezed, tricky_record,
)

from annotator.domain import AnnotatedDocument, Document
from annotator.formats.base import FormatError, ReadOptions, WriteOptions, detect_format, get_format
from annotator.formats.conll import read, write

FIXTURES = __import__("pathlib").Path(__file__).parent / "fixtures" / "tokens"


def seed_record(store, seed_text) -> AnnotatedDocument:
    doc, _ = store.add_document("seed", seed_text)
    for piece, label, nth in [("Vladimir Putin", "PERSON", 0), ("Kim Jong Un", "PERSON", 0),
                              ("Korea Utara", "LOCATION", 0), ("Vladivostok", "LOCATION", 1),
                              ("Gatra.com", "ORGANISATION", 0), ("Pulau Russky", "LOCATION", 0),
                              ("Aljazeera", "ORGANISATION", 0), ("Rusia", "LOCATION", 2)]:
        span = span_at(seed_text, piece, label, nth=nth)
        store.add_span(doc.id, "ana", span.start, span.end, label)
    return store.annotated(doc.id)


@pytest.mark.parametrize("tokenizer", ["regex", "spacy"])
def test_seqeval_finds_the_seed_articles_entities(store, seed_text, tmp_path, tokenizer):
    record = seed_record(store, seed_text)
    out = tmp_path / "seed.conll"
    summary = write([record], out, WriteOptions(tokenizer=tokenizer, language="id"))
    assert seqeval_entities(conll_sentences(out)) == expected_entities([record])
    assert summary.spans == len(record.spans) == 8


@pytest.mark.parametrize("tokenizer", ["regex", "spacy"])
def test_seqeval_finds_entities_in_emoji_combining_crlf_and_markup(tmp_path, tokenizer):
    record = tricky_record()
    out = tmp_path / "tricky.conll"
    summary = write([record], out, WriteOptions(tokenizer=tokenizer))
    assert seqeval_entities(conll_sentences(out)) == expected_entities([record])
    assert summary.tokens_split >= 1  # 東京 inside 東京は大きい
    assert "\r" not in out.read_text(encoding="utf-8")


def test_spacy_convert_reads_our_file_into_the_same_entities(tmp_path):
    # `python -m spacy convert FILE.conll . -c ner` is how spaCy users take a CoNLL file to `spacy train`
    from spacy.training.converters import conll_ner_to_docs

    record = tricky_record()
    out = tmp_path / "tricky.conll"
    # spaCy takes only the exact line `-DOCSTART- -X- O O` as a document break
    write([record], out, WriteOptions(tokenizer="regex", document_ids=False))
    docs = list(conll_ner_to_docs(out.read_text(encoding="utf-8"), no_print=True))
    assert [(e.label_, squeezed(e.text)) for doc in docs for e in doc.ents] == expected_entities([record])
    assert "-DOCSTART-" not in [token.text for doc in docs for token in doc]


def test_written_file_shape(tmp_path):
    out = tmp_path / "two.conll"
    write([tricky_record(), nested_record()], out, WriteOptions(tokenizer="regex"))
    lines = out.read_text(encoding="utf-8").split("\n")
    assert lines[:3] == [f"-DOCSTART- id=7 hash={tricky_record().document.hash} O", "", "Di O"]
    assert lines.count(f"-DOCSTART- id=8 hash={nested_record().document.hash} O") == 1
    assert all(len(line.split(" ")) == 2 for line in lines if line and not line.startswith("-DOCSTART-"))


def test_nested_spans_are_dropped_and_counted(tmp_path):
    summary = write([nested_record()], tmp_path / "n.conll", WriteOptions(tokenizer="regex"))
    assert summary.spans == 3
    assert sum(summary.dropped.values()) == 3
    assert any("outermost" in line for line in summary.lines())


def test_idner_test_split_has_its_known_entities():
    records = list(read(FIXTURES / "idner-test.txt", ReadOptions()))
    labels = Counter(span.label for record in records for span in record.spans)
    assert labels == {"PER": 515, "ORG": 401, "LOC": 103}
    assert len(records) == 51  # no -DOCSTART-: ten sentences a document, like spacy convert -n 10
    for record in records:
        for span in record.spans:
            assert record.document.text[span.start:span.end] == span.text
    assert "\r" not in records[0].document.text


def test_nerp_valid_needs_and_counts_repairs():
    options = ReadOptions()
    records = list(read(FIXTURES / "nerp-valid.txt", options))
    assert sum(len(r.spans) for r in records) == 1765
    assert any("18 I- tag(s)" in warning for warning in options.warnings)


def test_idner_import_export_round_trip_seqeval(tmp_path):
    records = list(read(FIXTURES / "idner-test.txt", ReadOptions()))
    out = tmp_path / "again.conll"
    write(records, out, WriteOptions())
    assert seqeval_entities(conll_sentences(out)) == expected_entities(records)
    again = list(read(out, ReadOptions()))
    # The tokenizer splits tokens the file had glued ("Jokowi-JK", "(KPK)"),
    # so the rebuilt texts gain spaces; the entities are the same.
    assert [[(s.label, squeezed(s.text)) for s in r.spans] for r in again] == [
        [(s.label, squeezed(s.text)) for s in r.spans] for r in records]


def test_records_to_conll_and_back_keep_span_texts_and_labels(tmp_path):
    record = tricky_record()
    out = tmp_path / "t.conll"
    write([record], out, WriteOptions(tokenizer="regex"))
    [back] = read(out, ReadOptions(annotator="ana"))
    assert [(s.label, squeezed(s.text)) for s in back.spans] == expected_entities([record])
    assert all(back.document.text[s.start:s.end] == s.text for s in back.spans)
    assert {s.annotator for s in back.spans} == {"ana"}


def test_doccano_transformer_golden_file_has_our_entities(tmp_path):
    golden = conll_sentences(FIXTURES / "labeling_text_label.conll2003.user0")
    records = []
    for line in (FIXTURES / "labeling_text_label.jsonl").read_text(encoding="utf-8").splitlines():
        data = json.loads(line)
        text = data["text"]
        spans = [span_at(text, text[s:e], label) for s, e, label in data["labels"]]
        for span, (s, e, _) in zip(spans, data["labels"]):
            span.start, span.end = s, e
        records.append(AnnotatedDocument(Document(data["id"], "", text), spans))
    out = tmp_path / "ours.conll"
    write(records, out, WriteOptions(tokenizer="regex"))
    assert Counter(seqeval_entities(conll_sentences(out))) == Counter(seqeval_entities(golden))


def test_crlf_double_spaces_tabs_and_docstart_are_read(tmp_path):
    path = tmp_path / "mixed.conll"
    path.write_bytes(b"-DOCSTART- -X- O O\r\n\r\nJoko  NNP  B-PER\r\nWidodo\tNNP\tI-PER\r\n"
                     b"ke  O\r\n\r\nBandung B-LOC\r\n\r\n-DOCSTART- -X- O O\r\n\r\nAni B-PER\r\n")
    first, second = read(path, ReadOptions())
    assert first.document.text == "Joko Widodo ke\nBandung"
    assert [(s.start, s.end, s.label) for s in first.spans] == [(0, 11, "PER"), (15, 22, "LOC")]
    assert second.document.text == "Ani"


@pytest.mark.parametrize("content, line, words", [
    (b"Joko B-PER\nWidodo\n", 2, "token and a tag"),
    (b"Joko B-PER\n\nAni PERSON\n", 3, "'PERSON'"),
])
def test_malformed_lines_are_located(tmp_path, content, line, words):
    path = tmp_path / "bad.conll"
    path.write_bytes(content)
    with pytest.raises(FormatError, match=words) as caught:
        list(read(path, ReadOptions()))
    assert caught.value.line == line
    assert str(path) in str(caught.value)


def test_skip_bad_keeps_the_good_documents(tmp_path):
    path = tmp_path / "some-bad.conll"
    path.write_text("-DOCSTART- O\n\nAni B-PER\n\n-DOCSTART- O\n\nBudi\n\n-DOCSTART- O\n\nCici B-PER\n", encoding="utf-8")
    options = ReadOptions(skip_bad=True)
    records = list(read(path, options))
    assert [r.document.text for r in records] == ["Ani", "Cici"]
    assert len(options.skipped) == 1 and ":7:" in options.skipped[0]


@pytest.mark.parametrize("content, message", [(b"", "empty"), (b"\xff\xfe B-PER\n", "UTF-8")])
def test_empty_and_undecodable_files_are_refused(tmp_path, content, message):
    path = tmp_path / "x.conll"
    path.write_bytes(content)
    with pytest.raises(FormatError, match=message):
        list(read(path, ReadOptions()))


def test_failed_export_leaves_the_old_file(tmp_path):
    out = tmp_path / "old.conll"
    out.write_text("old", encoding="utf-8")
    broken = nested_record()
    broken.spans[0].label = None  # a bad record half way through
    with pytest.raises(TypeError):
        write([tricky_record(), broken], out, WriteOptions(tokenizer="regex"))
    assert out.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["old.conll"]


def test_registered_and_detected(tmp_path):
    assert get_format("conll").write is write
    path = tmp_path / "corpus.txt"
    path.write_bytes((FIXTURES / "idner-test.txt").read_bytes()[:2000])
    assert detect_format(path).name == "conll"


def test_empty_documents_are_skipped_and_counted(tmp_path):
    from annotator.formats.base import ReadOptions
    from annotator.formats.conll import read as read_conll

    path = tmp_path / "gaps.conll"
    path.write_text("-DOCSTART- -X- O O\n\nBudi B-PER\n\n-DOCSTART- -X- O O\n\n-DOCSTART- -X- O O\n\n"
                    "Ani B-PER\n\n-DOCSTART- -X- O O\n\n", encoding="utf-8")
    options = ReadOptions(annotator="ana")
    records = list(read_conll(path, options))
    assert [r.document.text for r in records] == ["Budi", "Ani"]
    assert options.warnings == [f"{path}: 2 empty document(s) (-DOCSTART- with no tokens) skipped"]
