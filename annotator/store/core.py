"""The base every part of `Store` builds on: the connection, change notification
and settings."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable, Generator
from pathlib import Path

from sqlite_utils import Database

from annotator.domain import Schema
from annotator.store.errors import EditConflictError, store_error

ChangeListener = Callable[[str, int | None], None]


class ProjectDatabase(Database):
    """A sqlite-utils `Database` whose transactions fail with a `StoreError`
    (full disk, locked, read-only, I/O, a damaged page) instead of a bare `sqlite3` error.

    Every write of the store goes through `atomic()`, so this is the one place
    where a storage failure or a refused row (`EditConflictError`) becomes a
    message the CLI and the window can show; the transaction is rolled back
    before the error leaves.
    """

    def __init__(self, conn: sqlite3.Connection, path: Path | None) -> None:
        super().__init__(conn)
        self.path = path

    @contextlib.contextmanager
    def atomic(self) -> Generator[Database, None, None]:
        """A write transaction: `BEGIN IMMEDIATE` at the outermost level, a
        savepoint inside one already open.

        sqlite-utils begins with a deferred `BEGIN`, which takes the write lock
        only at the first write. A transaction that has read by then cannot
        wait for the lock (SQLite calls no busy handler once a read snapshot is
        held, to avoid deadlock): it fails at once with SQLITE_BUSY whenever
        another connection is writing. Taking the lock at `BEGIN` makes every
        write transaction wait out the busy timeout instead.
        """
        try:
            if self.conn.in_transaction:
                with super().atomic() as db:  # a savepoint
                    yield db
                return
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self
            except BaseException:
                self.rollback()  # a no-op when the error already ended the transaction
                raise
            try:
                self.conn.execute("COMMIT")
            except BaseException:
                self.rollback()
                raise
        except sqlite3.IntegrityError as exc:
            # a row in the way (another program's): refused, never a silent traceback
            where = str(self.path) if self.path is not None else "the in-memory database"
            raise EditConflictError(f"{where}: the database refused the change ({exc}); nothing was changed") from exc
        except sqlite3.DatabaseError as exc:
            translated = store_error(exc, self.path)
            if translated is None:
                raise
            raise translated from exc


class WriteTransaction:
    """`StoreCore.transaction()` entered now and left when the caller says:
    store calls made in between nest inside it, so they commit together."""

    def __init__(self, core: StoreCore, wait_ms: int) -> None:
        self._block: contextlib.AbstractContextManager[None] | None = core.transaction()
        usual = core.db.execute("PRAGMA busy_timeout").fetchone()[0]
        core.db.execute(f"PRAGMA busy_timeout = {int(wait_ms)}")
        try:
            self._block.__enter__()  # BEGIN IMMEDIATE: the only statement that waits for the lock
        except BaseException:
            self._block = None
            raise
        finally:
            core.db.execute(f"PRAGMA busy_timeout = {usual}")

    def commit(self) -> None:
        """Commit what was written since; a failure (a full disk) rolls it back and raises."""
        block, self._block = self._block, None
        if block is not None:
            block.__exit__(None, None, None)

    def rollback(self) -> None:
        block, self._block = self._block, None
        if block is not None:
            taken_back = _TakenBack()
            block.__exit__(_TakenBack, taken_back, None)


class _TakenBack(Exception):
    """Thrown into the transaction's block to roll it back; the block re-raises it and it stops there."""


class StoreCore:
    """The connection and the listeners; the method groups of `Store` subclass it."""

    def __init__(self, db: Database, path: Path | None) -> None:
        self.db = db
        self.path = path
        self.created = False
        """True when opening made the file (`Store.open`)."""
        self._listeners: list[ChangeListener] = []
        self._schema: Schema | None = None
        self._last_text: tuple[int, str] | None = None
        """(document id, text) of the document text read last; texts never change, but
        another process may have replaced the file's rows, so `reload()` forgets it."""
        self._data_version = self._read_data_version()
        self._held: list[tuple[str, int | None, bool]] | None = None
        self._mirroring = 0
        self.delivering_mirrored = False
        """True while listeners hear of a change made inside `mirrored()`."""
        """Changes made inside `transaction()`, told to the listeners once it ends."""

    def _defer_foreign_keys(self) -> None:
        # An undo puts back rows that point at each other (a fact and the fact
        # it cites) in whatever order they were recorded; checking references
        # at COMMIT instead of per row lets any order through. SQLite resets
        # this at the end of the transaction.
        self.db.execute("PRAGMA defer_foreign_keys = ON")

    @contextlib.contextmanager
    def transaction(self) -> Generator[None, None, None]:
        """Make several store calls one commit: all of them or, when anything in
        the block raises, none (the calls' own transactions nest inside).

        Listeners hear of the block's changes when it ends, each kind and document
        once: a step of a thousand spans (label every occurrence) refreshes the views
        once, not a thousand times."""
        outermost = self._held is None
        if outermost:
            self._held = []
        try:
            with self.db.atomic():
                yield
        except BaseException:
            self._schema = None  # it may hold what was rolled back
            raise
        finally:
            if outermost:
                held, self._held = self._held, None
                # each kind and document once, mirrored only if every change of it was
                once: dict[tuple[str, int | None], bool] = {}
                for kind, document_id, mirrored in held:
                    once[kind, document_id] = once.get((kind, document_id), True) and mirrored
                # told even after a rollback, as before: listeners read what is saved
                for (kind, document_id), mirrored in once.items():
                    self._tell(kind, document_id, mirrored)

    @contextlib.contextmanager
    def mirrored(self) -> Generator[None, None, None]:
        """Changes made in the block are already shown by the view that makes
        them: listeners hear of them with `delivering_mirrored` set, also when a
        `transaction()` around the block tells them only after it ends."""
        self._mirroring += 1
        try:
            yield
        finally:
            self._mirroring -= 1

    def begin_write(self, wait_ms: int) -> WriteTransaction:
        """A write transaction begun now, for a caller that takes the write lock
        before it knows what it will write (the window's undo stack, before Qt
        runs a step); end it with `commit()` or `rollback()`. Waits at most
        `wait_ms` for another program's write lock, then raises
        `DatabaseBusyError` having written nothing; the connection's own busy
        timeout, for every other write, stays as it was."""
        return WriteTransaction(self, wait_ms)

    # -- change notification -----------------------------------------------

    def subscribe(self, listener: ChangeListener) -> None:
        """Call `listener(kind, document_id)` after every committed change.

        `kind` is one of documents, schema, spans, facts, status, decisions.
        Views use it to refresh what they show; the store knows nothing of them.
        """
        self._listeners.append(listener)

    def unsubscribe(self, listener: ChangeListener) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)

    def reload(self) -> None:
        """Forget cached state and tell listeners that anything may have changed:
        for after another connection (a background import) wrote to the file."""
        self._schema = None
        self._last_text = None
        self._data_version = self._read_data_version()
        for kind in ("schema", "documents", "spans", "facts", "status"):
            self._changed(kind)

    def changed_elsewhere(self) -> bool:
        """True when another connection (another process, a background task)
        committed since this was last asked or since `reload()`. Cheap: no
        table is read, so a window may poll it."""
        version = self._read_data_version()
        if version == self._data_version:
            return False
        self._data_version = version
        return True

    def _read_data_version(self) -> int:
        # SQLite bumps this per connection whenever another connection commits
        return self.db.execute("PRAGMA data_version").fetchone()[0]

    def _changed(self, kind: str, document_id: int | None = None) -> None:
        if kind == "documents":
            self._last_text = None
        if self._held is not None:
            self._held.append((kind, document_id, self._mirroring > 0))
            return
        self._tell(kind, document_id, self._mirroring > 0)

    def _tell(self, kind: str, document_id: int | None, mirrored: bool) -> None:
        before, self.delivering_mirrored = self.delivering_mirrored, mirrored
        try:
            for listener in list(self._listeners):
                listener(kind, document_id)
        finally:
            self.delivering_mirrored = before

    # -- settings -----------------------------------------------------------

    def setting(self, key: str, default: str | None = None) -> str | None:
        row = self.db.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
        return row[0] if row else default

    def set_setting(self, key: str, value: str) -> None:
        with self.db.atomic():
            self.db["settings"].upsert({"key": key, "value": value}, pk="key")
