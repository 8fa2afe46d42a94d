"""Who works on what: annotators, each one's status on a document, review decisions."""

from __future__ import annotations

import json
from typing import Any

from annotator.domain import STATUSES
from annotator.store.core import StoreCore
from annotator.store.errors import StoreError
from annotator.store.expectations import in_the_way
from annotator.store.rows import now


class WorkflowMixin(StoreCore):
    """The annotators, status and decisions part of `Store`."""

    # -- annotators ---------------------------------------------------------

    def annotators(self) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT name FROM annotators ORDER BY name")]

    def ensure_annotator(self, name: str) -> None:
        if not name.strip():
            raise StoreError("an annotator needs a name")
        self.db.execute("INSERT OR IGNORE INTO annotators (name, created) VALUES (?, ?)", [name, now()])

    # -- status -------------------------------------------------------------

    def status(self, document_id: int, annotator: str) -> str:
        row = self.db.execute(
            "SELECT status FROM document_status WHERE document_id = ? AND annotator = ?", [document_id, annotator]
        ).fetchone()
        return row[0] if row else "todo"

    def statuses(self, document_id: int) -> dict[str, str]:
        return dict(self.db.execute(
            "SELECT annotator, status FROM document_status WHERE document_id = ? ORDER BY annotator", [document_id]))

    def set_status(self, document_id: int, annotator: str, status: str, *, expect: str | None = None) -> None:
        """Set the annotator's status on the document; with `expect`, only while it is still that."""
        if status not in STATUSES:
            raise StoreError(f"unknown status {status!r} (one of {', '.join(STATUSES)})")
        with self.db.atomic():
            row = self.db.execute("SELECT status FROM document_status WHERE document_id = ? AND annotator = ?",
                                  [document_id, annotator]).fetchone()
            recorded = row[0] if row else None
            current = recorded or "todo"
            if expect is not None and current != expect:
                raise in_the_way(f"{annotator}'s status on document {document_id} is {current.replace('_', ' ')} now, "
                                 f"not {expect.replace('_', ' ')}")
            self.ensure_annotator(annotator)
            self._record_status(document_id, annotator, recorded, status)
            self.db.execute(
                "INSERT INTO document_status (document_id, annotator, status, updated) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(document_id, annotator) DO UPDATE SET status = excluded.status, updated = excluded.updated",
                [document_id, annotator, status, now()],
            )
        self._changed("status", document_id)

    def _touch_status(self, document_id: int, annotator: str) -> bool:
        # the first edit moves a document from "to do" to "in progress"
        started = self.db.execute(
            "INSERT OR IGNORE INTO document_status (document_id, annotator, status, updated) VALUES (?, ?, 'in_progress', ?)",
            [document_id, annotator, now()],
        ).rowcount == 1
        if started:
            self._record_status(document_id, annotator, None, "in_progress")
        return started

    def touch_status(self, document_id: int, annotator: str) -> bool:
        """What a first edit does to the status (redo of that edit): "in progress"
        when the annotator has none on the document yet. True when it set it."""
        with self.db.atomic():
            self.ensure_annotator(annotator)
            started = self._touch_status(document_id, annotator)
        if started:
            self._changed("status", document_id)
        return started

    def untouch_status(self, document_id: int, annotator: str) -> bool:
        """Take back `touch_status` (undo of a first edit): the status goes back to
        "to do" only while it is still the "in progress" that edit set. True when it did."""
        with self.db.atomic():
            cleared = self.db.execute(
                "DELETE FROM document_status WHERE document_id = ? AND annotator = ? AND status = 'in_progress'",
                [document_id, annotator]).rowcount == 1
            if cleared:
                self._record_status(document_id, annotator, "in_progress", None)
        if cleared:
            self._changed("status", document_id)
        return cleared

    # -- review decisions ---------------------------------------------------

    def record_decision(self, document_id: int, reviewer: str, kind: str, choice: str,
                        detail: dict[str, Any] | None = None) -> int:
        with self.db.atomic():
            cursor = self.db.execute(
                "INSERT INTO decisions (document_id, reviewer, kind, choice, detail, created) VALUES (?, ?, ?, ?, ?, ?)",
                [document_id, reviewer, kind, choice, json.dumps(detail or {}, ensure_ascii=False), now()],
            )
        self._changed("decisions", document_id)
        return cursor.lastrowid  # type: ignore[return-value]

    def decisions(self, document_id: int | None = None) -> list[dict[str, Any]]:
        sql = "SELECT id, document_id, reviewer, kind, choice, detail, created FROM decisions"
        params: list[Any] = []
        if document_id is not None:
            sql += " WHERE document_id = ?"
            params.append(document_id)
        return [
            {"id": r[0], "document_id": r[1], "reviewer": r[2], "kind": r[3], "choice": r[4],
             "detail": json.loads(r[5]), "created": r[6]}
            for r in self.db.execute(sql + " ORDER BY id", params)
        ]
