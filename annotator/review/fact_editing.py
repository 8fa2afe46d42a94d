"""What a reviewer may build by hand when annotators' facts differ.

A fact difference is edited into gold from the parts the annotators gave:
the trigger is one of the versions' trigger spans, and each role is filled
from the versions' fillers (or from entity spans and facts already in gold). This
module lists those parts for a `Difference`, gives the version to start
from, and says what is wrong with a `FactSpec` against the schema, so the
editor in the window (and anything else) enforces the same rules.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from annotator.domain import Schema, Span
from annotator.domain.layers import FactView, span_key
from annotator.domain.validation import can_fill
from annotator.review.adjudication import FactSpec, FactTarget, SpanSpec
from annotator.review.diff import Difference

Filler = SpanSpec | FactTarget


def filler_key(filler: Filler) -> tuple:
    if isinstance(filler, SpanSpec):
        return ("span", *filler.key)
    return ("fact", filler.label, filler.trigger)


def filler_label(filler: Filler) -> str:
    return filler.label


@dataclass
class TriggerChoice:
    """A trigger some annotators gave: its span (as that annotator made it) and who."""

    span: SpanSpec
    annotators: list[str] = field(default_factory=list)


@dataclass
class FillerChoice:
    """A possible filler, and who used it (empty: it comes from gold)."""

    filler: Filler
    annotators: list[str] = field(default_factory=list)
    roles: set[str] = field(default_factory=set)
    """The roles the annotators put it in."""


def fact_versions(difference: Difference) -> list[tuple[str, FactView]]:
    return [(name, v) for name, versions in difference.versions.items() for v in versions
            if isinstance(v, FactView)]


def trigger_choices(difference: Difference) -> list[TriggerChoice]:
    """The distinct trigger spans (by offsets) of the versions, in annotator order."""
    choices: dict[tuple[int, int], TriggerChoice] = {}
    for name, view in fact_versions(difference):
        if view.trigger is None:
            continue
        choice = choices.setdefault((view.trigger.start, view.trigger.end), TriggerChoice(SpanSpec.of(view.trigger)))
        choice.annotators.append(name)
    return list(choices.values())


def filler_choices(difference: Difference, gold_spans: Iterable[Span], schema: Schema,
                   gold_facts: Iterable[FactView] = ()) -> list[FillerChoice]:
    """The versions' fillers first (annotator order), then gold's entity spans by
    position, then gold's facts with a trigger by position (a fact with no
    trigger cannot be named apart from others of its type, see `FactTarget`)."""
    choices: dict[tuple, FillerChoice] = {}
    for name, view in fact_versions(difference):
        for arg in view.args:
            filler: Filler = (SpanSpec.of(arg.span) if arg.span is not None
                              else FactTarget(arg.target[1], arg.target[2]))
            choice = choices.setdefault(filler_key(filler), FillerChoice(filler))
            if name not in choice.annotators:
                choice.annotators.append(name)
            choice.roles.add(arg.role)
    entities = {label.name for label in schema.entity_labels}
    for span in sorted(gold_spans, key=lambda s: (s.start, s.end, s.label)):
        if span.label in entities:
            choices.setdefault(filler_key(SpanSpec.of(span)), FillerChoice(SpanSpec.of(span)))
    for view in sorted((v for v in gold_facts if v.trigger is not None),
                       key=lambda v: (v.trigger.start, v.trigger.end, v.label)):  # type: ignore[union-attr]
        target = FactTarget(view.label, span_key(view.trigger))  # type: ignore[arg-type]
        choices.setdefault(filler_key(target), FillerChoice(target))
    return list(choices.values())


def starting_spec(difference: Difference) -> FactSpec | None:
    """The first annotator's version, as the editor's starting point."""
    versions = fact_versions(difference)
    return FactSpec.of(versions[0][1]) if versions else None


def gold_trigger(trigger: SpanSpec, version_label: str, label: str) -> SpanSpec:
    """The trigger span as gold should have it for a fact of type `label`: a
    span labelled with its fact's type follows the type; any other keeps its label."""
    return replace(trigger, label=label) if trigger.label == version_label else trigger


def fill_refusal(schema: Schema, label: str, role: str, filler: Filler, current: int) -> str | None:
    """Why `filler` may not go into `role` as its `current + 1`-th filler (None when it may)."""
    return can_fill(schema, label, role, filler_label(filler), current)


def spec_problems(schema: Schema, spec: FactSpec) -> list[str]:
    """Every way `spec` breaks the schema, as sentences; empty when gold may have it."""
    label = schema.label(spec.label)
    if label is None or label.kind != "fact":
        return [f"{spec.label!r} is not a fact label in the schema"]
    problems = []
    if label.trigger and spec.trigger is None:
        problems.append(f"{spec.label} needs a trigger span")
    if not label.trigger and spec.trigger is not None:
        problems.append(f"{spec.label} is a relation: it has no trigger span")
    counts: Counter = Counter()
    for role, filler in spec.args:
        refusal = fill_refusal(schema, spec.label, role, filler, counts[role])
        if refusal is not None:
            problems.append(refusal)
        counts[role] += 1
    for role in label.roles:
        if role.required and counts[role.name] == 0:
            problems.append(f"{spec.label} needs its role {role.name!r} filled")
    return problems
