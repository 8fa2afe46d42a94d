"""Layers compared by what they say, across databases whose ids differ."""

from __future__ import annotations

import json
from pathlib import Path

from annotator.store import Store


def layer_content(store: Store, document_id: int, annotator: str) -> tuple:
    spans = {s.id: s for s in store.spans(document_id)}
    facts = store.facts(document_id, annotator)
    by_id = {f.id: f for f in store.facts(document_id)}

    def span_key(span_id):
        s = spans[span_id]
        return (s.start, s.end, s.label)

    def fact_key(fact):
        return (fact.label, None if fact.span_id is None else span_key(fact.span_id))

    return (
        store.status(document_id, annotator),
        sorted((s.start, s.end, s.label, json.dumps(s.attributes, sort_keys=True), s.note)
               for s in spans.values() if s.annotator == annotator),
        sorted((f.label, repr(None if f.span_id is None else span_key(f.span_id)),
                json.dumps(f.attributes, sort_keys=True), f.note,
                sorted((a.role, repr(span_key(a.span_id) if a.span_id else fact_key(by_id[a.fact_id])))
                       for a in f.args)) for f in facts),
    )


def layers_by_text(path: Path, annotators: list[str]) -> dict[tuple[str, str], tuple]:
    """(document hash, annotator) -> what the layer holds, for layers holding anything."""
    store = Store.open(path, create=False)
    try:
        found = {}
        for document_id in store.document_ids():
            digest = store.document(document_id).hash
            for annotator in annotators:
                content = layer_content(store, document_id, annotator)
                if content != ("todo", [], []):
                    found[(digest, annotator)] = content
        return found
    finally:
        store.close()
