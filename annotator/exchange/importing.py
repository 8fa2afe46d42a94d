"""Files in: through a format reader into the store, in one transaction,
as the command line and the window both run it. No SQL here: only Store methods."""

from __future__ import annotations

import pickle
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, fields
from operator import attrgetter
from pathlib import Path
from typing import IO, Any

from annotator.domain import (
    AnnotatedDocument, Argument, AttributeDef, Document, Fact, Label, Role, Schema, SourceTokens, Span,
)
from annotator.exchange.base import ExchangeError, Progress
from annotator.formats.base import FormatError, ReadOptions, detect_format, get_format
from annotator.formats.brat import NORMALIZATION, NOTES
from annotator.formats.reading import check_size
from annotator.formats.token_landing import land
from annotator.store import Store, StoreError
from annotator.store.bulk_import import cycle_collection_paused
from annotator.store.database import ImportCancelled
from annotator.store.results import ImportSummary


@dataclass
class ImportReport(ImportSummary):
    """What the store's import did (`ImportSummary`), and what reading the files found."""

    files: list[str] = field(default_factory=list)
    attributes_added: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    """How files were read, where a format reads several kinds (a CSV of articles or of spans)."""
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
        said_when_any = [
            (self.documents_found, f"found by the hash the file names: {self.documents_found} document(s); "
                                   "their spans are put on the stored text"),
            (self.statuses_kept, f"statuses kept: {self.statuses_kept} document(s) keep their status here, "
                                 "not the file's"),
            (self.notes_kept, f"document notes kept: {self.notes_kept} document(s) keep their note here, "
                              "not the file's"),
            (self.annotations_differing, f"kept as they were: {self.annotations_differing} span(s) or fact(s) "
                                         "already present have other attributes or notes in the file; the "
                                         "database keeps its own"),
            (self.labels_added, f"labels added to the schema: {', '.join(self.labels_added)}"),
            (self.attributes_added, f"attributes added to the schema: {', '.join(self.attributes_added)}"),
        ]
        out += [line for any_, line in said_when_any if any_]
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
        **{f.name: getattr(summary, f.name) for f in fields(ImportSummary)},
        files=[str(p) for p in paths], attributes_added=attributes_added, skipped=list(options.skipped),
        warnings=list(options.warnings), notes=list(options.notes), layers=sorted(needs.layers),
        documents_found=found,
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
