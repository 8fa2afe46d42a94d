"""Persistence: one SQLite database per project, behind the `Store` API.

Only this package talks SQL. Every public method that writes commits before
it returns, so a crash or a kill never loses an edit that was reported done.
"""

import sys

# sqlite-utils imports pandas and numpy, when they are installed, only to give
# their types a column type, which no table here needs (we never write their
# values); those imports were over half a second of every command's start.
# Hidden for that one import only: both stay importable.
_HIDDEN = [name for name in ("pandas", "numpy") if name not in sys.modules]
if "sqlite_utils" not in sys.modules:
    sys.modules.update(dict.fromkeys(_HIDDEN))
    try:
        import sqlite_utils  # noqa: F401
    finally:
        for name in _HIDDEN:
            del sys.modules[name]

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
