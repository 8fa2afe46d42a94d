"""What the store raises: one base class the CLI and the window turn into a message."""

from __future__ import annotations

import sqlite3
from pathlib import Path

# primary SQLite result codes (the low byte of an extended code)
_SQLITE_BUSY, _SQLITE_LOCKED, _SQLITE_READONLY, _SQLITE_IOERR, _SQLITE_FULL = 5, 6, 8, 10, 13


class StoreError(Exception):
    """A problem with the database that the user must be told about."""

    def __init__(self, *args: object) -> None:
        super().__init__(*args)
        # PySide rewrites the args of an exception that passes through a Qt
        # virtual call (an undo command's redo); the window shows this instead
        self.message = str(args[0]) if args else ""


class NewerDatabaseError(StoreError):
    pass


class CorruptDatabaseError(StoreError):
    pass


class StorageError(StoreError):
    """The database file could not be written (or read) at all: the edit was
    rolled back and must be tried again once the cause is gone."""


class ReadOnlyDatabaseError(StorageError):
    pass


class LabelInUseError(StoreError):
    def __init__(self, label: str, count: int):
        super().__init__(
            f"label {label!r} is used by {count} annotation(s): choose whether to delete them or relabel them"
        )
        self.label = label
        self.count = count


class EditConflictError(StoreError):
    """The rows an edit (an undo, a redo) would change are no longer what it
    expects, or another row is in its way: usually another program changed
    them. Nothing was written."""


class ImportCancelled(StoreError):
    def __init__(self, done: int):
        super().__init__(f"import cancelled after {done} document(s); nothing was added")


class StorageFullError(StorageError):
    """The disk (or the database's size limit) is full: the write was rolled back."""


class DatabaseBusyError(StorageError):
    """Another program held the database for writing longer than the busy timeout."""


class StorageFailedError(StorageError):
    """The operating system failed to read or write the database file."""


def storage_error(exc: sqlite3.Error, path: Path | None) -> StorageError | None:
    """The `StoreError` for an SQLite failure of the storage itself (full, locked,
    read-only, I/O); None for anything else, which is a bug to surface as it is."""
    code = getattr(exc, "sqlite_errorcode", None)
    if code is None:
        return None
    where = str(path) if path is not None else "the in-memory database"
    unsaved = "the last change was not saved; everything saved before is intact"
    primary = code & 0xFF
    if primary == _SQLITE_FULL:
        return StorageFullError(f"{where}: the disk is full ({exc}); {unsaved}. Free some space and try again")
    if primary in (_SQLITE_BUSY, _SQLITE_LOCKED):
        return DatabaseBusyError(
            f"{where}: another program is writing to the database ({exc}); {unsaved}. Try again in a moment")
    if primary == _SQLITE_READONLY:
        return ReadOnlyDatabaseError(f"{where}: the database cannot be written ({exc}); {unsaved}")
    if primary == _SQLITE_IOERR:
        return StorageFailedError(f"{where}: reading or writing the file failed ({exc}); {unsaved}")
    return None
