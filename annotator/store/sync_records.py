"""What a sync with the team server reads from and writes into the local file:
a layer of one document as a state keyed by server ids (uids), the same state
put back, and the bookkeeping of what the server last had (migration m013).

Local ids are this file's own and are never reused. A row made here is known
to the server as `<database id>:<kind>:<local id>`; a row pulled from the
server gets a new local id and its uid is kept in `sync_ids`, so that the
next pull updates that row instead of adding it again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from typing import Any

from annotator.domain import STATUSES
from annotator.store.core import StoreCore
from annotator.store.rows import now

EMPTY_LAYER: dict[str, Any] = {"status": None, "spans": [], "facts": []}


def layer_hash(state: dict[str, Any]) -> str:
    """The same for two states exactly when they hold the same rows."""
    return hashlib.sha256(json.dumps(state, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


_SPAN_FIELDS = {"uid": str, "start": int, "end": int, "label": str, "text": str, "attributes": dict, "note": str,
                "created": str, "updated": str}
_FACT_FIELDS = {"uid": str, "label": str, "attributes": dict, "note": str, "created": str, "updated": str}


def layer_state_problem(state: Any) -> str | None:
    """What makes `state` no layer state (the server holds what its owner's client sent), or None."""
    if not isinstance(state, dict) or not isinstance(state.get("spans"), list) or \
            not isinstance(state.get("facts"), list) or state.get("status") not in (None, *STATUSES):
        return "not a layer (spans, facts and a status)"
    for span in state["spans"]:
        if not isinstance(span, dict) or any(type(span.get(k)) is not t for k, t in _SPAN_FIELDS.items()):
            return f"a span is not {', '.join(_SPAN_FIELDS)}"
    for fact in state["facts"]:
        if not isinstance(fact, dict) or any(type(fact.get(k)) is not t for k, t in _FACT_FIELDS.items()) \
                or not (fact.get("span") is None or isinstance(fact.get("span"), str)) \
                or not isinstance(fact.get("args"), list) or not all(
                    isinstance(a, list) and len(a) == 3 and isinstance(a[0], str) and a[1] in ("span", "fact")
                    and isinstance(a[2], str) for a in fact["args"]):
            return "a fact is not a label, a span, arguments and attributes"
    if not isinstance(state.get("note", ""), str):
        return "its note on the document is not text"
    return None


class SyncRecordsMixin(StoreCore):
    """The sync part of `Store`; the team server's code (annotator/server/) calls it."""

    # -- cursors and bookkeeping ----------------------------------------------

    def sync_value(self, key: str, default: str | None = None) -> str | None:
        row = self.db.execute("SELECT value FROM sync_state WHERE key = ?", [key]).fetchone()
        return row[0] if row else default

    def set_sync_values(self, values: dict[str, str]) -> None:
        with self.db.atomic():
            for key, value in values.items():
                self.db.execute("INSERT INTO sync_state (key, value) VALUES (?, ?) "
                                "ON CONFLICT(key) DO UPDATE SET value = excluded.value", [key, value])

    @property
    def database_id(self) -> str:
        # made by m013 and never changed: read once
        if getattr(self, "_database_id", None) is None:
            self._database_id = self.sync_value("database_id")
        return self._database_id  # type: ignore[return-value]

    def synced_hash(self, document_id: int, annotator: str) -> str | None:
        row = self.db.execute("SELECT content_hash FROM sync_layers WHERE document_id = ? AND annotator = ?",
                              [document_id, annotator]).fetchone()
        return row[0] if row else None

    def mark_synced(self, layers: Iterable[tuple[int, str, str]]) -> None:
        """(document id, annotator, content hash) the server now holds."""
        with self.db.atomic():
            self.db.conn.executemany(
                "INSERT INTO sync_layers (document_id, annotator, content_hash) VALUES (?, ?, ?) "
                "ON CONFLICT(document_id, annotator) DO UPDATE SET content_hash = excluded.content_hash",
                list(layers))

    def last_change_id(self) -> int:
        return self.db.execute("SELECT coalesce(max(id), 0) FROM changes").fetchone()[0]

    def layer_candidates(self, annotators: list[str], after: int) -> list[int]:
        """Documents where a layer of `annotators` may have changed since change `after`.
        Adding a document (a pull does) changes no layer, nor does a pull (kind sync).
        A change of no one document (an import, a label renamed or deleted) may have
        touched any of them: then every document the layers or the bookkeeping name."""
        marks = ",".join("?" * len(annotators))
        whole = after == 0 or self.db.execute(
            "SELECT 1 FROM changes WHERE id > ? AND document_id IS NULL AND kind != 'sync' LIMIT 1",
            [after]).fetchone() is not None
        if whole:
            tables = ("spans", "facts", "document_status", "document_notes", "sync_layers")
            sql = " UNION ".join(f"SELECT document_id FROM {t} WHERE annotator IN ({marks})" for t in tables)
            return sorted(r[0] for r in self.db.execute(sql, annotators * len(tables)))
        return [r[0] for r in self.db.execute(
            f"SELECT DISTINCT document_id FROM changes WHERE id > ? AND annotator IN ({marks}) "
            "AND document_id IS NOT NULL AND kind NOT IN ('sync', 'document') ORDER BY document_id", [after, *annotators])]

    def others_changed(self, owned: list[str], after: int) -> list[str]:
        """Layers not in `owned` changed here since change `after` (pulls aside)."""
        marks = ",".join("?" * len(owned))
        return [r[0] for r in self.db.execute(
            f"SELECT DISTINCT annotator FROM changes WHERE id > ? AND annotator NOT IN ({marks}) "
            "AND document_id IS NOT NULL AND kind NOT IN ('sync', 'document') ORDER BY annotator",
            [after, *owned])]

    def document_ids_by_hash(self, hashes: list[str]) -> dict[str, int]:
        found: dict[str, int] = {}
        for first in range(0, len(hashes), 500):
            chunk = hashes[first:first + 500]
            found.update(self.db.execute(f"SELECT hash, id FROM documents WHERE hash IN ({','.join('?' * len(chunk))})",
                                         chunk).fetchall())
        return found

    def document_hashes(self, document_ids: list[int]) -> dict[int, str]:
        found: dict[int, str] = {}
        for first in range(0, len(document_ids), 500):
            chunk = document_ids[first:first + 500]
            found.update(self.db.execute(f"SELECT id, hash FROM documents WHERE id IN ({','.join('?' * len(chunk))})",
                                         chunk).fetchall())
        return found

    def decisions_after(self, reviewer: str, after: int) -> list[dict[str, Any]]:
        return [d for d in self.decisions() if d["id"] > after and d["reviewer"] == reviewer]

    def add_pulled_decisions(self, decisions: list[tuple[str, int, str, str, str, Any, str]]) -> int:
        """Another reviewer's decisions, (uid, document id, reviewer, kind, choice, detail,
        created), each once: those already here (made here, or pulled before) are skipped."""
        known = self._local_ids("decision", [d[0] for d in decisions])
        added = 0
        with self.db.atomic():
            for uid, document_id, reviewer, kind, choice, detail, created in decisions:
                if uid in known:
                    continue
                local = self.db.execute(
                    "INSERT INTO decisions (document_id, reviewer, kind, choice, detail, created) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    [document_id, reviewer, kind, choice, json.dumps(detail, ensure_ascii=False), created]).lastrowid
                self._remember_all("decision", [(local, uid)])  # type: ignore[list-item]
                added += 1
        if added:
            self._changed("decisions")
        return added

    # -- a layer as a state ----------------------------------------------------

    def _uid(self, kind: str, local_id: int, known: dict[tuple[str, int], str]) -> str:
        return known.get((kind, local_id)) or f"{self.database_id}:{kind}:{local_id}"

    def _known_uids(self, kind: str, ids: Iterable[int]) -> dict[tuple[str, int], str]:
        ids = list(ids)
        if not ids:
            return {}
        return {(kind, r[0]): r[1] for r in self.db.execute(
            f"SELECT local_id, uid FROM sync_ids WHERE kind = ? AND local_id IN ({','.join('?' * len(ids))})",
            [kind, *ids])}

    def layer_state(self, document_id: int, annotator: str) -> dict[str, Any]:
        """The annotator's spans, facts (with their roles) and status on the document,
        every row named by its uid: what the server holds of the layer."""
        spans = self.spans(document_id, annotator)
        facts = self.facts(document_id, annotator)  # type: ignore[attr-defined]
        span_ids = {s.id for s in spans} | {a.span_id for f in facts for a in f.args if a.span_id} | {
            f.span_id for f in facts if f.span_id}
        fact_ids = {f.id for f in facts} | {a.fact_id for f in facts for a in f.args if a.fact_id}
        known = self._known_uids("span", span_ids) | self._known_uids("fact", fact_ids)
        status = self.db.execute("SELECT status FROM document_status WHERE document_id = ? AND annotator = ?",
                                 [document_id, annotator]).fetchone()
        note = self.document_note(document_id, annotator)  # type: ignore[attr-defined]
        return {
            # only when there is one: states of layers without a note hash as they did before notes
            **({"note": note} if note else {}),
            "status": status[0] if status else None,
            "spans": sorted(({"uid": self._uid("span", s.id, known), "start": s.start, "end": s.end,  # type: ignore[arg-type]
                              "label": s.label, "text": s.text, "attributes": s.attributes, "note": s.note,
                              "created": s.created, "updated": s.updated} for s in spans), key=lambda s: s["uid"]),
            "facts": sorted(({"uid": self._uid("fact", f.id, known), "label": f.label,  # type: ignore[arg-type]
                              "span": None if f.span_id is None else self._uid("span", f.span_id, known),
                              "args": [[a.role, "span", self._uid("span", a.span_id, known)] if a.span_id else
                                       [a.role, "fact", self._uid("fact", a.fact_id, known)] for a in f.args],  # type: ignore[arg-type]
                              "attributes": f.attributes, "note": f.note, "created": f.created,
                              "updated": f.updated} for f in facts), key=lambda f: f["uid"]),
        }

    def _local_id(self, kind: str, uid: str) -> int | None:
        return self._local_ids(kind, [uid]).get(uid)

    def _local_ids(self, kind: str, uids: list[str]) -> dict[str, int]:
        """The local ids of rows the server knows by `uids`: pulled ones by the
        bookkeeping, the ones made here by their own id."""
        found: dict[str, int] = {}
        own = f"{self.database_id}:{kind}:"
        for uid in uids:
            if uid.startswith(own) and uid[len(own):].isdigit():
                found[uid] = int(uid[len(own):])
        for first in range(0, len(uids), 500):
            chunk = uids[first:first + 500]
            found.update(self.db.execute(
                f"SELECT uid, local_id FROM sync_ids WHERE kind = ? AND uid IN ({','.join('?' * len(chunk))})",
                [kind, *chunk]).fetchall())
        return found

    def apply_layer_state(self, document_id: int, annotator: str, state: dict[str, Any], *, by: str) -> bool:
        """Make the local layer what `state` says (a pull): rows the state names are
        updated or added (new local ids, their uids kept), the layer's other rows
        deleted. One change in the history says the layer came from the server
        (from `by`); one transaction, with its bookkeeping. False when the layer
        held that state already (then only the bookkeeping is written)."""
        content_hash = layer_hash(state)
        if layer_hash(self.layer_state(document_id, annotator)) == content_hash:
            self.mark_synced([(document_id, annotator, content_hash)])
            return False
        text = self.document_text(document_id)  # type: ignore[attr-defined]
        spans = [s for s in state["spans"] if 0 <= s["start"] < s["end"] <= len(text)]
        with self.db.atomic():
            self._defer_foreign_keys()
            self.ensure_annotator(annotator)  # type: ignore[attr-defined]
            self.ensure_labels({s["label"] for s in spans}, "entity")  # type: ignore[attr-defined]
            self.ensure_labels({f["label"] for f in state["facts"]}, "fact")  # type: ignore[attr-defined]
            span_ids = self._apply_spans(document_id, annotator, spans, text)
            self._apply_facts(document_id, annotator, state["facts"], span_ids)
            if state["status"] is None:
                self.db.execute("DELETE FROM document_status WHERE document_id = ? AND annotator = ?",
                                [document_id, annotator])
            else:
                self.db.execute(
                    "INSERT INTO document_status (document_id, annotator, status, updated) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT(document_id, annotator) DO UPDATE SET status = excluded.status, "
                    "updated = excluded.updated", [document_id, annotator, state["status"], now()])
            if state.get("note"):
                self.db.execute(
                    "INSERT INTO document_notes (document_id, annotator, note, updated) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT(document_id, annotator) DO UPDATE SET note = excluded.note, updated = excluded.updated",
                    [document_id, annotator, state["note"], now()])
            else:
                self.db.execute("DELETE FROM document_notes WHERE document_id = ? AND annotator = ?",
                                [document_id, annotator])
            self._record("sync", "pull", annotator, annotator=annotator, document_id=document_id,  # type: ignore[attr-defined]
                         after={"from": by, "hash": content_hash})
            self.mark_synced([(document_id, annotator, content_hash)])
        for kind in ("spans", "facts", "status", "document_note"):
            self._changed(kind, document_id)
        return True

    def _apply_spans(self, document_id: int, annotator: str, spans: list[dict[str, Any]],
                     text: str) -> dict[str, int]:
        # the rows of a layer go in with one executemany each for updates and additions:
        # a reviewer pulls tens of thousands of layers
        present = {r[0] for r in self.db.execute("SELECT id FROM spans WHERE document_id = ? AND annotator = ?",
                                                 [document_id, annotator])}
        ids: dict[str, int] = {}
        known = self._local_ids("span", [s["uid"] for s in spans])
        updates, additions = [], []
        for s in spans:
            values = [s["start"], s["end"], s["label"], text[s["start"]:s["end"]],
                      json.dumps(s["attributes"], ensure_ascii=False), s["note"], s["created"], s["updated"]]
            local = known.get(s["uid"])
            if local in present:
                updates.append([*values, local])
                ids[s["uid"]] = local  # type: ignore[assignment]
            else:
                additions.append((s["uid"], values))
        self.db.conn.executemany('UPDATE spans SET start = ?, "end" = ?, label = ?, text = ?, attributes = ?, '
                                 "note = ?, created = ?, updated = ? WHERE id = ?", updates)
        if additions:
            # the write lock is held (BEGIN IMMEDIATE), so these ids are free; AUTOINCREMENT's
            # counter moves past them, so they are never handed out again
            first = self.db.execute(
                "SELECT max((SELECT coalesce(max(seq), 0) FROM sqlite_sequence WHERE name = 'spans'), "
                "(SELECT coalesce(max(id), 0) FROM spans)) + 1").fetchone()[0]
            self.db.conn.executemany(
                'INSERT INTO spans (id, start, "end", label, text, attributes, note, created, updated, '
                "document_id, annotator) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [[first + i, *values, document_id, annotator] for i, (_, values) in enumerate(additions)])
            for i, (uid, _) in enumerate(additions):
                ids[uid] = first + i
            self._remember_all("span", [(first + i, uid) for i, (uid, _) in enumerate(additions)])
        self._delete_rows("span", present - set(ids.values()))
        return ids

    def _remember_all(self, kind: str, rows: list[tuple[int, str]]) -> None:
        own = f"{self.database_id}:{kind}:"
        # REPLACE: a uid whose earlier local row was deleted here moves to the new row
        self.db.conn.executemany("INSERT OR REPLACE INTO sync_ids (kind, local_id, uid) VALUES (?, ?, ?)",
                                 [(kind, local, uid) for local, uid in rows if uid != f"{own}{local}"])

    def _apply_facts(self, document_id: int, annotator: str, facts: list[dict[str, Any]],
                     span_ids: dict[str, int]) -> None:
        present = {r[0] for r in self.db.execute("SELECT id FROM facts WHERE document_id = ? AND annotator = ?",
                                                 [document_id, annotator])}
        ids: dict[str, int] = {}
        known = self._local_ids("fact", [f["uid"] for f in facts])
        for f in facts:
            span = None if f["span"] is None else span_ids.get(f["span"]) or self._local_id("span", f["span"])
            values = [f["label"], span, json.dumps(f["attributes"], ensure_ascii=False), f["note"], f["created"],
                      f["updated"]]
            local = known.get(f["uid"])
            if local in present:
                self.db.execute("UPDATE facts SET label = ?, span_id = ?, attributes = ?, note = ?, created = ?, "
                                "updated = ? WHERE id = ?", [*values, local])
            else:
                local = self.db.execute(
                    "INSERT INTO facts (label, span_id, attributes, note, created, updated, document_id, annotator) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", [*values, document_id, annotator]).lastrowid
                self._remember_all("fact", [(local, f["uid"])])  # type: ignore[list-item]
            ids[f["uid"]] = local  # type: ignore[assignment]
        self._delete_rows("fact", present - set(ids.values()))
        for f in facts:
            self.db.execute("DELETE FROM fact_args WHERE fact_id = ?", [ids[f["uid"]]])
            for position, (role, kind, uid) in enumerate(f["args"]):
                target = (span_ids.get(uid) if kind == "span" else ids.get(uid)) or self._local_id(kind, uid)
                if target is None or not self.db.execute(f"SELECT 1 FROM {kind}s WHERE id = ?", [target]).fetchone():
                    continue  # a filler the server did not send along: the role stays empty
                self.db.execute(
                    f"INSERT INTO fact_args (fact_id, position, role, {'span_id' if kind == 'span' else 'target_fact_id'}) "
                    "VALUES (?, ?, ?, ?)", [ids[f["uid"]], position, role, target])

    def _delete_rows(self, kind: str, ids: set[int]) -> None:
        for local in ids:
            self.db.execute(f"DELETE FROM {kind}s WHERE id = ?", [local])
            self.db.execute("DELETE FROM sync_ids WHERE kind = ? AND local_id = ?", [kind, local])
