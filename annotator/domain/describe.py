"""Readable text and JSON views of one annotated document (for `annotator show`)."""

from __future__ import annotations

from typing import Any

from annotator.domain.document import AnnotatedDocument


def document_as_json(record: AnnotatedDocument) -> dict[str, Any]:
    doc = record.document
    spans = {s.id: s for s in record.spans}
    return {
        "id": doc.id,
        "title": doc.title,
        "status": record.status,
        "entities": [
            {"id": s.id, "start": s.start, "end": s.end, "text": s.text, "label": s.label,
             "annotator": s.annotator, "attributes": s.attributes, "note": s.note}
            for s in record.spans
        ],
        "facts": [
            {
                "id": f.id, "label": f.label, "annotator": f.annotator,
                "span": f.span_id, "text": spans[f.span_id].text if f.span_id in spans else None,
                "args": [
                    {"role": a.role, "span": a.span_id, "fact": a.fact_id,
                     "text": spans[a.span_id].text if a.span_id in spans else None}
                    for a in f.args
                ],
                "attributes": f.attributes, "note": f.note,
            }
            for f in record.facts
        ],
    }


def describe_document(record: AnnotatedDocument) -> str:
    data = document_as_json(record)
    lines = [f"[{data['id']}] {data['title']}"]
    for layer, status in sorted(data["status"].items()):
        lines.append(f"  {layer}: {status}")
    lines.append(f"Entities ({len(data['entities'])}):")
    for e in data["entities"]:
        extra = _extras(e)
        lines.append(f"  #{e['id']} {e['label']:<13} {e['start']}-{e['end']} {e['text']!r} ({e['annotator']}){extra}")
    lines.append(f"Facts ({len(data['facts'])}):")
    for f in data["facts"]:
        stated = f" {f['text']!r}" if f["text"] else ""
        lines.append(f"  #{f['id']} {f['label']}{stated} ({f['annotator']}){_extras(f)}")
        for a in f["args"]:
            target = repr(a["text"]) if a["span"] is not None else f"fact #{a['fact']}"
            lines.append(f"      {a['role']}: {target}")
    return "\n".join(lines)


def _extras(item: dict[str, Any]) -> str:
    parts = [f"{k}={v}" for k, v in item["attributes"].items()]
    if item["note"]:
        parts.append(f"note: {item['note']}")
    return f" [{'; '.join(parts)}]" if parts else ""
