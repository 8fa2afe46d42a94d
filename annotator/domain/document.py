"""Documents and the bundle of a document with its annotations."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from annotator.domain.facts import Fact
from annotator.domain.source_tokens import SourceTokens
from annotator.domain.spans import Span


def content_hash(text: str) -> str:
    """Identity of a text, used with the source's name to match the same article across databases and imports."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


SOURCE_NAME = "source_name"
"""The key of a document's meta holding the source's own name for it: a file's
path in the folder imported, a record's id. Kept in meta so that every format
that carries meta carries the name, and an import of an export matches."""


def source_name_of(meta: dict[str, Any]) -> str:
    """The source's name in a document's meta; "" when it names none."""
    name = meta.get(SOURCE_NAME)
    return "" if name is None else str(name)


BY_NAME, BY_TEXT = "name and text", "text"
"""How a record was matched to a document already present."""


def matching_document(present: dict[str, int], source_name: str) -> tuple[int | None, str]:
    """Which of the documents holding a record's text is the record's, and how it matched.

    `present` maps the source names of the documents with that text to their
    ids, the oldest first ("" for a document with no name: any imported before
    names were kept). A named record is the document of its name, else one with
    no name ("by text", as every import matched before); a record with no name
    is one with no name, else the oldest. None: a new document. Identical texts
    under different names are different documents.
    """
    if source_name and source_name in present:
        return present[source_name], BY_NAME
    if "" in present:
        return present[""], BY_TEXT
    if not source_name and present:
        return next(iter(present.values())), BY_TEXT
    return None, ""


@dataclass
class Document:
    id: int | None
    title: str
    text: str
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def hash(self) -> str:
        return content_hash(self.text)

    @property
    def source_name(self) -> str:
        return source_name_of(self.meta)


@dataclass
class AnnotatedDocument:
    """One document with the annotations of one or more layers.

    This is what format readers produce and writers consume. Span and fact
    ids are only meaningful inside one bundle: readers may use any ids that
    are unique within it, and the store assigns its own on import.
    `status` maps annotator name to that annotator's status for the document,
    `notes` to that annotator's note on the whole document (none: no entry).
    """

    document: Document
    spans: list[Span] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)
    status: dict[str, str] = field(default_factory=dict)
    tokens: SourceTokens | None = field(default=None, kw_only=True)
    """The tokens and sentences the document came with from a token format, if it did."""
    origin_hash: str | None = field(default=None, kw_only=True)
    """A token file's claim that this record is the document whose text has this
    content hash (our own export's `-DOCSTART-` line): the import then lands its
    spans on that document's text, when present, instead of adding the text rejoined."""
    notes: dict[str, str] = field(default_factory=dict, kw_only=True)

    def annotators(self) -> list[str]:
        names = {s.annotator for s in self.spans} | {f.annotator for f in self.facts}
        return sorted(names)

    def layer(self, annotator: str) -> AnnotatedDocument:
        """The same document restricted to one annotator's spans and facts."""
        return AnnotatedDocument(
            self.document,
            [s for s in self.spans if s.annotator == annotator],
            [f for f in self.facts if f.annotator == annotator],
            {k: v for k, v in self.status.items() if k == annotator},
            tokens=self.tokens,
            notes={k: v for k, v in self.notes.items() if k == annotator},
        )


LabelledRange = tuple[int, int, str, int]
"""(start, end, label, made) of a span: its offsets and label, and a number
that orders the spans of a layer as they were made (the span id in a database)."""


def reading_order(entry: LabelledRange) -> tuple[int, int, str, int]:
    """Start first, then the longest, then label and age: how layers list their spans."""
    return entry[0], -entry[1], entry[2], entry[3]


@dataclass
class LabelledDocument:
    """A document with each layer's spans reduced to offsets and labels.

    This is all a token format (CoNLL, Hugging Face, spaCy) writes, and the
    store reads it about three times faster than an `AnnotatedDocument`: no
    `Span` object is made, and an index holds every column needed.
    """

    document: Document
    layers: dict[str, list[LabelledRange]] = field(default_factory=dict)
    """Annotator -> spans in `reading_order`; only layers with spans appear."""
    status: dict[str, str] = field(default_factory=dict)
    facts: dict[str, int] = field(default_factory=dict)
    """Annotator -> how many facts the layer holds (token formats cannot carry them)."""
    tokens: SourceTokens | None = None
    """The tokens and sentences the document came with from a token format, when read."""

    @classmethod
    def of(cls, record: AnnotatedDocument) -> LabelledDocument:
        """The record's spans as ranges. `made` is the span id when every span
        has a database id (a positive number), else the span's place in the record."""
        stored = all(isinstance(s.id, int) and s.id > 0 for s in record.spans)
        layers: dict[str, list[LabelledRange]] = {}
        for place, span in enumerate(record.spans):
            made = span.id if stored else place
            layers.setdefault(span.annotator, []).append((span.start, span.end, span.label, made))  # type: ignore[arg-type]
        facts: dict[str, int] = {}
        for fact in record.facts:
            facts[fact.annotator] = facts.get(fact.annotator, 0) + 1
        ordered = {name: sorted(entries, key=reading_order) for name, entries in sorted(layers.items())}
        return cls(record.document, ordered, dict(record.status), facts, tokens=record.tokens)

    def annotators(self) -> list[str]:
        return sorted({*self.layers, *self.facts})
