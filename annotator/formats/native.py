"""annotator's own JSON lines: one document per line with every layer's spans,
facts (with their arguments), attributes, notes and statuses. Lossless."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from annotator.domain import STATUSES, AnnotatedDocument, Argument, Document, Fact
from annotator.formats.base import Format, ReadOptions, WriteOptions, WriteSummary, atomic_output, register
from annotator.formats.reading import checked_span, convert_each, first_json_value, json_records, text_and_meta


def record_as_json(record: AnnotatedDocument) -> dict[str, Any]:
    doc = record.document
    return {
        "id": doc.id,
        "title": doc.title,
        "text": doc.text,
        "meta": doc.meta,
        "spans": [
            {"id": s.id, "start": s.start, "end": s.end, "label": s.label, "text": s.text,
             "annotator": s.annotator, "attributes": s.attributes, "note": s.note}
            for s in record.spans
        ],
        "facts": [
            {"id": f.id, "label": f.label, "span": f.span_id, "annotator": f.annotator,
             "args": [{"role": a.role, "span": a.span_id} if a.span_id is not None
                      else {"role": a.role, "fact": a.fact_id} for a in f.args],
             "attributes": f.attributes, "note": f.note}
            for f in record.facts
        ],
        "status": record.status,
    }


def record_from_json(data: dict[str, Any], default_annotator: str) -> AnnotatedDocument:
    text, meta = text_and_meta(data)
    document = Document(None, str(data.get("title") or ""), text, meta)
    spans = []
    for n, raw in enumerate(data.get("spans") or [], 1):
        span_id = raw.get("id", -n)
        spans.append(checked_span(
            text, raw["start"], raw["end"], raw["label"], raw.get("annotator") or default_annotator,
            span_id, raw.get("text"), attributes=dict(raw.get("attributes") or {}), note=raw.get("note") or "",
        ))
    span_ids = {s.id for s in spans}
    if len(span_ids) != len(spans):
        raise ValueError("two spans share an id")
    raw_facts = data.get("facts") or []
    fact_ids = {raw.get("id", -n) for n, raw in enumerate(raw_facts, 1)}
    facts = []
    for n, raw in enumerate(raw_facts, 1):
        fact_id = raw.get("id", -n)
        trigger = raw.get("span")
        if trigger is not None and trigger not in span_ids:
            raise ValueError(f"fact {fact_id} is stated by span {trigger}, which is not on this line")
        args = []
        for arg in raw.get("args") or []:
            if arg.get("span") is not None:
                if arg["span"] not in span_ids:
                    raise ValueError(f"fact {fact_id} role {arg['role']!r} points at span {arg['span']}, which is not on this line")
                args.append(Argument(arg["role"], span_id=arg["span"]))
            else:
                if arg.get("fact") not in fact_ids:
                    raise ValueError(f"fact {fact_id} role {arg['role']!r} points at fact {arg.get('fact')}, which is not on this line")
                args.append(Argument(arg["role"], fact_id=arg["fact"]))
        facts.append(Fact(fact_id, None, raw.get("annotator") or default_annotator, raw["label"], trigger, args,
                          dict(raw.get("attributes") or {}), raw.get("note") or ""))
    status = dict(data.get("status") or {})
    for annotator, value in status.items():
        if value not in STATUSES:
            raise ValueError(f"status {value!r} of {annotator!r} is not one of {', '.join(STATUSES)}")
    return AnnotatedDocument(document, spans, facts, status)


def read(path: Path, options: ReadOptions) -> Iterator[AnnotatedDocument]:
    items = json_records(path, options)
    yield from convert_each(path, options, items, lambda data: record_from_json(data, options.annotator))


def write(records: Iterable[AnnotatedDocument], path: Path, options: WriteOptions) -> WriteSummary:
    summary = WriteSummary(files=[Path(path)])
    with atomic_output(path) as out:
        for record in records:
            out.write(json.dumps(record_as_json(record), ensure_ascii=False))
            out.write("\n")
            summary.documents += 1
            summary.spans += len(record.spans)
            summary.facts += len(record.facts)
    return summary


NATIVE_KEYS = frozenset({"id", "title", "facts", "status"})
"""Keys of a native record that spaCy's `{"text", "spans", "meta"}` lines lack."""
NATIVE_SPAN_KEYS = frozenset({"id", "annotator", "attributes", "note"})


def looks_native(path: Path) -> bool:
    """A native record, not a spaCy JSONL one: it has keys only a native
    record has, at the top or in its spans."""
    data = first_json_value(path)
    if not isinstance(data, dict) or "text" not in data or not ("spans" in data or "facts" in data):
        return False
    spans = data.get("spans")
    return bool(NATIVE_KEYS & data.keys()) or (
        isinstance(spans, list) and any(isinstance(s, dict) and not NATIVE_SPAN_KEYS.isdisjoint(s) for s in spans))


register(Format(
    name="native", description="annotator JSON lines: every layer, lossless",
    read=read, write=write, extensions=(".jsonl", ".json", ".ndjson"), detect=looks_native,
))
