"""The database schema as an ordered ladder of migrations.

Never edit a migration that has shipped: add a new one. A database that has
applied a migration this list does not know came from a newer annotator and
is refused, not modified.
"""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

migrations = Migrations("annotator")


def known_migration_names() -> set[str]:
    """Names of every migration this version knows, in any order."""
    return {m.name for m in migrations.pending(Database(memory=True))}


@migrations()
def m001_initial(db: Database) -> None:
    _run(
        db,
        """
        CREATE TABLE documents (
            id INTEGER PRIMARY KEY,
            title TEXT NOT NULL,
            text TEXT NOT NULL,
            hash TEXT NOT NULL UNIQUE,
            meta TEXT NOT NULL DEFAULT '{}',
            created TEXT NOT NULL
        );
        CREATE TABLE labels (
            name TEXT PRIMARY KEY,
            kind TEXT NOT NULL CHECK (kind IN ('entity', 'fact')),
            color TEXT NOT NULL,
            hotkey TEXT NOT NULL DEFAULT '',
            description TEXT NOT NULL DEFAULT '',
            ord INTEGER NOT NULL DEFAULT 0,
            roles TEXT NOT NULL DEFAULT '[]',
            trigger INTEGER NOT NULL DEFAULT 1
        );
        CREATE TABLE attribute_defs (
            name TEXT PRIMARY KEY,
            kind TEXT NOT NULL,
            choices TEXT NOT NULL DEFAULT '[]',
            applies_to TEXT NOT NULL DEFAULT '["entity", "fact"]',
            description TEXT NOT NULL DEFAULT ''
        );
        CREATE TABLE annotators (
            name TEXT PRIMARY KEY,
            created TEXT NOT NULL
        );
        CREATE TABLE spans (
            id INTEGER PRIMARY KEY,
            document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            annotator TEXT NOT NULL REFERENCES annotators(name) ON UPDATE CASCADE,
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            label TEXT NOT NULL REFERENCES labels(name) ON UPDATE CASCADE,
            text TEXT NOT NULL,
            attributes TEXT NOT NULL DEFAULT '{}',
            note TEXT NOT NULL DEFAULT '',
            created TEXT NOT NULL,
            updated TEXT NOT NULL,
            CHECK (start >= 0 AND "end" > start)
        );
        CREATE INDEX spans_by_document ON spans(document_id, annotator, start);
        CREATE INDEX spans_by_label ON spans(label);
        CREATE TABLE facts (
            id INTEGER PRIMARY KEY,
            document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            annotator TEXT NOT NULL REFERENCES annotators(name) ON UPDATE CASCADE,
            label TEXT NOT NULL REFERENCES labels(name) ON UPDATE CASCADE,
            span_id INTEGER REFERENCES spans(id) ON DELETE SET NULL,
            attributes TEXT NOT NULL DEFAULT '{}',
            note TEXT NOT NULL DEFAULT '',
            created TEXT NOT NULL,
            updated TEXT NOT NULL
        );
        CREATE INDEX facts_by_document ON facts(document_id, annotator);
        CREATE TABLE fact_args (
            id INTEGER PRIMARY KEY,
            fact_id INTEGER NOT NULL REFERENCES facts(id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            role TEXT NOT NULL,
            span_id INTEGER REFERENCES spans(id) ON DELETE CASCADE,
            target_fact_id INTEGER REFERENCES facts(id) ON DELETE CASCADE,
            CHECK ((span_id IS NULL) <> (target_fact_id IS NULL))
        );
        CREATE INDEX fact_args_by_fact ON fact_args(fact_id);
        CREATE INDEX fact_args_by_span ON fact_args(span_id);
        CREATE INDEX fact_args_by_target ON fact_args(target_fact_id);
        CREATE TABLE document_status (
            document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            annotator TEXT NOT NULL REFERENCES annotators(name) ON UPDATE CASCADE,
            status TEXT NOT NULL CHECK (status IN ('todo', 'in_progress', 'done', 'reviewed')),
            updated TEXT NOT NULL,
            PRIMARY KEY (document_id, annotator)
        );
        CREATE TABLE decisions (
            id INTEGER PRIMARY KEY,
            document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            reviewer TEXT NOT NULL,
            kind TEXT NOT NULL,
            choice TEXT NOT NULL,
            detail TEXT NOT NULL DEFAULT '{}',
            created TEXT NOT NULL
        );
        CREATE INDEX decisions_by_document ON decisions(document_id);
        CREATE TABLE settings (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );
        """
    )


@migrations()
def m002_spans_in_reading_order(db: Database) -> None:
    # The window loads a layer ordered by (start, end DESC, id); with the end
    # in the index SQLite reads it in order instead of sorting 10,000 rows.
    _run(
        db,
        """
        DROP INDEX spans_by_document;
        CREATE INDEX spans_by_document ON spans(document_id, annotator, start, "end" DESC)
        """,
    )



@migrations()
def m003_spans_index_covers_labels(db: Database) -> None:
    # Token exports read (document, layer, start, end, label) of every span;
    # with the label in the index SQLite answers from the index alone, which
    # halves the time to read 200,000 spans. The rowid (the span id) follows
    # the label, so (start, end DESC, label, id) is still read without a sort.
    _run(
        db,
        """
        DROP INDEX spans_by_document;
        CREATE INDEX spans_by_document ON spans(document_id, annotator, start, "end" DESC, label)
        """,
    )


@migrations()
def m005_change_history(db: Database) -> None:
    # Who changed what, when, from what to what: one row per change, written
    # in the transaction of the change itself (annotator/store/history.py).
    # AUTOINCREMENT: a change id is never reused, so the history is append-only.
    _run(
        db,
        """
        CREATE TABLE changes (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            created TEXT NOT NULL,
            annotator TEXT NOT NULL,
            actor TEXT,
            document_id INTEGER,
            kind TEXT NOT NULL,
            action TEXT NOT NULL,
            target TEXT NOT NULL,
            before TEXT,
            after TEXT,
            reverts INTEGER
        );
        CREATE INDEX changes_by_document ON changes(document_id, id);
        CREATE INDEX changes_by_annotator ON changes(annotator, id)
        """,
    )


def _run(db: Database, script: str) -> None:
    # executescript() would COMMIT first and break the migration's
    # transaction, so the statements run one by one inside it.
    for statement in script.split(";\n"):
        if statement.strip():
            db.execute(statement)

