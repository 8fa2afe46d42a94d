"""Copies of a database in use: on demand, automatic (kept for a few days), and back.

A copy is taken with SQLite's online backup API in one step, so it is the
state of one committed moment even while another connection writes (in WAL
mode the writer is not held up). A copy never replaces an existing file: it
is written beside its name and linked into place, which fails when the
name is taken.
"""

from __future__ import annotations

import datetime
import os
import re
import sqlite3
import tempfile
from pathlib import Path

from annotator.store.errors import ReadOnlyDatabaseError, StoreError
from annotator.store.opening import inspect_before_writing

AUTOMATIC_BACKUPS_KEPT = 7
"""Automatic backups kept per database; older ones (only ours) are deleted."""

BACKUP_FOLDER = "backups"
"""The folder beside a database that holds its automatic backups."""

_STAMP = "%Y%m%d-%H%M%S"


def backup_name(database: Path, when: datetime.datetime) -> str:
    """`NAME-YYYYmmdd-HHMMSS.db`: the default name of a copy taken `when`."""
    return f"{database.stem}-{when.strftime(_STAMP)}.db"


def automatic_backup_name(database: Path, when: datetime.datetime) -> str:
    return f"{database.stem}-auto-{when.strftime(_STAMP)}.db"


def _automatic_pattern(database: Path) -> re.Pattern[str]:
    return re.compile(rf"{re.escape(database.stem)}-auto-(\d{{8}})-(\d{{6}})\.db")


def backup_database(database: Path, out: Path) -> Path:
    """Write a consistent copy of `database` to `out`; refuses when `out` exists."""
    database, out = Path(database), Path(out)
    if not database.is_file():
        raise StoreError(f"{database}: no such database")
    if out.exists():
        raise StoreError(f"{out}: already exists; a backup never overwrites a file (choose another name)")
    out.parent.mkdir(parents=True, exist_ok=True)
    handle, partial = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".partial", dir=out.parent)
    os.close(handle)
    try:
        _copy(database, Path(partial))
        _place(Path(partial), out)
    finally:
        Path(partial).unlink(missing_ok=True)
    return out


def _copy(database: Path, target: Path) -> None:
    try:
        _copy_pages(database, target)
        copy = sqlite3.connect(str(target))
        try:
            copy.execute("PRAGMA journal_mode = DELETE")  # one self-contained file, no -wal beside it
        finally:
            copy.close()
    except sqlite3.Error as exc:
        raise StoreError(f"{database}: the backup failed ({exc}); nothing was written") from exc


def _copy_pages(source_path: Path, target_path: Path) -> None:
    """Copy every page of one database into another through SQLite, which
    locks the target as any writer would (another connection then sees a commit)."""
    source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True)
    target = sqlite3.connect(str(target_path))
    try:
        source.execute("PRAGMA busy_timeout = 5000")
        target.execute("PRAGMA busy_timeout = 5000")
        # pages=-1: the whole file in one step, from one read snapshot; in
        # steps, a commit by another connection would restart the copy
        source.backup(target, pages=-1)
    finally:
        target.close()
        source.close()


def _place(partial: Path, out: Path) -> None:
    """Give the finished copy its name, unless another file took it meanwhile."""
    try:
        os.link(partial, out)  # fails when `out` exists: never a replacement
    except FileExistsError as exc:
        raise StoreError(f"{out}: already exists; a backup never overwrites a file (choose another name)") from exc
    except OSError:
        # a file system without hard links
        if out.exists():
            raise StoreError(f"{out}: already exists; a backup never overwrites a file") from None
        os.replace(partial, out)


def automatic_backup(database: Path, *, now: datetime.datetime | None = None,
                     keep: int = AUTOMATIC_BACKUPS_KEPT) -> Path | None:
    """Take the day's automatic backup into `backups/` beside the database,
    unless one was taken today; then delete our oldest beyond `keep`.

    Returns the new copy, or None when today's exists. Only files named as
    this function names them are ever deleted.
    """
    database = Path(database)
    when = now or datetime.datetime.now()
    folder = database.parent / BACKUP_FOLDER
    ours = automatic_backups(database)
    if ours and ours[-1][0].date() == when.date():
        return None
    made = backup_database(database, folder / automatic_backup_name(database, when))
    ours = automatic_backups(database)
    for _, old in ours[:max(0, len(ours) - keep)]:
        old.unlink(missing_ok=True)
    return made


def automatic_backups(database: Path) -> list[tuple[datetime.datetime, Path]]:
    """The automatic backups of `database` there are, oldest first, with their time."""
    folder = Path(database).parent / BACKUP_FOLDER
    if not folder.is_dir():
        return []
    pattern = _automatic_pattern(Path(database))
    found = []
    for path in folder.iterdir():
        match = pattern.fullmatch(path.name)
        if match and path.is_file():
            try:
                when = datetime.datetime.strptime(f"{match[1]}-{match[2]}", _STAMP)
            except ValueError:
                continue
            found.append((when, path))
    return sorted(found)


def restore_database(backup: Path, database: Path, *, force: bool = False) -> Path | None:
    """Put `backup` in place of `database`, through SQLite so that a window with
    the database open sees the restored state (it reloads) rather than a file
    swapped under it. An existing database is replaced only with `force`, and
    is first copied beside itself; returns that copy's path (None when there
    was no database)."""
    backup, database = Path(backup), Path(database)
    if not backup.is_file():
        raise StoreError(f"{backup}: no such backup")
    try:
        inspect_before_writing(backup)  # not damaged, an annotator database, not newer
    except ReadOnlyDatabaseError:
        pass  # a backup on a read-only medium is fine to read from
    kept = None
    if database.exists() and database.stat().st_size > 0:
        if not force:
            raise StoreError(f"{database}: exists; pass --force to replace it (it is first kept as a backup)")
        kept = backup_database(database, database.parent / backup_name(database, datetime.datetime.now()))
    try:
        _copy_pages(backup, database)
    except sqlite3.Error as exc:
        raise StoreError(f"{database}: the restore failed ({exc}); the database is as it was") from exc
    # a backup from an older annotator is brought up to date at once, so a
    # window that has the database open finds the tables it writes to
    from annotator.store.database import Store

    Store.open(database).close()
    return kept
