"""`annotator team init`: the project's tables, group roles and first lead on a server."""

from __future__ import annotations

from typing import Any

from annotator.server import migrations, roles
from annotator.server.connection import SCHEMA, connect, server_error


def init_project(url: str, lead: str, password: str | None) -> list[str]:
    """Set up (or bring up to date) the team project in the database at `url`, as
    its owner or a superuser, and make `lead` its lead. The migrations applied."""
    conn = connect(url)
    try:
        return _init(conn, lead, password)
    finally:
        conn.close()


def _init(conn: Any, lead: str, password: str | None) -> list[str]:
    import psycopg

    try:
        with conn.transaction():
            roles.create_groups(conn)
        applied = migrations.migrate(conn)
        roles.add_member(conn, lead, "lead", password)
        conn.commit()
    except psycopg.Error as exc:
        raise server_error(exc, conn) from exc
    return applied


def open_team_project(url: str) -> Any:
    """A connection to a set-up project; refused, saying why, when the server has
    no project yet, or one set up by a newer annotator."""
    import psycopg

    from annotator.server.connection import ServerError

    conn = connect(url)
    try:
        member, stranger = conn.execute(
            "SELECT current_user, to_regnamespace(%s) IS NOT NULL AND NOT has_schema_privilege(%s, 'USAGE')",
            [SCHEMA, SCHEMA]).fetchone()
        if stranger:
            raise ServerError(f"{conn.info_url}: {member} is not a member of this team project")
        migrations.refuse_newer(conn)
        if migrations.pending(conn):
            raise ServerError(f"{conn.info_url}: no team project here, or an older one "
                              "(`annotator team init` sets it up or brings it up to date)")
        conn.commit()
    except psycopg.Error as exc:
        conn.close()
        raise server_error(exc, conn) from exc
    except BaseException:
        conn.close()
        raise
    return conn
