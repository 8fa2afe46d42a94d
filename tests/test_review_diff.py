"""Differences between layers on one document: kinds, grouping, ids, agreed spans, facts."""

from __future__ import annotations

import pytest

from annotator.domain import AnnotatedDocument, Argument, Document, Fact, Span
from annotator.review.diff import diff_document, remaining_differences

TEXT = "Presiden Rusia Vladimir Putin bertemu Kim Jong Un di Vladivostok 🇷🇺 e\u0301."


def at(phrase):
    start = TEXT.index(phrase)
    return start, start + len(phrase)


def span(annotator, phrase, label, span_id=None):
    start, end = at(phrase)
    return Span(span_id, 1, annotator, start, end, label, phrase)


def diff(*spans, facts=(), annotators=("a", "b")):
    return diff_document(AnnotatedDocument(Document(1, "t", TEXT), list(spans), list(facts)), annotators)


def kinds(result):
    return [(d.kind, TEXT[d.start:d.end]) for d in result.differences]


def test_identical_layers_have_no_differences():
    result = diff(span("a", "Kim Jong Un", "PERSON"), span("b", "Kim Jong Un", "PERSON"))
    assert result.differences == []
    assert [s.text for s in result.agreed_spans] == ["Kim Jong Un"]


def test_label_boundary_and_missing():
    result = diff(
        span("a", "Vladivostok", "LOCATION"), span("b", "Vladivostok", "ORGANISATION"),
        span("a", "Vladimir Putin", "PERSON"), span("b", "Presiden Rusia Vladimir Putin", "PERSON"),
        span("b", "Kim Jong Un", "PERSON"),
    )
    assert kinds(result) == [
        ("boundary", "Presiden Rusia Vladimir Putin"),
        ("missing", "Kim Jong Un"),
        ("label", "Vladivostok"),
    ]
    label = result.differences[2]
    assert label.version("a").label == "LOCATION" and label.version("b").label == "ORGANISATION"
    missing = result.differences[1]
    assert missing.annotators_with == ["b"] and missing.annotators_without == ["a"]


def test_nested_span_is_its_own_missing_difference():
    # a nests LOCATION "Rusia" inside the same PERSON b has: only the inner span differs
    result = diff(span("a", "Presiden Rusia Vladimir Putin", "PERSON"), span("a", "Rusia", "LOCATION"),
                  span("b", "Presiden Rusia Vladimir Putin", "PERSON"))
    assert kinds(result) == [("missing", "Rusia")]


def test_overlap_pairs_same_label_first():
    # b's PERSON pairs with a's PERSON (boundary); a's LOCATION is left missing
    result = diff(span("a", "Presiden Rusia Vladimir Putin", "PERSON"), span("a", "Rusia", "LOCATION"),
                  span("b", "Rusia Vladimir Putin", "PERSON"))
    assert kinds(result) == [("boundary", "Presiden Rusia Vladimir Putin"), ("missing", "Rusia")]


def test_three_annotators_and_partial_agreement():
    result = diff(span("a", "Kim Jong Un", "PERSON"), span("b", "Kim Jong Un", "PERSON"),
                  span("c", "Kim Jong Un", "LOCATION"), annotators=("a", "b", "c"))
    [d] = result.differences
    assert d.kind == "label"
    assert {name: v[0].label for name, v in d.versions.items()} == {"a": "PERSON", "b": "PERSON", "c": "LOCATION"}
    only_two = diff(span("a", "Kim Jong Un", "PERSON"), span("b", "Kim Jong Un", "PERSON"),
                    annotators=("a", "b", "c"))
    assert kinds(only_two) == [("missing", "Kim Jong Un")]


def test_offsets_are_code_points_past_emoji_and_marks():
    result = diff(span("a", "e\u0301", "PERSON"), span("b", "🇷🇺", "LOCATION"))
    assert [TEXT[d.start:d.end] for d in result.differences] == ["🇷🇺", "e\u0301"]


def test_ids_are_stable_and_track_content():
    first = diff(span("a", "Kim Jong Un", "PERSON", 1), span("b", "Kim Jong Un", "LOCATION", 2))
    again = diff(span("a", "Kim Jong Un", "PERSON", 7), span("b", "Kim Jong Un", "LOCATION", 9))
    changed = diff(span("a", "Kim Jong Un", "PERSON"), span("b", "Kim Jong Un", "EVENT"))
    assert first.differences[0].id == again.differences[0].id
    assert first.differences[0].id != changed.differences[0].id
    assert remaining_differences(first, {first.differences[0].id}) == []


def test_needs_two_annotators():
    with pytest.raises(ValueError):
        diff(annotators=("a",))


def quote(annotator, speaker_phrase, label="QUOTE", base=0):
    trigger = span(annotator, "bertemu", label, base + 1)
    speaker = span(annotator, speaker_phrase, "PERSON", base + 2)
    fact = Fact(base + 3, 1, annotator, label, trigger.id, [Argument("speaker", span_id=speaker.id)])
    return [trigger, speaker], fact


def test_fact_kinds():
    spans_a, fact_a = quote("a", "Vladimir Putin")
    spans_b, fact_b = quote("b", "Kim Jong Un", base=10)
    result = diff(*spans_a, *spans_b, facts=[fact_a, fact_b])
    fact_diffs = [d for d in result.differences if d.is_fact]
    assert [d.kind for d in fact_diffs] == ["fact_args"]
    assert fact_diffs[0].version("b").args[0].span.text == "Kim Jong Un"

    spans_b, fact_b = quote("b", "Vladimir Putin", label="HAPPENING", base=10)
    result = diff(*spans_a, *spans_b, facts=[fact_a, fact_b])
    assert [d.kind for d in result.differences if d.is_fact] == ["fact_label"]

    result = diff(*spans_a, facts=[fact_a])
    assert [d.kind for d in result.differences if d.is_fact] == ["fact_missing"]

    spans_b, fact_b = quote("b", "Vladimir Putin", base=10)
    result = diff(*spans_a, *spans_b, facts=[fact_a, fact_b])
    assert result.differences == [] and [f.label for f in result.agreed_facts] == ["QUOTE"]
