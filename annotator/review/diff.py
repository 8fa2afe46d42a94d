"""Where annotators' layers on one document differ, and where they all agree.

`diff_document(record, annotators)` returns a `DocumentDiff`: the spans and
facts every compared annotator made identically, and a list of
`Difference`s ordered by position. Each difference holds, per annotator,
the version(s) that annotator has (an empty tuple when they have none), so a
review list can show one row per difference and settle it.

Spans that are not agreed are grouped so that each group holds at most one
span per annotator: overlapping spans pair up, preferring the same label,
then the same offsets, then the largest overlap. A group is then a
`label` difference (same offsets, different labels), a `boundary`
difference (overlapping, different offsets) or a `missing` one (the
annotators who have it agree; the others have nothing there). Facts are
grouped the same way by the text they sit on, giving `fact_label`,
`fact_args` (same type, different trigger, roles or fillers) and
`fact_missing`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from annotator.domain import AnnotatedDocument, Document, Span
from annotator.domain.layers import FactView, fact_views, span_key

SPAN_KINDS = ("label", "boundary", "missing")
FACT_KINDS = ("fact_label", "fact_args", "fact_missing")
KINDS = SPAN_KINDS + FACT_KINDS

KIND_DESCRIPTIONS = {
    "label": "same span, different label",
    "boundary": "overlapping spans with different boundaries",
    "missing": "a span only some annotators made",
    "fact_label": "facts of different types",
    "fact_args": "same fact type, different trigger, roles or arguments",
    "fact_missing": "a fact only some annotators made",
}

Version = Span | FactView


@dataclass(frozen=True, eq=False)
class Difference:
    """One place where the compared layers disagree.

    `id` is stable as long as the versions do not change, so a decision can
    name the difference it settled. `start`/`end` cover every version (code
    points). `versions` maps every compared annotator to the spans (for span
    kinds) or `FactView`s (for fact kinds) they have here; empty when none.
    """

    id: str
    kind: str
    start: int
    end: int
    versions: dict[str, tuple[Version, ...]]

    @property
    def is_fact(self) -> bool:
        return self.kind in FACT_KINDS

    def version(self, annotator: str) -> Version | None:
        found = self.versions.get(annotator, ())
        return found[0] if found else None

    @property
    def annotators_with(self) -> list[str]:
        return [name for name, found in self.versions.items() if found]

    @property
    def annotators_without(self) -> list[str]:
        return [name for name, found in self.versions.items() if not found]

    def describe(self, text: str) -> str:
        """One line for a list or the command line."""
        parts = []
        for name, found in self.versions.items():
            parts.append(f"{name}: " + (", ".join(_describe_version(v, text) for v in found) or "—"))
        return f"{self.kind} {self.start}-{self.end}: " + "; ".join(parts)


@dataclass
class DocumentDiff:
    document: Document
    annotators: list[str]
    differences: list[Difference] = field(default_factory=list)
    agreed_spans: list[Span] = field(default_factory=list)
    """One copy (the first annotator's) of each span every annotator made."""
    agreed_facts: list[FactView] = field(default_factory=list)
    """One copy of each fact every annotator made with the same trigger and arguments."""

    def by_id(self, difference_id: str) -> Difference | None:
        return next((d for d in self.differences if d.id == difference_id), None)


def diff_document(record: AnnotatedDocument, annotators: Sequence[str]) -> DocumentDiff:
    """Compare the layers of `annotators` (at least two) on one document."""
    names = list(dict.fromkeys(annotators))
    if len(names) < 2:
        raise ValueError("comparing layers needs at least two annotators")
    result = DocumentDiff(record.document, names)
    spans = {name: _unique([s for s in record.spans if s.annotator == name], span_key) for name in names}
    agreed_keys, residual_spans = _split_agreed(spans, span_key)
    result.agreed_spans = [s for s in spans[names[0]] if span_key(s) in agreed_keys]
    for group in _group(residual_spans, lambda s: (s.start, s.end), lambda s: s.label):
        result.differences.append(_difference(names, group, _span_kind(group), [(s.start, s.end) for _, s in group]))
    facts = {name: _unique(fact_views(record, name), lambda f: f.key) for name in names}
    agreed_fact_keys, residual_facts = _split_agreed(facts, lambda f: f.key)
    result.agreed_facts = [f for f in facts[names[0]] if f.key in agreed_fact_keys]
    for group in _group(residual_facts, lambda f: f.anchor, lambda f: f.label):
        anchors = [f.anchor or (0, 0) for _, f in group]
        result.differences.append(_difference(names, group, _fact_kind(group, len(names)), anchors))
    order = {kind: i for i, kind in enumerate(KINDS)}
    result.differences.sort(key=lambda d: (d.start, d.end, order[d.kind], d.id))
    return result


def differences(record: AnnotatedDocument, annotators: Sequence[str]) -> list[Difference]:
    return diff_document(record, annotators).differences


def remaining_differences(diff: DocumentDiff | Sequence[Difference], settled_ids: set[str]) -> list[Difference]:
    """The differences no decision has settled yet (by difference id)."""
    items = diff.differences if isinstance(diff, DocumentDiff) else diff
    return [d for d in items if d.id not in settled_ids]


# -- grouping -------------------------------------------------------------------

T = TypeVar("T")


def _unique(items: list[T], key: Callable[[T], object]) -> list[T]:
    # an annotator who made the same span twice still made it once for review
    seen: dict[object, T] = {}
    for item in items:
        seen.setdefault(key(item), item)
    return list(seen.values())


def _split_agreed(layers: dict[str, list[T]], key: Callable[[T], object]) -> tuple[set, list[tuple[str, T]]]:
    holders: dict[object, int] = {}
    for items in layers.values():
        for item in items:
            holders[key(item)] = holders.get(key(item), 0) + 1
    agreed = {k for k, n in holders.items() if n == len(layers)}
    residual = [(name, item) for name, items in layers.items() for item in items if key(item) not in agreed]
    return agreed, residual


def _group(
    items: list[tuple[str, T]],
    range_of: Callable[[T], tuple[int, int] | None],
    label_of: Callable[[T], str],
) -> list[list[tuple[str, T]]]:
    """Join overlapping items of different annotators into groups holding at
    most one item per annotator, best matches first."""
    edges = []
    for i, (name_i, item_i) in enumerate(items):
        range_i = range_of(item_i)
        if range_i is None:
            continue
        for j in range(i + 1, len(items)):
            name_j, item_j = items[j]
            range_j = range_of(item_j)
            if name_i == name_j or range_j is None:
                continue
            overlap = min(range_i[1], range_j[1]) - max(range_i[0], range_j[0])
            if overlap <= 0 and range_i != range_j:
                continue
            union = max(range_i[1], range_j[1]) - min(range_i[0], range_j[0])
            score = (label_of(item_i) == label_of(item_j), range_i == range_j, overlap / union if union else 1.0)
            edges.append((score, i, j))
    edges.sort(key=lambda e: (e[0], -e[1], -e[2]), reverse=True)
    parent = list(range(len(items)))
    members = {i: {items[i][0]} for i in range(len(items))}

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for _, i, j in edges:
        ri, rj = root(i), root(j)
        if ri == rj or members[ri] & members[rj]:
            continue
        parent[rj] = ri
        members[ri] |= members.pop(rj)
    groups: dict[int, list[tuple[str, T]]] = {}
    for i, item in enumerate(items):
        groups.setdefault(root(i), []).append(item)
    return list(groups.values())


def _span_kind(group: list[tuple[str, Span]]) -> str:
    spans = [s for _, s in group]
    if len({span_key(s) for s in spans}) == 1:
        return "missing"
    if len({(s.start, s.end) for s in spans}) == 1:
        return "label"
    return "boundary"


def _fact_kind(group: list[tuple[str, FactView]], compared: int) -> str:
    facts = [f for _, f in group]
    if len(facts) < compared and len({f.key for f in facts}) == 1:
        return "fact_missing"
    if len({f.label for f in facts}) > 1:
        return "fact_label"
    return "fact_args"


def _difference(names: list[str], group: list[tuple[str, Version]], kind: str, ranges) -> Difference:
    ranges = list(ranges)
    start, end = min(r[0] for r in ranges), max(r[1] for r in ranges)
    versions: dict[str, tuple[Version, ...]] = {name: () for name in names}
    for name, item in group:
        versions[name] = versions[name] + (item,)
    return Difference(_difference_id(kind, start, end, group), kind, start, end, versions)


def _difference_id(kind: str, start: int, end: int, group: list[tuple[str, Version]]) -> str:
    content = sorted(
        repr((name, span_key(item) if isinstance(item, Span) else item.key)) for name, item in group
    )
    digest = hashlib.sha1("\n".join(content).encode("utf-8")).hexdigest()[:10]
    return f"{kind}@{start}-{end}#{digest}"


def _describe_version(version: Version, text: str) -> str:
    if isinstance(version, Span):
        return f"{version.label} {text[version.start:version.end]!r}"
    trigger = f" {text[version.trigger.start:version.trigger.end]!r}" if version.trigger else ""
    args = ", ".join(
        f"{a.role}={text[a.span.start:a.span.end]!r}" if a.span is not None else f"{a.role}={a.target[1]}"
        for a in version.args
    )
    return f"{version.label}{trigger}" + (f" ({args})" if args else "")
