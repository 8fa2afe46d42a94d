"""What Store methods hand back: document summaries, search hits, records of deletions that
undo puts back, problems found by `check`, and the summary of an import."""

from __future__ import annotations

from dataclasses import dataclass, field

from annotator.domain import Fact, Label, Span
from annotator.domain.id_runs import IdRuns


@dataclass
class DocumentSummary:
    id: int
    title: str
    span_count: int
    status: str
    done_by: list[str] = field(default_factory=list)


@dataclass
class SearchHit:
    """A document a search found: its id, title and a snippet of the matched text."""

    id: int
    title: str
    snippet: str


@dataclass
class DeletedSpan:
    """Everything a span deletion removed, so that undo can put it all back."""

    span: Span
    facts: list[DeletedFact]
    args: list[tuple[int, int, str, int]]
    """(fact_id, position, role, span_id) rows that pointed at the span."""


@dataclass
class DeletedFact:
    fact: Fact
    inbound: list[tuple[int, int, str, int]]
    """(fact_id, position, role, target_fact_id) rows of other facts that pointed at it."""
    positions: list[int] = field(default_factory=list)
    """The stored position of each of `fact.args`, so they come back exactly where they were."""


@dataclass
class StoredFact:
    """A fact exactly as its rows hold it, argument positions included: what an
    undo expects to find and writes back."""

    fact: Fact
    positions: list[int]


@dataclass
class DeletedLabel:
    label: Label
    spans: list[DeletedSpan]
    facts: list[DeletedFact]
    relabelled_to: str | None = None
    relabelled_span_ids: list[int] = field(default_factory=list)
    relabelled_fact_ids: list[int] = field(default_factory=list)
    relabelled_at: str = ""
    """The time of change the relabelled rows got."""
    updated_before: dict[tuple[str, int], str] = field(default_factory=dict)
    """("spans" or "facts", id) -> the time of change the relabelled row had, which undo puts back."""


@dataclass
class Problem:
    """One thing `check` found wrong, worded for the user."""

    document_id: int
    kind: str
    id: int
    message: str


@dataclass
class ImportSummary:
    documents_added: int = 0
    documents_matched: int = 0
    documents_matched_by_name: int = 0
    """Of those matched, the ones matched by their source name and text; the others by text alone."""
    spans: int = 0
    """Spans added."""
    facts: int = 0
    """Facts added."""
    labels_added: list[str] = field(default_factory=list)
    document_ids: IdRuns = field(default_factory=IdRuns)
    """The document each record became, in the records' order (runs: flat memory for any file size)."""
    spans_present: int = 0
    """Spans of matched documents identical to one already in their layer, so not added again."""
    facts_present: int = 0
    """Facts of matched documents identical to one already in their layer, so not added again."""
    statuses_kept: int = 0
    """Statuses of the records not applied because the layer already had a different one."""
    annotations_differing: int = 0
    """Spans and facts counted as present whose attributes or note in the record differ from the
    database's, which keeps its own."""
    notes_kept: int = 0
    """Document notes of the records not applied because the layer already had a different one."""
    notes_on_present: list[tuple[int, str, str]] = field(default_factory=list)
    """(document, annotator, note) of the document notes written on documents already present:
    what reverting the import takes back (those of new documents go with them)."""
