"""The parts a reviewer may build a gold fact from, and the schema's rules on it (no Qt)."""

from __future__ import annotations

from annotator.domain import Argument, AnnotatedDocument, Document, Fact, Span
from annotator.domain.layers import fact_views
from annotator.domain.schema import default_schema
from annotator.review.adjudication import FactSpec, FactTarget, SpanSpec
from annotator.review.diff import diff_document
from annotator.review.fact_editing import (
    fill_refusal,
    filler_choices,
    gold_trigger,
    spec_problems,
    starting_spec,
    trigger_choices,
)

TEXT = "Joko berkata di Bandung bahwa harga 👋🏽 naik."


def span(i, who, start, end, label):
    return Span(i, 1, who, start, end, label, TEXT[start:end])


def record():
    """ana: QUOTE on "berkata", speaker Joko; budi: QUOTE on "berkata di Bandung", topic Bandung."""
    spans = [span(1, "ana", 5, 12, "QUOTE"), span(2, "ana", 0, 4, "PERSON"),
             span(3, "budi", 5, 23, "QUOTE"), span(4, "budi", 16, 23, "LOCATION"),
             span(5, "gold", 0, 4, "PERSON"), span(6, "gold", 36, 40, "QUANTITY")]
    facts = [Fact(1, 1, "ana", "QUOTE", 1, [Argument("speaker", span_id=2)]),
             Fact(2, 1, "budi", "QUOTE", 3, [Argument("topic", span_id=4)])]
    return AnnotatedDocument(Document(1, "t", TEXT), spans, facts)


def test_choices_come_from_the_versions_then_gold():
    schema = default_schema()
    rec = record()
    [difference] = [d for d in diff_document(rec, ["ana", "budi"]).differences if d.is_fact]
    assert [(c.span.key, c.annotators) for c in trigger_choices(difference)] == [
        ((5, 12, "QUOTE"), ["ana"]), ((5, 23, "QUOTE"), ["budi"])]
    gold = [s for s in rec.spans if s.annotator == "gold"]
    choices = filler_choices(difference, gold, schema)
    assert [(c.filler.key, c.annotators, c.roles) for c in choices] == [
        ((0, 4, "PERSON"), ["ana"], {"speaker"}),  # gold's copy of Joko is the same filler
        ((16, 23, "LOCATION"), ["budi"], {"topic"}),
        ((36, 40, "QUANTITY"), [], set()),  # an entity in gold, offsets in code points past the emoji
    ]
    assert starting_spec(difference).key == ("QUOTE", (5, 12, "QUOTE"), (("speaker", ("span", 0, 4, "PERSON")),))


def test_gold_facts_with_a_trigger_are_offered_as_fillers():
    schema = default_schema()
    rec = record()
    rec.spans.append(span(7, "gold", 5, 12, "HAPPENING"))
    rec.facts += [Fact(3, 1, "gold", "HAPPENING", 7, []), Fact(4, 1, "gold", "MEMBER_OF", None, [])]
    [difference] = [d for d in diff_document(rec, ["ana", "budi"]).differences if d.is_fact]
    gold = [s for s in rec.spans if s.annotator == "gold"]
    choices = filler_choices(difference, gold, schema, fact_views(rec, "gold"))
    facts = [c.filler for c in choices if isinstance(c.filler, FactTarget)]
    # the relation has no trigger, so nothing in gold could tell it from another MEMBER_OF
    assert facts == [FactTarget("HAPPENING", (5, 12, "HAPPENING"))]
    assert fill_refusal(schema, "QUOTE", "topic", facts[0], 0) is None
    assert spec_problems(schema, FactSpec("QUOTE", SpanSpec(5, 12, "QUOTE"),
                                          (("speaker", SpanSpec(0, 4, "PERSON")), ("topic", facts[0])))) == []


def test_spec_problems_enforce_the_schema():
    schema = default_schema()
    joko, bandung = SpanSpec(0, 4, "PERSON"), SpanSpec(16, 23, "LOCATION")
    trigger = SpanSpec(5, 12, "QUOTE")
    assert spec_problems(schema, FactSpec("QUOTE", trigger, (("speaker", joko),))) == []
    assert spec_problems(schema, FactSpec("QUOTE", trigger, ())) == ["QUOTE needs its role 'speaker' filled"]
    assert spec_problems(schema, FactSpec("QUOTE", None, (("speaker", joko),))) == ["QUOTE needs a trigger span"]
    assert spec_problems(schema, FactSpec("QUOTE", trigger, (("speaker", bandung),))) == [
        "'speaker' takes PERSON, ORGANISATION, not LOCATION"]
    two = spec_problems(schema, FactSpec("QUOTE", trigger, (("speaker", joko), ("speaker", joko))))
    assert two == ["'speaker' is already filled"]
    assert spec_problems(schema, FactSpec("CLAIM", trigger, (("topic", FactTarget("QUOTE", (5, 12, "QUOTE"))),))) == []
    assert spec_problems(schema, FactSpec("MEMBER_OF", trigger, (("member", joko), ("group", bandung)))) == [
        "MEMBER_OF is a relation: it has no trigger span"]
    assert spec_problems(schema, FactSpec("PERSON", None)) == ["'PERSON' is not a fact label in the schema"]


def test_a_trigger_labelled_with_its_fact_follows_a_new_type():
    assert gold_trigger(SpanSpec(5, 12, "QUOTE"), "QUOTE", "CLAIM").key == (5, 12, "CLAIM")
    assert gold_trigger(SpanSpec(5, 12, "TRIGGER"), "QUOTE", "CLAIM").key == (5, 12, "TRIGGER")
