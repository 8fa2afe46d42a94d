"""One entry of a database's change history, and how it reads.

The store records a `Change` for every edit in the edit's own transaction
(annotator/store/history.py). `before` and `after` hold what the change
replaced and what it left, as JSON objects (None where nothing was):

- span: {"span": {...}} for a change; an add or delete also lists the facts
  stated by the span and the arguments pointing at it ({"facts", "args"}),
  which go and come back with it;
- fact: {"fact": {... "args": [...]}, "inbound": [[fact, position, role, target]]};
- status: {"status": "done"};
- document_note: {"note": "text"} (an annotator's note on a whole document);
- label: {"label": {...}}; a delete also what went with it; a rename {"name"};
- label_order: {"order": [names]}; attribute: {"attribute": {...}};
- document: {"document": {"id", "title", "hash"}};
- import: what one import added, by id ranges (see `Store.import_annotated`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

KINDS = ("span", "fact", "status", "document_note", "label", "label_order", "attribute", "document", "import")
ACTIONS = ("add", "change", "delete", "rename")

_DONE = {"add": "added", "change": "changed", "delete": "deleted", "rename": "renamed", "pull": "pulled"}
_SHOWN = 40
"""Characters of a value shown in a one-line summary."""


@dataclass
class Change:
    id: int
    created: str
    annotator: str
    """Whose layer changed; for schema changes and imports, who made them."""
    actor: str | None
    """Who worked the session that made the change (a reviewer writing gold), when known."""
    document_id: int | None
    kind: str
    action: str
    target: str
    """What changed: a span or fact id, a label or attribute name, a status's annotator."""
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    reverts: int | None = None
    """The change this one reverted (`annotator revert`)."""

    def what(self) -> str:
        noun = {"span": "span", "fact": "fact", "status": "status of",
                "document_note": "document note of", "label": "label",
                "label_order": "label order", "attribute": "attribute", "document": "document",
                "import": "import", "sync": "layer of"}.get(self.kind, self.kind)
        target = f" {self.target}" if self.target else ""
        text = f"{noun}{target} {_DONE.get(self.action, self.action)}"
        return f"{text} (reverting #{self.reverts})" if self.reverts is not None else text

    def difference(self) -> str:
        """Before → after, in a few words: for a change, only what differs."""
        if self.kind == "import":
            return _import_summary(self.after or self.before or {})
        if self.kind == "sync":
            return f"as {(self.after or {}).get('from', '?')} left it on the team server"
        if self.action == "change" and self.before and self.after:
            inner = {"span": "span", "fact": "fact", "label": "label", "attribute": "attribute"}.get(self.kind)
            if inner in self.before and inner in self.after:
                old, new = self.before[inner], self.after[inner]
                differing = [key for key in new if key not in ("created", "updated") and old.get(key) != new[key]]
                if differing:
                    return "; ".join(f"{key} {_clip(_value(old.get(key)))} → {_clip(_value(new[key]))}"
                                     for key in differing)
        return f"{_short(self.kind, self.before)} → {_short(self.kind, self.after)}"

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "time": self.created, "annotator": self.annotator, "actor": self.actor,
                "document_id": self.document_id, "kind": self.kind, "action": self.action,
                "target": self.target, "before": self.before, "after": self.after,
                "reverts": self.reverts, "summary": f"{self.what()}: {self.difference()}"}


def _short(kind: str, state: dict[str, Any] | None) -> str:
    if state is None:
        return "∅"
    if kind == "span" and "span" in state:
        span = state["span"]
        return _clip(f'{span["label"]} "{span["text"]}" [{span["start"]},{span["end"]})')
    if kind == "fact" and "fact" in state:
        fact = state["fact"]
        roles = ", ".join(f'{a["role"]}: {"span " + str(a["span_id"]) if a["span_id"] is not None else "fact " + str(a["fact_id"])}'
                          for a in fact["args"])
        trigger = f' span {fact["span_id"]}' if fact["span_id"] is not None else ""
        return _clip(f'{fact["label"]}{trigger} ({roles})' if roles else f'{fact["label"]}{trigger}')
    if kind == "status":
        return state["status"]
    if kind == "document_note":
        return _clip(repr(state["note"]))
    if kind == "label" and "label" in state:
        label = state["label"]
        return _clip(f'{label["name"]} ({label["kind"]}, {label["color"]}, key {label["hotkey"] or "-"})')
    if kind == "label" and "name" in state:
        return state["name"]
    if kind == "label_order":
        return _clip(" ".join(state["order"]))
    if kind == "attribute":
        attribute = state["attribute"]
        return _clip(f'{attribute["name"]} ({attribute["kind"]})')
    if kind == "document":
        return _clip(f'"{state["document"]["title"]}"')
    return _clip(str(state))


def _import_summary(state: dict[str, Any]) -> str:
    counts = state.get("counts", {})
    return (f'{counts.get("documents", 0)} document(s), {counts.get("spans", 0)} span(s), '
            f'{counts.get("facts", 0)} fact(s), {len(state.get("labels", []))} label(s)')


def _value(value: Any) -> str:
    return repr(value) if isinstance(value, str) else str(value)


def _clip(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _SHOWN else text[:_SHOWN - 1] + "…"
