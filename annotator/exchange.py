"""Import and export as the command line and the window both run them:
files in through a format reader into the store, records out of the store
through a selection into a format writer. No SQL here: only Store methods."""

from __future__ import annotations

import pickle
import shutil
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, fields, replace
from operator import attrgetter
from pathlib import Path
from typing import IO, Any, BinaryIO

from annotator import export_workers
from annotator.domain import (
    GOLD, AnnotatedDocument, Argument, AttributeDef, Document, Fact, Label, Role, Schema, SourceTokens, Span,
)
from annotator.formats.base import (
    Format, FormatError, ReadOptions, WriteOptions, WriteSummary, detect_format, get_format,
)
from annotator.formats.brat import NORMALIZATION, NOTES
from annotator.formats.output import protecting, refuse_existing
from annotator.formats.reading import check_size
from annotator.formats.selection import Selection, select, select_labelled, split
from annotator.formats.token_landing import land
from annotator.formats.tokens import SOURCE
from annotator.store import Store, StoreError
from annotator.store.bulk_import import cycle_collection_paused
from annotator.store.database import ImportCancelled
from annotator.store.results import ImportSummary

Progress = Callable[[int, int], "bool | None"]
"""Called with (done, total); returning False cancels. A total of 0: not known
(an import that writes records as it reads them)."""


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
    documents_matched_by_name: int = 0
    """Of those matched, the ones matched by their source name and text; the others by text alone."""
    spans: int = 0
    facts: int = 0
    labels_added: list[str] = field(default_factory=list)
    attributes_added: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    """How files were read, where a format reads several kinds (a CSV of articles or of spans)."""
    document_ids: Sequence[int] = field(default_factory=list)
    """The document each record became, in the records' order."""
    spans_present: int = 0
    facts_present: int = 0
    statuses_kept: int = 0
    notes_kept: int = 0
    annotations_differing: int = 0
    layers: list[str] = field(default_factory=list)
    """The annotators' layers the files wrote to (`--annotator`'s, or those the files name)."""
    documents_found: int = 0
    """Token-file documents put back on the stored document their file names by hash."""

    def lines(self) -> list[str]:
        spans, facts = f"{self.spans} added", f"{self.facts} added"
        if self.documents_matched:
            # only matched documents can hold annotations already present
            spans += f", {self.spans_present} already present"
            facts += f", {self.facts_present} already present"
        matched = f"{self.documents_matched} already present"
        if self.documents_matched:
            by_text = self.documents_matched - self.documents_matched_by_name
            how = [f"{n} by {way}" for n, way in ((self.documents_matched_by_name, "name and text"),
                                                  (by_text, "text")) if n]
            matched += f" (matched {', '.join(how)})"
        out = [f"documents: {self.documents_added} added, {matched}; spans: {spans}; facts: {facts}"]
        out += self.notes
        if self.layers:
            out.append(f"layers: {', '.join(self.layers)}")
        if self.documents_found:
            out.append(f"found by the hash the file names: {self.documents_found} document(s); "
                       "their spans are put on the stored text")
        if self.statuses_kept:
            out.append(f"statuses kept: {self.statuses_kept} document(s) keep their status here, "
                       "not the file's")
        if self.notes_kept:
            out.append(f"document notes kept: {self.notes_kept} document(s) keep their note here, not the file's")
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


def check_import_paths(paths: Sequence[Path], format: str | None = None) -> None:
    """Refuse, before anything is opened or created, paths that name nothing
    and files whose format cannot be read (the records are checked as they are read)."""
    for path in map(Path, paths):
        if not path.exists():
            raise FormatError(path, "no such file or folder")
        fmt = get_format(format) if format else detect_format(path)
        if fmt.read is None:
            raise ExchangeError(f"the {fmt.name} format can only be exported")


def read_files(paths: Sequence[Path], format: str | None = None, options: ReadOptions | None = None,
               progress: Progress | None = None) -> Iterator[AnnotatedDocument]:
    """Every record of the files, one at a time (`progress` hears the count
    read so far, as `(0, count)`, every `SPOOL_CHUNK` records)."""
    options = options or ReadOptions()
    count = 0
    for path in paths:
        fmt = get_format(format) if format else detect_format(Path(path))
        if fmt.read is None:
            raise ExchangeError(f"the {fmt.name} format can only be exported")
        for record in fmt.read(Path(path), options):
            try:
                check_size(record.document.text, options)
            except ValueError as exc:  # a reader that let one through: still named by its file
                raise FormatError(path, str(exc)) from None
            yield record
            count += 1
            if progress is not None and count % SPOOL_CHUNK == 0 and progress(0, count) is False:
                raise ImportCancelled(0)
        if progress is not None and progress(0, count) is False:
            raise ImportCancelled(0)


SPOOL_CHUNK = 500
"""Records pickled together into the spool."""


_SPAN_FIELDS = attrgetter(*(f.name for f in fields(Span)))
_FACT_FIELDS = attrgetter(*(f.name for f in fields(Fact)))
_ARGS = [f.name for f in fields(Fact)].index("args")
"""Where a fact's arguments sit in its tuple: they are pickled as tuples too."""


class _Spool:
    """Records read and checked, kept in a temporary file until they are written:
    reading (the slow, fallible part) then holds neither the database's write
    lock nor every record in memory. Records are pickled as plain tuples,
    which load several times faster than the dataclasses themselves."""

    def __init__(self, file: IO[bytes]) -> None:
        self.file = file
        self.count = 0
        self._pending: list[tuple] = []

    def add(self, record: AnnotatedDocument) -> None:
        doc = record.document
        facts = [(*row[:_ARGS], [(a.role, a.span_id, a.fact_id) for a in row[_ARGS]], *row[_ARGS + 1:])
                 for row in map(_FACT_FIELDS, record.facts)]
        self._pending.append((doc.title, doc.text, doc.meta, list(map(_SPAN_FIELDS, record.spans)), facts,
                              record.status, record.tokens.encode() if record.tokens is not None else None,
                              record.notes))
        self.count += 1
        if len(self._pending) == SPOOL_CHUNK:
            self._flush()

    def _flush(self) -> None:
        if self._pending:
            pickle.dump(self._pending, self.file, pickle.HIGHEST_PROTOCOL)
            self._pending = []

    def records(self) -> Iterator[AnnotatedDocument]:
        self._flush()
        self.file.seek(0)
        while True:
            try:
                chunk = pickle.load(self.file)
            except EOFError:
                return
            for title, text, meta, spans, facts, status, tokens, notes in chunk:
                yield AnnotatedDocument(
                    Document(None, title, text, meta), [Span(*row) for row in spans],
                    [Fact(*row[:_ARGS], [Argument(*arg) for arg in row[_ARGS]], *row[_ARGS + 1:]) for row in facts],
                    status, tokens=SourceTokens.decode(tokens) if tokens is not None else None, notes=notes)


class SchemaNeeds:
    """What records need of the schema, gathered as they stream past: the
    labels they use, the roles and triggers of their fact labels, and the
    values of attributes the schema lacks."""

    def __init__(self, schema: Schema) -> None:
        self.schema = schema
        self.labels: set[str] = set()
        self.roles: dict[str, dict[str, str]] = {}
        self.triggered: dict[str, bool] = {}
        self.attributes: dict[str, _AttributeValues] = {}
        self.layers: set[str] = set()

    def add(self, record: AnnotatedDocument) -> None:
        self.layers.update(record.annotators(), record.status)
        self.labels.update(s.label for s in record.spans)
        for fact in record.facts:
            self.labels.add(fact.label)
            if self.schema.label(fact.label) is None:
                seen = self.roles.setdefault(fact.label, {})
                for role, n in Counter(a.role for a in fact.args).items():
                    seen[role] = "many" if n > 1 or seen.get(role) == "many" else "optional"
                self.triggered[fact.label] = self.triggered.get(fact.label, False) or fact.span_id is not None
        for kind, items in (("entity", record.spans), ("fact", record.facts)):
            for item in items:
                for name, value in item.attributes.items():
                    if name not in (NORMALIZATION, NOTES) and self.schema.attribute(name) is None:
                        self.attributes.setdefault(name, _AttributeValues()).add(kind, value)

    def unknown_labels(self) -> list[str]:
        return sorted(self.labels - {label.name for label in self.schema.labels})


@dataclass
class _AttributeValues:
    kinds: set[str] = field(default_factory=set)
    flags: bool = True
    """Every value is true or false."""
    plain: bool = True
    """Every value is a string, number or truth value."""
    choices: set[str] = field(default_factory=set)

    def add(self, kind: str, value: Any) -> None:
        self.kinds.add(kind)
        self.flags = self.flags and isinstance(value, bool)
        self.plain = self.plain and isinstance(value, str | int | float | bool)
        if self.plain and not isinstance(value, bool):
            self.choices.add(str(value))


def import_files(store: Store, paths: Sequence[Path], format: str | None = None, annotator: str | None = None,
                 strict: bool = False, skip_bad: bool = False, progress: Progress | None = None,
                 text_field: str = "text", title_field: str = "title",
                 layers_from_folders: bool | None = None, label_field: str = "label",
                 max_document_size: int | None = None, new_database: bool = False) -> ImportReport:
    """Import files in one transaction (all or nothing) and say what happened.

    `annotator` is the layer for files that name none (a native file keeps the
    layers it names). Labels the schema lacks are added, with the roles and
    attributes the files use; with `strict` they are refused instead. A
    document over `max_document_size` bytes (default: `max_document_size()`)
    is refused, named by file and line.

    The files are read and checked first, one record at a time, into a
    temporary spool; only then does one transaction write the documents,
    spans, facts, labels, roles and attribute definitions, so the database's
    write lock is held only while rows are written. `new_database` says the
    caller created the database for this import, so no one else waits for
    that lock: when it holds no documents yet (and not `strict`, which
    must see every label before writing), records are written as they are
    read, without the spool, and `progress` hears a total of 0.
    """
    options = ReadOptions(annotator=annotator or "imported", text_field=text_field, title_field=title_field,
                          label_field=label_field, skip_bad=skip_bad, strict=strict, schema=store.schema(),
                          layers_from_folders=layers_from_folders, document_by_id=_document_finder(store))
    if max_document_size is not None:
        options.max_document_size = max_document_size
    needs = SchemaNeeds(options.schema)
    if new_database and not strict and store.document_count() == 0:
        summary, attributes_added, found = _import_as_read(store, paths, format, options, needs, progress)
    else:
        summary, attributes_added, found = _import_spooled(store, paths, format, options, needs, progress)
    return ImportReport(
        files=[str(p) for p in paths], documents_added=summary.documents_added,
        documents_matched=summary.documents_matched, documents_matched_by_name=summary.documents_matched_by_name,
        spans=summary.spans, facts=summary.facts,
        labels_added=list(summary.labels_added), attributes_added=attributes_added, skipped=list(options.skipped),
        warnings=list(options.warnings), notes=list(options.notes), document_ids=summary.document_ids,
        spans_present=summary.spans_present, facts_present=summary.facts_present,
        statuses_kept=summary.statuses_kept, notes_kept=summary.notes_kept,
        annotations_differing=summary.annotations_differing,
        layers=sorted(needs.layers), documents_found=found,
    )


def _import_spooled(store: Store, paths: Sequence[Path], format: str | None, options: ReadOptions,
                    needs: SchemaNeeds, progress: Progress | None) -> tuple[ImportSummary, list[str], int]:
    # beside the database, which must have room for the records anyway (/tmp may be memory)
    folder = store.path.parent if store.path is not None else None
    with tempfile.TemporaryFile(prefix=".annotator-import-", dir=folder) as file:
        spool = _Spool(file)
        landing = _Landing(store)
        with cycle_collection_paused():
            for record in read_files(paths, format, options, progress):
                record = landing.land(record)
                needs.add(record)
                spool.add(record)
        options.warnings += landing.warnings()
        unknown = needs.unknown_labels()
        if options.strict and unknown:
            raise ExchangeError(f"labels not in the schema: {', '.join(unknown)} "
                                "(import without --strict to add them)")
        total = spool.count
        tick = None if progress is None else (lambda done: progress(done, total))
        with store.transaction():
            summary = store.import_annotated(spool.records(), progress=tick)
            attributes_added = complete_schema(store, needs, set(summary.labels_added))
    return summary, attributes_added, landing.found


def _import_as_read(store: Store, paths: Sequence[Path], format: str | None, options: ReadOptions,
                    needs: SchemaNeeds, progress: Progress | None) -> tuple[ImportSummary, list[str], int]:
    """Records written as they are read, into a database that held no documents:
    what a reader or `_Landing` would look up there (a document by id or by
    its text's hash) is not there, as the spooled import, which looks before
    writing, finds it; so nothing is looked up."""
    options.document_by_id = lambda _document_id: None

    def checked() -> Iterator[AnnotatedDocument]:
        for record in read_files(paths, format, options):
            needs.add(record)
            yield record

    tick = None if progress is None else (lambda done: progress(done, 0))
    with store.transaction():
        summary = store.import_annotated(checked(), progress=tick)
        attributes_added = complete_schema(store, needs, set(summary.labels_added))
    return summary, attributes_added, 0


def _document_finder(store: Store) -> Callable[[int], Document | None]:
    def document_by_id(document_id: int) -> Document | None:
        try:
            return store.document(document_id)
        except StoreError:
            return None
    return document_by_id


class _Landing:
    """Token-file records that name the document they were exported from (by
    its text's hash) put on that document's stored text, when it is here."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.found = 0
        self.mismatched = 0

    def land(self, record: AnnotatedDocument) -> AnnotatedDocument:
        digest = record.origin_hash
        if digest is None or digest == record.document.hash:
            return record
        stored = self.store.document_by_hash(digest)
        if stored is None:
            return record
        landed = land(record, stored)
        if landed is None:
            self.mismatched += 1
            return record
        self.found += 1
        return landed

    def warnings(self) -> list[str]:
        if not self.mismatched:
            return []
        return [f"{self.mismatched} document(s) name a stored document by its hash, but their tokens are not "
                "that document's text (edited since?): added as new documents"]


def complete_schema(store: Store, needs: SchemaNeeds, new_labels: set[str]) -> list[str]:
    """Give the fact labels an import added the roles and trigger the files
    use, and add the attributes the files use; returns the attributes added.
    Called inside the import's transaction, so that it all lands or none of it."""
    schema = store.schema()
    for name, seen in needs.roles.items():
        label = schema.label(name)
        if name in new_labels and label is not None and label.kind == "fact":
            store.save_label(Label(name, "fact", label.color, label.hotkey, label.description, label.order,
                                   [Role(role, cardinality) for role, cardinality in seen.items()],
                                   trigger=needs.triggered.get(name, True)))
    added = []
    schema = store.schema()
    attributes = list(schema.attributes)
    for name, values in needs.attributes.items():
        if schema.attribute(name) is not None:
            continue
        if values.flags:
            attributes.append(AttributeDef(name, "flag", applies_to=sorted(values.kinds)))
        elif values.plain:
            attributes.append(AttributeDef(name, "choice", sorted(values.choices), applies_to=sorted(values.kinds)))
        else:
            continue
        added.append(name)
    if added:
        store.set_schema(Schema(list(schema.labels), attributes))
    return added


# -- export -------------------------------------------------------------------

TRAINING_STATUSES = ("done", "reviewed")
"""What a training format exports by default: documents someone finished."""


@dataclass
class ExportChoice:
    """Which layers and statuses go out, and how to say so."""

    annotators: list[str] | None
    """None: every layer."""
    statuses: list[str] | None
    """None: any status."""
    one_layer: bool = False
    """Each document gives the first of `annotators` it has with a chosen status."""
    said: str = ""
    """The choice in words, for the summary and the window."""
    by_default: bool = False
    """A training format's default layer or status choice is part of it."""


def choose_export(store: Store, fmt: str | Format, annotator: str, layers: Sequence[str] = (),
                  all_layers: bool = False, statuses: Sequence[str] = (), any_status: bool = False) -> ExportChoice:
    """What an export writes, for the command line and the window alike.

    Named layers and statuses are taken as given. Otherwise a training format
    (CoNLL, HF, spaCy, doccano) writes what a model is trained on: one layer
    per document, gold where the document has it, else `annotator`'s, of the
    documents marked done or reviewed in that layer; other formats write
    every layer of every document. `all_layers` and `any_status` ask for
    every layer, any status, in any format.
    """
    fmt = get_format(fmt) if isinstance(fmt, str) else fmt
    if layers and all_layers:
        raise ExchangeError("--all-layers and --layer name different layers: give one of them")
    if statuses and any_status:
        raise ExchangeError("--status any and another --status contradict each other: give one")
    training = fmt.training
    one_layer = training and not layers and not all_layers
    if layers:
        chosen: list[str] | None = list(dict.fromkeys(layers))
        layer_words = "layer(s) " + ", ".join(chosen)
    elif one_layer:
        has_gold = GOLD in store.annotators() and annotator != GOLD
        chosen = [GOLD, annotator] if has_gold else [annotator]
        layer_words = (f"one layer per document: {GOLD} where the document has it, else {annotator}'s"
                       if has_gold else f"{annotator}'s layer")
    else:
        chosen, layer_words = None, "every layer"
    if statuses:
        kept: list[str] | None = list(dict.fromkeys(statuses))
        status_words = "status " + " or ".join(kept)
    elif training and not any_status:
        kept, status_words = list(TRAINING_STATUSES), "documents marked done or reviewed"
    else:
        kept, status_words = None, "any status"
    by_default = one_layer or (training and not statuses and not any_status)
    said = f"{layer_words}; {status_words}" + (" (a training format's default)" if by_default else "")
    return ExportChoice(chosen, kept, one_layer, said, by_default)


@dataclass
class ExportReport:
    summaries: dict[str, WriteSummary] = field(default_factory=dict)
    dropped: Counter = field(default_factory=Counter)
    chosen: str = ""
    """What was chosen to go out, in words (`ExportChoice.said`)."""
    notes: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [self.chosen] if self.chosen else []
        for name, summary in self.summaries.items():
            prefix = f"{name}: " if len(self.summaries) > 1 else ""
            out += [prefix + line for line in summary.lines()]
            out += [f"{prefix}written to {path}" for path in summary.files]
        out += [f"left out {n}: {reason}" for reason, n in sorted(self.dropped.items()) if n]
        out += self.notes
        return out


def export(store: Store, fmt: str | Format, out: Path, annotators: Sequence[str] | None = None,
           statuses: Sequence[str] | None = None, labels: Sequence[str] | None = None,
           split_ratios: Sequence[float] | None = None, seed: int = 0,
           progress: Progress | None = None, options: WriteOptions | None = None,
           workers: int | None = 1, choice: ExportChoice | None = None) -> ExportReport:
    """Write the chosen layers of every document to `out` in a format.

    With `split_ratios`, `out` is a folder holding one output per split
    (`train.jsonl`, ... or `train/`, ... for folder formats). `workers` above 1
    (None: as many as the machine and the export size suit) renders token
    formats in forked processes; only a caller with no other thread running
    (the command line) may ask for them, see `export_workers`.

    A `choice` (`choose_export`) stands for `annotators` and `statuses`, and
    is said in the report.
    """
    fmt = get_format(fmt) if isinstance(fmt, str) else fmt
    if fmt.write is None:
        raise ExchangeError(f"the {fmt.name} format can only be imported")
    options = replace(options) if options is not None else WriteOptions()
    if options.schema is None:
        options.schema = store.schema()
    if choice is not None:
        annotators, statuses = choice.annotators, choice.statuses
    selection = Selection(list(annotators) if annotators else None,
                          list(statuses) if statuses else None, list(labels) if labels else None,
                          one_layer=choice is not None and choice.one_layer)
    report = ExportReport(dropped=selection.dropped, chosen=f"exported: {choice.said}" if choice is not None else "")
    out = Path(out)

    def tick(done: int, total: int) -> None:
        if progress is not None and progress(done, total) is False:
            raise ExportCancelled()

    # every chunk is read from the state the file had when the export began,
    # and no file written may be the database (a folder export into its folder)
    with store.snapshot(), protecting(database_files(store)):
        _export_records(store, fmt, out, selection, split_ratios, seed, options, workers, tick, report)
    return report


def _export_records(store: Store, fmt: Format, out: Path, selection: Selection,
                    split_ratios: Sequence[float] | None, seed: int, options: WriteOptions,
                    workers: int | None, tick: Callable[[int, int], None], report: ExportReport) -> None:
    if fmt.write_labelled is None:
        records: Iterable[Any] = select(_stored(store, False, selection.annotators, tick, fmt.keeps_tokens), selection)
        write: Callable[[Any, Path, WriteOptions], WriteSummary] = fmt.write
    else:
        if options.labels is None:
            # known before writing, so that every run and every split numbers tags alike
            fact_labels = {label.name for label in options.schema.fact_labels}
            options.labels = [name for name in store.span_labels(selection.annotators) if name not in fact_labels]
        records = select_labelled(_stored(store, True, selection.annotators, tick, options.tokenizer == SOURCE),
                                  selection)
        write = fmt.write_labelled
    _refuse_database(store, fmt, out, split_ratios)
    if not split_ratios:
        count = export_workers.worker_count(workers, store.document_count(), fmt, store)
        if count > 1:
            runs = export_workers.rendered_by_workers(store, fmt, selection, options, count, tick)
            report.summaries["all"] = fmt.write_runs(runs, out, options)  # type: ignore[misc]
        else:
            report.summaries["all"] = write(records, out, options)
        return
    parts = split(list(records), split_ratios, seed)
    total = sum(map(len, parts.values()))
    if total == 0:
        report.notes.append("every part is empty: no document was chosen")
    else:
        report.notes += [f"the {name} part is empty: {total} document(s) are too few for these ratios"
                         for name, part in parts.items() if not part]
    suffix = "" if fmt.writes_folder else (fmt.extensions[0] if fmt.extensions else "")
    # every part's files before any is written, so a refusal leaves nothing half done
    if not fmt.writes_folder:
        planned = [path for name in parts for path in _single_file_outputs(fmt, out / f"{name}{suffix}")]
    else:
        planned = [path for name, part in parts.items() if fmt.outputs for path in fmt.outputs(part, out / name, options)]
    refuse_existing(planned, options.overwrite)
    for name, part in parts.items():
        report.summaries[name] = write(part, out / f"{name}{suffix}", options)


def _single_file_outputs(fmt: Format, path: Path) -> list[Path]:
    return [path, *(fmt.side_files(path) if fmt.side_files else [])]


def database_files(store: Store) -> set[Path]:
    if store.path is None:
        return set()
    database = Path(store.path).resolve()
    return {database, database.with_name(database.name + "-wal"), database.with_name(database.name + "-shm")}


def _refuse_database(store: Store, fmt: Format, out: Path, split_ratios: Sequence[float] | None) -> None:
    """Never write over the database being exported (or its journal files), whatever
    --overwrite says: said here, before reading, for the file named by --out; the
    files of a folder or a split are refused as they are planned (`protecting`)."""
    own = database_files(store)
    if not own or fmt.writes_folder or split_ratios:
        return
    for path in _single_file_outputs(fmt, out):
        if path.resolve() in own:
            raise ExchangeError(f"{path} is the database being exported; choose another file")


STDOUT = "-"
"""`--out -`: standard output."""


def export_to_stream(store: Store, fmt: str | Format, stream: BinaryIO, **kwargs: Any) -> ExportReport:
    """`export` of a format that writes one file, written to `stream` (standard
    output) instead of a file. Formats that write a folder or files beside
    their output are refused, and so is a split."""
    fmt = get_format(fmt) if isinstance(fmt, str) else fmt
    if fmt.writes_folder or fmt.side_files is not None or kwargs.get("split_ratios"):
        what = ("a split writes one output per part" if kwargs.get("split_ratios") else
                f"the {fmt.name} format writes a folder" if fmt.writes_folder else
                f"the {fmt.name} format writes files beside its output")
        raise ExchangeError(f"{what}; standard output (--out -) takes one file: name a file or folder instead")
    with tempfile.TemporaryDirectory(prefix="annotator-export-") as folder:
        path = Path(folder) / f"export{fmt.extensions[0] if fmt.extensions else ''}"
        report = export(store, fmt, path, **kwargs)
        with open(path, "rb") as written:
            shutil.copyfileobj(written, stream)
        stream.flush()
    for summary in report.summaries.values():
        summary.files = []
        summary.notes.append("written to standard output")
    return report


def _stored(store: Store, labelled: bool, annotators: list[str] | None,
            tick: Callable[[int, int], None], tokens: bool = False) -> Iterator[Any]:
    """Every document of the store, as `LabelledDocument`s (with their source
    `tokens` when asked) or `AnnotatedDocument`s, reporting progress; read a
    chunk at a time, so only one chunk is ever held."""
    total = store.document_count()
    read = (store.labelled_many if labelled else store.annotated_many)(None, annotators, tokens=tokens)
    for n, record in enumerate(read, 1):
        yield record
        tick(n, total)
