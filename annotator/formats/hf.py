"""Hugging Face token classification JSON lines: `{"id", "tokens", "ner_tags"}`.

The shape `datasets.load_dataset("json", data_files=...)` loads: one sentence
per line with integer tags, plus `document`, `hash` (the SHA-256 of its text,
by which an import finds the document again) and `annotator` columns telling
which document (and whose layer) each sentence comes from. Beside `NAME.jsonl`
go `NAME.labels.json`, the tag names in id order (`["O", "B-LOC", "I-LOC", ...]`),
and `NAME.dataset_info.json`, the same names as `datasets` features
(`Features.from_dict(info["features"])` makes `ner_tags` a `ClassLabel` sequence).

Tag ids are stable across files: with the schema known, its entity labels
come first in schema order (so train, dev and test splits agree even when a
label is missing from one), then any other label in the order first met.

Reading: consecutive lines with the same `document` and `annotator` form one
document (a line without `document` is a document of its own); the label
list is taken from `NAME.labels.json`, `labels.json`, `NAME.dataset_info.json`
or `dataset_info.json` beside the file; string tags need none.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from json.encoder import encode_basestring
from typing import Any

from annotator.domain import AnnotatedDocument, Document, LabelledDocument, Schema
from annotator.domain.document import SOURCE_NAME
from annotator.formats.base import (
    Format, FormatError, ReadOptions, Run, WriteOptions, WriteSummary, atomic_output, in_runs, register,
)
from annotator.formats.output import refuse_existing
from annotator.formats.iob import TagError, fact_label_names, rebuild_text, repair_warning, tag_examples
from annotator.formats.reading import (
    check_size, checked_span, first_json_value, json_records, read_text, size_limit_error, title_from_text,
)
from annotator.formats.json_input import parse_json


def side_file(path: Path, suffix: str) -> Path:
    """`train.jsonl` -> `train.labels.json` for suffix "labels"."""
    path = Path(path)
    return path.with_name(f"{path.stem}.{suffix}.json")


def side_files(path: Path) -> list[Path]:
    """What an export to `path` writes beside it."""
    return [side_file(path, "labels"), side_file(path, "dataset_info")]


class TagIds(dict):
    """Tag name -> id: the schema's entity labels first in schema order, then
    `labels` (other labels known before writing) in the order given, then
    labels met while writing."""

    def __init__(self, schema: Schema | None = None, labels: Iterable[str] = ()) -> None:
        super().__init__(O=0)
        for label in schema.entity_labels if schema is not None else ():
            self.add(label.name)
        for name in labels:
            if f"B-{name}" not in self:
                self.add(name)

    def add(self, label: str) -> None:
        self[f"B-{label}"] = len(self)
        self[f"I-{label}"] = len(self)

    def __missing__(self, tag: str) -> int:
        self.add(tag[2:])
        return self[tag]

    def names(self) -> list[str]:
        return sorted(self, key=self.__getitem__)


def dataset_info(names: list[str]) -> dict[str, Any]:
    return {
        "description": "Token classification exported by annotator",
        "features": {
            "id": {"dtype": "string", "_type": "Value"},
            "document": {"dtype": "string", "_type": "Value"},
            "hash": {"dtype": "string", "_type": "Value"},
            "annotator": {"dtype": "string", "_type": "Value"},
            "tokens": {"feature": {"dtype": "string", "_type": "Value"}, "_type": "Sequence"},
            "ner_tags": {"feature": {"names": names, "_type": "ClassLabel"}, "_type": "Sequence"},
        },
    }


quoted = encode_basestring
"""A JSON string literal, as `json.dumps(..., ensure_ascii=False)` writes it."""


def row_body(source: str, words: list[str], tag_ids: list[int]) -> str:
    """A row after its id, as `json.dumps(row, ensure_ascii=False)` writes it, built
    from pieces (a JSONEncoder call per row costs more than the tokenizing); rows
    are rendered in runs and numbered when written (`numbered`)."""
    return f'{source}, "tokens": [{", ".join(map(quoted, words))}], "ner_tags": [{", ".join(map(str, tag_ids))}]}}\n'


def render(records: Iterable[LabelledDocument], options: WriteOptions, summary: WriteSummary) -> list[str]:
    """One row body per sentence; `options.labels` must name every label the records hold."""
    ids = TagIds(options.schema, options.labels or ())
    known = len(ids)
    tag_id = ids.__getitem__
    rows = []
    previous: tuple[str, str, Document] | None = None
    for tagged in tag_examples(records, options, summary):
        doc = tagged.example.document
        # the source's name for the document, which an import matches it by; else its id; a
        # document read from a file has no id yet: its text's hash names it as well, in any run
        key = doc.source_name or (str(doc.id) if doc.id is not None else doc.hash[:16])
        if previous is not None and previous[:2] == (key, tagged.example.annotator) and previous[2] is not doc:
            # rows of one key and annotator in a row are read as one document
            key = str(doc.id) if doc.id is not None else doc.hash[:16]
        previous = (key, tagged.example.annotator, doc)
        source = (f'"document": {quoted(key)}, "hash": "{doc.hash}", '
                  f'"annotator": {quoted(tagged.example.annotator or "")}')
        words, tags = tagged.words, tagged.tags
        for first, last in tagged.sentences:
            rows.append(row_body(source, words[first:last], list(map(tag_id, tags[first:last]))))
    if len(ids) != known:
        raise ValueError(f"labels {', '.join(ids.names()[known:])} were not among the labels given to the writer")
    return rows


def numbered(rows: list[str], first: int) -> list[str]:
    return [f'{{"id": "{i}", {row}' for i, row in enumerate(rows, first)]


def write_runs(runs: Iterable[Run], path: Path, options: WriteOptions) -> WriteSummary:
    path = Path(path)
    summary = WriteSummary()
    labels_path, info_path = side_files(path)
    refuse_existing([labels_path, info_path], options.overwrite)
    with atomic_output(path) as out:
        n = 0
        for rows, counted in runs:
            out.write("".join(numbered(rows, n)))
            n += len(rows)
            summary.merge(counted)
        # Written inside the main file's block so a failure leaves none of the three.
        names = TagIds(options.schema, options.labels or ()).names()
        with atomic_output(labels_path) as side:
            json.dump(names, side, ensure_ascii=False, indent=1)
            side.write("\n")
        with atomic_output(info_path) as side:
            json.dump(dataset_info(names), side, ensure_ascii=False, indent=1)
            side.write("\n")
    summary.files = [path, labels_path, info_path]
    return summary


def write_labelled(records: Iterable[LabelledDocument], path: Path, options: WriteOptions) -> WriteSummary:
    if options.labels is None:
        # tag ids by first use, fixed before writing so that every run agrees
        records = list(records)
        fact_labels = fact_label_names(options.schema)
        met = (entry[2] for record in records for entries in record.layers.values() for entry in entries)
        options = replace(options, labels=[name for name in dict.fromkeys(met) if name not in fact_labels])
    return in_runs(render, write_runs)(records, path, options)


def write(records: Iterable[AnnotatedDocument], path: Path, options: WriteOptions) -> WriteSummary:
    return write_labelled(map(LabelledDocument.of, records), path, options)


def find_tag_names(path: Path) -> list[str] | None:
    """The tag names beside a Hugging Face JSONL file, or None when there are none."""
    path = Path(path)
    for candidate in (side_file(path, "labels"), path.with_name("labels.json")):
        if candidate.is_file():
            names = _json_file(candidate)
            if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
                raise FormatError(candidate, "must be a JSON list of tag names")
            return names
    for candidate in (side_file(path, "dataset_info"), path.with_name("dataset_info.json")):
        if candidate.is_file():
            info = _json_file(candidate)
            try:
                names = info["features"]["ner_tags"]["feature"]["names"]
            except (KeyError, TypeError):
                raise FormatError(candidate, "has no features.ner_tags.feature.names list") from None
            return list(names)
    return None


def _json_file(path: Path) -> Any:
    try:
        return parse_json(read_text(path))
    except json.JSONDecodeError as exc:
        raise FormatError(path, f"is not valid JSON ({exc.msg})", exc.lineno) from None
    except ValueError as exc:
        raise FormatError(path, str(exc)) from None


def _sentence(data: Any, names: list[str] | None) -> tuple[list[str], list[str]]:
    if not isinstance(data, dict):
        raise ValueError("a line must be a JSON object with tokens and ner_tags")
    words, tags = data["tokens"], data["ner_tags"]
    if not isinstance(words, list) or not isinstance(tags, list):
        raise ValueError("'tokens' and 'ner_tags' must be lists")
    if len(words) != len(tags):
        raise ValueError(f"{len(words)} tokens but {len(tags)} tags")
    for i, word in enumerate(words):
        if not isinstance(word, str) or not word.strip():
            raise ValueError(f"token {i} is empty or not a string: {word!r}")
    out: list[str] = []
    for tag in tags:
        if isinstance(tag, str):
            out.append(tag)
        elif isinstance(tag, int) and not isinstance(tag, bool):
            if names is None:
                raise ValueError("tags are numbers but no labels.json or dataset_info.json lies beside the file")
            if not 0 <= tag < len(names):
                raise ValueError(f"tag id {tag} is outside the label list ({len(names)} names)")
            out.append(names[tag])
        else:
            raise ValueError(f"tag {tag!r} is neither a tag id nor a tag name")
    return words, out


def read(path: Path, options: ReadOptions) -> Iterator[AnnotatedDocument]:
    path = Path(path)
    names = find_tag_names(path)
    repairs = 0
    for number, group in enumerate(_documents(path, json_records(path, options), options), 1):
        try:
            record, fixed = _document(path, group, names, number, options)
        except FormatError as error:
            if not options.skip_bad:
                raise
            options.skipped.append(str(error))
            continue
        repairs += fixed
        yield record
    if repairs:
        options.warnings.append(repair_warning(path, repairs))


def _documents(path: Path, items: Iterable[tuple[int, Any]], options: ReadOptions) -> Iterator[list[tuple[int, Any]]]:
    """The lines grouped into documents, one document at a time: consecutive
    lines with the same document and annotator. A document growing past the
    size limit is refused before it is all held."""
    group: list[tuple[int, Any]] = []
    last_key: object = object()
    size = 0
    for line, data in items:
        key = (data.get("document"), data.get("annotator")) if isinstance(data, dict) else None
        if group and (key is None or key[0] is None or key != last_key):
            yield group
            group, size = [], 0
        group.append((line, data))
        last_key = key
        tokens = data.get("tokens") if isinstance(data, dict) else None
        size += sum(len(t) + 1 for t in tokens if isinstance(t, str)) if isinstance(tokens, list) else 0
        if size > options.max_document_size:
            raise FormatError(path, size_limit_error(size, options), group[0][0])
    if group:
        yield group


def _document(path: Path, group: list[tuple[int, Any]], names: list[str] | None, number: int,
              options: ReadOptions) -> tuple[AnnotatedDocument, int]:
    sentences = []
    for line, data in group:
        try:
            sentences.append(_sentence(data, names))
        except KeyError as exc:
            raise FormatError(path, f"missing field {exc.args[0]!r}", line) from None
        except ValueError as exc:
            raise FormatError(path, str(exc), line) from None
    try:
        rebuilt = rebuild_text(sentences)
    except TagError as exc:
        index, line = exc.index, group[0][0]
        for (line, _), (words, _tags) in zip(group, sentences):
            if index < len(words):
                break
            index -= len(words)
        raise FormatError(path, str(exc), line) from None
    first = group[0][1]
    annotator = str(first.get("annotator") or options.annotator)
    text = rebuilt.text
    try:
        check_size(text, options)
    except ValueError as exc:
        raise FormatError(path, str(exc), group[0][0]) from None
    meta = {"source": path.name, "part": number}
    if first.get("document") is not None:
        meta["document"] = first["document"]
        meta[SOURCE_NAME] = str(first["document"])
    document = Document(None, title_from_text(text), text, meta)
    spans = [checked_span(text, s, e, label, annotator, -n) for n, (s, e, label) in enumerate(rebuilt.spans, 1)]
    named = first.get("hash")
    origin = named.lower() if isinstance(named, str) and len(named) == 64 and all(
        c in "0123456789abcdefABCDEF" for c in named) else None
    return AnnotatedDocument(document, spans, tokens=rebuilt.tokens, origin_hash=origin), rebuilt.repairs


def looks_hf(path: Path) -> bool:
    data = first_json_value(path)
    return isinstance(data, dict) and "tokens" in data and "ner_tags" in data


register(Format(
    name="hf", description="Hugging Face token classification JSON lines (tokens, ner_tags) with labels.json",
    read=read, write=write, write_labelled=write_labelled, render=render, write_runs=write_runs,
    extensions=(".jsonl", ".json", ".ndjson"), detect=looks_hf, tokens=True, side_files=side_files, training=True,
))
