"""Documents: adding (deduplicated by the hash of their text), reading. Listing
and finding them is search.py."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from annotator.domain import Document, content_hash
from annotator.store.core import StoreCore
from annotator.store.errors import StoreError
from annotator.store.rows import now


class DocumentsMixin(StoreCore):
    """The documents part of `Store`."""

    def add_document(self, title: str, text: str, meta: dict[str, Any] | None = None) -> tuple[Document, bool]:
        """Add a document, or find the one with the same text. Returns (document, added)."""
        with self.db.atomic():
            doc, added = self._add_document(title, text, meta or {})
        if added:
            self._changed("documents", doc.id)
        return doc, added

    def _add_document(self, title: str, text: str, meta: dict[str, Any]) -> tuple[Document, bool]:
        digest = content_hash(text)
        row = self.db.execute("SELECT id, title, meta FROM documents WHERE hash = ?", [digest]).fetchone()
        if row:
            return Document(row[0], row[1], text, json.loads(row[2])), False
        cursor = self.db.execute(
            "INSERT INTO documents (title, text, hash, meta, created) VALUES (?, ?, ?, ?, ?)",
            [title, text, digest, json.dumps(meta, ensure_ascii=False), now()],
        )
        return Document(cursor.lastrowid, title, text, meta), True

    def document(self, document_id: int) -> Document:
        row = self.db.execute(
            "SELECT id, title, text, meta FROM documents WHERE id = ?", [document_id]
        ).fetchone()
        if row is None:
            raise StoreError(f"no document with id {document_id}")
        return Document(row[0], row[1], row[2], json.loads(row[3]))

    def document_by_hash(self, digest: str) -> Document | None:
        row = self.db.execute("SELECT id FROM documents WHERE hash = ?", [digest]).fetchone()
        return self.document(row[0]) if row else None

    def document_ids(self) -> list[int]:
        return [r[0] for r in self.db.execute("SELECT id FROM documents ORDER BY id")]

    def documents(self) -> Iterator[Document]:
        for row in self.db.execute("SELECT id, title, text, meta FROM documents ORDER BY id"):
            yield Document(row[0], row[1], row[2], json.loads(row[3]))

    def document_text(self, document_id: int) -> str:
        row = self.db.execute("SELECT text FROM documents WHERE id = ?", [document_id]).fetchone()
        if row is None:
            raise StoreError(f"no document with id {document_id}")
        return row[0]
