"""Who is who on the server: PostgreSQL roles.

A person is a login role whose name is their annotator name. The project has
three group roles, named after its database so that two projects on one
server keep their teams apart: `<db>_team` (every member: reads the project,
writes their own layer), `<db>_reviewer` (also the gold layer and review
decisions) and `<db>_lead` (also documents, the schema and assignments; may
add members). The row-level security policies (migrations.py) ask these.
"""

from __future__ import annotations

from typing import Any

from annotator.domain import GOLD
from annotator.server.connection import ServerError, server_error

ROLES = ("annotator", "reviewer", "lead")
"""What a member may be; a reviewer and a lead are members of the groups below them too."""

GROUP_KINDS = ("team", "reviewer", "lead")


def group_names(conn: Any) -> dict[str, str]:
    # the same name the SQL function in_team_group builds
    database = conn.execute("SELECT left(current_database(), 40)").fetchone()[0]
    return {kind: f"{database}_{kind}" for kind in GROUP_KINDS}


def create_groups(conn: Any) -> None:
    from psycopg import sql

    for name in group_names(conn).values():
        if conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [name]).fetchone() is None:
            conn.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(sql.Identifier(name)))


def add_member(conn: Any, name: str, role: str, password: str | None) -> None:
    """Make `name` a login role in the groups of `role` (annotator, reviewer, lead); a
    role that exists already (a member of another project on this server) keeps its
    other memberships, and gets the password when one is given."""
    import psycopg

    if role not in ROLES:
        raise ServerError(f"unknown team role {role!r} (one of {', '.join(ROLES)})")
    if not name.strip() or name == GOLD or name.startswith("pg_"):
        raise ServerError(f"{name!r} cannot be a member's name (it is {GOLD!r}, empty or reserved)")
    try:
        _add_member(conn, name, role, password)
    except psycopg.Error as exc:
        raise server_error(exc, conn) from exc


def _add_member(conn: Any, name: str, role: str, password: str | None) -> None:
    from psycopg import sql

    groups = group_names(conn)
    person = sql.Identifier(name)
    with conn.transaction():
        exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [name]).fetchone() is not None
        verb = sql.SQL("ALTER ROLE" if exists else "CREATE ROLE")
        statement = sql.SQL("{} {} LOGIN").format(verb, person)
        if role == "lead":
            statement += sql.SQL(" CREATEROLE")
        if password is not None:
            statement += sql.SQL(" PASSWORD {}").format(sql.Literal(password))
        conn.execute(statement)
        for kind in GROUP_KINDS[: ROLES.index(role) + 1]:
            grant = sql.SQL("GRANT {} TO {}").format(sql.Identifier(groups[kind]), person)
            if role == "lead":
                grant += sql.SQL(" WITH ADMIN OPTION")
            conn.execute(grant)


def team_role(conn: Any) -> str:
    """What the connected person is in the project: lead, reviewer, annotator, or '' (not a member)."""
    groups = group_names(conn)
    for role, kind in (("lead", "lead"), ("reviewer", "reviewer"), ("annotator", "team")):
        if conn.execute("SELECT pg_has_role(current_user, %s, 'MEMBER')", [groups[kind]]).fetchone()[0]:
            return role
    return ""
