"""Documents: adding (deduplicated by their source name and text), reading. Listing
and finding them is search.py."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from annotator.domain import Document, content_hash
from annotator.domain.document import matching_document, source_name_of
from annotator.store.errors import StoreError
from annotator.store.rows import now
from annotator.store.search_terms import SearchTermsMixin


class DocumentsMixin(SearchTermsMixin):
    """The documents part of `Store`."""

    def add_document(self, title: str, text: str, meta: dict[str, Any] | None = None) -> tuple[Document, bool]:
        """Add a document, or find the one it is: the same source name (`meta["source_name"]`)
        and text, else the same text with no name (`matching_document`). Returns (document, added)."""
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
        name = source_name_of(meta)
        found = self.document_matching(digest, name)
        if found is not None:
            return found, False
        cursor = self.db.execute(
            "INSERT INTO documents (title, text, hash, meta, created, source_name) VALUES (?, ?, ?, ?, ?, ?)",
            [title, text, digest, json.dumps(meta, ensure_ascii=False), now(), name],
        )
        self._settle_search_terms()
        return Document(cursor.lastrowid, title, text, meta), True

    def document(self, document_id: int) -> Document:
        row = self.db.execute(
            "SELECT id, title, text, meta FROM documents WHERE id = ?", [document_id]
        ).fetchone()
        if row is None:
            raise StoreError(f"no document with id {document_id}")
        self._last_text = (row[0], row[2])
        return Document(row[0], row[1], row[2], json.loads(row[3]))

    def document_by_hash(self, digest: str) -> Document | None:
        """The oldest document of the text whose SHA-256 is `digest`."""
        row = self.db.execute("SELECT id FROM documents WHERE hash = ? ORDER BY id LIMIT 1", [digest]).fetchone()
        return self.document(row[0]) if row else None

    def document_matching(self, digest: str, source_name: str) -> Document | None:
        """The document a record of that text and source name is, as an import matches it (`matching_document`)."""
        present: dict[str, int] = {}
        for doc_id, name in self.db.execute(
                "SELECT id, source_name FROM documents WHERE hash = ? ORDER BY id", [digest]):
            present.setdefault(name, doc_id)
        doc_id, _ = matching_document(present, source_name)
        return None if doc_id is None else self.document(doc_id)

    def document_ids(self) -> list[int]:
        return [r[0] for r in self.db.execute("SELECT id FROM documents ORDER BY id")]

    def estimated_text_length(self, sample: int = 500) -> int:
        """Characters in every document's text, estimated from the first
        `sample` documents: counting them all would read the whole corpus."""
        count = self.document_count()  # kept by triggers (store/search.py): not counted
        if not count:
            return 0
        n, length = self.db.execute(
            "SELECT count(*), sum(length(text)) FROM (SELECT text FROM documents ORDER BY id LIMIT ?)",
            [sample]).fetchone()
        return round(length / n * count)

    def documents(self) -> Iterator[Document]:
        for row in self.db.execute("SELECT id, title, text, meta FROM documents ORDER BY id"):
            yield Document(row[0], row[1], row[2], json.loads(row[3]))

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
        # every span edit checks its offsets against the text: labelling a 10 MB
        # article must not read 10 MB per key, so the text last read is kept
        if self._last_text is not None and self._last_text[0] == document_id:
            return self._last_text[1]
        row = self.db.execute("SELECT text FROM documents WHERE id = ?", [document_id]).fetchone()
        if row is None:
            raise StoreError(f"no document with id {document_id}")
        self._last_text = (document_id, row[0])
        return row[0]
