"""`annotator sync`: the local store and the team server made to agree.

Ownership instead of conflict resolution: a sync pushes only the layers the
person owns (their own; gold too for a reviewer), each as its whole state for
one document, and pulls the others' (what the server lets them read: their
assigned documents and gold; a reviewer everyone's), the documents assigned
and the schema. The server's row-level security refuses what they do not own.

Killed at any point and run again, a sync ends as one clean sync would:
- a layer is written as a state, so writing it again changes nothing (the
  server's upsert skips a state it holds; its change log has a unique id per
  state, so nothing is logged twice); one server transaction per batch;
- local bookkeeping (what the server holds, cursors) is committed only after
  the server's transaction, so a kill in between leaves work to redo, never
  work skipped;
- a pull reads rows written since the oldest transaction that was still
  running at the previous pull (the snapshot's xmin), so a late commit is not
  missed, and applying a state the local layer already holds changes nothing.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from annotator.domain import GOLD
from annotator.server.connection import ServerError, server_error
from annotator.server.project_schema import adopt_schema, push_schema, schema_hash, schema_json, server_schema
from annotator.server.roles import team_role
from annotator.server.setup import open_team_project
from annotator.store import Store
from annotator.store.sync_records import EMPTY_LAYER, layer_hash, layer_state_problem

BATCH = 500

Progress = Callable[[str, int, int], None]


@dataclass
class SyncSummary:
    member: str = ""
    role: str = ""
    layers_pushed: int = 0
    not_on_server: int = 0
    decisions_pushed: int = 0
    schema_pushed: bool = False
    schema_pulled: bool = False
    documents_pulled: int = 0
    layers_pulled: int = 0
    decisions_pulled: int = 0
    not_yours: list[str] = field(default_factory=list)
    """Layers changed here that this member does not own: not pushed (the server would refuse them)."""
    unreadable: list[str] = field(default_factory=list)
    """Layers on the server that are not layer states (written by another client), left out."""

    def lines(self) -> list[str]:
        lines = [f"synced as {self.member} ({self.role})",
                 f"pushed {self.layers_pushed} layer(s) of documents" +
                 (f", {self.decisions_pushed} review decision(s)" if self.decisions_pushed else "") +
                 (", the schema" if self.schema_pushed else ""),
                 f"pulled {self.documents_pulled} document(s), {self.layers_pulled} layer(s)" +
                 (f", {self.decisions_pulled} review decision(s)" if self.decisions_pulled else "") +
                 (", the schema" if self.schema_pulled else "")]
        if self.not_yours:
            lines.append(f"not pushed, as the server takes only the layers you own: your changes to "
                         f"{', '.join(self.not_yours)}")
        lines += [f"left out, not a layer annotator can read: {what}" for what in self.unreadable]
        if self.not_on_server:
            lines.append(f"{self.not_on_server} layer(s) of documents the server does not have, or no longer "
                         "assigns to you, were not pushed (they stay in this file)")
        return lines


def sync(store: Store, url: str, annotator: str | None, progress: Progress | None = None) -> SyncSummary:
    """Sync `store` as `annotator`, who must be the member the server knows (None: whoever that is)."""
    import psycopg

    conn = open_team_project(url)
    try:
        member = conn.execute("SELECT current_user").fetchone()[0]
        if annotator is not None and member != annotator:
            raise ServerError(f"{conn.info_url}: the server knows you as {member}, and this sync would push "
                              f"{annotator}'s layer; use --annotator {member}")
        summary = SyncSummary(member=member, role=team_role(conn))
        if not summary.role:
            raise ServerError(f"{conn.info_url}: {member} is not a member of this team project")
        _same_project(conn, store)
        owned = [member] + ([GOLD] if summary.role in ("reviewer", "lead") else [])
        _push(conn, store, owned, summary, progress)
        _pull(conn, store, owned, summary, progress)
        return summary
    except psycopg.Error as exc:
        raise server_error(exc, conn) from exc
    finally:
        conn.close()


def _same_project(conn: Any, store: Store) -> None:
    """A local file keeps cursors of one team project: another project's would be wrong."""
    project = conn.execute("SELECT uid FROM project").fetchone()[0]
    known = store.sync_value("server_project")
    if known is None:
        store.set_sync_values({"server_project": project})
    elif known != project:
        raise ServerError(f"{store.path}: was synced with another team project than {conn.info_url}; "
                          "sync it with that one, or start a new file for this one")


# -- push -----------------------------------------------------------------------


def _push(conn: Any, store: Store, owned: list[str], summary: SyncSummary, progress: Progress | None) -> None:
    if summary.role == "lead":
        local = schema_hash(schema_json(store.schema()))
        if local != store.sync_value("local_schema"):
            with conn.transaction():
                summary.schema_pushed = push_schema(conn, store)
            store.set_sync_values({"local_schema": local, "server_schema": local})
    cursor = int(store.sync_value("pushed_change", "0"))  # type: ignore[arg-type]
    top = store.last_change_id()  # read first: a change made while this runs is looked at next time
    candidates = store.layer_candidates(owned, cursor)
    summary.not_yours = store.others_changed(owned, cursor)
    for first in range(0, len(candidates), BATCH):
        _push_batch(conn, store, candidates[first:first + BATCH], owned, summary)
        if progress:
            progress("pushing", min(first + BATCH, len(candidates)), len(candidates))
    if summary.role in ("reviewer", "lead"):
        _push_decisions(conn, store, summary)
    store.set_sync_values({"pushed_change": str(top)})


def _push_batch(conn: Any, store: Store, documents: list[int], owned: list[str], summary: SyncSummary) -> None:
    hashes = store.document_hashes(documents)
    changed = []
    for document_id in documents:
        for layer in owned:
            state = store.layer_state(document_id, layer)
            digest = layer_hash(state)
            synced = store.synced_hash(document_id, layer)
            if digest != synced and not (synced is None and state == EMPTY_LAYER):
                changed.append((document_id, layer, state, digest))
    if not changed:
        return
    server_ids = dict(conn.execute("SELECT hash, id FROM documents WHERE hash = ANY(%s)",
                                   [sorted({hashes[d] for d, *_ in changed})]).fetchall())
    rows, done = [], []
    for document_id, layer, state, digest in changed:
        server_id = server_ids.get(hashes[document_id])
        if server_id is None:
            summary.not_on_server += 1
            continue
        rows.append({"document_id": server_id, "annotator": layer, "content": state, "content_hash": digest,
                     "status": state["status"] or "todo", "spans": len(state["spans"]),
                     "facts": len(state["facts"]),
                     "change_uid": f"{store.database_id}:{hashes[document_id]}:{layer}:{digest}"})
        done.append((document_id, layer, digest))
    if rows:
        # one statement (and transaction) for the batch: the states, and a change logged
        # for each state the server did not hold yet
        summary.layers_pushed += conn.execute(_WRITE_LAYERS, [json.dumps(rows, ensure_ascii=False)]).fetchone()[0]
    store.mark_synced(done)


_WRITE_LAYERS = """
WITH incoming AS (
    SELECT * FROM jsonb_to_recordset(%s::jsonb) AS x(document_id bigint, annotator text, content jsonb,
        content_hash text, status text, spans integer, facts integer, change_uid text)
), written AS (
    INSERT INTO layers (document_id, annotator, content, content_hash, status, spans, facts)
    SELECT document_id, annotator, content, content_hash, status, spans, facts FROM incoming
    ON CONFLICT (document_id, annotator) DO UPDATE SET content = excluded.content,
        content_hash = excluded.content_hash, status = excluded.status, spans = excluded.spans,
        facts = excluded.facts, updated = now(), updated_by = current_user, xact = pg_current_xact_id()
    WHERE layers.content_hash <> excluded.content_hash
    RETURNING document_id, annotator
), logged AS (
    INSERT INTO changes (change_uid, kind, document_id, annotator, detail)
    SELECT i.change_uid, 'layer', i.document_id, i.annotator, jsonb_build_object('hash', i.content_hash,
        'spans', i.spans, 'facts', i.facts, 'status', i.content -> 'status')
    FROM incoming i JOIN written w USING (document_id, annotator)
    ON CONFLICT (change_uid) DO NOTHING
    RETURNING 1
)
SELECT count(*) FROM written
"""


def _push_decisions(conn: Any, store: Store, summary: SyncSummary) -> None:
    cursor = int(store.sync_value("pushed_decision", "0"))  # type: ignore[arg-type]
    decisions = store.decisions_after(summary.member, cursor)
    if not decisions:
        return
    hashes = store.document_hashes(sorted({d["document_id"] for d in decisions}))
    with conn.transaction():
        server_ids = dict(conn.execute("SELECT hash, id FROM documents WHERE hash = ANY(%s)",
                                       [sorted(set(hashes.values()))]).fetchall())
        for d in decisions:
            server_id = server_ids.get(hashes[d["document_id"]])
            if server_id is not None:
                summary.decisions_pushed += conn.execute(
                    "INSERT INTO decisions (uid, document_id, kind, choice, detail, created) "
                    "VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (uid) DO NOTHING",
                    [f"{store.database_id}:decision:{d['id']}", server_id, d["kind"], d["choice"],
                     json.dumps(d["detail"], ensure_ascii=False), d["created"]]).rowcount
    store.set_sync_values({"pushed_decision": str(decisions[-1]["id"])})


# -- pull -----------------------------------------------------------------------

_NEW_FOR_ME = ("(d.xact >= %(since)s::xid8 OR EXISTS (SELECT 1 FROM assignments a WHERE a.document_id = d.id "
               "AND a.annotator = current_user AND a.xact >= %(since)s::xid8))")


def _pull(conn: Any, store: Store, owned: list[str], summary: SyncSummary, progress: Progress | None) -> None:
    since = store.sync_value("pulled_xact", "0")
    with conn.transaction():
        # one snapshot for everything read; its xmin is where the next pull starts
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        xmin = conn.execute("SELECT pg_snapshot_xmin(pg_current_snapshot())::text").fetchone()[0]
        _pull_schema(conn, store, summary)
        _pull_documents(conn, store, since, summary, progress)
        _pull_layers(conn, store, since, owned, summary, progress)
        if summary.role in ("reviewer", "lead"):
            _pull_decisions(conn, store, since, summary)
    store.set_sync_values({"pulled_xact": xmin})


def _pull_decisions(conn: Any, store: Store, since: str, summary: SyncSummary) -> None:
    rows = conn.execute("SELECT r.uid, d.hash, r.reviewer, r.kind, r.choice, r.detail, r.created FROM decisions r "
                        "JOIN documents d ON d.id = r.document_id WHERE r.xact >= %s::xid8 ORDER BY r.created, r.uid",
                        [since]).fetchall()
    local_ids = store.document_ids_by_hash(sorted({r[1] for r in rows}))
    summary.decisions_pulled += store.add_pulled_decisions(
        [(uid, local_ids[digest], *rest) for uid, digest, *rest in rows if digest in local_ids])


def _pull_schema(conn: Any, store: Store, summary: SyncSummary) -> None:
    found = server_schema(conn)
    if found is None or found[1] == store.sync_value("server_schema"):
        return
    adopt_schema(store, found[0])
    summary.schema_pulled = True
    store.set_sync_values({"server_schema": found[1], "local_schema": schema_hash(schema_json(store.schema()))})


def _pull_documents(conn: Any, store: Store, since: str, summary: SyncSummary, progress: Progress | None) -> None:
    with conn.cursor(name="pulled_documents") as rows:
        rows.execute(f"SELECT d.title, d.text, d.meta FROM documents d WHERE {_NEW_FOR_ME} ORDER BY d.id",
                     {"since": since})
        while batch := rows.fetchmany(BATCH):
            with store.transaction():
                for title, text, meta in batch:
                    summary.documents_pulled += store.add_document(title, text, meta)[1]
            if progress:
                progress("pulling documents", summary.documents_pulled, 0)


def _pull_layers(conn: Any, store: Store, since: str, owned: list[str], summary: SyncSummary,
                 progress: Progress | None) -> None:
    with conn.cursor(name="pulled_layers") as rows:
        rows.execute(
            "SELECT d.hash, l.annotator, l.content, l.updated_by FROM layers l "
            f"JOIN documents d ON d.id = l.document_id WHERE (l.xact >= %(since)s::xid8 OR {_NEW_FOR_ME}) "
            "ORDER BY l.document_id, l.annotator", {"since": since})
        while batch := rows.fetchmany(BATCH):
            local_ids = store.document_ids_by_hash(sorted({r[0] for r in batch}))
            with store.transaction():
                for digest, layer, state, by in batch:
                    document_id = local_ids.get(digest)
                    if document_id is None or not _may_take(store, document_id, layer, owned):
                        continue
                    if (problem := layer_state_problem(state)) is not None:
                        summary.unreadable.append(f"{layer}'s layer of document {document_id} ({problem})")
                        continue
                    summary.layers_pulled += store.apply_layer_state(document_id, layer, state, by=by)
            if progress:
                progress("pulling layers", summary.layers_pulled, 0)


def _may_take(store: Store, document_id: int, layer: str, owned: list[str]) -> bool:
    """The server's state of a layer this person owns replaces the local one only when
    nothing was changed here since it was last synced (a new copy of the database,
    another reviewer's gold); local work is pushed by the next sync instead."""
    if layer not in owned:
        return True
    local = store.layer_state(document_id, layer)
    synced = store.synced_hash(document_id, layer)
    return layer_hash(local) == synced if synced is not None else local == EMPTY_LAYER
