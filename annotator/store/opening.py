"""Opening a database file safely: refuse, before writing anything, a path that
is no database file, or a file that is newer, damaged, not ours or read-only;
then set the connection up for durable writes.

What runs at opening takes the same time whatever the size of the database:
the file's header, the schema, the migrations applied and the tables this
version needs. Damage inside the data is found when it is read, or by the
full check (`integrity.py`, `annotator check --deep`).
"""

from __future__ import annotations

import functools
import os
import re
import sqlite3
import stat
from pathlib import Path

from sqlite_utils import Database

from annotator.store.errors import (
    CorruptDatabaseError,
    NewerDatabaseError,
    NoDatabaseError,
    NoSuchDatabaseError,
    ReadOnlyDatabaseError,
    storage_error,
)
from annotator.store.migrations import known_migration_names, migrations

SQLITE_MAGIC = b"SQLite format 3\x00"

# a scheme such as postgresql:// or http:// (Path() folds the // into one /);
# two letters at least, so that C:/ stays a Windows drive
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]+:/")


BUSY_TIMEOUT_MS = 60_000
"""How long a write waits for another program's transaction to end before it
fails as "busy". Long enough for the write phase of a large import (about
10 s for 20,000 articles of 20 spans on a busy 2-core machine), so that
labelling beside one waits instead of failing."""


def configure(db: Database, *, in_memory: bool = False) -> None:
    db.execute("PRAGMA foreign_keys = ON")
    db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    if not in_memory:
        mode = db.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if mode.lower() != "wal":
            raise ReadOnlyDatabaseError("the database cannot switch to write-ahead logging")
        # FULL makes every commit durable against power loss, not only a crash
        db.execute("PRAGMA synchronous = FULL")


def database_path(text: str) -> Path:
    """The path `text` names; a URL is refused (before `Path` folds its // into /)."""
    if _URL.match(text):
        raise NoDatabaseError(f"{text}: is a URL; annotator opens SQLite database files only (give a file's path)")
    return Path(text)


def database_file(path: str | Path, *, create: bool) -> tuple[Path, bool]:
    """The database file `path` names and whether it holds a database yet.

    Refuses, creating nothing, what cannot be a database file (a URL, a
    folder) and, unless `create`, a path where there is no database.
    """
    path = database_path(str(path))
    if path.is_dir():
        raise NoDatabaseError(f"{path}: is a folder, not a database file (e.g. {path / 'annotations.db'})")
    # SQLite reads an empty file as an empty database: a new one
    exists = path.exists() and path.stat().st_size > 0
    if not exists and not create:
        raise NoSuchDatabaseError(f"{path}: no such database")
    return path, exists


def make_room_for(path: Path) -> None:
    """The folder of a new database, made if missing; refused if nothing can be written there."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise NoDatabaseError(f"{path}: cannot make its folder {path.parent} ({exc.strerror})") from exc
    if _read_only(path.parent):
        raise ReadOnlyDatabaseError(f"{path}: the folder {path.parent} is read-only; annotator cannot create the database there")


def inspect_before_writing(path: Path) -> None:
    """Refuse, without touching the file, a database we must not open for writing."""
    check_header(path)
    reason = read_only_reason(path)
    if reason is not None:
        raise ReadOnlyDatabaseError(f"{path}: {reason}; annotator needs to write every edit and its journal there")
    try:
        conn = sqlite3.connect(_uri(path, "mode=ro"), uri=True)
    except sqlite3.Error as exc:
        raise CorruptDatabaseError(f"{path}: cannot be read ({exc})") from exc
    try:
        inspect_schema(conn, path)
    finally:
        conn.close()


def check_header(path: Path) -> None:
    """The first bytes of every SQLite database, read without SQLite."""
    try:
        with open(path, "rb") as file:
            header = file.read(100)
    except OSError as exc:
        raise CorruptDatabaseError(f"{path}: cannot be read ({exc.strerror})") from exc
    if not header.startswith(SQLITE_MAGIC):
        raise CorruptDatabaseError(f"{path}: is not a database, or its first page is damaged (no SQLite header)")
    if len(header) < 100:
        raise CorruptDatabaseError(f"{path}: is damaged (shorter than SQLite's header)")


def read_only_reason(path: Path) -> str | None:
    """Why annotator could not write the database and its -wal and -shm
    files beside it, or None. A file or folder with no write permission for
    anyone counts as read-only even for root, whom the system would let write."""
    folder = path.parent
    if _read_only(folder):
        return f"the folder {folder} is read-only"
    if _read_only(path):
        return "the file is read-only"
    return None


def _read_only(path: Path) -> bool:
    return not os.access(path, os.W_OK) or not path.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)


def inspect_schema(conn: sqlite3.Connection, path: Path) -> None:
    """Refuse a file that is not an annotator database, comes from a newer
    annotator, or lacks tables this version needs. Reads the schema only."""
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        applied = set()
        if migrations.migrations_table in tables:
            applied = {r[0] for r in conn.execute(
                f"SELECT name FROM {migrations.migrations_table} WHERE migration_set = ?", [migrations.name])}
    except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:
        if isinstance(exc, sqlite3.Error) and (busy_or_failed := storage_error(exc, path)) is not None:
            raise busy_or_failed from exc
        raise CorruptDatabaseError(f"{path}: is not a database or is damaged ({exc})") from exc
    if tables and migrations.migrations_table not in tables:
        raise CorruptDatabaseError(f"{path}: is an SQLite database, but not an annotator database")
    known = known_migration_names()
    unknown = applied - known
    if unknown:
        raise NewerDatabaseError(
            f"{path}: was written by a newer version of annotator (migrations "
            f"{', '.join(sorted(unknown))}); upgrade annotator to open it"
        )
    if applied == known:
        missing = expected_tables() - tables
        if missing:
            raise CorruptDatabaseError(
                f"{path}: is damaged: the table(s) {', '.join(sorted(missing))} are missing")


@functools.cache
def expected_tables() -> frozenset[str]:
    """The tables of a database with every migration applied."""
    db = Database(memory=True)
    migrations.apply(db)
    return frozenset(db.table_names())


def connect_read_only(path: Path) -> sqlite3.Connection:
    """A connection that cannot change the file nor leave anything beside it,
    to a database that passed `check_header`.

    Without a -wal file no program has the database open (SQLite keeps that
    file while any connection in WAL mode is open), so SQLite is told the
    file is immutable: no lock, no -shm, and a read-only folder is no
    obstacle. With one, it is read through the write-ahead log as usual.
    """
    wal = Path(f"{path}-wal")
    if wal.exists() and _read_only(path.parent) and not Path(f"{path}-shm").exists():
        raise ReadOnlyDatabaseError(
            f"{path}: the folder {path.parent} is read-only, and SQLite must write beside the database "
            f"to read what its write-ahead log ({wal.name}) holds")
    mode = "mode=ro" if wal.exists() else "immutable=1"
    try:
        conn = sqlite3.connect(_uri(path, mode), uri=True, check_same_thread=False)
        conn.execute("PRAGMA query_only = ON")
    except sqlite3.Error as exc:
        raise CorruptDatabaseError(f"{path}: cannot be read ({exc})") from exc
    try:
        inspect_schema(conn, path)
    except BaseException:
        conn.close()
        raise
    return conn


def _uri(path: Path, query: str) -> str:
    # as_uri() escapes what SQLite would read as the query (?) or a fragment (#)
    return f"{path.resolve().as_uri()}?{query}"
