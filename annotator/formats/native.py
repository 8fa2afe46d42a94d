"""annotator's own JSON lines: one document per line with every layer's spans,
facts (with their arguments), attributes, notes and statuses, and the tokens
and sentences of a document imported from a token format. Lossless."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from annotator.domain import STATUSES, AnnotatedDocument, Argument, Document, Fact, SourceTokens, Span
from annotator.formats.base import Format, ReadOptions, WriteOptions, WriteSummary, atomic_output, register
from annotator.formats.reading import (
    an_id, an_object, checked_span, convert_each, first_json_value, json_records, list_of_objects, text_and_meta,
)


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
        **({"tokens": {"starts": record.tokens.starts, "ends": record.tokens.ends,
                       "sentence_starts": record.tokens.sentence_starts}} if record.tokens is not None else {}),
        # only when there are some: files written before document notes stay byte for byte as they were
        **({"notes": record.notes} if record.notes else {}),
    }


def _tokens(value: Any, text: str) -> SourceTokens | None:
    """The tokens and sentences a record came with from a token format, checked against its text."""
    if value is None:
        return None
    raw = an_object(value, "tokens")
    lists = [raw.get(key) for key in ("starts", "ends", "sentence_starts")]
    if not all(isinstance(numbers, list) and all(type(n) is int for n in numbers) for numbers in lists):
        raise ValueError("tokens must hold lists of whole numbers: starts, ends and sentence_starts")
    tokens = SourceTokens(*lists)
    if len(tokens.starts) != len(tokens.ends) or not tokens.fit(text):
        raise ValueError("tokens do not fit the text (starts and ends in order, inside it)")
    if tokens.sentence_starts != sorted(set(tokens.sentence_starts)) or any(
            not 0 <= n < len(tokens) for n in tokens.sentence_starts):
        raise ValueError("sentence_starts must be token numbers in increasing order")
    return tokens


def record_from_json(data: dict[str, Any], default_annotator: str) -> AnnotatedDocument:
    text, meta = text_and_meta(data)
    document = Document(None, str(data.get("title") or ""), text, meta)
    spans = _spans(text, list_of_objects(data.get("spans"), "spans"), default_annotator)
    span_ids = {s.id for s in spans}
    if len(span_ids) != len(spans):
        raise ValueError("two spans share an id")
    raw_facts = list_of_objects(data.get("facts"), "facts")
    fact_ids = {an_id(raw.get("id", -n), "fact id") for n, raw in enumerate(raw_facts, 1)}
    facts = []
    for n, raw in enumerate(raw_facts, 1):
        fact_id = raw.get("id", -n)
        trigger = raw.get("span")
        if trigger is not None:
            an_id(trigger, f"fact {fact_id}'s span")
        if trigger is not None and trigger not in span_ids:
            raise ValueError(f"fact {fact_id} is stated by span {trigger!r}, which is not on this line")
        args = []
        for arg in list_of_objects(raw.get("args"), "args"):
            role = arg.get("role")
            if not isinstance(role, str) or not role:
                raise ValueError(f"fact {fact_id} has an argument without a role name")
            if arg.get("span") is not None:
                if an_id(arg["span"], f"fact {fact_id} role {role!r} span") not in span_ids:
                    raise ValueError(f"fact {fact_id} role {role!r} points at span {arg['span']!r}, which is not on this line")
                args.append(Argument(role, span_id=arg["span"]))
            else:
                if arg.get("fact") is None or an_id(arg["fact"], f"fact {fact_id} role {role!r} fact") not in fact_ids:
                    raise ValueError(f"fact {fact_id} role {role!r} points at fact {arg.get('fact')!r}, which is not on this line")
                args.append(Argument(role, fact_id=arg["fact"]))
        label = raw["label"]
        if not isinstance(label, str) or not label.strip():
            raise ValueError(f"fact {fact_id} has no label")
        facts.append(Fact(fact_id, None, _name(raw.get("annotator"), default_annotator), label, trigger, args,
                          dict(an_object(raw.get("attributes"), "attributes")), _note(raw.get("note"))))
    status = dict(an_object(data.get("status"), "status"))
    for annotator, value in status.items():
        if not isinstance(value, str) or value not in STATUSES:
            raise ValueError(f"status {value!r} of {annotator!r} is not one of {', '.join(STATUSES)}")
    notes = dict(an_object(data.get("notes"), "notes"))
    for annotator, note in notes.items():
        if not isinstance(note, str):
            raise ValueError(f"note {note!r} of {annotator!r} on the document must be text")
    return AnnotatedDocument(document, spans, facts, status, tokens=_tokens(data.get("tokens"), text),
                             notes={k: v for k, v in notes.items() if v})


def _spans(text: str, raws: list[dict[str, Any]], default_annotator: str) -> list[Span]:
    """A record's spans, checked. Every span of an import passes here, so one
    that is plainly well formed (whole-number offsets inside the text, a label
    already seen on the line, an id, a name, attributes and note of their
    types) is made without the checking helpers; any other goes through them,
    in their order, so that they say what is wrong."""
    spans = []
    length = len(text)
    labels: set[str] = set()
    for n, raw in enumerate(raws, 1):
        start, end, label = raw.get("start"), raw.get("end"), raw.get("label")
        span_id = raw.get("id", -n)
        annotator = raw.get("annotator")
        if annotator is None or annotator == "":
            annotator = default_annotator
        attributes = raw.get("attributes")
        note = raw.get("note")
        expected = raw.get("text")
        if (type(start) is int and type(end) is int and 0 <= start < end <= length
                and type(label) is str and (label in labels or (label.strip() and not labels.add(label)))
                and (type(span_id) is int or type(span_id) is str) and type(annotator) is str
                and (attributes is None or type(attributes) is dict) and (note is None or type(note) is str)):
            covered = text[start:end]
            if expected is None or expected == covered:
                spans.append(Span(span_id, None, annotator, start, end, label, covered,
                                  {} if attributes is None else attributes, note or ""))
                continue
        an_id(span_id, "span id")
        spans.append(checked_span(
            text, raw["start"], raw["end"], raw["label"], _name(annotator, default_annotator), span_id, expected,
            attributes=dict(an_object(attributes, "attributes")), note=_note(note),
        ))
    return spans


def _name(value: Any, default: str) -> str:
    if value in (None, ""):
        return default
    if not isinstance(value, str):
        raise ValueError(f"annotator {value!r} must be a name (a string)")
    return value


def _note(value: Any) -> str:
    if value in (None, ""):
        return ""
    if not isinstance(value, str):
        raise ValueError(f"note {value!r} must be text")
    return value


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


NATIVE_KEYS = frozenset({"id", "title", "facts", "status", "notes"})
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
    read=read, write=write, extensions=(".jsonl", ".json", ".ndjson"), detect=looks_native, keeps_tokens=True,
))
