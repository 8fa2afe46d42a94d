"""The project's label schema on the server: written by the lead, read by everyone."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from typing import Any

from annotator.domain import Schema, SchemaError
from annotator.server.connection import ServerError
from annotator.store import Store
from annotator.store.history import attribute_from, label_from


def schema_json(schema: Schema) -> dict[str, Any]:
    return {"labels": [asdict(label) for label in schema.labels],
            "attributes": [asdict(a) for a in schema.attributes]}


def schema_from_json(state: dict[str, Any]) -> Schema:
    return Schema([label_from(label) for label in state["labels"]],
                  [attribute_from(a) for a in state["attributes"]])


def schema_hash(state: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(state, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def push_schema(conn: Any, store: Store) -> bool:
    """Put the local schema on the server (the lead's); False when it holds it already.
    Runs in the caller's transaction."""
    state = schema_json(store.schema())
    digest = schema_hash(state)
    row = conn.execute("SELECT hash FROM project_schema WHERE id = 1").fetchone()
    if row is not None and row[0] == digest:
        return False
    conn.execute(
        "INSERT INTO project_schema (id, schema, hash) VALUES (1, %s, %s) ON CONFLICT (id) DO UPDATE SET "
        "schema = excluded.schema, hash = excluded.hash, updated = now(), updated_by = current_user, "
        "xact = pg_current_xact_id()", [json.dumps(state, ensure_ascii=False), digest])
    return True


def server_schema(conn: Any) -> tuple[dict[str, Any], str] | None:
    row = conn.execute("SELECT schema, hash FROM project_schema WHERE id = 1").fetchone()
    return None if row is None else (row[0], row[1])


def adopt_schema(store: Store, state: dict[str, Any]) -> None:
    """Make the local schema the server's. Labels that local annotations use and the
    server lacks stay, after the server's (a local file never loses annotations to a sync)."""
    incoming = schema_from_json(state)
    names = {label.name for label in incoming.labels}
    kept = [label for label in store.schema().labels if label.name not in names and store.label_usage(label.name)]
    for i, label in enumerate(kept):
        label.order = len(incoming.labels) + i
        label.hotkey = "" if incoming.by_hotkey(label.hotkey) else label.hotkey
    try:
        store.set_schema(Schema(incoming.labels + kept, incoming.attributes))
    except SchemaError as exc:
        raise ServerError(f"the team project's schema cannot be taken into {store.path}: {exc}") from exc
