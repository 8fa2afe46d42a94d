import pytest

from annotator.domain import Argument, Fact, Label, Schema, SchemaError, Span
from annotator.domain.schema import default_schema
from annotator.domain.validation import can_fill, fact_problems


def test_default_schema_covers_news():
    schema = default_schema()
    entities = {label.name for label in schema.entity_labels}
    assert {"PERSON", "ORGANISATION", "LOCATION", "DATETIME", "MONEY", "QUANTITY", "EVENT"} <= entities
    facts = {label.name for label in schema.fact_labels}
    assert {"QUOTE", "HAPPENING", "FIGURE", "CLAIM"} <= facts
    assert all(label.description for label in schema.labels)


def test_hotkey_clash_is_refused():
    schema = Schema([Label("A", hotkey="a"), Label("B", hotkey="A")])
    with pytest.raises(SchemaError, match="hotkey"):
        schema.validate()


def test_duplicate_names_across_kinds_are_refused():
    with pytest.raises(SchemaError, match="twice"):
        Schema([Label("X"), Label("X", kind="fact")]).validate()


def test_fact_roles_are_checked():
    schema = default_schema()
    spans = {1: Span(1, 1, "a", 0, 5, "QUOTE", "x" * 5), 2: Span(2, 1, "a", 6, 9, "LOCATION", "abc"),
             3: Span(3, 1, "a", 10, 12, "PERSON", "ab")}
    quote = Fact(1, 1, "a", "QUOTE", 1, [Argument("speaker", 2)])
    problems = fact_problems(quote, schema, spans, {})
    assert any("cannot be filled by LOCATION" in p for p in problems)
    ok = Fact(1, 1, "a", "QUOTE", 1, [Argument("speaker", 3)])
    assert fact_problems(ok, schema, spans, {}) == []
    missing = Fact(1, 1, "a", "QUOTE", 1, [])
    assert fact_problems(missing, schema, spans, {}) == ["QUOTE is missing its required role 'speaker'"]
    twice = Fact(1, 1, "a", "QUOTE", 1, [Argument("speaker", 3), Argument("speaker", 3)])
    assert any("takes one filler" in p for p in fact_problems(twice, schema, spans, {}))
    gone = Fact(1, 1, "a", "QUOTE", 1, [Argument("speaker", 99)])
    assert any("no longer exists" in p for p in fact_problems(gone, schema, spans, {}))
    assert can_fill(schema, "QUOTE", "speaker", "PERSON", 0) is None
    assert can_fill(schema, "QUOTE", "speaker", "PERSON", 1) is not None
    assert can_fill(schema, "QUOTE", "speaker", "DATETIME", 0) is not None


def test_attribute_values_are_checked():
    schema = default_schema()
    spans = {1: Span(1, 1, "a", 0, 5, "HAPPENING", "x" * 5)}
    fact = Fact(1, 1, "a", "HAPPENING", 1, [], {"source_type": "rumour", "negated": True})
    assert fact_problems(fact, schema, spans, {}) == ["attribute 'source_type' cannot take the value 'rumour'"]
