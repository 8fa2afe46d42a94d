"""The server's schema as an ordered ladder of migrations, like the SQLite one
(annotator/store/migrations.py): never edit one that has shipped, add a new one.
A server that has applied a migration this list does not know was set up by a
newer annotator and is refused, not modified.

Each migration runs in the transaction of `migrate`, which holds a lock on the
ladder's table, so two programs setting up one server do not both apply it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from annotator.server.connection import SCHEMA, ServerError
from annotator.server.roles import group_names

Migration = Callable[[Any, dict[str, str]], None]
LADDER: list[tuple[str, Migration]] = []


def migration(function: Migration) -> Migration:
    LADDER.append((function.__name__, function))
    return function


def applied(conn: Any) -> list[str]:
    """Names of the migrations the server has applied; empty for a database never set up."""
    exists = conn.execute("SELECT to_regclass(%s)", [f"{SCHEMA}.migrations"]).fetchone()[0]
    if exists is None:
        return []
    return [r[0] for r in conn.execute(f"SELECT name FROM {SCHEMA}.migrations ORDER BY applied, name")]


def refuse_newer(conn: Any) -> None:
    unknown = sorted(set(applied(conn)) - {name for name, _ in LADDER})
    if unknown:
        raise ServerError(f"{getattr(conn, 'info_url', 'the server')}: the team project was set up by a newer "
                          f"annotator (migrations {', '.join(unknown)}); update annotator to use it")


def pending(conn: Any) -> list[str]:
    done = set(applied(conn))
    return [name for name, _ in LADDER if name not in done]


def migrate(conn: Any) -> list[str]:
    """Apply what the server lacks, in one transaction; the names applied."""
    with conn.transaction():
        conn.execute(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}")
        conn.execute(f"CREATE TABLE IF NOT EXISTS {SCHEMA}.migrations "
                     "(name text PRIMARY KEY, applied timestamptz NOT NULL DEFAULT clock_timestamp())")
        conn.execute(f"LOCK TABLE {SCHEMA}.migrations IN EXCLUSIVE MODE")
        refuse_newer(conn)
        groups = group_names(conn)
        done = set(applied(conn))
        names = []
        for name, function in LADDER:
            if name not in done:
                function(conn, groups)
                conn.execute(f"INSERT INTO {SCHEMA}.migrations (name) VALUES (%s)", [name])
                names.append(name)
    return names


def _run(conn: Any, script: str) -> None:
    for statement in script.split(";\n"):
        if statement.strip():
            conn.execute(statement)


@migration
def s001_team_project(conn: Any, groups: dict[str, str]) -> None:
    # Every row carries the id of the transaction that wrote it last (xact):
    # a pull reads rows from transactions at or after the oldest one still
    # running when it last read (its snapshot's xmin), so a row committed late
    # by a transaction that began early is never skipped. A layer is one row
    # per document and annotator holding the whole layer (spans, facts with
    # their roles, status), so writing it is one upsert, and writing the same
    # state twice changes nothing.
    _run(conn, f"""
        CREATE TABLE {SCHEMA}.project (
            id integer PRIMARY KEY CHECK (id = 1),
            uid text NOT NULL DEFAULT gen_random_uuid()::text,
            created timestamptz NOT NULL DEFAULT now()
        );
        INSERT INTO {SCHEMA}.project (id) VALUES (1);
        CREATE FUNCTION {SCHEMA}.in_team_group(kind text) RETURNS boolean LANGUAGE sql STABLE AS $$
            SELECT pg_has_role(current_user, left(current_database(), 40) || '_' || kind, 'MEMBER')
        $$;
        CREATE FUNCTION {SCHEMA}.may_write_layer(layer text) RETURNS boolean LANGUAGE sql STABLE AS $$
            SELECT CASE WHEN layer = 'gold' THEN {SCHEMA}.in_team_group('reviewer')
                        ELSE layer = current_user AND {SCHEMA}.in_team_group('team') END
        $$;
        CREATE TABLE {SCHEMA}.documents (
            id bigserial PRIMARY KEY,
            hash text NOT NULL UNIQUE,
            title text NOT NULL,
            text text NOT NULL,
            meta jsonb NOT NULL DEFAULT '{{}}',
            added timestamptz NOT NULL DEFAULT now(),
            added_by text NOT NULL DEFAULT current_user,
            xact xid8 NOT NULL DEFAULT pg_current_xact_id()
        );
        CREATE INDEX documents_by_xact ON {SCHEMA}.documents (xact);
        CREATE TABLE {SCHEMA}.project_schema (
            id integer PRIMARY KEY CHECK (id = 1),
            schema jsonb NOT NULL,
            hash text NOT NULL,
            updated timestamptz NOT NULL DEFAULT now(),
            updated_by text NOT NULL DEFAULT current_user,
            xact xid8 NOT NULL DEFAULT pg_current_xact_id()
        );
        CREATE TABLE {SCHEMA}.assignments (
            document_id bigint NOT NULL REFERENCES {SCHEMA}.documents (id),
            annotator text NOT NULL,
            assigned timestamptz NOT NULL DEFAULT now(),
            assigned_by text NOT NULL DEFAULT current_user,
            xact xid8 NOT NULL DEFAULT pg_current_xact_id(),
            PRIMARY KEY (document_id, annotator)
        );
        CREATE INDEX assignments_by_annotator ON {SCHEMA}.assignments (annotator, xact);
        CREATE TABLE {SCHEMA}.layers (
            document_id bigint NOT NULL REFERENCES {SCHEMA}.documents (id),
            annotator text NOT NULL,
            content jsonb NOT NULL,
            content_hash text NOT NULL,
            status text NOT NULL DEFAULT 'todo' CHECK (status IN ('todo', 'in_progress', 'done', 'reviewed')),
            spans integer NOT NULL DEFAULT 0,
            facts integer NOT NULL DEFAULT 0,
            updated timestamptz NOT NULL DEFAULT now(),
            updated_by text NOT NULL DEFAULT current_user,
            xact xid8 NOT NULL DEFAULT pg_current_xact_id(),
            PRIMARY KEY (document_id, annotator)
        );
        CREATE INDEX layers_by_xact ON {SCHEMA}.layers (xact);
        CREATE TABLE {SCHEMA}.decisions (
            uid text PRIMARY KEY,
            document_id bigint NOT NULL REFERENCES {SCHEMA}.documents (id),
            reviewer text NOT NULL DEFAULT current_user,
            kind text NOT NULL,
            choice text NOT NULL,
            detail jsonb NOT NULL DEFAULT '{{}}',
            created text NOT NULL,
            xact xid8 NOT NULL DEFAULT pg_current_xact_id()
        );
        CREATE TABLE {SCHEMA}.changes (
            id bigserial PRIMARY KEY,
            change_uid text NOT NULL UNIQUE,
            at timestamptz NOT NULL DEFAULT now(),
            by text NOT NULL DEFAULT current_user,
            kind text NOT NULL,
            document_id bigint,
            annotator text,
            detail jsonb NOT NULL DEFAULT '{{}}'
        )
    """)
    _security(conn, groups)


def _security(conn: Any, groups: dict[str, str]) -> None:
    """Row-level security: the server, not the client, decides who writes what."""
    from psycopg import sql

    team = sql.Identifier(groups["team"])
    # (SELECT …): a scalar subquery is computed once per statement, not once per row
    lead, reviewer = f"(SELECT {SCHEMA}.in_team_group('lead'))", f"(SELECT {SCHEMA}.in_team_group('reviewer'))"
    lead_or_reviewer = f"{reviewer} OR {lead}"
    policies = {
        "documents": [
            ("SELECT", f"{lead_or_reviewer} OR EXISTS (SELECT 1 FROM {SCHEMA}.assignments a "
                       f"WHERE a.document_id = documents.id AND a.annotator = current_user)", None),
            ("INSERT", None, lead),
        ],
        "project_schema": [
            ("SELECT", "true", None),
            ("INSERT", None, lead),
            ("UPDATE", lead, lead),
        ],
        "assignments": [
            ("SELECT", f"annotator = current_user OR {lead_or_reviewer}", None),
            ("INSERT", None, lead),
            ("UPDATE", lead, lead),
            ("DELETE", lead, None),
        ],
        "layers": [
            ("SELECT", f"annotator = current_user OR annotator = 'gold' OR {lead_or_reviewer}", None),
            ("INSERT", None, f"{SCHEMA}.may_write_layer(annotator) AND updated_by = current_user"),
            ("UPDATE", f"{SCHEMA}.may_write_layer(annotator)",
             f"{SCHEMA}.may_write_layer(annotator) AND updated_by = current_user"),
        ],
        "decisions": [
            ("SELECT", lead_or_reviewer, None),
            ("INSERT", None, f"{reviewer} AND reviewer = current_user"),
        ],
        "changes": [
            ("SELECT", "true", None),
            ("INSERT", None, "by = current_user"),
        ],
    }
    conn.execute(sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(sql.Identifier(SCHEMA), team))
    for table in ("migrations", "project"):
        conn.execute(sql.SQL("GRANT SELECT ON {}.{} TO {}").format(sql.Identifier(SCHEMA), sql.Identifier(table), team))
    conn.execute(sql.SQL("GRANT USAGE ON ALL SEQUENCES IN SCHEMA {} TO {}").format(sql.Identifier(SCHEMA), team))
    for table, rules in policies.items():
        name = sql.SQL("{}.{}").format(sql.Identifier(SCHEMA), sql.Identifier(table))
        conn.execute(sql.SQL("ALTER TABLE {} ENABLE ROW LEVEL SECURITY").format(name))
        verbs = sorted({verb for verb, _, _ in rules})
        conn.execute(sql.SQL("GRANT {} ON {} TO {}").format(sql.SQL(", ".join(verbs)), name, team))
        for verb, using, check in rules:
            policy = sql.SQL("CREATE POLICY {} ON {} FOR {}").format(
                sql.Identifier(f"{table}_{verb.lower()}"), name, sql.SQL(verb))
            if using is not None:
                policy += sql.SQL(" USING ({})").format(sql.SQL(using))
            if check is not None:
                policy += sql.SQL(" WITH CHECK ({})").format(sql.SQL(check))
            conn.execute(policy)
