"""Persistence: one SQLite database per project, behind the `Store` API.

Only this package talks SQL. Every public method that writes commits before
it returns, so a crash or a kill never loses an edit that was reported done.
"""

from annotator.store.database import (
    CorruptDatabaseError,
    DeletedFact,
    DeletedSpan,
    DocumentSummary,
    EditConflictError,
    LabelInUseError,
    NewerDatabaseError,
    NoDatabaseError,
    NoSuchDatabaseError,
    ReadOnlyDatabaseError,
    SearchHit,
    SearchQueryError,
    Store,
    StoreError,
    StoredFact,
    open_store,
)

__all__ = [
    "CorruptDatabaseError",
    "DeletedFact",
    "DeletedSpan",
    "DocumentSummary",
    "EditConflictError",
    "LabelInUseError",
    "NewerDatabaseError",
    "NoDatabaseError",
    "NoSuchDatabaseError",
    "ReadOnlyDatabaseError",
    "SearchHit",
    "SearchQueryError",
    "Store",
    "StoreError",
    "StoredFact",
    "open_store",
]
