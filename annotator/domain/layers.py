"""Annotators' layers reduced to keys that can be compared across layers.

Span and fact ids differ from layer to layer (and from database to
database), so review compares what an annotation *says*: a span is its
offsets and label; a fact is its label, its trigger span and the spans or
facts filling its roles.
"""

from __future__ import annotations

from dataclasses import dataclass

from annotator.domain import AnnotatedDocument, Fact, Span

SpanKey = tuple[int, int, str]
"""(start, end, label) of a span."""

ArgumentTarget = tuple
"""("span", start, end, label) or ("fact", label, trigger key or None)."""


def span_key(span: Span) -> SpanKey:
    return (span.start, span.end, span.label)


@dataclass(frozen=True, eq=False)
class ArgumentView:
    """One filled role of a fact, with its filler resolved inside the layer."""

    role: str
    span: Span | None
    fact: Fact | None
    target: ArgumentTarget


@dataclass(frozen=True, eq=False)
class FactView:
    """A fact with its trigger and fillers resolved, ready to compare and show."""

    fact: Fact
    trigger: Span | None
    args: tuple[ArgumentView, ...]

    @property
    def annotator(self) -> str:
        return self.fact.annotator

    @property
    def label(self) -> str:
        return self.fact.label

    @property
    def arg_targets(self) -> tuple[tuple[str, ArgumentTarget], ...]:
        return tuple(sorted((a.role, a.target) for a in self.args))

    @property
    def identity(self) -> tuple:
        """What makes two facts "the same fact": type and trigger span, or for a
        relation without trigger, type and arguments."""
        if self.trigger is not None:
            return (self.label, (self.trigger.start, self.trigger.end))
        return (self.label, None, self.arg_targets)

    @property
    def key(self) -> tuple:
        """Everything compared: two facts with equal keys agree completely."""
        trigger = None if self.trigger is None else span_key(self.trigger)
        return (self.label, trigger, self.arg_targets)

    @property
    def anchor(self) -> tuple[int, int] | None:
        """The stretch of text the fact sits on: its trigger, else its argument spans."""
        if self.trigger is not None:
            return (self.trigger.start, self.trigger.end)
        spans = [a.span for a in self.args if a.span is not None]
        if not spans:
            return None
        return (min(s.start for s in spans), max(s.end for s in spans))


def fact_views(record: AnnotatedDocument, annotator: str) -> list[FactView]:
    """The annotator's facts in `record`, with their spans looked up in the same layer."""
    spans = {s.id: s for s in record.spans if s.annotator == annotator}
    facts = {f.id: f for f in record.facts if f.annotator == annotator}

    def trigger_key(fact: Fact) -> SpanKey | None:
        span = spans.get(fact.span_id) if fact.span_id is not None else None
        return None if span is None else span_key(span)

    views = []
    for fact in facts.values():
        args = []
        for arg in fact.args:
            if arg.span_id is not None:
                span = spans.get(arg.span_id)
                if span is None:
                    continue
                args.append(ArgumentView(arg.role, span, None, ("span", *span_key(span))))
            else:
                target = facts.get(arg.fact_id)
                if target is None:
                    continue
                args.append(ArgumentView(arg.role, None, target, ("fact", target.label, trigger_key(target))))
        trigger = spans.get(fact.span_id) if fact.span_id is not None else None
        views.append(FactView(fact, trigger, tuple(args)))
    return views


def has_annotated(record: AnnotatedDocument, annotator: str) -> bool:
    """Whether the annotator worked on the document: they made an annotation, or
    set a status past "to do" (someone who finds nothing to label still counts)."""
    if record.status.get(annotator, "todo") != "todo":
        return True
    return any(s.annotator == annotator for s in record.spans) or any(
        f.annotator == annotator for f in record.facts
    )
