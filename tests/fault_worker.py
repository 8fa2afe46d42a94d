"""A labelling program for the fault tests: it edits a database as the window
does (entity spans, a fact label's span and fact in one step, deletes, status)
and prints one line per edit once the store has committed it (the
acknowledgement a person gets by seeing the edit in the window).

    python fault_worker.py DB ANNOTATOR SEED EDITS

Each line is JSON: {"op": "span" | "fact" | "delete" | "status", ...}. The
parent kills the process at any moment and then checks that every
acknowledged edit is in the database and that no edit is half there.
"""

from __future__ import annotations

import json
import random
import sys
import traceback

from annotator.store import Store


def main(path: str, annotator: str, seed: int, edits: int) -> None:
    rng = random.Random(seed)
    store = Store.open(path, create=False)
    schema = store.schema()
    entities = [label.name for label in schema.entity_labels]
    facts = [label.name for label in schema.fact_labels if label.trigger]
    documents = store.document_ids()
    mine: list[int] = []
    for _ in range(edits):
        document = rng.choice(documents)
        length = len(store.document_text(document))
        start = rng.randrange(0, length - 20)
        end = start + rng.randrange(1, 20)
        roll = rng.random()
        # the intent first: the one edit under way when the program is killed may
        # land or not, but only whole
        print(json.dumps({"intent": True}), flush=True)
        if roll < 0.45:
            span = store.add_span(document, annotator, start, end, rng.choice(entities))
            mine.append(span.id)
            ack = {"op": "span", "id": span.id}
        elif roll < 0.7:
            with store.transaction():  # one step, as the window labels a fact
                label = rng.choice(facts)
                span = store.add_span(document, annotator, start, end, label)
                fact = store.add_fact(document, annotator, label, span.id)
            mine.append(span.id)
            ack = {"op": "fact", "id": span.id, "fact": fact.id}
        elif roll < 0.9 and mine:
            span_id = mine.pop(rng.randrange(len(mine)))
            store.delete_span(span_id)
            ack = {"op": "delete", "id": span_id}
        else:
            status = rng.choice(["in_progress", "done"])
            store.set_status(document, annotator, status)
            ack = {"op": "status", "document": document, "status": status}
        print(json.dumps(ack), flush=True)
    store.close()


if __name__ == "__main__":
    try:
        main(sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    except Exception:  # the parent counts tracebacks: print it where it looks
        traceback.print_exc()
        sys.exit(1)
