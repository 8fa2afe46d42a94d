"""What the change history costs an edit, on a small database and on a large one.

    python benchmarks/history.py            # --documents N --history H

Builds two temporary databases (not timed): a small one (one document, no
history) and a large one (N documents of 20 spans imported, then H edits
recorded in one transaction). Then times, on each, single committed edits
as the window makes them (add a span, relabel it, delete it; each one a
commit with its history row), listing one document's history, and a
revert; and a backup of the large database. Target: an edit on the large
database costs at most 1.5 times the same edit on the small one (the
history adds one indexed row; nothing it does reads the corpus).
Exits 1 when the target is missed.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from annotator.domain import AnnotatedDocument, Document, Span
from annotator.project import open_project
from annotator.store.backup import backup_database

TEXT = "Presiden Joko Widodo bertemu Kim Jong Un di Bandung pada Kamis. " * 20


def build(path: Path, documents: int, history: int):
    store = open_project(path)
    store.actor = "bench"
    records = [AnnotatedDocument(Document(None, f"d{i}", f"{i} {TEXT}"),
                                 [Span(None, None, "ana", 2 + 65 * k, 6 + 65 * k, "PERSON", "") for k in range(20)])
               for i in range(max(documents, 1))]
    store.import_annotated(records)
    with store.transaction():
        ids = store.document_ids()
        for n in range(history // 2):
            span = store.add_span(ids[n % len(ids)], "ana", 11, 17, "PERSON")
            store.update_span(span.id, label="LOCATION")
    return store


def edit_times(stores: dict, rounds: int) -> dict[str, list[float]]:
    """Per edit, for each store; the stores take turns, so a busy moment of
    the machine falls on both alike."""
    times: dict[str, list[float]] = {name: [] for name in stores}
    for _ in range(rounds):
        for name, store in stores.items():
            doc = store.document_ids()[-1]
            began = time.perf_counter()
            span = store.add_span(doc, "ana", 11, 17, "PERSON")
            store.update_span(span.id, label="LOCATION")
            store.delete_span(span.id)
            times[name].append((time.perf_counter() - began) / 3)
    return times


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--documents", type=int, default=2000)
    parser.add_argument("--history", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=100)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        small = build(Path(folder) / "small.db", 1, 0)
        began = time.perf_counter()
        large = build(Path(folder) / "large.db", args.documents, args.history)
        print(f"built the large database in {time.perf_counter() - began:.1f} s: "
              f"{len(large.document_ids())} documents, {len(large.history(limit=args.history + 100))} changes")
        figures = {}
        all_times = edit_times({"small": small, "large": large}, args.rounds)
        for name, store in (("small", small), ("large", large)):
            times = all_times[name]
            began = time.perf_counter()
            listed = store.history(store.document_ids()[-1], limit=50)
            listing = time.perf_counter() - began
            span = store.add_span(store.document_ids()[-1], "ana", 11, 17, "PERSON")
            began = time.perf_counter()
            store.revert_change(store.history(limit=1)[0].id)
            reverting = time.perf_counter() - began
            figures[name] = statistics.median(times)
            print(f"{name}: edit {1000 * figures[name]:.2f} ms (median of {3 * args.rounds}), "
                  f"history of a document ({len(listed)} rows) {1000 * listing:.2f} ms, "
                  f"revert {1000 * reverting:.2f} ms; span {span.id} reverted: {not store.has_span(span.id)}")
        began = time.perf_counter()
        copy = backup_database(large.path, Path(folder) / "copy.db")
        print(f"backup of the large database ({copy.stat().st_size / 1e6:.1f} MB) "
              f"in {time.perf_counter() - began:.2f} s")
        ratio = figures["large"] / figures["small"]
        print(f"large / small edit time: {ratio:.2f} (target at most 1.5)")
        small.close()
        large.close()
    return 0 if ratio <= 1.5 else 1


if __name__ == "__main__":
    sys.exit(main())
