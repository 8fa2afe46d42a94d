"""Bringing colleagues' databases into this one.

Documents are matched as an import matches them: by the source's name for
them (kept in their meta) and the SHA-256 of their text, or by the text
alone for documents with no name; annotators keep their names. Nothing already here is overwritten or mixed: a layer (one
annotator's spans, facts and status on one document) is brought in only
when this database has nothing of that annotator on that document. When it
has, and the two differ, the layer is left out and reported as a name
clash: two people may share a name, and mixing their work would corrupt
both. A layer with the same spans and facts (the same file merged twice)
is counted as already present; its status here is kept.

All files merge in one transaction: a failure or a cancel leaves this
database as it was.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from annotator.domain import AnnotatedDocument, Document, SchemaError
from annotator.domain.layers import fact_views, span_key
from annotator.store.database import Store, StoreError
from annotator.store.errors import store_error


@dataclass
class NameClash:
    """The same annotator name with different work on the same document."""

    annotator: str
    document_title: str
    document_hash: str
    source: str
    """The file whose layer was left out."""
    here: str
    """Where the layer already present came from: this database, or an earlier file."""

    def __str__(self) -> str:
        return (f"{self.annotator!r} on {self.document_title!r}: {self.source} differs from "
                f"the layer already in {self.here}; left out")


@dataclass
class MergeSummary:
    files: list[str] = field(default_factory=list)
    documents_added: int = 0
    documents_matched: int = 0
    layers_added: int = 0
    layers_already_present: int = 0
    spans: int = 0
    facts: int = 0
    labels_added: list[str] = field(default_factory=list)
    annotators: list[str] = field(default_factory=list)
    """Names of the layers brought in."""
    clashes: list[NameClash] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [
            f"merged {len(self.files)} file(s): {self.documents_added} document(s) added, "
            f"{self.documents_matched} matched",
            f"{self.layers_added} layer(s) brought in ({', '.join(self.annotators) or 'none'}): "
            f"{self.spans} span(s), {self.facts} fact(s)",
        ]
        if self.layers_already_present:
            out.append(f"{self.layers_already_present} layer(s) already present, unchanged")
        if self.labels_added:
            out.append(f"labels added: {', '.join(self.labels_added)}")
        if self.clashes:
            out.append(f"{len(self.clashes)} name clash(es), not merged:")
            out.extend(f"  {clash}" for clash in self.clashes)
        return out


MergeProgress = Callable[[int, int], bool | None]
"""Called with (documents done, total); returning False cancels and changes nothing."""


def merge_databases(store: Store, other_paths: Iterable[str | Path],
                    progress: MergeProgress | None = None) -> MergeSummary:
    try:
        with store.db.atomic():
            return _merge(store, other_paths, progress)
    except BaseException:
        store._schema_changed()  # labels added before the failure were rolled back
        raise


def _merge(store: Store, other_paths: Iterable[str | Path], progress: MergeProgress | None) -> MergeSummary:
    summary = MergeSummary()
    records: list[AnnotatedDocument] = []
    # (document's `_identity`, annotator) -> (where it came from, its content)
    layers: dict[tuple[tuple[str, str], str], tuple[str, tuple]] = {}
    known: set[tuple[str, str]] = set()
    for path in other_paths:
        path = Path(path)
        if store.path is not None and path.resolve() == Path(store.path).resolve():
            raise StoreError(f"{path}: is the database being merged into")
        other = Store.open_read_only(path)
        try:
            summary.files.append(str(path))
            summary.labels_added += _bring_labels(store, other)
            for record in _records(other):
                document = record.document
                here = store.document_matching(document.hash, document.source_name)
                identity = _identity(record, here)
                chosen = _choose_layers(store, record, here, identity, str(path), layers, summary)
                if identity not in known:
                    known.add(identity)
                    if here is None:
                        summary.documents_added += 1
                    else:
                        summary.documents_matched += 1
                if chosen or here is None:
                    records.append(_restricted(record, chosen))
        finally:
            other.close()
    total = len(records)

    def import_progress(done: int) -> bool | None:
        return None if progress is None else progress(done, total)

    result = store.import_annotated(records, progress=import_progress)
    summary.spans, summary.facts = result.spans, result.facts
    summary.labels_added += [name for name in result.labels_added if name not in summary.labels_added]
    return summary


def _records(other: Store) -> Iterator[AnnotatedDocument]:
    """Every document of the other database with all its layers; damage found
    in reading it is reported as that file's."""
    try:
        for document in other.documents():
            record = other.annotated(document.id)  # type: ignore[arg-type]
            record.tokens = other.source_tokens(document.id)  # type: ignore[arg-type]
            yield record
    except Exception as exc:
        translated = store_error(exc, other.path)
        if translated is None:
            raise
        raise translated from exc


def _identity(record: AnnotatedDocument, here: Document | None) -> tuple[str, str]:
    """What names the document a record goes to: the one of this database it
    matches, else its source name and text (records of several files may be one)."""
    if here is not None:
        return "", f"document {here.id}"  # no hash holds a space
    return record.document.source_name, record.document.hash


def _choose_layers(store: Store, record: AnnotatedDocument, existing: Document | None, identity: tuple[str, str],
                   source: str, layers: dict[tuple[tuple[str, str], str], tuple[str, tuple]],
                   summary: MergeSummary) -> list[str]:
    """The layers of `record` to bring in; records clashes and duplicates in `summary`.
    `existing` is the document of this database the record matches, `identity` the document's key in `layers`."""
    here = store.annotated(existing.id) if existing is not None else None  # type: ignore[arg-type]
    chosen = []
    for name in sorted(set(record.annotators()) | set(record.status) | set(record.notes)):
        content = layer_content(record, name)
        if (identity, name) not in layers and here is not None and _has_layer(here, name):
            layers[(identity, name)] = ("this database", layer_content(here, name))
        if (identity, name) in layers:
            where, present = layers[(identity, name)]
            if present == content:
                summary.layers_already_present += 1
            else:
                summary.clashes.append(NameClash(name, record.document.title, record.document.hash, source, where))
            continue
        layers[(identity, name)] = (source, content)
        chosen.append(name)
        summary.layers_added += 1
        if name not in summary.annotators:
            summary.annotators.append(name)
    return chosen


def layer_content(record: AnnotatedDocument, annotator: str) -> tuple:
    """What an annotator's layer says, independent of ids: comparable across databases."""
    spans = sorted({span_key(s) for s in record.spans if s.annotator == annotator})
    facts = sorted(repr(f.key) for f in fact_views(record, annotator))
    return (tuple(spans), tuple(facts))


def _has_layer(record: AnnotatedDocument, annotator: str) -> bool:
    return (annotator in record.status or annotator in record.notes or any(s.annotator == annotator for s in record.spans)
            or any(f.annotator == annotator for f in record.facts))


def _restricted(record: AnnotatedDocument, names: list[str]) -> AnnotatedDocument:
    keep = set(names)
    return AnnotatedDocument(
        record.document,
        [s for s in record.spans if s.annotator in keep],
        [f for f in record.facts if f.annotator in keep],
        {k: v for k, v in record.status.items() if k in keep},
        tokens=record.tokens,
        notes={k: v for k, v in record.notes.items() if k in keep},
    )


def _bring_labels(store: Store, other: Store) -> list[str]:
    """Labels of the other schema this one lacks, with their colours and roles.
    Entity labels first, so that fact roles naming them validate."""
    added = []
    for label in sorted(other.schema().labels, key=lambda lab: lab.kind != "entity"):
        if store.schema().label(label.name) is None:
            try:
                store.save_label(label)
            except SchemaError:
                continue  # e.g. a hotkey already taken here; import adds the bare label
            added.append(label.name)
    return added
