"""The lead's view of the work: who is assigned which documents, and how far each one is."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from annotator.domain import STATUSES
from annotator.server.connection import RefusedByServer, ServerError, server_error
from annotator.server.roles import team_role


def assign(conn: Any, annotator: str, *, hashes: list[str] | None = None, count: int | None = None,
           overlap: int = 0) -> int:
    """Assign documents to `annotator`: those of the given texts (`hashes`, a query's
    hits in the lead's local copy), or `count` documents, of which `overlap` are
    already someone else's (to measure agreement on) and the rest nobody's yet.
    Documents already theirs are not counted. How many were assigned."""
    import psycopg

    if team_role(conn) != "lead":
        raise RefusedByServer(f"{conn.info_url}: refused: only the project's lead assigns documents")
    try:
        with conn.transaction():
            if hashes is not None:
                present = {r[0] for r in conn.execute("SELECT hash FROM documents WHERE hash = ANY(%s)", [hashes])}
                missing = set(hashes) - present
                if missing:
                    raise ServerError(f"{conn.info_url}: {len(missing)} of the documents found are not on the server "
                                      "(`annotator team push-documents` puts them there)")
                rows = conn.execute(
                    "INSERT INTO assignments (document_id, annotator) SELECT id, %s FROM documents "
                    "WHERE hash = ANY(%s) ON CONFLICT DO NOTHING RETURNING document_id", [annotator, hashes]).fetchall()
                return len(rows)
            assert count is not None
            if overlap > count:
                raise ServerError(f"--overlap {overlap} is more than --count {count}")
            shared = _insert(conn, annotator, overlap, "EXISTS (SELECT 1 FROM assignments a WHERE a.document_id = d.id)")
            fresh = _insert(conn, annotator, count - overlap,
                            "NOT EXISTS (SELECT 1 FROM assignments a WHERE a.document_id = d.id)")
            return shared + fresh
    except psycopg.Error as exc:
        raise server_error(exc, conn) from exc


def _insert(conn: Any, annotator: str, count: int, condition: str) -> int:
    if count <= 0:
        return 0
    rows = conn.execute(
        f"INSERT INTO assignments (document_id, annotator) SELECT d.id, %s FROM documents d WHERE {condition} "
        "AND NOT EXISTS (SELECT 1 FROM assignments mine WHERE mine.document_id = d.id AND mine.annotator = %s) "
        "ORDER BY d.id LIMIT %s RETURNING document_id", [annotator, annotator, count]).fetchall()
    return len(rows)


@dataclass
class TakenBack:
    documents: int = 0
    """Assignments removed."""
    with_work: int = 0
    """Of those, documents on which the annotator's layer on the server holds work: it stays there."""


def unassign(conn: Any, annotator: str, *, hashes: list[str] | None = None, unstarted: bool = False) -> TakenBack:
    """Take documents back from `annotator`: those of the given texts (`hashes`),
    or all of theirs; with `unstarted`, only those whose layer on the server
    holds no span, fact or status yet (to give them to someone else). The
    annotator's layer stays on the server, readable by the lead and reviewers:
    taking a document back never loses work."""
    import psycopg

    if team_role(conn) != "lead":
        raise RefusedByServer(f"{conn.info_url}: refused: only the project's lead takes documents back")
    chosen = "" if hashes is None else "AND a.document_id IN (SELECT id FROM documents WHERE hash = ANY(%(hashes)s))"
    untouched = f"AND NOT EXISTS ({_WORK_ON.format(document='a.document_id')})" if unstarted else ""
    try:
        with conn.transaction():
            taken, with_work = conn.execute(
                f"WITH taken AS (DELETE FROM assignments a WHERE a.annotator = %(annotator)s {chosen} {untouched} "
                "RETURNING a.document_id) "
                f"SELECT count(*), count(*) FILTER (WHERE EXISTS ({_WORK_ON.format(document='taken.document_id')})) "
                "FROM taken", {"annotator": annotator, "hashes": hashes}).fetchone()
    except psycopg.Error as exc:
        raise server_error(exc, conn) from exc
    return TakenBack(taken, with_work)


_WORK_ON = ("SELECT 1 FROM layers l WHERE l.document_id = {document} AND l.annotator = %(annotator)s "
            "AND (l.spans > 0 OR l.facts > 0 OR l.status <> 'todo')")
"""The annotator's layer of a document holds work: a span, a fact or a status."""


@dataclass
class Progress:
    annotator: str
    assigned: int = 0
    statuses: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATUSES, 0))
    spans: int = 0
    facts: int = 0

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def status(conn: Any) -> list[Progress]:
    """Per assigned annotator: documents assigned, how many in each status, spans and facts made."""
    import psycopg

    found: dict[str, Progress] = {}
    try:
        rows = conn.execute(
            "SELECT a.annotator, coalesce(l.status, 'todo'), count(*), coalesce(sum(l.spans), 0), "
            "coalesce(sum(l.facts), 0) FROM assignments a LEFT JOIN layers l "
            "ON l.document_id = a.document_id AND l.annotator = a.annotator "
            "GROUP BY a.annotator, coalesce(l.status, 'todo') ORDER BY a.annotator").fetchall()
        conn.commit()
    except psycopg.Error as exc:
        raise server_error(exc, conn) from exc
    for annotator, state, documents, spans, facts in rows:
        progress = found.setdefault(annotator, Progress(annotator))
        progress.assigned += documents
        progress.statuses[state] += documents
        progress.spans += int(spans)
        progress.facts += int(facts)
    return list(found.values())
