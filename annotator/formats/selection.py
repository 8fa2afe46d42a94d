"""Choosing what goes out: layers, document statuses, labels, and a
reproducible train/dev/test split. Pure functions over AnnotatedDocuments."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from annotator.domain import AnnotatedDocument, Argument, LabelledDocument

SPLIT_NAMES = {1: ("all",), 2: ("train", "test"), 3: ("train", "dev", "test")}


@dataclass
class Selection:
    annotators: list[str] | None = None
    """Layers to export (the gold layer is one of them); None means every layer."""
    statuses: list[str] | None = None
    """Keep only layers whose status for the document is one of these."""
    labels: list[str] | None = None
    """Keep only spans and facts with these labels (and the spans the kept facts need)."""
    dropped: Counter = field(default_factory=Counter)
    """Reason -> count of what the selection left out."""
    one_layer: bool = False
    """Each document gives only the first of `annotators` it has (with a chosen
    status): gold where a document has it, else an annotator's layer."""


NO_LAYER = "documents with no layer of the chosen status"


def _first_layer(selection: Selection, present: set[str], status_of) -> str | None:
    """`one_layer`: the first chosen layer the document has with a chosen status;
    None (counted as left out) when it has none. With any status, a document
    none of the layers has touched goes out as the last layer's, empty."""
    names = selection.annotators or []
    for name in names:
        if name in present and (selection.statuses is None or status_of(name) in selection.statuses):
            return name
    if selection.statuses is None and names:
        return names[-1]
    selection.dropped[NO_LAYER] += 1
    return None


def layer_status(record: AnnotatedDocument, annotator: str) -> str:
    """A layer's status, as the document list shows it when none was set."""
    if annotator in record.status:
        return record.status[annotator]
    has_work = any(s.annotator == annotator for s in record.spans)
    return "in_progress" if has_work else "todo"


def select(records: Iterable[AnnotatedDocument], selection: Selection) -> Iterator[AnnotatedDocument]:
    """The records restricted to the chosen layers, statuses and labels.
    Documents left with no chosen layer are skipped when a status is asked for."""
    if selection.annotators is None and selection.statuses is None and selection.labels is None:
        yield from records
        return
    for record in records:
        if selection.one_layer:
            first = _first_layer(selection, {*record.annotators(), *record.status},
                                  lambda name: layer_status(record, name))
            if first is None:
                continue
            record = _only_layers(record, {first})
            if selection.labels is not None:
                record = _only_labels(record, set(selection.labels), selection.dropped)
            yield record
            continue
        layers = record.annotators() if selection.annotators is None else selection.annotators
        layers = sorted(set(layers) | ({*record.status} if selection.annotators is None else set()))
        if selection.statuses is not None:
            kept = [name for name in layers if layer_status(record, name) in selection.statuses]
            if not kept:
                selection.dropped[NO_LAYER] += 1
                continue
            layers = kept
        if selection.annotators is not None or selection.statuses is not None:
            record = _only_layers(record, set(layers))
        if selection.labels is not None:
            record = _only_labels(record, set(selection.labels), selection.dropped)
        yield record


def select_labelled(records: Iterable[LabelledDocument], selection: Selection) -> Iterator[LabelledDocument]:
    """`select` for the token formats' records. They carry no facts, so a label
    choice keeps exactly the spans of the chosen labels (no fact needs a trigger)."""
    if selection.statuses is None and selection.labels is None and not selection.one_layer:
        # the layers were chosen when the records were read
        yield from records
        return
    labels = None if selection.labels is None else set(selection.labels)
    for record in records:
        if selection.one_layer:
            layers = record.layers
            first = _first_layer(selection, {*layers, *record.status, *record.facts},
                                  lambda name: record.status.get(name, "in_progress" if name in layers else "todo"))
            if first is None:
                continue
            # a record read for that one layer (the usual case) goes out as it is, uncopied
            if not (layers.keys() <= {first} and record.status.keys() <= {first} and record.facts.keys() <= {first}):
                record = LabelledDocument(
                    record.document, {k: v for k, v in record.layers.items() if k == first},
                    {k: v for k, v in record.status.items() if k == first},
                    {k: v for k, v in record.facts.items() if k == first}, record.tokens)
        elif selection.statuses is not None:
            layers = record.annotators() if selection.annotators is None else selection.annotators
            if selection.annotators is None:
                layers = sorted({*layers, *record.status})
            kept = {name for name in layers
                    if record.status.get(name, "in_progress" if name in record.layers else "todo")
                    in selection.statuses}
            if not kept:
                selection.dropped[NO_LAYER] += 1
                continue
            record = LabelledDocument(
                record.document, {k: v for k, v in record.layers.items() if k in kept},
                {k: v for k, v in record.status.items() if k in kept},
                {k: v for k, v in record.facts.items() if k in kept}, record.tokens)
        if labels is not None:
            chosen = {name: [entry for entry in entries if entry[2] in labels]
                      for name, entries in record.layers.items()}
            selection.dropped["spans of other labels"] += (
                sum(map(len, record.layers.values())) - sum(map(len, chosen.values())))
            record = LabelledDocument(record.document, {k: v for k, v in chosen.items() if v},
                                      record.status, record.facts, record.tokens)
        yield record


def _only_layers(record: AnnotatedDocument, layers: set[str]) -> AnnotatedDocument:
    return AnnotatedDocument(
        record.document,
        [s for s in record.spans if s.annotator in layers],
        [f for f in record.facts if f.annotator in layers],
        {k: v for k, v in record.status.items() if k in layers},
        tokens=record.tokens,
        notes={k: v for k, v in record.notes.items() if k in layers},
    )


def _only_labels(record: AnnotatedDocument, labels: set[str], dropped: Counter) -> AnnotatedDocument:
    facts = [f for f in record.facts if f.label in labels]
    dropped["facts of other labels"] += len(record.facts) - len(facts)
    needed = {f.span_id for f in facts if f.span_id is not None}
    spans = [s for s in record.spans if s.label in labels or s.id in needed]
    dropped["spans of other labels"] += len(record.spans) - len(spans)
    span_ids = {s.id for s in spans}
    fact_ids = {f.id for f in facts}
    kept_facts = []
    for fact in facts:
        args = [a for a in fact.args if _kept(a, span_ids, fact_ids)]
        dropped["arguments filled by annotations of other labels"] += len(fact.args) - len(args)
        kept_facts.append(fact.with_(args=args))
    return AnnotatedDocument(record.document, spans, kept_facts, dict(record.status), tokens=record.tokens, notes=dict(record.notes))


def _kept(arg: Argument, span_ids: set, fact_ids: set) -> bool:
    return arg.span_id in span_ids if arg.span_id is not None else arg.fact_id in fact_ids


def parse_ratios(text: str) -> list[float]:
    """"0.8,0.1,0.1" -> [0.8, 0.1, 0.1]; ratios are normalised to sum to one."""
    try:
        ratios = [float(part) for part in text.split(",")]
    except ValueError:
        raise ValueError(f"cannot read the split {text!r}; write it like 0.8,0.1,0.1") from None
    if not 1 <= len(ratios) <= 3 or any(r < 0 for r in ratios) or sum(ratios) <= 0:
        raise ValueError(f"a split is one to three ratios that are not negative, not {text!r}")
    total = sum(ratios)
    return [r / total for r in ratios]


Record = TypeVar("Record", AnnotatedDocument, LabelledDocument)


def split(records: Sequence[Record], ratios: Sequence[float], seed: int) -> dict[str, list[Record]]:
    """Records shared out by ratio. The same texts, ratios and seed give the same
    split in any database: order comes from the text's hash, not database ids."""
    names = SPLIT_NAMES[len(ratios)]
    ordered = sorted(records, key=lambda r: r.document.hash)
    random.Random(seed).shuffle(ordered)
    parts: dict[str, list[Record]] = {}
    start, cumulative = 0, 0.0
    for i, (name, ratio) in enumerate(zip(names, ratios)):
        cumulative += ratio
        end = len(ordered) if i == len(names) - 1 else round(cumulative * len(ordered))
        parts[name] = ordered[start:end]
        start = end
    return parts
