"""Tokenisation and IOB tagging shared by the token formats."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from token_examples import TRICKY_TEXT, nested_record, span_at, squeezed, tricky_record

from annotator.domain import AnnotatedDocument, Document, LabelledDocument, Span
from annotator.domain.spans import trim
from annotator.formats.base import WriteOptions, WriteSummary
from annotator.formats.iob import choose_entities, entities_from_tags, iob2_tags, tag_examples
from annotator.formats.tokens import resolve_tokenizer, sentence_bounds, tokenize

TOKENIZERS = ["regex", "spacy"]


@pytest.mark.parametrize("tokenizer", TOKENIZERS)
def test_tokens_never_hold_white_space_and_keep_clusters_whole(tokenizer):
    words = tokenize(TRICKY_TEXT, (), tokenizer, "id").words()
    assert all(w and not any(ch.isspace() for ch in w) for w in words)
    assert "Cafe\u0301" in words  # the combining accent stays on its letter
    assert "👨‍👩‍👧" in words and "🇮🇩" in words
    assert any(w.startswith("👍🏽") for w in words)  # spaCy keeps the full stop on it


@pytest.mark.parametrize("tokenizer", TOKENIZERS)
def test_tokens_are_offsets_into_the_text(tokenizer):
    tokens = tokenize(TRICKY_TEXT, (), tokenizer, "id")
    assert tokens.words() == [TRICKY_TEXT[s:e] for s, e in zip(tokens.starts, tokens.ends)]
    assert tokens.starts == sorted(tokens.starts)


@pytest.mark.parametrize("tokenizer", TOKENIZERS)
def test_tokens_split_where_a_span_starts_or_ends_inside_one(tokenizer):
    text = "Lahir di <b>Bandung</b>, Glycerin, dan Jakarta."
    inner = span_at(text, "andun", "X")
    plain = tokenize(text, (), tokenizer)
    split = tokenize(text, (inner.start, inner.end), tokenizer)
    assert split.split == 2
    assert len(split) == len(plain) + 2
    first, last = split.index_range(inner.start, inner.end)
    assert split.words()[first:last] == ["andun"]


def test_spacy_tokens_glued_to_markup_are_split_at_span_edges():
    text = "di <b>Bandung</b>."
    span = span_at(text, "Bandung", "LOCATION")
    tokens = tokenize(text, (span.start, span.end), "spacy", "id")
    first, last = tokens.index_range(span.start, span.end)
    assert tokens.words()[first:last] == ["Bandung"]


def test_unknown_language_falls_back_to_the_multilingual_tokenizer():
    assert tokenize("Halo dunia.", (), "spacy", "no-such-language").words() == ["Halo", "dunia", "."]


def test_auto_is_spacy_when_installed():
    assert resolve_tokenizer("auto") == "spacy"
    with pytest.raises(ValueError):
        resolve_tokenizer("whitespace")


def test_sentences_end_at_line_breaks_and_full_stops_but_never_inside_a_span():
    text = "Dr. Ani datang.\nIa pergi! Lalu"
    tokens = tokenize(text)
    words = tokens.words()
    free = [[words[i] for i in range(a, b)] for a, b in sentence_bounds(tokens, words)]
    assert free == [["Dr", "."], ["Ani", "datang", "."], ["Ia", "pergi", "!"], ["Lalu"]]
    span = span_at(text, "Dr. Ani", "PERSON")
    held = sentence_bounds(tokens, words, [tokens.index_range(span.start, span.end)])
    assert [[words[i] for i in range(a, b)] for a, b in held][0] == ["Dr", ".", "Ani", "datang", "."]


def test_outermost_policy_keeps_the_outer_span_and_counts_the_rest():
    ranges = [(0, 3, "ROLE", 1), (1, 3, "LOC", 2), (3, 5, "PER", 3), (3, 5, "PER", 4), (2, 4, "X", 5)]
    kept, dropped = choose_entities(ranges, "outermost")
    assert kept == [(0, 3, "ROLE"), (3, 5, "PER")]
    assert sum(dropped.values()) == 3
    assert dropped["duplicate span(s)"] == 1


@pytest.mark.parametrize("policy, expected", [
    ("innermost", [(1, 3, "LOC"), (4, 5, "PER")]),
    ("longest", [(0, 4, "ROLE"), (4, 5, "PER")]),
    ("first", [(0, 4, "ROLE"), (4, 5, "PER")]),
])
def test_other_nested_policies(policy, expected):
    # in reading order; the last number says when each was made (ROLE first)
    kept, dropped = choose_entities([(0, 4, "ROLE", 7), (1, 3, "LOC", 8), (4, 5, "PER", 9)], policy)
    assert kept == expected
    assert sum(dropped.values()) == 3 - len(expected)


def test_tagging_reports_dropped_spans_and_splits():
    summary = WriteSummary()
    [tagged] = tag_examples(map(LabelledDocument.of, [nested_record()]), WriteOptions(tokenizer="regex"), summary)
    assert tagged.tags == ["B-ROLE", "I-ROLE", "I-ROLE", "B-PERSON", "I-PERSON", "O", "O", "B-LOCATION", "O"]
    assert summary.spans == 3
    assert summary.dropped["duplicate span(s)"] == 1
    assert sum(summary.dropped.values()) == 3


def test_several_annotators_give_one_example_each_and_say_so():
    summary = WriteSummary()
    ana, budi = tricky_record("ana"), tricky_record("budi")
    both = ana.__class__(ana.document, ana.spans + budi.spans)
    examples = list(tag_examples(map(LabelledDocument.of, [both]), WriteOptions(tokenizer="regex"), summary))
    assert [e.example.annotator for e in examples] == ["ana", "budi"]
    assert summary.documents == 1 and summary.spans == 2 * len(ana.spans)
    assert any("one example per document and annotator" in line for line in summary.lines())


def test_fact_label_spans_are_left_out_when_the_schema_is_known():
    from annotator.domain.schema import default_schema

    record = nested_record()
    record.spans.append(span_at(record.document.text, record.document.text, "QUOTE"))
    summary = WriteSummary()
    options = WriteOptions(tokenizer="regex", schema=default_schema())
    [tagged] = tag_examples(map(LabelledDocument.of, [record]), options, summary)
    assert "B-QUOTE" not in tagged.tags
    assert any("fact labels" in reason for reason in summary.dropped)


def test_iob2_tags_round_trip_through_entities():
    tags = iob2_tags(6, [(0, 2, "A"), (2, 3, "A"), (4, 6, "B-C")])
    assert tags == ["B-A", "I-A", "B-A", "O", "B-B-C", "I-B-C"]
    assert entities_from_tags(tags).found == [(0, 2, "A"), (2, 3, "A"), (4, 6, "B-C")]


def test_stray_inside_tags_start_an_entity_like_seqeval():
    from seqeval.metrics.sequence_labeling import get_entities

    tags = ["O", "I-PER", "I-PER", "B-LOC", "I-ORG", "O", "S-LOC", "B-X", "E-X"]
    read = entities_from_tags(tags)
    assert read.repairs == 2
    assert [(label, a, b - 1) for a, b, label in read.found] == get_entities(tags)


def test_bad_tag_is_refused():
    with pytest.raises(ValueError, match="'PER'"):
        entities_from_tags(["O", "PER"])


ALPHABET = ["a", "Z", "é", "e\u0301", "東", "👍🏽", "👨‍👩‍👧", "🇮🇩", " ", "  ", "\r\n", "\n", ".", ",", "<b>", "-", "'", "7"]


@st.composite
def texts_with_spans(draw):
    text = "".join(draw(st.lists(st.sampled_from(ALPHABET), min_size=1, max_size=40)))
    cuts = sorted(set(draw(st.lists(st.integers(0, len(text)), max_size=12))))
    spans = []
    for start, end in zip(cuts[::2], cuts[1::2]):
        start, end = trim(text, start, end)
        piece = text[start:end]
        if piece and not piece.isspace():
            spans.append(Span(None, 1, "ana", start, end, draw(st.sampled_from(["PER", "LOC"])), piece))
    return AnnotatedDocument(Document(1, "h", text), spans)


@settings(max_examples=150, deadline=None)
@given(record=texts_with_spans(), tokenizer=st.sampled_from(["regex", "spacy"]))
def test_no_span_is_lost_or_shifted_whatever_the_text(record, tokenizer):
    """seqeval finds exactly the (non-overlapping) spans, on any text and any cut."""
    from seqeval.metrics.sequence_labeling import get_entities

    summary = WriteSummary()
    [tagged] = tag_examples(map(LabelledDocument.of, [record]), WriteOptions(tokenizer=tokenizer), summary)
    found = []
    for words, tags in tagged.sentence_rows():
        found += [(label, "".join(words[a:b + 1])) for label, a, b in get_entities(tags)]
    assert found == [(s.label, squeezed(s.text)) for s in record.spans]
    assert not summary.dropped
