"""Import and export as the command line and the window both run them:
files in through a format reader into the store, records out of the store
through a selection into a format writer. No SQL here: only Store methods."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from annotator import export_workers
from annotator.domain import AnnotatedDocument, AttributeDef, Label, Role, Schema
from annotator.formats.base import Format, ReadOptions, WriteOptions, WriteSummary, detect_format, get_format
from annotator.formats.brat import NORMALIZATION, NOTES
from annotator.formats.selection import Selection, select, select_labelled, split
from annotator.store import Store, StoreError
from annotator.store.database import ImportCancelled

Progress = Callable[[int, int], "bool | None"]
"""Called with (done, total); returning False cancels."""


class ExchangeError(ValueError):
    """An import or export that cannot go ahead; nothing was changed."""


class ExportCancelled(StoreError):
    def __init__(self) -> None:
        super().__init__("export cancelled; no file was written")


@dataclass
class ImportReport:
    files: list[str] = field(default_factory=list)
    documents_added: int = 0
    documents_matched: int = 0
    spans: int = 0
    facts: int = 0
    labels_added: list[str] = field(default_factory=list)
    attributes_added: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    document_ids: list[int] = field(default_factory=list)
    spans_present: int = 0
    facts_present: int = 0
    statuses_kept: int = 0
    annotations_differing: int = 0

    def lines(self) -> list[str]:
        spans, facts = f"{self.spans} added", f"{self.facts} added"
        if self.documents_matched:
            # only matched documents can hold annotations already present
            spans += f", {self.spans_present} already present"
            facts += f", {self.facts_present} already present"
        out = [f"documents: {self.documents_added} added, {self.documents_matched} already present; "
               f"spans: {spans}; facts: {facts}"]
        if self.statuses_kept:
            out.append(f"statuses kept: {self.statuses_kept} document(s) keep their status here, "
                       "not the file's")
        if self.annotations_differing:
            out.append(f"kept as they were: {self.annotations_differing} span(s) or fact(s) already present "
                       "have other attributes or notes in the file; the database keeps its own")
        if self.labels_added:
            out.append(f"labels added to the schema: {', '.join(self.labels_added)}")
        if self.attributes_added:
            out.append(f"attributes added to the schema: {', '.join(self.attributes_added)}")
        out += [f"warning: {w}" for w in self.warnings]
        if self.skipped:
            out.append(f"skipped {len(self.skipped)} bad record(s):")
            out += [f"  {s}" for s in self.skipped]
        return out


def read_files(paths: Sequence[Path], format: str | None = None, options: ReadOptions | None = None,
               progress: Progress | None = None) -> list[AnnotatedDocument]:
    """Every record of the files, read completely before anything is written,
    so that a bad line anywhere leaves the database as it was."""
    options = options or ReadOptions()
    records: list[AnnotatedDocument] = []
    for n, path in enumerate(paths, 1):
        fmt = get_format(format) if format else detect_format(Path(path))
        if fmt.read is None:
            raise ExchangeError(f"the {fmt.name} format can only be exported")
        records.extend(fmt.read(Path(path), options))
        if progress is not None and progress(0, len(records)) is False:
            raise ImportCancelled(0)
    return records


def import_files(store: Store, paths: Sequence[Path], format: str | None = None, annotator: str | None = None,
                 strict: bool = False, skip_bad: bool = False, progress: Progress | None = None,
                 text_field: str = "text", title_field: str = "title",
                 layers_from_folders: bool | None = None, label_field: str = "label") -> ImportReport:
    """Import files in one transaction (all or nothing) and say what happened.

    `annotator` is the layer for files that name none (a native file keeps the
    layers it names). Labels the schema lacks are added, with the roles and
    attributes the files use; with `strict` they are refused instead.
    """
    options = ReadOptions(annotator=annotator or "imported", text_field=text_field, title_field=title_field,
                          label_field=label_field, skip_bad=skip_bad, strict=strict, schema=store.schema(),
                          layers_from_folders=layers_from_folders)
    records = read_files(paths, format, options, progress)
    before = store.schema()
    unknown = sorted({name for r in records for name in _labels_used(r)} - {l.name for l in before.labels})
    if strict and unknown:
        raise ExchangeError(f"labels not in the schema: {', '.join(unknown)} "
                            "(import without --strict to add them)")
    total = len(records)
    tick = None if progress is None else (lambda done: progress(done, total))
    summary = store.import_annotated(records, progress=tick)
    report = ImportReport(
        files=[str(p) for p in paths], documents_added=summary.documents_added,
        documents_matched=summary.documents_matched, spans=summary.spans, facts=summary.facts,
        labels_added=list(summary.labels_added), skipped=list(options.skipped),
        warnings=list(options.warnings), document_ids=list(summary.document_ids),
        spans_present=summary.spans_present, facts_present=summary.facts_present,
        statuses_kept=summary.statuses_kept, annotations_differing=summary.annotations_differing,
    )
    report.attributes_added = complete_schema(store, records, set(summary.labels_added))
    return report


def _labels_used(record: AnnotatedDocument) -> Iterator[str]:
    yield from (s.label for s in record.spans)
    yield from (f.label for f in record.facts)


def complete_schema(store: Store, records: Iterable[AnnotatedDocument], new_labels: set[str]) -> list[str]:
    """Give the fact labels an import added the roles and trigger the files
    use, and add the attributes the files use; returns the attributes added."""
    schema = store.schema()
    roles: dict[str, dict[str, str]] = {}
    triggered: dict[str, bool] = {}
    values: dict[str, dict[str, Any]] = {}
    for record in records:
        for fact in record.facts:
            if fact.label in new_labels:
                seen = roles.setdefault(fact.label, {})
                counts = Counter(a.role for a in fact.args)
                for role, n in counts.items():
                    seen[role] = "many" if n > 1 or seen.get(role) == "many" else "optional"
                triggered[fact.label] = triggered.get(fact.label, False) or fact.span_id is not None
        for kind, items in (("entity", record.spans), ("fact", record.facts)):
            for item in items:
                for name, value in item.attributes.items():
                    if schema.attribute(name) is None and name not in (NORMALIZATION, NOTES):
                        entry = values.setdefault(name, {"kinds": set(), "values": []})
                        entry["kinds"].add(kind)
                        entry["values"].append(value)
    for name, seen in roles.items():
        label = schema.label(name)
        if label is not None and label.kind == "fact":
            store.save_label(Label(name, "fact", label.color, label.hotkey, label.description, label.order,
                                   [Role(role, cardinality) for role, cardinality in seen.items()],
                                   trigger=triggered.get(name, True)))
    added = []
    attributes = list(store.schema().attributes)
    for name, entry in values.items():
        if all(isinstance(v, bool) for v in entry["values"]):
            attributes.append(AttributeDef(name, "flag", applies_to=sorted(entry["kinds"])))
        elif all(isinstance(v, str | int | float | bool) for v in entry["values"]):
            choices = sorted({str(v) for v in entry["values"] if not isinstance(v, bool)})
            attributes.append(AttributeDef(name, "choice", choices, applies_to=sorted(entry["kinds"])))
        else:
            continue
        added.append(name)
    if added:
        store.set_schema(Schema(list(store.schema().labels), attributes))
    return added


# -- export -------------------------------------------------------------------

@dataclass
class ExportReport:
    summaries: dict[str, WriteSummary] = field(default_factory=dict)
    dropped: Counter = field(default_factory=Counter)

    def lines(self) -> list[str]:
        out = []
        for name, summary in self.summaries.items():
            prefix = f"{name}: " if len(self.summaries) > 1 else ""
            out += [prefix + line for line in summary.lines()]
            out += [f"{prefix}written to {path}" for path in summary.files]
        out += [f"left out {n}: {reason}" for reason, n in sorted(self.dropped.items()) if n]
        return out


def export(store: Store, fmt: str | Format, out: Path, annotators: Sequence[str] | None = None,
           statuses: Sequence[str] | None = None, labels: Sequence[str] | None = None,
           split_ratios: Sequence[float] | None = None, seed: int = 0,
           progress: Progress | None = None, options: WriteOptions | None = None,
           workers: int | None = 1) -> ExportReport:
    """Write the chosen layers of every document to `out` in a format.

    With `split_ratios`, `out` is a folder holding one output per split
    (`train.jsonl`, ... or `train/`, ... for folder formats). `workers` above 1
    (None: as many as the machine and the export size suit) renders token
    formats in forked processes; only a caller with no other thread running
    (the command line) may ask for them, see `export_workers`.
    """
    fmt = get_format(fmt) if isinstance(fmt, str) else fmt
    if fmt.write is None:
        raise ExchangeError(f"the {fmt.name} format can only be imported")
    options = replace(options) if options is not None else WriteOptions()
    if options.schema is None:
        options.schema = store.schema()
    selection = Selection(list(annotators) if annotators else None,
                          list(statuses) if statuses else None, list(labels) if labels else None)
    report = ExportReport(dropped=selection.dropped)
    out = Path(out)

    def tick(done: int, total: int) -> None:
        if progress is not None and progress(done, total) is False:
            raise ExportCancelled()

    if fmt.write_labelled is None:
        records: Iterable[Any] = select(_stored(store, False, selection.annotators, tick), selection)
        write: Callable[[Any, Path, WriteOptions], WriteSummary] = fmt.write
    else:
        if options.labels is None:
            # known before writing, so that every run and every split numbers tags alike
            fact_labels = {label.name for label in options.schema.fact_labels}
            options.labels = [name for name in store.span_labels(selection.annotators) if name not in fact_labels]
        records = select_labelled(_stored(store, True, selection.annotators, tick), selection)
        write = fmt.write_labelled
    if not split_ratios:
        ids = store.document_ids()
        count = export_workers.worker_count(workers, len(ids), fmt, store)
        if count > 1:
            runs = export_workers.rendered_by_workers(store, fmt, ids, selection, options, count, tick)
            report.summaries["all"] = fmt.write_runs(runs, out, options)  # type: ignore[misc]
        else:
            report.summaries["all"] = write(records, out, options)
        return report
    parts = split(list(records), split_ratios, seed)
    suffix = "" if fmt.writes_folder else (fmt.extensions[0] if fmt.extensions else "")
    for name, part in parts.items():
        report.summaries[name] = write(part, out / f"{name}{suffix}", options)
    return report


def _stored(store: Store, labelled: bool, annotators: list[str] | None,
            tick: Callable[[int, int], None]) -> Iterator[Any]:
    """Every document of the store, as `LabelledDocument`s or `AnnotatedDocument`s, reporting progress."""
    ids = store.document_ids()
    read = store.labelled_many if labelled else store.annotated_many
    for n, record in enumerate(read(ids, annotators), 1):
        yield record
        tick(n, len(ids))
