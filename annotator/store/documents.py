"""Documents: adding (deduplicated by the hash of their text), reading, listing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from annotator.domain import Document, content_hash
from annotator.store.core import StoreCore
from annotator.store.errors import StoreError
from annotator.store.results import DocumentSummary
from annotator.store.rows import now


class DocumentsMixin(StoreCore):
    """The documents part of `Store`."""

    def add_document(self, title: str, text: str, meta: dict[str, Any] | None = None) -> tuple[Document, bool]:
        """Add a document, or find the one with the same text. Returns (document, added)."""
        with self.db.atomic():
            doc, added = self._add_document(title, text, meta or {})
            if added:
                self._record("document", "add", doc.id, document_id=doc.id, after={
                    "document": {"id": doc.id, "title": title, "hash": content_hash(text)}})
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

    def document_summaries(self, annotator: str, query: str = "") -> list[DocumentSummary]:
        """Documents with the annotator's span count and status, filtered by a
        case-insensitive match of `query` against title and text."""
        where, params = "", []
        if query:
            where = "WHERE instr(lower(d.title), lower(?)) > 0 OR instr(lower(d.text), lower(?)) > 0"
            params = [query, query]
        rows = self.db.execute(
            f"""
            SELECT d.id, d.title,
                (SELECT count(*) FROM spans s WHERE s.document_id = d.id AND s.annotator = ?),
                (SELECT status FROM document_status ds WHERE ds.document_id = d.id AND ds.annotator = ?),
                (SELECT group_concat(annotator, '\n') FROM document_status ds
                    WHERE ds.document_id = d.id AND ds.status IN ('done', 'reviewed'))
            FROM documents d {where} ORDER BY d.id
            """,
            [annotator, annotator, *params],
        ).fetchall()
        return [
            DocumentSummary(r[0], r[1], r[2], r[3] or ("in_progress" if r[2] else "todo"),
                            sorted(r[4].split("\n")) if r[4] else [])
            for r in rows
        ]

    def usual_language(self, sample: int = 1000) -> str | None:
        """The language most of the first `sample` documents name in their meta
        (`meta["language"]`), or None: a default for token exports that costs
        the same for ten documents as for a million."""
        row = self.db.execute(
            """SELECT language, count(*) AS n FROM (
                   SELECT json_extract(meta, '$.language') AS language FROM documents ORDER BY id LIMIT ?)
               WHERE typeof(language) = 'text' AND language != '' GROUP BY language ORDER BY n DESC, language LIMIT 1""",
            [sample]).fetchone()
        return row[0] if row else None

    def document_text(self, document_id: int) -> str:
        row = self.db.execute("SELECT text FROM documents WHERE id = ?", [document_id]).fetchone()
        if row is None:
            raise StoreError(f"no document with id {document_id}")
        return row[0]
