"""The base every part of `Store` builds on: the connection, change notification
and settings."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sqlite_utils import Database

from annotator.domain import Schema

ChangeListener = Callable[[str, int | None], None]


class StoreCore:
    """The connection and the listeners; the method groups of `Store` subclass it."""

    def __init__(self, db: Database, path: Path | None) -> None:
        self.db = db
        self.path = path
        self._listeners: list[ChangeListener] = []
        self._schema: Schema | None = None

    # -- change notification -----------------------------------------------

    def subscribe(self, listener: ChangeListener) -> None:
        """Call `listener(kind, document_id)` after every committed change.

        `kind` is one of documents, schema, spans, facts, status, decisions.
        Views use it to refresh what they show; the store knows nothing of them.
        """
        self._listeners.append(listener)

    def unsubscribe(self, listener: ChangeListener) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)

    def reload(self) -> None:
        """Forget cached state and tell listeners that anything may have changed:
        for after another connection (a background import) wrote to the file."""
        self._schema = None
        for kind in ("schema", "documents", "spans", "facts", "status"):
            self._changed(kind)

    def _changed(self, kind: str, document_id: int | None = None) -> None:
        for listener in list(self._listeners):
            listener(kind, document_id)

    # -- settings -----------------------------------------------------------

    def setting(self, key: str, default: str | None = None) -> str | None:
        row = self.db.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
        return row[0] if row else default

    def set_setting(self, key: str, value: str) -> None:
        with self.db.atomic():
            self.db["settings"].upsert({"key": key, "value": value}, pk="key")
