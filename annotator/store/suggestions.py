"""Suggestions: spans the suggesters proposed, kept apart from annotations
until a person accepts (a span in their layer) or rejects them (recorded, so
the same proposal never comes back); gazetteers, the spaCy label table and
trained models of the project."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from annotator.domain import Span
from annotator.store.core import StoreCore
from annotator.store.errors import StoreError
from annotator.store.rows import now

SUGGESTION_COLUMNS = 'id, document_id, annotator, suggester, start, "end", label, confidence, state, span_id'


@dataclass(frozen=True)
class Suggestion:
    id: int
    document_id: int
    annotator: str
    suggester: str
    start: int
    end: int
    label: str
    confidence: float
    state: str
    span_id: int | None = None


@dataclass(frozen=True)
class SuggesterRecord:
    """How one suggester's proposals fared: accepted and rejected counts."""

    suggester: str
    accepted: int
    rejected: int
    pending: int

    @property
    def precision(self) -> float | None:
        decided = self.accepted + self.rejected
        return self.accepted / decided if decided else None


class SuggestionsMixin(StoreCore):
    """The suggestions part of `Store` (needs the spans part for `add_span`)."""

    def store_suggestions(self, document_id: int, annotator: str, suggester: str,
                          proposals: Iterable[tuple[int, int, str, float]]) -> int:
        """Replace the suggester's pending suggestions for the document and
        layer by `proposals` ((start, end, label, confidence) each). A proposal
        already accepted or rejected there (same offsets and label, by any
        suggester), or already a span of the layer, is left out. Returns how
        many were stored."""
        decided = {tuple(r) for r in self.db.execute(
            'SELECT start, "end", label FROM suggestions WHERE document_id = ? AND annotator = ? AND state != ?',
            [document_id, annotator, "pending"])}
        decided.update(tuple(r) for r in self.db.execute(
            'SELECT start, "end", label FROM spans WHERE document_id = ? AND annotator = ?',
            [document_id, annotator]))
        stamp = now()
        rows = []
        for start, end, label, confidence in proposals:
            if (start, end, label) not in decided:
                decided.add((start, end, label))
                rows.append([document_id, annotator, suggester, start, end, label, float(confidence), stamp])
        with self.db.atomic():
            self.db.execute("DELETE FROM suggestions WHERE document_id = ? AND annotator = ? AND suggester = ? "
                            "AND state = 'pending'", [document_id, annotator, suggester])
            self.db.conn.executemany(
                'INSERT INTO suggestions (document_id, annotator, suggester, start, "end", label, confidence, created) '
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
        self._changed("suggestions", document_id)
        return len(rows)

    def pending_suggestions(self, document_id: int, annotator: str,
                            starting: tuple[int, int] | None = None) -> list[Suggestion]:
        """The document's pending suggestions for the layer, in reading order;
        those the annotator has meanwhile labelled by hand (same offsets and
        label), and those of labels the schema no longer has, are left out; of
        the same span and label from several suggesters only the surest is listed.
        With `starting` (low, high), only those starting in [low, high]."""
        where, params = "", [document_id, annotator]
        if starting is not None:
            where, params = "AND start BETWEEN ? AND ? ", [*params, *starting]
        rows = self.db.execute(
            f"SELECT {SUGGESTION_COLUMNS} FROM suggestions AS g WHERE document_id = ? AND annotator = ? "
            f"AND state = 'pending' {where}AND NOT EXISTS (SELECT 1 FROM spans AS s WHERE s.document_id = g.document_id "
            "AND s.annotator = g.annotator AND s.start = g.start AND s.\"end\" = g.\"end\" AND s.label = g.label) "
            # a label renamed or deleted since: the suggestion could not be accepted
            "AND label IN (SELECT name FROM labels) "
            "ORDER BY start, \"end\" DESC, confidence DESC, id", params)
        # several suggesters proposing the same span and label are one suggestion: the surest
        seen: set[tuple[int, int, str]] = set()
        pending = []
        for row in rows:
            suggestion = Suggestion(*row)
            if (suggestion.start, suggestion.end, suggestion.label) not in seen:
                seen.add((suggestion.start, suggestion.end, suggestion.label))
                pending.append(suggestion)
        return pending

    def suggestion(self, suggestion_id: int) -> Suggestion:
        row = self.db.execute(f"SELECT {SUGGESTION_COLUMNS} FROM suggestions WHERE id = ?", [suggestion_id]).fetchone()
        if row is None:
            raise StoreError(f"no suggestion with id {suggestion_id}")
        return Suggestion(*row)

    def accept_suggestion(self, suggestion_id: int, label: str | None = None) -> Span:
        """Make the suggestion a span of its annotator's layer (with `label`
        instead of the proposed one if given), in one transaction with its state."""
        with self.db.atomic():
            span = self._accept(self.suggestion(suggestion_id), label)
        self._changed("suggestions", span.document_id)
        return span

    def reject_suggestion(self, suggestion_id: int) -> None:
        suggestion = self.suggestion(suggestion_id)
        self._set_state(suggestion.id, "rejected")
        self._changed("suggestions", suggestion.document_id)

    def accept_suggestions_above(self, document_id: int, annotator: str, confidence: float) -> list[Span]:
        """Accept every pending suggestion of the document and layer whose
        confidence is at least `confidence`, all in one transaction. Of
        overlapping ones only the surest (then the first) is accepted."""
        spans = []
        taken: list[tuple[int, int]] = []
        chosen = sorted((s for s in self.pending_suggestions(document_id, annotator) if s.confidence >= confidence),
                        key=lambda s: (-s.confidence, s.start, s.id))
        with self.db.atomic():
            for suggestion in chosen:
                if all(suggestion.end <= a or b <= suggestion.start for a, b in taken):
                    taken.append((suggestion.start, suggestion.end))
                    spans.append(self._accept(suggestion, None))
        self._changed("suggestions", document_id)
        return spans

    def set_suggestion_state(self, suggestion_id: int, state: str, span_id: int | None = None) -> None:
        """Set a suggestion's state directly: for undo and redo of an accept or
        reject (the span an accept made is the caller's to delete or restore)."""
        self._set_state(suggestion_id, state, span_id)
        self._changed("suggestions", None)

    def suggestions_of_spans(self, span_ids: Iterable[int]) -> dict[int, int]:
        """The accepted suggestion that made each of these spans: span id -> suggestion id."""
        ids = list(span_ids)
        if not ids:
            return {}
        return dict(self.db.execute(
            f"SELECT span_id, id FROM suggestions WHERE state = 'accepted' AND span_id IN ({','.join('?' * len(ids))})",
            ids))

    def _accept(self, suggestion: Suggestion, label: str | None) -> Span:
        if suggestion.state != "pending":
            raise StoreError(f"suggestion {suggestion.id} was already {suggestion.state}")
        span = self.add_span(suggestion.document_id, suggestion.annotator,  # type: ignore[attr-defined]
                             suggestion.start, suggestion.end, label or suggestion.label)
        self._set_state(suggestion.id, "accepted", span.id)
        return span

    def _set_state(self, suggestion_id: int, state: str, span_id: int | None = None) -> None:
        with self.db.atomic():
            self.db.execute("UPDATE suggestions SET state = ?, span_id = ?, decided = ? WHERE id = ?",
                            [state, span_id, None if state == "pending" else now(), suggestion_id])

    def suggester_records(self, annotator: str | None = None) -> list[SuggesterRecord]:
        """Per suggester, how many suggestions were accepted, rejected, left pending."""
        sql = ("SELECT suggester, SUM(state = 'accepted'), SUM(state = 'rejected'), SUM(state = 'pending') "
               "FROM suggestions")
        params: list[Any] = []
        if annotator is not None:
            sql += " WHERE annotator = ?"
            params.append(annotator)
        return [SuggesterRecord(*r) for r in self.db.execute(sql + " GROUP BY suggester ORDER BY suggester", params)]

    def documents_with_status(self, annotator: str, statuses: Iterable[str]) -> list[int]:
        """Ids of the documents whose status in the layer is one of `statuses`."""
        wanted = list(statuses)
        return [r[0] for r in self.db.execute(
            f"SELECT document_id FROM document_status WHERE annotator = ? AND status IN ({','.join('?' * len(wanted))}) "
            "ORDER BY document_id", [annotator, *wanted])]

    def labelled_forms(self, annotators: Iterable[str], labels: Iterable[str]) -> list[tuple[str, str]]:
        """(covered text, label) of every span of these layers with one of these labels."""
        names, wanted = list(annotators), list(labels)
        return [tuple(r) for r in self.db.execute(  # type: ignore[misc]
            f"SELECT text, label FROM spans WHERE annotator IN ({','.join('?' * len(names))}) "
            f"AND label IN ({','.join('?' * len(wanted))})", [*names, *wanted])]

    # -- gazetteers, the spaCy label table, trained models --------------------

    def set_gazetteer(self, name: str, entries: Iterable[tuple[str, str]]) -> int:
        """Replace the named gazetteer's (entry, label) list; returns its size."""
        rows = sorted({(name, entry, label) for entry, label in entries})
        with self.db.atomic():
            self.db.execute("DELETE FROM gazetteer_entries WHERE gazetteer = ?", [name])
            self.db.conn.executemany("INSERT INTO gazetteer_entries (gazetteer, entry, label) VALUES (?, ?, ?)", rows)
        return len(rows)

    def gazetteers(self) -> dict[str, int]:
        """Each gazetteer's name and size."""
        return dict(self.db.execute(
            "SELECT gazetteer, COUNT(*) FROM gazetteer_entries GROUP BY gazetteer ORDER BY gazetteer"))

    def gazetteer_entries(self) -> list[tuple[str, str]]:
        """(entry, label) of every gazetteer."""
        return [tuple(r) for r in self.db.execute(  # type: ignore[misc]
            "SELECT entry, label FROM gazetteer_entries ORDER BY gazetteer, entry")]

    def set_spacy_labels(self, mapping: dict[str, str]) -> None:
        """The table from spaCy's entity labels to ours, replaced whole."""
        with self.db.atomic():
            self.db.execute("DELETE FROM spacy_labels")
            self.db.conn.executemany("INSERT INTO spacy_labels (spacy_label, label) VALUES (?, ?)",
                                     sorted(mapping.items()))

    def spacy_labels(self) -> dict[str, str]:
        return dict(self.db.execute("SELECT spacy_label, label FROM spacy_labels ORDER BY spacy_label"))

    def save_suggester_model(self, name: str, model: bytes, detail: dict[str, Any]) -> None:
        with self.db.atomic():
            self.db.execute(
                "INSERT INTO suggester_models (name, model, detail, trained) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(name) DO UPDATE SET model = excluded.model, detail = excluded.detail, "
                "trained = excluded.trained", [name, model, json.dumps(detail, ensure_ascii=False), now()])

    def suggester_detail(self, name: str) -> dict[str, Any] | None:
        """What the model stored under `name` was trained on (its `suggester_model`
        detail), without reading the model itself."""
        row = self.db.execute("SELECT detail, trained FROM suggester_models WHERE name = ?", [name]).fetchone()
        return None if row is None else {**json.loads(row[0]), "trained": row[1]}

    def suggester_model(self, name: str) -> tuple[bytes, dict[str, Any]] | None:
        """The trained model stored under `name` and what it was trained on, or None."""
        row = self.db.execute("SELECT model, detail, trained FROM suggester_models WHERE name = ?", [name]).fetchone()
        if row is None:
            return None
        return bytes(row[0]), {**json.loads(row[1]), "trained": row[2]}

    def set_uncertainties(self, scores: dict[int, float]) -> None:
        """How unsure the tagger is about each document, replacing what was measured before."""
        with self.db.atomic():
            self.db.execute("DELETE FROM tagger_uncertainty")
            self.db.conn.executemany("INSERT INTO tagger_uncertainty (document_id, uncertainty) VALUES (?, ?)",
                                     sorted(scores.items()))
        self._changed("documents", None)

    def uncertainties(self) -> dict[int, float]:
        return dict(self.db.execute("SELECT document_id, uncertainty FROM tagger_uncertainty"))
