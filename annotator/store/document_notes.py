"""A note per document and annotator layer: what an annotator wants to say
about the article as a whole (a cut-off scan, a duplicate, a doubt to settle).
An empty note is no row."""

from __future__ import annotations

from annotator.store.core import StoreCore
from annotator.store.expectations import in_the_way
from annotator.store.rows import now


class DocumentNotesMixin(StoreCore):
    """The document notes part of `Store`."""

    def document_note(self, document_id: int, annotator: str) -> str:
        row = self.db.execute("SELECT note FROM document_notes WHERE document_id = ? AND annotator = ?",
                              [document_id, annotator]).fetchone()
        return row[0] if row else ""

    def document_notes(self, document_id: int) -> dict[str, str]:
        """Every layer's note on the document, by annotator."""
        return dict(self.db.execute(
            "SELECT annotator, note FROM document_notes WHERE document_id = ? ORDER BY annotator", [document_id]))

    def set_document_note(self, document_id: int, annotator: str, note: str, *, expect: str | None = None) -> None:
        """Write the annotator's note on the document (empty: none); with
        `expect`, only while the note is still that (an undo, a redo)."""
        with self.db.atomic():
            before = self.document_note(document_id, annotator)
            if expect is not None and before != expect:
                raise in_the_way(f"{annotator}'s note on document {document_id} was changed by another program")
            if before == note:
                return
            if note:
                self.ensure_annotator(annotator)  # type: ignore[attr-defined]
                self.db.execute(
                    "INSERT INTO document_notes (document_id, annotator, note, updated) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT(document_id, annotator) DO UPDATE SET note = excluded.note, updated = excluded.updated",
                    [document_id, annotator, note, now()])
            else:
                self.db.execute("DELETE FROM document_notes WHERE document_id = ? AND annotator = ?",
                                [document_id, annotator])
            self._record(  # type: ignore[attr-defined]
                "document_note", "change" if before and note else "add" if note else "delete", annotator,
                annotator=annotator, document_id=document_id,
                before={"note": before} if before else None, after={"note": note} if note else None)
        self._changed("document_note", document_id)
