"""spaCy's simple span JSONL (also Prodigy's): `{"text", "spans": [{"start", "end", "label"}]}`.

One line per document and annotator; offsets are code points, exactly as
stored, so nested and overlapping spans all survive. The title and the
annotator ride in `meta`. Prodigy's `token_start`/`token_end` keys are
accepted and ignored; a span's `text`, when given, must match the text.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from annotator.domain import AnnotatedDocument, Document, LabelledDocument
from annotator.formats.base import (
    Format, ReadOptions, WriteOptions, WriteSummary, in_runs, register, write_text_runs,
)
from annotator.formats.iob import layer_examples
from annotator.formats.reading import (
    checked_span, convert_each, first_json_value, json_records, text_and_meta, title_from_text,
)


def render(records: Iterable[LabelledDocument], options: WriteOptions, summary: WriteSummary) -> list[str]:
    """One JSON line per document and annotator."""
    dumps = json.JSONEncoder(ensure_ascii=False).encode
    lines = []
    for example in layer_examples(records, summary):
        doc = example.document
        meta: dict[str, Any] = {"title": doc.title}
        if doc.id is not None:
            meta["id"] = doc.id
        if example.annotator is not None:
            meta["annotator"] = example.annotator
        # the layer's reading order is (start, -end, label): no sort needed
        spans = [{"start": s, "end": e, "label": label} for s, e, label, _ in example.spans]
        lines.append(dumps({"text": doc.text, "spans": spans, "meta": meta}) + "\n")
        summary.spans += len(spans)
    return lines


write_labelled = in_runs(render, write_text_runs)


def write(records: Iterable[AnnotatedDocument], path: Path, options: WriteOptions) -> WriteSummary:
    return write_labelled(map(LabelledDocument.of, records), path, options)


def record_from_json(data: Any, default_annotator: str) -> AnnotatedDocument:
    text, meta = text_and_meta(data)
    annotator = str(meta.get("annotator") or data.get("_annotator_id") or default_annotator)
    title = str(meta.get("title") or title_from_text(text))
    kept_meta = {k: v for k, v in meta.items() if k not in ("title", "annotator", "id")}
    raw_spans = data.get("spans") or []
    if not isinstance(raw_spans, list):
        raise ValueError("'spans' must be a list")
    spans = []
    for n, raw in enumerate(raw_spans, 1):
        if not isinstance(raw, dict):
            raise ValueError(f"span {n} must be an object with start, end and label")
        spans.append(checked_span(text, raw["start"], raw["end"], raw["label"], annotator, -n, raw.get("text")))
    return AnnotatedDocument(Document(None, title, text, kept_meta), spans)


def read(path: Path, options: ReadOptions) -> Iterator[AnnotatedDocument]:
    items = json_records(path, options)
    yield from convert_each(path, options, items, lambda data: record_from_json(data, options.annotator))


def looks_spacy_jsonl(path: Path) -> bool:
    data = first_json_value(path)
    if not isinstance(data, dict) or "text" not in data or "spans" not in data or "facts" in data:
        return False
    spans = data["spans"]
    return isinstance(spans, list) and all(isinstance(s, dict) and "annotator" not in s for s in spans)


register(Format(
    name="spacy-jsonl", description='spaCy/Prodigy JSON lines: {"text", "spans": [{"start", "end", "label"}]}',
    read=read, write=write, write_labelled=write_labelled, render=render, write_runs=write_text_runs,
    extensions=(".jsonl", ".json", ".ndjson"), detect=looks_spacy_jsonl, training=True,
))
