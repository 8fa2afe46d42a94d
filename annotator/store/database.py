"""The Store: documents, schema, layers of spans and facts, statuses, decisions.

`Store` is put together from one part per topic (documents.py, document_notes.py,
labels.py, spans.py, progress.py, facts.py, workflow.py, bundles.py, search.py), all on `StoreCore` (core.py).
The names other modules import from here (errors, results, `now`) live in
errors.py, results.py and rows.py.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlite_utils import Database

from annotator.store.bundles import BundlesMixin
from annotator.store.core import ChangeListener, ProjectDatabase
from annotator.store.document_notes import DocumentNotesMixin
from annotator.store.documents import DocumentsMixin
from annotator.store.errors import (
    CorruptDatabaseError,
    DatabaseBusyError,
    EditConflictError,
    ImportCancelled,
    LabelInUseError,
    NewerDatabaseError,
    NoDatabaseError,
    NoSuchDatabaseError,
    ReadOnlyDatabaseError,
    StorageError,
    StorageFailedError,
    StorageFullError,
    StoreError,
    storage_error,
    store_error,
)
from annotator.store.facts import FactsMixin
from annotator.store.history import HistoryMixin
from annotator.store.progress import ProgressMixin
from annotator.store.revert import RevertMixin
from annotator.store.labels import LabelsMixin
from annotator.store.migrations import migrations
from annotator.store.opening import (
    check_header,
    configure,
    connect_read_only,
    database_file,
    inspect_before_writing,
    make_room_for,
)
from annotator.store.results import (
    DeletedFact,
    DeletedLabel,
    DeletedSpan,
    DocumentSummary,
    ImportSummary,
    Problem,
    SearchHit,
    StoredFact,
)
from annotator.store.rows import now
from annotator.store.search import SearchMixin, SearchQueryError, install_search_functions
from annotator.store.span_positions import SpanPositionsMixin
from annotator.store.spans import SpansMixin
from annotator.store.suggestions import SuggestionsMixin
from annotator.store.sync_records import SyncRecordsMixin
from annotator.store.workflow import WorkflowMixin

__all__ = [
    "ChangeListener",
    "CorruptDatabaseError",
    "DatabaseBusyError",
    "DeletedFact",
    "DeletedLabel",
    "DeletedSpan",
    "DocumentSummary",
    "EditConflictError",
    "ImportCancelled",
    "ImportSummary",
    "LabelInUseError",
    "NewerDatabaseError",
    "NoDatabaseError",
    "NoSuchDatabaseError",
    "Problem",
    "ReadOnlyDatabaseError",
    "SearchHit",
    "SearchQueryError",
    "StorageError",
    "StorageFailedError",
    "StorageFullError",
    "Store",
    "StoreError",
    "StoredFact",
    "now",
    "open_store",
]


def open_store(path: str | Path, *, create: bool = True) -> Store:
    return Store.open(path, create=create)


class Store(DocumentsMixin, DocumentNotesMixin, LabelsMixin, SpansMixin, SpanPositionsMixin, FactsMixin, WorkflowMixin,
            BundlesMixin, SearchMixin, SuggestionsMixin, ProgressMixin, SyncRecordsMixin, RevertMixin, HistoryMixin):
    """A project database. Construct with `Store.open(path)` or `Store.memory()`."""

    def __init__(self, db: ProjectDatabase, path: Path | None) -> None:
        super().__init__(db, path)
        install_search_functions(db.conn)

    @classmethod
    def open(cls, path: str | Path, *, create: bool = True) -> Store:
        """Open a database for reading and writing, migrated to this version.
        Unless `create`, a path with no database is refused and nothing created."""
        path, exists = database_file(path, create=create)
        if exists:
            inspect_before_writing(path)
        else:
            make_room_for(path)
        try:
            conn = sqlite3.connect(str(path), check_same_thread=False)
            db = ProjectDatabase(conn, path)
            configure(db)
            migrations.apply(db)
            if not exists:
                # the migrations rebuild tables (m004); a new file gives the pages
                # they freed back, so it holds no more than its content
                db.execute("VACUUM")
        except sqlite3.DatabaseError as exc:
            if (busy_or_full := storage_error(exc, path)) is not None:
                raise busy_or_full from exc
            raise CorruptDatabaseError(f"{path}: cannot be opened as an annotator database ({exc})") from exc
        store = cls(db, path)
        store.created = not exists
        return store

    @classmethod
    def open_read_only(cls, path: str | Path) -> Store:
        """Open a database only to read it (another database to merge): its file
        is never written, nor anything beside it, so a read-only file or folder
        will do. A database of an older version is migrated in a copy in memory."""
        path, _ = database_file(path, create=False)
        check_header(path)
        conn = connect_read_only(path)
        try:
            if migrations.pending(Database(conn)):
                copy = sqlite3.connect(":memory:", check_same_thread=False)
                conn.backup(copy)
                conn.close()
                conn = copy
                db = ProjectDatabase(conn, path)
                configure(db, in_memory=True)
                migrations.apply(db)
                conn.execute("PRAGMA query_only = ON")
            else:
                db = ProjectDatabase(conn, path)
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise store_error(exc, path) or CorruptDatabaseError(
                f"{path}: cannot be read as an annotator database ({exc})") from exc
        return cls(db, path)

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
        """True while the database holds no documents and no labels. Asked at
        every opening, so it looks for one row instead of counting them all."""
        row = self.db.execute(
            "SELECT NOT EXISTS (SELECT 1 FROM documents) AND NOT EXISTS (SELECT 1 FROM labels)").fetchone()
        return bool(row[0])
