"""What the store raises: one base class the CLI and the window turn into a message."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

# primary SQLite result codes (the low byte of an extended code)
_SQLITE_BUSY, _SQLITE_LOCKED, _SQLITE_READONLY, _SQLITE_IOERR, _SQLITE_CORRUPT, _SQLITE_FULL = 5, 6, 8, 10, 11, 13
_SQLITE_NOTADB = 26


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


class NoDatabaseError(StoreError):
    """The path names no database file: nothing is there (`NoSuchDatabaseError`),
    or it cannot be one (a folder, a URL). Nothing was created."""


class NoSuchDatabaseError(NoDatabaseError):
    pass


class CheckCancelled(StoreError):
    def __init__(self) -> None:
        super().__init__("the database check was cancelled; nothing was changed")


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


def store_error(exc: BaseException, path: Path | None) -> StoreError | None:
    """The `StoreError` for an SQLite failure the user must be told about: of the
    storage (`storage_error`) or damage found while reading; None for anything else."""
    if isinstance(exc, sqlite3.Error):
        return storage_error(exc, path) or damage_error(exc, path)
    if isinstance(exc, (UnicodeDecodeError, json.JSONDecodeError)) and _raised_reading_rows(exc):
        return _damaged(path, f"a stored value cannot be decoded: {exc}")
    return None


def damage_error(exc: sqlite3.Error, path: Path | None) -> CorruptDatabaseError | None:
    """Damage SQLite found in a page it read (opening checks only the header and
    schema), or a text that is not the UTF-8 annotator wrote."""
    code = getattr(exc, "sqlite_errorcode", None)
    if code is None:  # lost when the error came back pickled from an export worker
        damaged = str(exc) in _DAMAGE_MESSAGES
    else:
        damaged = code & 0xFF in (_SQLITE_CORRUPT, _SQLITE_NOTADB)
    if damaged or str(exc).startswith("Could not decode to UTF-8"):
        return _damaged(path, str(exc))
    return None


# what SQLite says for SQLITE_CORRUPT and SQLITE_NOTADB
_DAMAGE_MESSAGES = {"database disk image is malformed", "file is not a database"}


def _damaged(path: Path | None, what: str) -> CorruptDatabaseError:
    where = str(path) if path is not None else "the in-memory database"
    if len(what) > 120:  # a damaged text is quoted whole, garbage and all
        what = what[:120] + "…"
    return CorruptDatabaseError(f"{where}: the database is damaged ({what}); `annotator check --deep` lists the damage")


_PACKAGE = Path(__file__).resolve().parent.parent


def _raised_reading_rows(exc: BaseException) -> bool:
    """True when the innermost of annotator's frames that raised `exc` is the
    store's: it was decoding a stored row, not a file being imported."""
    innermost = None
    trace = exc.__traceback__
    while trace is not None:
        file = Path(trace.tb_frame.f_code.co_filename)
        if _PACKAGE in file.parents:
            innermost = file
        trace = trace.tb_next
    return innermost is not None and innermost.parent.name == "store" and innermost.parent.parent == _PACKAGE


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
