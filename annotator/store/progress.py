"""How far the work has come: per annotator, documents per status and spans
and facts per label. One function for `annotator stats` and the window's
progress panel, aggregated in SQL (a few grouped scans, no row in Python)."""

from __future__ import annotations

from typing import Any

from annotator.domain import STATUSES
from annotator.store.core import StoreCore


class ProgressMixin(StoreCore):
    """The progress figures part of `Store`."""

    def progress_figures(self) -> dict[str, Any]:
        """`{"documents": N, "annotators": {NAME: {"status": {STATUS: N}, "spans": {LABEL: N},
        "facts": {LABEL: N}}}}`. A document's status is the one the list shows:
        the recorded one, else "in progress" once the annotator has spans on it,
        else "to do"; every status is counted, zeros included. Labels come in
        schema order, then any others by name; labels with no annotation are left out."""
        documents = self.db.execute("SELECT n FROM document_count").fetchone()[0]
        names = [r[0] for r in self.db.execute("SELECT name FROM annotators ORDER BY name")]
        figures: dict[str, dict[str, Any]] = {
            name: {"status": dict.fromkeys(STATUSES, 0), "spans": {}, "facts": {}} for name in names}
        for name, status, n in self.db.execute(
                "SELECT annotator, status, n FROM status_counts WHERE n <> 0"):  # kept by triggers (m012)
            figures.setdefault(name, {"status": dict.fromkeys(STATUSES, 0), "spans": {}, "facts": {}})
            figures[name]["status"][status] = n
        # spans on a document without a status row (written by another program): in progress
        for name, n in self.db.execute(
                """SELECT annotator, count(*) FROM (SELECT DISTINCT document_id, annotator FROM spans) layer
                   WHERE NOT EXISTS (SELECT 1 FROM document_status ds
                                     WHERE ds.document_id = layer.document_id AND ds.annotator = layer.annotator)
                   GROUP BY annotator"""):
            figures[name]["status"]["in_progress"] += n
        order = {label: i for i, (label,) in enumerate(self.db.execute("SELECT name FROM labels ORDER BY ord, name"))}
        for kind in ("spans", "facts"):
            rows = self.db.execute(f"SELECT annotator, label, count(*) FROM {kind} GROUP BY annotator, label")
            for name, label, n in sorted(rows, key=lambda r: (r[0], order.get(r[1], len(order)), r[1])):
                figures[name][kind][label] = n
        for entry in figures.values():
            entry["status"]["todo"] = max(0, documents - sum(n for s, n in entry["status"].items() if s != "todo"))
        return {"documents": documents, "annotators": {name: figures[name] for name in sorted(figures)}}
