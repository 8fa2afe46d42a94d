"""Checks of facts against the schema and of spans against their text."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

from annotator.domain.facts import Fact
from annotator.domain.schema import Schema
from annotator.domain.spans import Span


def fact_problems(
    fact: Fact, schema: Schema, spans: Mapping[int, Span], facts: Mapping[int, Fact]
) -> list[str]:
    """Every way `fact` breaks the schema, as sentences; empty when it is valid.

    `spans` and `facts` are the document's annotations by id, so that an
    argument pointing at something that no longer exists is reported.
    """
    problems: list[str] = []
    label = schema.label(fact.label)
    if label is None or label.kind != "fact":
        return [f"{fact.label!r} is not a fact label in the schema"]
    if label.trigger and fact.span_id is None:
        problems.append(f"{fact.label} has no text span stating it")
    if fact.span_id is not None and fact.span_id not in spans:
        problems.append(f"{fact.label} points at span {fact.span_id}, which no longer exists")
    counts = Counter(arg.role for arg in fact.args)
    for role in label.roles:
        n = counts.get(role.name, 0)
        if role.required and n == 0:
            problems.append(f"{fact.label} is missing its required role {role.name!r}")
        if role.max_fillers is not None and n > role.max_fillers:
            problems.append(f"{fact.label} role {role.name!r} takes one filler, has {n}")
    for arg in fact.args:
        role = label.role(arg.role)
        if role is None:
            problems.append(f"{fact.label} has no role {arg.role!r}")
            continue
        if arg.span_id is not None:
            target = spans.get(arg.span_id)
            if target is None:
                problems.append(f"{fact.label} role {arg.role!r} points at span {arg.span_id}, which no longer exists")
                continue
            target_label = target.label
        else:
            target_fact = facts.get(arg.fact_id)  # type: ignore[arg-type]
            if target_fact is None:
                problems.append(f"{fact.label} role {arg.role!r} points at fact {arg.fact_id}, which no longer exists")
                continue
            target_label = target_fact.label
        if role.allowed and target_label not in role.allowed:
            problems.append(
                f"{fact.label} role {arg.role!r} cannot be filled by {target_label} "
                f"(allowed: {', '.join(role.allowed)})"
            )
    for name, value in fact.attributes.items():
        problems.extend(_attribute_problem(schema, "fact", name, value))
    return problems


def can_fill(schema: Schema, fact_label: str, role_name: str, target_label: str, current: int) -> str | None:
    """Why `target_label` may not fill the role now (None when it may).

    `current` is how many fillers the role already has.
    """
    label = schema.label(fact_label)
    role = label.role(role_name) if label else None
    if role is None:
        return f"{fact_label} has no role {role_name!r}"
    if role.allowed and target_label not in role.allowed:
        return f"{role_name!r} takes {', '.join(role.allowed)}, not {target_label}"
    if role.max_fillers is not None and current >= role.max_fillers:
        return f"{role_name!r} is already filled"
    return None


def _attribute_problem(schema: Schema, kind: str, name: str, value: object) -> list[str]:
    attr = schema.attribute(name)
    if attr is None:
        return [f"attribute {name!r} is not in the schema"]
    if kind not in attr.applies_to:
        return [f"attribute {name!r} does not apply to {kind} annotations"]
    if not attr.accepts(value):
        return [f"attribute {name!r} cannot take the value {value!r}"]
    return []


def trigger_problems(span: Span, schema: Schema, states_a_fact: bool) -> list[str]:
    """A span with a fact label that is stated by text stands for its fact: one
    with no fact is the half of an edit that was not saved."""
    label = schema.label(span.label)
    if label is not None and label.kind == "fact" and label.trigger and not states_a_fact:
        return [f"a {span.label} span with no {span.label} fact stated by it"]
    return []


def span_problems(span: Span, text: str) -> list[str]:
    if not (0 <= span.start < span.end <= len(text)):
        return [f"offsets {span.start}-{span.end} are outside the text (length {len(text)})"]
    actual = text[span.start : span.end]
    if actual != span.text:
        return [f"covers {actual!r} but was made over {span.text!r}"]
    return []
