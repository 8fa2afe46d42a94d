"""doccano JSON lines: sequence labelling (`{"text", "label": [[start, end, label]]}`,
or the older `labels` key) and relation extraction (`entities` with
`start_offset`/`end_offset`, `relations` with `from_id`/`to_id`/`type`).

A relation becomes a fact without a trigger whose two roles are the schema's
roles for that label when known, else `from` and `to`. Older exports with
`annotations` carrying numeric label ids and user ids are read too: the label
is the id as text, and each user is a layer `<annotator>-user<id>`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from annotator.domain import AnnotatedDocument, Argument, Document, Fact, Schema, Span
from annotator.domain.document import SOURCE_NAME
from annotator.formats.base import Format, ReadOptions, WriteOptions, WriteSummary, atomic_output, register
from annotator.formats.reading import (
    title_from_text,
    an_id, an_object, checked_span, convert_each, first_json_value, json_records, list_of_objects,
)


def relation_roles(schema: Schema | None, label: str) -> tuple[str, str]:
    known = schema.label(label) if schema else None
    if known is not None and len(known.roles) == 2:
        return known.roles[0].name, known.roles[1].name
    return "from", "to"


def record_from_json(data: Any, options: ReadOptions) -> AnnotatedDocument:
    if not isinstance(data, dict):
        raise ValueError("a line must be a JSON object")
    text = data.get(options.text_field, data.get("text"))
    if not isinstance(text, str) or not text:
        raise ValueError(f"has no {options.text_field!r} field with text (name another with --text-field)")
    meta = dict(an_object(data.get("meta"), "meta"))
    if "id" in data:
        meta.setdefault("doccano_id", data["id"])
        # the id doccano gave the line names the document, unless an export of ours kept the name it had
        meta.setdefault(SOURCE_NAME, str(data["id"]))
    document = Document(None, title_from_text(text), text, meta)
    record = AnnotatedDocument(document)
    layer = options.annotator
    if "entities" in data:
        ids: dict[Any, int] = {}
        for n, entity in enumerate(list_of_objects(data["entities"], "entities"), 1):
            ids[an_id(entity["id"], "entity id")] = n
            record.spans.append(checked_span(text, entity["start_offset"], entity["end_offset"], entity["label"], layer, n))
        for n, relation in enumerate(list_of_objects(data.get("relations"), "relations"), 1):
            for end in ("from_id", "to_id"):
                if an_id(relation[end], f"relation {end}") not in ids:
                    raise ValueError(f"relation {relation.get('id', n)!r} {end} {relation[end]!r} is not an entity of this line")
            if not isinstance(relation["type"], str) or not relation["type"].strip():
                raise ValueError(f"relation {relation.get('id', n)!r} has no type")
            first, second = relation_roles(options.schema, relation["type"])
            record.facts.append(Fact(n, None, layer, relation["type"], None, [
                Argument(first, span_id=ids[relation["from_id"]]), Argument(second, span_id=ids[relation["to_id"]])]))
    elif "annotations" in data and isinstance(data["annotations"], list):
        for n, item in enumerate(list_of_objects(data["annotations"], "annotations"), 1):
            user = item.get("user")
            record.spans.append(checked_span(text, item["start_offset"], item["end_offset"], str(item["label"]),
                                             f"{layer}-user{user}" if user is not None else layer, n))
    else:
        field = options.label_field
        triples = data.get(field, data.get("labels")) if field == "label" else data.get(field)
        if triples is None:
            triples = []
        if not isinstance(triples, list):
            raise ValueError("'label' must be a list of [start, end, label]")
        for n, triple in enumerate(triples, 1):
            if not isinstance(triple, list) or len(triple) != 3:
                raise ValueError(f"label {triple!r} is not [start, end, label]")
            record.spans.append(checked_span(text, triple[0], triple[1], triple[2], layer, n))
    _warn_of_unread_labels(data, options)
    return record


_READ_KEYS = {"text", "label", "labels", "entities", "relations", "annotations", "meta", "id"}


def _warn_of_unread_labels(data: dict[str, Any], options: ReadOptions) -> None:
    """Say so when a field that looks like doccano labels was passed over: a
    file with custom columns would otherwise import its texts and no spans."""
    for key, value in data.items():
        if key in _READ_KEYS or key in (options.text_field, options.label_field):
            continue
        if isinstance(value, list) and value and _looks_like_label(value[0]):
            warning = f"the field {key!r} looks like labels but was not read; name it with --label-field {key}"
            if warning not in options.warnings:
                options.warnings.append(warning)


def _looks_like_label(item: Any) -> bool:
    if isinstance(item, dict):
        return "start_offset" in item and "end_offset" in item
    return (isinstance(item, list) and len(item) == 3 and all(isinstance(x, int) for x in item[:2])
            and isinstance(item[2], str))


def read(path: Path, options: ReadOptions) -> Iterator[AnnotatedDocument]:
    yield from convert_each(path, options, json_records(path, options), lambda d: record_from_json(d, options))


def write(records: Iterable[AnnotatedDocument], path: Path, options: WriteOptions) -> WriteSummary:
    """Sequence-labelling lines, or when any record has facts that doccano can
    carry (relations between two spans) every line in the relation shape
    (`entities`/`relations`): doccano reads a file into one table, and a file
    mixing the shapes fails its import as a whole (measured on doccano 1.8.4)."""
    records = list(records)
    summary = WriteSummary(files=[Path(path)])
    relations = [_relations(record, summary) for record in records]
    relation_shape = any(relations)
    overlapping = 0
    with atomic_output(path) as out:
        for record, its_relations in zip(records, relations):
            out.write(json.dumps(record_as_json(record, its_relations, relation_shape), ensure_ascii=False))
            out.write("\n")
            summary.documents += 1
            summary.spans += len(record.spans)
            overlapping += _overlaps(record.spans)
    if any(len(record.annotators()) > 1 for record in records):
        summary.notes.append("doccano has one layer per line: several layers were merged; choose one with --annotator")
    if overlapping:
        summary.notes.append(f"{overlapping} document(s) have nested or overlapping spans: doccano keeps them only "
                             "in a project that allows overlapping spans, and drops them silently otherwise")
    return summary


def _relations(record: AnnotatedDocument, summary: WriteSummary) -> list[dict[str, Any]]:
    relations = []
    for fact in record.facts:
        spans = [a.span_id for a in fact.args if a.span_id is not None]
        if fact.span_id is None and len(fact.args) == 2 and len(spans) == 2:
            relations.append({"id": fact.id, "from_id": spans[0], "to_id": spans[1], "type": fact.label})
        else:
            summary.dropped["facts doccano cannot hold (only relations between two spans)"] += 1
    summary.facts += len(relations)
    return relations


def _overlaps(spans: list[Span]) -> bool:
    ordered = sorted((s.start, s.end) for s in spans)
    return any(start < previous_end for (_, previous_end), (start, _) in zip(ordered, ordered[1:]))


def record_as_json(record: AnnotatedDocument, relations: list[dict[str, Any]],
                   relation_shape: bool) -> dict[str, Any]:
    doc = record.document
    # doccano keeps a line's `meta` object with the example; our reader takes it back
    meta = {"meta": doc.meta} if doc.meta else {}
    if relation_shape:
        return {"id": doc.id, "text": doc.text,
                "entities": [{"id": s.id, "start_offset": s.start, "end_offset": s.end, "label": s.label}
                             for s in record.spans],
                "relations": relations, **meta}
    return {"id": doc.id, "text": doc.text, "label": [[s.start, s.end, s.label] for s in record.spans], **meta}


def looks_doccano(path: Path) -> bool:
    data = first_json_value(path)
    return isinstance(data, dict) and ("label" in data or "labels" in data or "entities" in data
                                       or "annotations" in data and "data" not in data)


register(Format(
    name="doccano", description="doccano JSON lines (sequence labelling or relations)",
    read=read, write=write, extensions=(".jsonl", ".json"), detect=looks_doccano, training=True,
))
