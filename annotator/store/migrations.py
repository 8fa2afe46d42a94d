"""The database schema as an ordered ladder of migrations.

Never edit a migration that has shipped: add a new one. A database that has
applied a migration this list does not know came from a newer annotator and
is refused, not modified.
"""

from __future__ import annotations

import re

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
def m004_ids_never_reused(db: Database) -> None:
    # Without AUTOINCREMENT SQLite hands the id of the last row deleted to the
    # next row inserted, so another program's new span could take the id an
    # undo is about to put back. Tables cannot be altered to AUTOINCREMENT:
    # each is built anew and its rows copied. The new tables refer to each
    # other under their new names while the old ones are dropped, since a
    # DROP with foreign keys on deletes the rows first and would cascade into
    # any table that names the one dropped; the rename at the end points the
    # references at the final names. Rows pointing at nothing fail the COMMIT
    # (foreign keys are checked there), so such a database is refused, not changed.
    # facts_by_span is new: deleting a span looks up the facts it states (and so
    # does SQLite's ON DELETE SET NULL); without it that read every fact.
    db.execute("PRAGMA defer_foreign_keys = ON")
    _run(
        db,
        """
        CREATE TABLE new_documents (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            title TEXT NOT NULL,
            text TEXT NOT NULL,
            hash TEXT NOT NULL UNIQUE,
            meta TEXT NOT NULL DEFAULT '{}',
            created TEXT NOT NULL
        );
        CREATE TABLE new_spans (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            document_id INTEGER NOT NULL REFERENCES new_documents(id) ON DELETE CASCADE,
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
        CREATE TABLE new_facts (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            document_id INTEGER NOT NULL REFERENCES new_documents(id) ON DELETE CASCADE,
            annotator TEXT NOT NULL REFERENCES annotators(name) ON UPDATE CASCADE,
            label TEXT NOT NULL REFERENCES labels(name) ON UPDATE CASCADE,
            span_id INTEGER REFERENCES new_spans(id) ON DELETE SET NULL,
            attributes TEXT NOT NULL DEFAULT '{}',
            note TEXT NOT NULL DEFAULT '',
            created TEXT NOT NULL,
            updated TEXT NOT NULL
        );
        CREATE TABLE new_fact_args (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            fact_id INTEGER NOT NULL REFERENCES new_facts(id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            role TEXT NOT NULL,
            span_id INTEGER REFERENCES new_spans(id) ON DELETE CASCADE,
            target_fact_id INTEGER REFERENCES new_facts(id) ON DELETE CASCADE,
            CHECK ((span_id IS NULL) <> (target_fact_id IS NULL))
        );
        CREATE TABLE new_document_status (
            document_id INTEGER NOT NULL REFERENCES new_documents(id) ON DELETE CASCADE,
            annotator TEXT NOT NULL REFERENCES annotators(name) ON UPDATE CASCADE,
            status TEXT NOT NULL CHECK (status IN ('todo', 'in_progress', 'done', 'reviewed')),
            updated TEXT NOT NULL,
            PRIMARY KEY (document_id, annotator)
        );
        CREATE TABLE new_decisions (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            document_id INTEGER NOT NULL REFERENCES new_documents(id) ON DELETE CASCADE,
            reviewer TEXT NOT NULL,
            kind TEXT NOT NULL,
            choice TEXT NOT NULL,
            detail TEXT NOT NULL DEFAULT '{}',
            created TEXT NOT NULL
        );
        INSERT INTO new_documents (id, title, text, hash, meta, created)
            SELECT id, title, text, hash, meta, created FROM documents ORDER BY id;
        INSERT INTO new_spans (id, document_id, annotator, start, "end", label, text, attributes, note, created, updated)
            SELECT id, document_id, annotator, start, "end", label, text, attributes, note, created, updated
            FROM spans ORDER BY id;
        INSERT INTO new_facts (id, document_id, annotator, label, span_id, attributes, note, created, updated)
            SELECT id, document_id, annotator, label, span_id, attributes, note, created, updated FROM facts ORDER BY id;
        INSERT INTO new_fact_args (id, fact_id, position, role, span_id, target_fact_id)
            SELECT id, fact_id, position, role, span_id, target_fact_id FROM fact_args ORDER BY id;
        INSERT INTO new_document_status (document_id, annotator, status, updated)
            SELECT document_id, annotator, status, updated FROM document_status;
        INSERT INTO new_decisions (id, document_id, reviewer, kind, choice, detail, created)
            SELECT id, document_id, reviewer, kind, choice, detail, created FROM decisions ORDER BY id;
        DROP TABLE fact_args;
        DROP TABLE document_status;
        DROP TABLE decisions;
        DROP TABLE facts;
        DROP TABLE spans;
        DROP TABLE documents;
        ALTER TABLE new_documents RENAME TO documents;
        ALTER TABLE new_spans RENAME TO spans;
        ALTER TABLE new_facts RENAME TO facts;
        ALTER TABLE new_fact_args RENAME TO fact_args;
        ALTER TABLE new_document_status RENAME TO document_status;
        ALTER TABLE new_decisions RENAME TO decisions;
        CREATE INDEX spans_by_document ON spans(document_id, annotator, start, "end" DESC, label);
        CREATE INDEX spans_by_label ON spans(label);
        CREATE INDEX facts_by_document ON facts(document_id, annotator);
        CREATE INDEX fact_args_by_fact ON fact_args(fact_id);
        CREATE INDEX fact_args_by_span ON fact_args(span_id);
        CREATE INDEX fact_args_by_target ON fact_args(target_fact_id);
        CREATE INDEX decisions_by_document ON decisions(document_id);
        CREATE INDEX facts_by_span ON facts(span_id)
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


@migrations()
def m006_full_text_search(db: Database) -> None:
    # Titles and texts in an FTS5 index that reads them from `documents`
    # (external content: the texts are not stored twice), kept in step by
    # triggers so that every way a document comes or goes (add, bulk import,
    # merge, an edit, a delete) updates it. unicode61 with remove_diacritics 2
    # rather than trigram: words are what people search news for, prefixes
    # (pemerin*) cover Indonesian suffixes, "Café" matches "cafe", and the
    # index is a fraction of a trigram index's size (three entries per
    # character) at a million articles.
    #
    # The number of documents is kept by triggers too, so that the window's
    # list and progress count read it instead of counting a million rows.
    # document_status by (annotator, status) counts one annotator's finished
    # documents and finds status:done without reading every status.
    for statement in (
        """CREATE VIRTUAL TABLE documents_fts USING fts5(
            title, text, content='documents', content_rowid='id',
            tokenize='unicode61 remove_diacritics 2')""",
        """CREATE TRIGGER documents_fts_insert AFTER INSERT ON documents BEGIN
            INSERT INTO documents_fts (rowid, title, text) VALUES (new.id, new.title, new.text);
        END""",
        """CREATE TRIGGER documents_fts_delete AFTER DELETE ON documents BEGIN
            INSERT INTO documents_fts (documents_fts, rowid, title, text) VALUES ('delete', old.id, old.title, old.text);
        END""",
        """CREATE TRIGGER documents_fts_update AFTER UPDATE OF title, text ON documents BEGIN
            INSERT INTO documents_fts (documents_fts, rowid, title, text) VALUES ('delete', old.id, old.title, old.text);
            INSERT INTO documents_fts (rowid, title, text) VALUES (new.id, new.title, new.text);
        END""",
        "INSERT INTO documents_fts (documents_fts) VALUES ('rebuild')",
        "CREATE TABLE document_count (n INTEGER NOT NULL)",
        "INSERT INTO document_count (n) SELECT count(*) FROM documents",
        """CREATE TRIGGER document_count_insert AFTER INSERT ON documents BEGIN
            UPDATE document_count SET n = n + 1;
        END""",
        """CREATE TRIGGER document_count_delete AFTER DELETE ON documents BEGIN
            UPDATE document_count SET n = n - 1;
        END""",
        "CREATE INDEX document_status_by_annotator ON document_status(annotator, status)",
        # ids alone, a few bytes an entry: the list's row of a document and its
        # pages by row count and skip these instead of table pages holding texts
        "CREATE INDEX documents_by_id ON documents(id)",
    ):
        db.execute(statement)


@migrations()
def m007_document_identity_by_source_name(db: Database) -> None:
    # A document is the source's name for it (a file's path in its folder, a
    # record's id) together with its text, so two files holding one sentence
    # stay two documents; documents with no name (all those imported before)
    # match by text as before. The UNIQUE on hash goes, which SQLite can only
    # do by building the table anew; every table that refers to documents,
    # directly or through another, is built anew with it (see `_rebuild`).
    # (hash, source_name) also finds every document of a text.
    _rebuild(db, "documents", """
        CREATE TABLE new_documents (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            title TEXT NOT NULL,
            text TEXT NOT NULL,
            hash TEXT NOT NULL,
            meta TEXT NOT NULL DEFAULT '{}',
            created TEXT NOT NULL,
            source_name TEXT NOT NULL DEFAULT ''
        )""", "id, title, text, hash, meta, created")
    db.execute("CREATE UNIQUE INDEX documents_by_text ON documents(hash, source_name)")


_REFERENCE = re.compile(r'(REFERENCES\s+)"?(\w+)"?(\s*\()', re.IGNORECASE)
_TABLE_NAME = re.compile(r'^(CREATE\s+TABLE\s+)"?(\w+)"?', re.IGNORECASE)


def _rebuild(db: Database, table: str, new_sql: str, columns: str) -> None:
    """Build `table` anew from `new_sql` (a CREATE TABLE of `new_<table>`),
    copying `columns`, with every table that refers to it, directly or through
    another (their definitions unchanged), keeping rows, ids, the ids
    AUTOINCREMENT has given, indexes and triggers.

    As in m004, the new tables refer to each other under their new names while
    the old ones are dropped: foreign keys cannot be turned off inside the
    migration's transaction, and dropping a table deletes its rows first,
    which would cascade into any table still naming it."""
    db.execute("PRAGMA defer_foreign_keys = ON")
    conn = db.conn
    family = [table]
    for name in family:  # grows as referring tables are found
        for (child,) in conn.execute(
                "SELECT m.name FROM sqlite_master m, pragma_foreign_key_list(m.name) f "
                "WHERE m.type = 'table' AND f.\"table\" = ? ORDER BY m.rowid", [name]):
            if child not in family:
                family.append(child)
    definitions = dict(conn.execute(
        f"SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name IN ({','.join('?' * len(family))})",
        family))
    kept = [sql for (sql,) in conn.execute(
        f"SELECT sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
        f"AND tbl_name IN ({','.join('?' * len(family))}) ORDER BY rowid", family)]
    # every trigger: one on another table may name these, and a rename checks them all
    triggers = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY rowid").fetchall()
    numbered = dict(conn.execute("SELECT name, seq FROM sqlite_sequence").fetchall()) if conn.execute(
        "SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'").fetchone() else {}

    def renamed(match: re.Match) -> str:
        name = match.group(2)
        return f"{match.group(1)}new_{name}{match.group(3)}" if name in family else match.group(0)

    for name, _ in triggers:
        db.execute(f'DROP TRIGGER "{name}"')
    for name in family:
        sql = new_sql if name == table else _TABLE_NAME.sub(rf"\1new_{name}", definitions[name].strip(), count=1)
        db.execute(_REFERENCE.sub(renamed, sql))
        copied = columns if name == table else "*"
        into = f"({columns})" if name == table else ""
        db.execute(f'INSERT INTO "new_{name}" {into} SELECT {copied} FROM "{name}"')
    for name in reversed(family):  # those that refer to others first
        db.execute(f'DROP TABLE "{name}"')
    for name in family:
        db.execute(f'ALTER TABLE "new_{name}" RENAME TO "{name}"')
    for name in family:
        if name in numbered:
            given = max(numbered[name], db.execute(f'SELECT coalesce(max(rowid), 0) FROM "{name}"').fetchone()[0])
            db.execute("DELETE FROM sqlite_sequence WHERE name = ?", [name])
            db.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)", [name, given])
    for sql in kept:
        db.execute(sql)
    for _, sql in triggers:
        db.execute(sql)


@migrations()
def m008_source_tokens(db: Database) -> None:
    # The tokens and sentence breaks of documents imported from a token format
    # (CoNLL, Hugging Face), so that an export gives them back as they came.
    # One row per such document, the tokens packed by
    # `annotator.domain.SourceTokens.encode` (about two bytes a token); other
    # documents have no row. A changed text makes its tokens meaningless, so
    # they go with the change.
    for statement in (
        """CREATE TABLE document_tokens (
            document_id INTEGER PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
            tokens BLOB NOT NULL
        )""",
        """CREATE TRIGGER document_tokens_text_changed AFTER UPDATE OF text ON documents
        WHEN new.text IS NOT old.text BEGIN
            DELETE FROM document_tokens WHERE document_id = new.id;
        END""",
    ):
        db.execute(statement)


@migrations()
def m009_document_notes(db: Database) -> None:
    # A note per document and annotator layer ("the scan is cut off here"),
    # kept apart from the documents table so that reading a page of the list
    # never reads notes. Titles indexed case-blind: the list sorted by title
    # reads a page along the index instead of sorting every document.
    _run(
        db,
        """
        CREATE TABLE document_notes (
            document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            annotator TEXT NOT NULL REFERENCES annotators(name) ON UPDATE CASCADE,
            note TEXT NOT NULL,
            updated TEXT NOT NULL,
            PRIMARY KEY (document_id, annotator)
        );
        CREATE INDEX documents_by_title ON documents(title COLLATE NOCASE, id)
        """,
    )


@migrations()
def m011_suggestions(db: Database) -> None:
    # What suggesters proposed, per document and annotator, and what became of
    # it; gazetteers, the spaCy label table and trained models of the project;
    # how unsure the tagger is about each document (to order the list by).
    _run(
        db,
        """
        CREATE TABLE suggestions (
            id INTEGER PRIMARY KEY,
            document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            annotator TEXT NOT NULL,
            suggester TEXT NOT NULL,
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            label TEXT NOT NULL,
            confidence REAL NOT NULL,
            state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'accepted', 'rejected')),
            span_id INTEGER,
            created TEXT NOT NULL,
            decided TEXT,
            CHECK (start >= 0 AND "end" > start)
        );
        CREATE INDEX suggestions_by_document ON suggestions(document_id, annotator, state, start);
        CREATE TABLE gazetteer_entries (
            gazetteer TEXT NOT NULL,
            entry TEXT NOT NULL,
            label TEXT NOT NULL,
            PRIMARY KEY (gazetteer, entry, label)
        );
        CREATE TABLE spacy_labels (
            spacy_label TEXT PRIMARY KEY,
            label TEXT NOT NULL
        );
        CREATE TABLE suggester_models (
            name TEXT PRIMARY KEY,
            model BLOB NOT NULL,
            detail TEXT NOT NULL DEFAULT '{}',
            trained TEXT NOT NULL
        );
        CREATE TABLE tagger_uncertainty (
            document_id INTEGER PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
            uncertainty REAL NOT NULL
        )
        """,
    )


@migrations()
def m010_indexes_for_scale(db: Database) -> None:
    # What stays fast at a million documents (issue 11).
    #
    # The list ordered by uncertainty reads this index in order instead of
    # sorting every document by a lookup each; undoing or deleting spans finds
    # the suggestions that made them by span id instead of reading them all.
    # facts_by_label: whether a label is in use (every schema change asks) and
    # the foreign key check when a label row goes are look-ups, as for spans.
    #
    # document_blocks counts the documents in each run of 1,024 ids, kept by
    # triggers, so that a document's row in the list (the documents before it)
    # and the list's page at row N are a sum over a thousand blocks and a count
    # inside one, not a count over every id before it.
    #
    # search_terms lists every word the full-text index holds. FTS5 answers a
    # prefix (pemerin*) by merging the entries of every word it stands for
    # before it returns the first hit, which grows with the corpus; the same
    # words joined by OR are read lazily, so the store spells a prefix out into
    # them. Triggers note the documents whose words are not in the list yet
    # (search_terms_pending); the store adds their words when it writes them
    # (SearchTermsMixin) and a search reads the few left over itself, so a
    # document added by any program is found. Words of deleted documents stay:
    # a word that matches nothing costs a lookup.
    for statement in (
        "CREATE INDEX tagger_uncertainty_order ON tagger_uncertainty(uncertainty DESC, document_id)",
        "CREATE INDEX suggestions_by_span ON suggestions(span_id)",
        "CREATE INDEX facts_by_label ON facts(label)",
        "CREATE TABLE document_blocks (block INTEGER PRIMARY KEY, n INTEGER NOT NULL)",
        "INSERT INTO document_blocks (block, n) SELECT id >> 10, count(*) FROM documents GROUP BY id >> 10",
        """CREATE TRIGGER document_blocks_insert AFTER INSERT ON documents BEGIN
            INSERT INTO document_blocks (block, n) VALUES (new.id >> 10, 1)
                ON CONFLICT (block) DO UPDATE SET n = n + 1;
        END""",
        """CREATE TRIGGER document_blocks_delete AFTER DELETE ON documents BEGIN
            UPDATE document_blocks SET n = n - 1 WHERE block = old.id >> 10;
        END""",
        "CREATE TABLE search_terms (term TEXT PRIMARY KEY) WITHOUT ROWID",
        "CREATE VIRTUAL TABLE temp.m010_terms USING fts5vocab(main, documents_fts, 'row')",
        "INSERT INTO search_terms (term) SELECT term FROM temp.m010_terms",
        "DROP TABLE temp.m010_terms",
        "CREATE TABLE search_terms_pending (document_id INTEGER PRIMARY KEY)",
        """CREATE TRIGGER search_terms_insert AFTER INSERT ON documents BEGIN
            INSERT OR IGNORE INTO search_terms_pending (document_id) VALUES (new.id);
        END""",
        """CREATE TRIGGER search_terms_update AFTER UPDATE OF title, text ON documents BEGIN
            INSERT OR IGNORE INTO search_terms_pending (document_id) VALUES (new.id);
        END""",
    ):
        db.execute(statement)


@migrations()
def m013_sync_bookkeeping(db: Database) -> None:
    # What a sync with the team server needs to remember (annotator/store/sync_records.py):
    # the server's id (uid) of every row pulled from it under a local id, since
    # local ids are this file's own and never reused; the content hash of each
    # layer as the server last had it, to tell what changed since; cursors.
    # database_id makes the uids of rows made here unique across databases.
    _run(
        db,
        """
        CREATE TABLE sync_ids (
            kind TEXT NOT NULL CHECK (kind IN ('span', 'fact', 'decision')),
            local_id INTEGER NOT NULL,
            uid TEXT NOT NULL,
            PRIMARY KEY (kind, local_id)
        );
        CREATE UNIQUE INDEX sync_ids_by_uid ON sync_ids(kind, uid);
        CREATE TABLE sync_layers (
            document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            annotator TEXT NOT NULL,
            content_hash TEXT NOT NULL,
            PRIMARY KEY (document_id, annotator)
        );
        CREATE TABLE sync_state (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );
        INSERT INTO sync_state (key, value) VALUES ('database_id', lower(hex(randomblob(16))))
        """,
    )


@migrations()
def m012_status_counts(db: Database) -> None:
    # "done / total" at a million documents counted the annotator's finished
    # statuses (0.6 s from a cold file), and "next unfinished" read every status
    # after the current document when nearly all were done. Both are kept by
    # triggers on document_status, so every way a status comes, changes or goes
    # (the store, an import, a merge, a sync, a delete cascading from documents,
    # an annotator renamed, another program) keeps them in step:
    # status_counts holds the number of rows of each (annotator, status);
    # finished_blocks each annotator's done or reviewed documents per run of
    # 1,024 ids (the runs document_blocks counts, m010), so that a run with fewer
    # finished documents than documents is where an unfinished one lies. (One
    # write is not seen: another program's INSERT OR REPLACE over a status, whose
    # implicit delete fires no trigger unless that program turned recursive
    # triggers on; the store never writes statuses so.)
    take_back = """
            UPDATE status_counts SET n = n - 1 WHERE annotator = old.annotator AND status = old.status;
            UPDATE finished_blocks SET n = n - 1
                WHERE old.status IN ('done', 'reviewed') AND annotator = old.annotator AND block = old.document_id >> 10;"""
    add = """
            INSERT INTO status_counts (annotator, status, n) VALUES (new.annotator, new.status, 1)
                ON CONFLICT (annotator, status) DO UPDATE SET n = n + 1;
            INSERT INTO finished_blocks (annotator, block, n)
                SELECT new.annotator, new.document_id >> 10, 1 WHERE new.status IN ('done', 'reviewed')
                ON CONFLICT (annotator, block) DO UPDATE SET n = n + 1;"""
    for statement in (
        """CREATE TABLE status_counts (
            annotator TEXT NOT NULL,
            status TEXT NOT NULL,
            n INTEGER NOT NULL,
            PRIMARY KEY (annotator, status)
        ) WITHOUT ROWID""",
        """INSERT INTO status_counts (annotator, status, n)
            SELECT annotator, status, count(*) FROM document_status GROUP BY annotator, status""",
        """CREATE TABLE finished_blocks (
            annotator TEXT NOT NULL,
            block INTEGER NOT NULL,
            n INTEGER NOT NULL,
            PRIMARY KEY (annotator, block)
        ) WITHOUT ROWID""",
        """INSERT INTO finished_blocks (annotator, block, n)
            SELECT annotator, document_id >> 10, count(*) FROM document_status
            WHERE status IN ('done', 'reviewed') GROUP BY annotator, document_id >> 10""",
        f"CREATE TRIGGER status_counts_insert AFTER INSERT ON document_status BEGIN {add}\n        END",
        f"CREATE TRIGGER status_counts_delete AFTER DELETE ON document_status BEGIN {take_back}\n        END",
        f"""CREATE TRIGGER status_counts_update AFTER UPDATE OF document_id, annotator, status ON document_status
        BEGIN {take_back}{add}\n        END""",
    ):
        db.execute(statement)
