"""The full check of a database file (`annotator check --deep`, File → Check
database…): SQLite's `integrity_check` reads every page, so it takes time
that grows with the database; opening checks only what takes constant time."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from annotator.store.core import StoreCore
from annotator.store.errors import CheckCancelled, storage_error

MAX_FINDINGS = 100
"""SQLite stops listing damage after this many findings."""

STEPS_PER_CALL = 100_000
"""SQLite instructions between two calls of `keep_going`: a few milliseconds."""


def integrity_problems(store: StoreCore, keep_going: Callable[[], bool] | None = None) -> list[str]:
    """What SQLite's `integrity_check` finds wrong in every page, index and
    constraint of the file; [] when it is sound. `keep_going()` is asked every
    few milliseconds; when it returns False the check stops with `CheckCancelled`
    (Ctrl+C with `KeyboardInterrupt`)."""
    conn = store.db.conn
    stopped = interrupted = False

    def handler() -> int:
        nonlocal stopped, interrupted
        try:
            stopped = keep_going is not None and not keep_going()
        except KeyboardInterrupt:
            # raised here, Ctrl+C would be swallowed by sqlite3 as a mere "interrupted"
            interrupted = True
        return 1 if stopped or interrupted else 0  # non-zero makes SQLite interrupt the statement

    conn.set_progress_handler(handler, STEPS_PER_CALL)
    try:
        rows = conn.execute(f"PRAGMA integrity_check({MAX_FINDINGS})").fetchall()
    except sqlite3.DatabaseError as exc:
        if interrupted:
            raise KeyboardInterrupt from exc
        if stopped:
            raise CheckCancelled() from exc
        if (busy_or_failed := storage_error(exc, store.path)) is not None:
            raise busy_or_failed from exc
        # damage so bad that SQLite cannot walk the file to list it
        return [str(exc)]
    finally:
        conn.set_progress_handler(None, 0)
    # "*** in database main ***" heads the findings of the one database checked
    findings = [row[0] for row in rows if not row[0].startswith("*** in database ")]
    return [] if findings == ["ok"] else findings
