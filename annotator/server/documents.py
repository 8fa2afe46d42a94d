"""The lead puts documents (and the schema) of a local database on the server."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from annotator.server.connection import server_error
from annotator.server.project_schema import push_schema
from annotator.store import Store

BATCH = 1000


@dataclass
class PushedDocuments:
    added: int = 0
    present: int = 0
    schema: bool = False


def push_documents(conn: Any, store: Store, progress: Callable[[int, int], None] | None = None) -> PushedDocuments:
    """Every document of `store` the server lacks (same text, same document), and the
    schema; a batch per transaction, so a second run after a kill adds the rest."""
    import psycopg

    result = PushedDocuments()
    ids = store.document_ids()
    try:
        with conn.transaction():
            result.schema = push_schema(conn, store)
        for first in range(0, len(ids), BATCH):
            documents = [store.document(i) for i in ids[first:first + BATCH]]
            with conn.transaction():
                for d in documents:
                    added = conn.execute(
                        "INSERT INTO documents (hash, title, text, meta) VALUES (%s, %s, %s, %s) "
                        "ON CONFLICT (hash) DO NOTHING RETURNING id",
                        [d.hash, d.title, d.text, json.dumps(d.meta, ensure_ascii=False)]).fetchone()
                    result.added += added is not None
            if progress:
                progress(min(first + BATCH, len(ids)), len(ids))
    except psycopg.Error as exc:
        raise server_error(exc, conn) from exc
    result.present = len(ids) - result.added
    return result
