"""Persistence: one SQLite database per project, behind the `Store` API.

Only this package talks SQL. Every public method that writes commits before
it returns, so a crash or a kill never loses an edit that was reported done.
"""

import sys

# sqlite-utils imports pandas, when it is installed, only to give its Timestamp a
# column type, which no table here needs; that import was about half a second of
# every command's start. Hidden for that one import only: pandas stays importable.
if "pandas" not in sys.modules and "sqlite_utils" not in sys.modules:
    sys.modules["pandas"] = None  # type: ignore[assignment]
    try:
        import sqlite_utils  # noqa: F401
    finally:
        del sys.modules["pandas"]

from annotator.store.database import (  # noqa: E402
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
