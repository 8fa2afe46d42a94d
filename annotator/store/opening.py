"""Opening a database file safely: refuse, before writing anything, a file that is
newer, damaged, not ours or read-only; then set the connection up for durable writes."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from sqlite_utils import Database

from annotator.store.errors import CorruptDatabaseError, NewerDatabaseError, ReadOnlyDatabaseError
from annotator.store.migrations import known_migration_names, migrations


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


def inspect_before_writing(path: Path) -> None:
    """Refuse, without touching the file, a database we must not open for writing."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise CorruptDatabaseError(f"{path}: cannot be read ({exc})") from exc
    try:
        try:
            check = conn.execute("PRAGMA quick_check").fetchone()[0]
        except sqlite3.DatabaseError as exc:
            raise CorruptDatabaseError(f"{path}: is not a database or is damaged ({exc})") from exc
        if check != "ok":
            raise CorruptDatabaseError(f"{path}: the database is damaged ({check})")
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if tables and "_sqlite_migrations" not in tables:
            raise CorruptDatabaseError(f"{path}: is an SQLite database, but not an annotator database")
        if "_sqlite_migrations" in tables:
            applied = {r[0] for r in conn.execute(
                "SELECT name FROM _sqlite_migrations WHERE migration_set = ?", [migrations.name])}
            known = known_migration_names()
            unknown = applied - known
            if unknown:
                raise NewerDatabaseError(
                    f"{path}: was written by a newer version of annotator (migrations "
                    f"{', '.join(sorted(unknown))}); upgrade annotator to open it"
                )
    finally:
        conn.close()
    if not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK):
        raise ReadOnlyDatabaseError(f"{path}: the file or its folder is read-only; annotator needs to save every edit")
