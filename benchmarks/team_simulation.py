"""Many annotators against one team server (issue 15): N annotator processes
label at a fast human pace, each syncing every S seconds, beside a reviewer who
syncs everyone; then a final sync each. Passes when 0 changes are lost or doubled:
every annotator's layer on the server equals their local layer, and the
reviewer's copy of every layer equals its owner's.

Run:  python benchmarks/team_simulation.py [--annotators 20] [--seconds 300] [--sync-every 30] [--edit-every 1.0]

Starts a throw-away PostgreSQL cluster (tests/postgres_server.py). Exits 1 on a
lost or doubled change, or a sync that failed.
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

WORDS = "Presiden Rusia Vladimir Putin bertemu Kim Jong Un di Vladivostok pada Kamis untuk membahas nuklir".split()
LABELS = ("PERSON", "LOCATION", "ORGANISATION", "DATETIME")


def _worker(db: str, url: str, name: str, seconds: float, sync_every: float, edit_every: float, seed: int) -> int:
    """One person: edits at a steady pace (an annotator) or none (the reviewer), a sync every `sync_every` s."""
    from annotator.project import open_project
    from annotator.server.sync import sync

    store = open_project(db)
    store.actor = name
    rng = random.Random(seed)
    edits = syncs = 0
    sync(store, url, name)
    began = next_sync = time.monotonic()
    next_sync += sync_every
    while time.monotonic() - began < seconds:
        if edit_every and (documents := store.document_ids()):
            document_id = rng.choice(documents)
            spans = store.spans(document_id, name)
            if spans and rng.random() < 0.2:
                store.delete_span(rng.choice(spans).id)
            elif rng.random() < 0.1:
                store.set_status(document_id, name, rng.choice(("in_progress", "done")))
            else:
                text = store.document_text(document_id)
                start = rng.randrange(0, len(text) - 12)
                store.add_span(document_id, name, start, start + rng.randrange(1, 12), rng.choice(LABELS))
            edits += 1
        if time.monotonic() >= next_sync:
            sync(store, url, name)
            syncs += 1
            next_sync += sync_every
        time.sleep(edit_every or 0.2)  # a person's pace, not a timing assumption
    print(f"{name}: {edits} edits, {syncs} syncs")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--annotators", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=300)
    parser.add_argument("--sync-every", type=float, default=30)
    parser.add_argument("--edit-every", type=float, default=1.0)
    parser.add_argument("--documents-each", type=int, default=20)
    parser.add_argument("--worker", nargs=7, metavar=("DB", "URL", "NAME", "SECONDS", "SYNC", "EDIT", "SEED"))
    args = parser.parse_args()
    if args.worker:
        db, url, name, seconds, every, edit, seed = args.worker
        return _worker(db, url, name, float(seconds), float(every), float(edit), int(seed))

    from postgres_server import with_throwaway_database

    return with_throwaway_database("simulation", "team-simulation-",
                                   lambda cluster, folder: _simulate(cluster, folder, args))


def _simulate(cluster, folder: Path, args) -> int:
    from annotator.project import open_project
    from annotator.server.assignments import assign
    from annotator.server.documents import push_documents
    from annotator.server.roles import add_member
    from annotator.server.setup import init_project, open_team_project as open_server

    def url(name: str) -> str:
        return cluster.url(name, f"pw-{name}", "simulation")

    rng = random.Random(1)
    names = [f"annotator{i:02d}" for i in range(args.annotators)]
    init_project(cluster.url(database="simulation"), "lena", "pw-lena")
    lead = open_project(folder / "lena.db")
    with lead.transaction():
        for n in range(args.annotators * args.documents_each):
            lead.add_document(f"Berita {n}", " ".join(rng.choice(WORDS) for _ in range(200)) + f" {n}.")
    conn = open_server(url("lena"))
    push_documents(conn, lead)
    add_member(conn, "rita", "reviewer", "pw-rita")
    for name in names:
        add_member(conn, name, "annotator", f"pw-{name}")
        # a quarter of each one's documents are someone else's too, as for agreement
        assign(conn, name, count=args.documents_each, overlap=args.documents_each // 4 if name != names[0] else 0)
    conn.close()
    people = [*names, "rita"]
    workers = [subprocess.Popen([sys.executable, __file__, "--worker", str(folder / f"{name}.db"), url(name), name,
                                 str(args.seconds), str(args.sync_every),
                                 "0" if name == "rita" else str(args.edit_every), str(i)])
               for i, name in enumerate(people)]
    failed = sum(w.wait() != 0 for w in workers)
    return _verify(folder, people, url, failed)


def _verify(folder: Path, people: list[str], url, failed: int) -> int:
    import psycopg

    from annotator.server.sync import sync
    from annotator.store import Store
    from annotator.store.sync_records import layer_hash

    for name in people:  # the final syncs: everyone's, then the reviewer's again to take the last pushes
        store = Store.open(folder / f"{name}.db", create=False)
        sync(store, url(name), name)
        store.close()
    rita = Store.open(folder / "rita.db", create=False)
    sync(rita, url("rita"), "rita")
    with psycopg.connect(url("rita"), options="-c search_path=annotator") as conn:
        server = {(h, a): c for h, a, c in conn.execute(
            "SELECT d.hash, l.annotator, l.content_hash FROM layers l JOIN documents d ON d.id = l.document_id")}
    lost = doubled = layers = spans = 0
    for name in people[:-1]:
        store = Store.open(folder / f"{name}.db", create=False)
        for document_id in store.document_ids():
            state = store.layer_state(document_id, name)
            digest = store.document(document_id).hash
            if not state["spans"] and state["status"] is None and (digest, name) not in server:
                continue
            layers += 1
            spans += len(state["spans"])
            theirs = rita.layer_state(rita.document_ids_by_hash([digest])[digest], name)
            # the reviewer's copy names every row by the owner's uid: equal layers, equal hashes
            lost += server.get((digest, name)) != layer_hash(state) or layer_hash(theirs) != layer_hash(state)
            doubled += len(theirs["spans"]) > len(state["spans"])
        store.close()
    print(f"{len(people) - 1} annotators and a reviewer: {layers} layers, {spans} spans checked; "
          f"{lost} layers lost or stale, {doubled} doubled, {failed} processes failed")
    return 1 if lost or doubled or failed else 0


if __name__ == "__main__":
    sys.exit(main())
