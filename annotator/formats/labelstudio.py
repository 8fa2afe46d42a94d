"""Label Studio JSON: a list of tasks with `data.text` and `annotations[].result`
holding `labels` regions and `relation` items.

Reading: each annotation is a layer, named by its `annotator` field (which
our export writes), else its `completed_by` user, else the import's annotator
(numbered when a task has several). The legacy `completions` key is read like
`annotations`. `predictions` are kept, as the layer `model:<model_version>`,
so a model's suggestions can be compared with people's work. Offsets are code
points; a region whose `value.text` only matches when the offsets are read as
UTF-16 units (as a browser counts) is converted. Results of other types
(choices, text areas, ...) are reported as skipped.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from xml.etree import ElementTree
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from annotator.domain import AnnotatedDocument, Argument, Document, Fact, Schema, Span
from annotator.domain.document import SOURCE_NAME
from annotator.domain.offsets import OffsetMap
from annotator.formats.base import Format, FormatError, ReadOptions, WriteOptions, WriteSummary, atomic_output, register
from annotator.formats.doccano import relation_roles
from annotator.formats.output import refuse_existing
from annotator.formats.reading import (
    title_from_text,
    an_object, checked_span, convert_each, first_json_value, list_of_objects,
)
from annotator.formats.json_input import json_document


def read(path: Path, options: ReadOptions) -> Iterator[AnnotatedDocument]:
    skipped: Counter = Counter()
    yield from convert_each(path, options, json_document(path, options),
                            lambda task: task_from_json(task, options, skipped))
    for kind, n in sorted(skipped.items()):
        options.warnings.append(f"{path}: {n} result(s) of type {kind!r} skipped (only labels and relations are read)")


def task_from_json(task: Any, options: ReadOptions, skipped: Counter) -> AnnotatedDocument:
    if not isinstance(task, dict) or not isinstance(task.get("data"), dict):
        raise ValueError("a task must be an object with 'data'")
    data = task["data"]
    text = data.get(options.text_field)
    if not isinstance(text, str) or not text:
        raise ValueError(f"task {task.get('id')} has no text in data.{options.text_field}")
    title = data.get(options.title_field)
    if not isinstance(title, str) or not title.strip():
        title = title_from_text(text)
    meta = {k: v for k, v in data.items() if k not in (options.text_field, options.title_field)}
    if "id" in task:
        meta["labelstudio_id"] = task["id"]
        # the task's id names the document, unless an export of ours kept the name it had in data
        meta.setdefault(SOURCE_NAME, str(task["id"]))
    record = AnnotatedDocument(Document(None, title, text, meta))
    layers = [*list_of_objects(task.get("annotations"), "annotations"),
              *list_of_objects(task.get("completions"), "completions")]
    for n, annotation in enumerate(layers):
        _add_result(record, list_of_objects(annotation.get("result"), "result"), _layer_name(annotation, options, n),
                    options, skipped)
    for prediction in list_of_objects(task.get("predictions"), "predictions"):
        _add_result(record, list_of_objects(prediction.get("result"), "result"),
                    f"model:{prediction.get('model_version') or 'unknown'}", options, skipped)
    return record


def _layer_name(annotation: dict[str, Any], options: ReadOptions, n: int) -> str:
    if annotation.get("annotator"):
        return str(annotation["annotator"])
    user = annotation.get("completed_by")
    if isinstance(user, dict):
        user = user.get("email") or user.get("username") or user.get("id")
    if user not in (None, ""):
        return f"labelstudio-user-{user}"
    return options.annotator if n == 0 else f"{options.annotator}-{n + 1}"


def _add_result(record: AnnotatedDocument, result: list[dict[str, Any]], layer: str, options: ReadOptions,
                skipped: Counter) -> None:
    text = record.document.text
    regions: dict[str, list[Span]] = {}
    for item in result:
        kind = item.get("type")
        if kind is not None and not isinstance(kind, str):
            raise ValueError(f"result type {kind!r} must be a name (a string)")
        value = an_object(item.get("value"), "value")
        if kind in ("labels", "hypertextlabels") or (kind is None and "labels" in value):
            start, end = _code_points(text, value["start"], value["end"], value.get("text"))
            for label in _labels(value.get("labels")):
                span = checked_span(text, start, end, label, layer, len(record.spans) + 1, value.get("text"))
                meta_text = (item.get("meta") or {}).get("text")
                if meta_text:
                    span.note = "\n".join(meta_text) if isinstance(meta_text, list) else str(meta_text)
                record.spans.append(span)
                regions.setdefault(str(item.get("id")), []).append(span)
        elif kind != "relation":
            skipped[kind] += 1
    for item in result:
        if item.get("type") != "relation":
            continue
        ends = [regions.get(str(item.get(key))) for key in ("from_id", "to_id")]
        if not all(ends):
            raise ValueError(f"relation {item.get('from_id')}->{item.get('to_id')} joins a region that is not in this annotation")
        first, second = ends[0][0], ends[1][0]  # type: ignore[index]
        if item.get("direction") == "left":
            first, second = second, first
        for label in _labels(item.get("labels")) or ["related"]:
            roles = relation_roles(options.schema, label)
            record.facts.append(Fact(len(record.facts) + 1, None, layer, label, None,
                                     [Argument(roles[0], span_id=first.id), Argument(roles[1], span_id=second.id)]))


def _labels(value: Any) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(label, str) for label in value):
        raise ValueError(f"'labels' must be a list of label names, not {value!r}")
    return value


def _code_points(text: str, start: Any, end: Any, surface: str | None) -> tuple[Any, Any]:
    if surface is None or not isinstance(start, int) or not isinstance(end, int) or text[start:end] == surface:
        return start, end
    units = OffsetMap(text)
    try:
        converted = units.from_utf16(start), units.from_utf16(end)
    except (ValueError, IndexError):
        return start, end
    return converted if text[converted[0]:converted[1]] == surface else (start, end)


def side_files(path: Path) -> list[Path]:
    """What an export to `path` writes beside it."""
    return [Path(path).with_name(f"{Path(path).stem}.label_config.xml")]


def write(records: Iterable[AnnotatedDocument], path: Path, options: WriteOptions) -> WriteSummary:
    """The tasks, and beside them `NAME.label_config.xml`: the labeling
    configuration a Label Studio project needs to show them (Settings →
    Labeling Interface → Code)."""
    path = Path(path)
    [config_path] = side_files(path)
    summary = WriteSummary(files=[path, config_path])
    tasks = []
    for record in records:
        tasks.append(task_as_json(record, summary))
        summary.documents += 1
    if any(len(task["annotations"]) > 1 for task in tasks):
        # measured on Label Studio 1.23.2: it reads only `completed_by`, as a member's email or id
        summary.notes.append("Label Studio gives every imported annotation to the importing user: several layers "
                             "will look like one person's work there (their names stay in the file for annotator)")
    refuse_existing([config_path], options.overwrite)
    try:
        config = label_config(tasks, options.schema)
    except ValueError as error:
        raise FormatError(config_path, f"{error}; nothing was written") from None
    with atomic_output(path) as out:
        json.dump(tasks, out, ensure_ascii=False, indent=1)
        out.write("\n")
        # inside the tasks' block, so that a failure leaves neither file
        with atomic_output(config_path) as side:
            side.write(config)
    return summary


_NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
"""Characters XML 1.0 allows nowhere, not even as character references."""


def label_config(tasks: list[dict[str, Any]], schema: Schema | None) -> str:
    """Label Studio's XML for the tasks: a `Labels` tag holding every span label
    (the schema's in its order and colours, then any other used), `Relations`
    for the relation labels, and the `Text` they point at."""
    spans: dict[str, str | None] = {}
    relations: dict[str, None] = {}
    for label in schema.labels if schema is not None else []:
        if label.kind == "entity" or label.trigger:
            spans[label.name] = label.color
        else:
            relations[label.name] = None
    for task in tasks:
        for annotation in task["annotations"]:
            for item in annotation["result"]:
                names = item.get("labels") if item["type"] == "relation" else item["value"]["labels"]
                for name in names or []:
                    (relations if item["type"] == "relation" else spans).setdefault(name, None)
    unfit = [name for name in [*spans, *relations] if _NOT_IN_XML.search(name)]
    if unfit:
        raise ValueError(f"label(s) {', '.join(map(repr, unfit))} hold control characters, which XML (Label Studio's "
                         "labeling configuration) cannot hold even escaped; rename them (Labels → Edit schema…)")
    view = ElementTree.Element("View")
    if relations:
        holder = ElementTree.SubElement(view, "Relations")
        for name in relations:
            ElementTree.SubElement(holder, "Relation", value=name)
    labels = ElementTree.SubElement(view, "Labels", name="label", toName="text")
    for name, color in spans.items():
        attributes = {"value": name} | ({"background": color} if color else {})
        ElementTree.SubElement(labels, "Label", attributes)
    ElementTree.SubElement(view, "Text", name="text", value="$text")
    ElementTree.indent(view)
    return ElementTree.tostring(view, encoding="unicode") + "\n"


def task_as_json(record: AnnotatedDocument, summary: WriteSummary) -> dict[str, Any]:
    doc = record.document
    annotations = []
    for layer in record.annotators():
        mine = record.layer(layer)
        result: list[dict[str, Any]] = []
        for span in mine.spans:
            region: dict[str, Any] = {
                "id": f"s{span.id}", "from_name": "label", "to_name": "text", "type": "labels",
                "value": {"start": span.start, "end": span.end, "text": span.text, "labels": [span.label]},
            }
            if span.note:
                region["meta"] = {"text": [span.note]}
            if span.attributes:
                summary.dropped["span attributes (Label Studio regions have none)"] += 1
            result.append(region)
            summary.spans += 1
        for fact in mine.facts:
            targets = [a.span_id for a in fact.args if a.span_id is not None]
            if fact.span_id is None and len(fact.args) == 2 and len(targets) == 2:
                result.append({"type": "relation", "from_id": f"s{targets[0]}", "to_id": f"s{targets[1]}",
                               "direction": "right", "labels": [fact.label]})
                summary.facts += 1
            else:
                summary.dropped["facts Label Studio cannot hold (only relations between two regions)"] += 1
        annotations.append({"annotator": layer, "result": result})
    data = {"text": doc.text, "title": doc.title, **{k: v for k, v in doc.meta.items() if k not in ("text", "title")}}
    return {"id": doc.id, "data": data, "annotations": annotations}


def looks_labelstudio(path: Path) -> bool:
    data = first_json_value(path)
    first = data[0] if isinstance(data, list) and data else data
    return isinstance(first, dict) and isinstance(first.get("data"), dict)


register(Format(
    name="labelstudio", description="Label Studio JSON tasks with labels regions and relations",
    read=read, write=write, extensions=(".json",), detect=looks_labelstudio, side_files=side_files,
))
