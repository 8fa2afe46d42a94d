"""A team sync's speed: the first sync of 10,000 assigned documents must take
under 30 s, an incremental sync of 100 changes under 1 s (issue 15).

Run:  python benchmarks/team_sync.py [--documents N]

Starts a throw-away PostgreSQL cluster (tests/postgres_server.py: PostgreSQL 15+
installed; as root it runs as `postgres`), sets up a team project, puts N articles
of ~200 words on it with the lead's `push-documents` and assigns them all to ana
(not timed). Then times ana's first sync into a new local file (every document
pulled), ana's 100 edits on 100 documents pushed by the next sync, and a
reviewer's sync pulling those 100 layers. Exits 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from postgres_server import with_throwaway_database  # noqa: E402

from annotator.project import open_project  # noqa: E402
from annotator.server.assignments import assign  # noqa: E402
from annotator.server.documents import push_documents  # noqa: E402
from annotator.server.roles import add_member  # noqa: E402
from annotator.server.setup import init_project, open_team_project as open_server  # noqa: E402
from annotator.server.sync import sync  # noqa: E402

WORDS = "Presiden Rusia Vladimir Putin bertemu Kim Jong Un di Vladivostok pada Kamis untuk membahas nuklir".split()
FIRST_SYNC_LIMIT, INCREMENTAL_LIMIT, CHANGES = 30.0, 1.0, 100


def _url(cluster, name: str) -> str:
    return cluster.url(name, f"pw-{name}", "bench")


def _timed(what: str, work) -> float:
    began = time.perf_counter()
    result = work()
    seconds = time.perf_counter() - began
    print(f"{what}: {seconds:.2f} s ({'; '.join(result.lines()[1:3])})")
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--documents", type=int, default=10_000)
    documents = parser.parse_args().documents
    return with_throwaway_database("bench", "team-sync-bench-", lambda cluster, folder: _run(cluster, folder, documents))


def _run(cluster, folder: Path, documents: int) -> int:
    rng = random.Random(1)
    init_project(cluster.url(database="bench"), "lena", "pw-lena")
    lead = open_project(folder / "lena.db")
    with lead.transaction():
        for n in range(documents):
            lead.add_document(f"Berita {n}", " ".join(rng.choice(WORDS) for _ in range(200)) + f" {n}.")
    conn = open_server(_url(cluster, "lena"))
    push_documents(conn, lead)
    add_member(conn, "ana", "annotator", "pw-ana")
    add_member(conn, "rita", "reviewer", "pw-rita")
    assign(conn, "ana", count=documents)
    conn.close()
    print(f"{documents:,} documents on the server, all assigned to ana")

    ana = open_project(folder / "ana.db")
    ana.actor = "ana"
    first = _timed(f"first sync, {documents:,} documents", lambda: sync(ana, _url(cluster, "ana"), "ana"))
    rita = open_project(folder / "rita.db")
    _timed("reviewer's first sync", lambda: sync(rita, _url(cluster, "rita"), "rita"))
    for document_id in rng.sample(ana.document_ids(), CHANGES):
        ana.add_span(document_id, "ana", 0, 5, "PERSON")
    incremental = _timed(f"incremental sync, {CHANGES} changes", lambda: sync(ana, _url(cluster, "ana"), "ana"))
    reviewer = _timed(f"reviewer pulls the {CHANGES} layers", lambda: sync(rita, _url(cluster, "rita"), "rita"))
    assert sum(len(rita.spans(d, "ana")) for d in rita.document_ids()) == CHANGES
    missed = []
    if first >= FIRST_SYNC_LIMIT:
        missed.append(f"first sync {first:.1f} s >= {FIRST_SYNC_LIMIT} s")
    if incremental >= INCREMENTAL_LIMIT:
        missed.append(f"incremental sync {incremental:.2f} s >= {INCREMENTAL_LIMIT} s")
    for line in missed:
        print(f"missed: {line}", file=sys.stderr)
    print(f"reviewer's incremental pull: {reviewer:.2f} s")
    for store in (ana, rita, lead):
        store.close()
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
