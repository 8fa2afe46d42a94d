"""Commands that only read, straight from a team server (`--db postgresql://…`),
beside the same commands on a SQLite file (issue 15).

Run:  python benchmarks/team_read.py [--documents 10000] [--spans 20]

Starts a throw-away PostgreSQL cluster (tests/postgres_server.py), puts N
articles on a team project, and has two annotators each push a layer of S
spans per article (not timed). Then times, as a reviewer, `annotator export
--format conll` and `annotator agreement` with `--db postgresql://…` (the
server's content pulled into a temporary file first) and the same commands on a
SQLite file holding the same (the reviewer's synced copy). No target: the
figures say what reading through a temporary copy costs.
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


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--documents", type=int, default=10_000)
    parser.add_argument("--spans", type=int, default=20)
    args = parser.parse_args()
    from postgres_server import with_throwaway_database

    return with_throwaway_database("reading", "team-read-",
                                   lambda cluster, folder: _run(cluster, folder, args.documents, args.spans))


def _run(cluster, folder: Path, documents: int, spans: int) -> int:
    from annotator.domain import AnnotatedDocument, Document, Span
    from annotator.project import open_project
    from annotator.server.assignments import assign
    from annotator.server.documents import push_documents
    from annotator.server.roles import add_member
    from annotator.server.setup import init_project, open_team_project
    from annotator.server.sync import sync

    def url(name: str) -> str:
        return cluster.url(name, f"pw-{name}", "reading")

    rng = random.Random(1)
    texts = [" ".join(rng.choice(WORDS) for _ in range(200)) + f" {n}." for n in range(documents)]
    init_project(cluster.url(database="reading"), "lena", "pw-lena")
    lead = open_project(folder / "lena.db")
    with lead.transaction():
        for n, text in enumerate(texts):
            lead.add_document(f"Berita {n}", text)
    conn = open_team_project(url("lena"))
    push_documents(conn, lead)
    add_member(conn, "rita", "reviewer", "pw-rita")
    for name in ("ana", "budi"):
        add_member(conn, name, "annotator", f"pw-{name}")
        assign(conn, name, count=documents, overlap=documents if name == "budi" else 0)
    conn.close()
    for name in ("ana", "budi"):
        store = open_project(folder / f"{name}.db")
        store.actor = name
        sync(store, url(name), name)
        records = []
        for n, text in enumerate(texts):
            starts = sorted(rng.sample(range(0, len(text) - 12), spans))
            records.append(AnnotatedDocument(Document(None, f"Berita {n}", text), [
                Span(None, None, name, s, s + 8, rng.choice(LABELS), text[s:s + 8]) for s in starts]))
        store.import_annotated(records, annotator=name)
        began = time.perf_counter()
        sync(store, url(name), name)
        print(f"{name} pushed {documents:,} layers of {spans} spans in {time.perf_counter() - began:.1f} s")
        store.close()
    reviewer = open_project(folder / "rita.db")
    began = time.perf_counter()
    sync(reviewer, url("rita"), "rita")
    print(f"reviewer's sync pulling {2 * documents:,} layers: {time.perf_counter() - began:.1f} s")
    reviewer.close()
    annotator = [sys.executable, "-m", "annotator.cli"]
    for what, args in (("export CoNLL", ["export", "--format", "conll", "--out", str(folder / "out.conll"),
                                         "--overwrite", "--annotator", "ana", "--status", "any", "--tokenizer", "regex"]),
                       ("agreement", ["agreement"])):
        for where, db in (("SQLite file", str(folder / "rita.db")), ("team server", url("rita"))):
            began = time.perf_counter()
            subprocess.run([*annotator, "--db", db, *args], check=True, capture_output=True)
            print(f"{what}, {where}: {time.perf_counter() - began:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
