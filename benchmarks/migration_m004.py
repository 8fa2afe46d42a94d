"""How long migration m004 (ids never reused: tables rebuilt with AUTOINCREMENT)
takes, once, when a database made before it is opened.

    python benchmarks/migration_m004.py [DOCUMENTS]

Builds a database at m003 with DOCUMENTS articles (default 20,000) of about
1,000 characters, ten spans and one relation each, then times `Store.open`.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from annotator.domain import AnnotatedDocument, Argument, Document, Fact, Span
from annotator.project import install_default_schema
from annotator.store import Store
from annotator.store.migrations import migrations

WORDS = "Presiden Joko Widodo bertemu Kim di Bandung pada Kamis dan membahas program".split()


def record(i: int) -> AnnotatedDocument:
    head = f"Berita {i}. "
    text = head + " ".join(WORDS * 10)
    spans, at = [], len(head)
    for k in range(10):
        start = text.find("Joko", at)
        spans.append(Span(k + 1, None, "ana", start, start + 4, "PERSON", "Joko"))
        at = start + 4
    facts = [Fact(1, None, "ana", "MEMBER_OF", None, [Argument("member", 1), Argument("group", 2)])]
    return AnnotatedDocument(Document(None, f"d{i}", text), spans, facts, {})


def main() -> None:
    documents = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "before_m004.db"
        apply = migrations.apply
        migrations.apply = lambda db: apply(db, stop_before="m004_ids_never_reused")  # type: ignore[method-assign]
        store = Store.open(path)
        install_default_schema(store)
        store.import_annotated(record(i) for i in range(documents))
        store.close()
        migrations.apply = apply  # type: ignore[method-assign]
        started = time.perf_counter()
        Store.open(path).close()
        took = time.perf_counter() - started
        print(f"{documents:,} documents, {documents * 10:,} spans, {path.stat().st_size / 1e6:.0f} MB: "
              f"m004 on opening {took:.1f} s")


if __name__ == "__main__":
    main()
