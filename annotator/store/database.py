"""The Store: documents, schema, layers of spans and facts, statuses, decisions.

`Store` is put together from one part per topic (documents.py, labels.py,
spans.py, facts.py, workflow.py, bundles.py), all on `StoreCore` (core.py).
The names other modules import from here (errors, results, `now`) live in
errors.py, results.py and rows.py.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from annotator.store.bundles import BundlesMixin
from annotator.store.core import ChangeListener, ProjectDatabase
from annotator.store.documents import DocumentsMixin
from annotator.store.errors import (
    CorruptDatabaseError,
    DatabaseBusyError,
    ImportCancelled,
    LabelInUseError,
    NewerDatabaseError,
    ReadOnlyDatabaseError,
    StorageError,
    StorageFailedError,
    StorageFullError,
    StoreError,
    storage_error,
)
from annotator.store.facts import FactsMixin
from annotator.store.history import HistoryMixin
from annotator.store.revert import RevertMixin
from annotator.store.labels import LabelsMixin
from annotator.store.migrations import migrations
from annotator.store.opening import configure, inspect_before_writing
from annotator.store.results import (
    DeletedFact,
    DeletedLabel,
    DeletedSpan,
    DocumentSummary,
    ImportSummary,
    Problem,
)
from annotator.store.rows import now
from annotator.store.spans import SpansMixin
from annotator.store.workflow import WorkflowMixin

__all__ = [
    "ChangeListener",
    "CorruptDatabaseError",
    "DatabaseBusyError",
    "DeletedFact",
    "DeletedLabel",
    "DeletedSpan",
    "DocumentSummary",
    "ImportCancelled",
    "ImportSummary",
    "LabelInUseError",
    "NewerDatabaseError",
    "Problem",
    "ReadOnlyDatabaseError",
    "StorageError",
    "StorageFailedError",
    "StorageFullError",
    "Store",
    "StoreError",
    "now",
    "open_store",
]


def open_store(path: str | Path, *, create: bool = True) -> Store:
    return Store.open(path, create=create)


class Store(DocumentsMixin, LabelsMixin, SpansMixin, FactsMixin, WorkflowMixin, BundlesMixin, RevertMixin, HistoryMixin):
    """A project database. Construct with `Store.open(path)` or `Store.memory()`."""

    @classmethod
    def open(cls, path: str | Path, *, create: bool = True) -> Store:
        path = Path(path)
        exists = path.exists() and path.stat().st_size > 0
        if exists:
            inspect_before_writing(path)
        elif not create:
            raise StoreError(f"{path}: no such database")
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
        try:
            conn = sqlite3.connect(str(path), check_same_thread=False)
            db = ProjectDatabase(conn, path)
            configure(db)
            migrations.apply(db)
        except sqlite3.DatabaseError as exc:
            if (busy_or_full := storage_error(exc, path)) is not None:
                raise busy_or_full from exc
            raise CorruptDatabaseError(f"{path}: cannot be opened as an annotator database ({exc})") from exc
        return cls(db, path)

    @classmethod
    def reader(cls, path: str | Path) -> Store:
        """Another connection to a database that `open` has already checked and
        migrated, for reading only (export workers): no checks or migrations
        run again, and SQLite refuses any write through it."""
        path = Path(path)
        conn = sqlite3.connect(str(path), check_same_thread=False)
        conn.execute("PRAGMA query_only = ON")
        return cls(ProjectDatabase(conn, path), path)

    @classmethod
    def memory(cls) -> Store:
        db = ProjectDatabase(sqlite3.connect(":memory:", check_same_thread=False), None)
        configure(db, in_memory=True)
        migrations.apply(db)
        return cls(db, None)

    def close(self) -> None:
        self.db.close()

    @property
    def is_new(self) -> bool:
        """True while the database holds no documents and no labels."""
        return self.db["documents"].count == 0 and self.db["labels"].count == 0
