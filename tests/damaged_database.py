"""A project database damaged inside its data, where opening does not look:
the b-tree header of the spans table's last leaf page (the spans of the last
documents) is overwritten with seeded random bytes."""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path

from annotator.project import open_project

TEXT = "Joko Widodo bertemu Prabowo di Jakarta. "
DOCUMENTS = 30
SPANS_PER_DOCUMENT = 20


def make_project(path: Path) -> None:
    store = open_project(path)
    with store.transaction():
        for i in range(DOCUMENTS):
            heading = f"Berita {i + 1}. "
            doc, _ = store.add_document(f"doc {i + 1}", heading + TEXT * SPANS_PER_DOCUMENT)
            for k in range(SPANS_PER_DOCUMENT):
                start = len(heading) + k * len(TEXT)
                store.add_span(doc.id, "ana", start, start + len("Joko Widodo"), "PERSON")
    store.close()


def damage_spans(path: Path, seed: int = 16) -> int:
    """Damage the page holding the last spans; returns the id of the last
    document, whose spans are on it. The first page (header and schema) and
    the other tables stay intact."""
    conn = sqlite3.connect(path)
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    page = conn.execute("SELECT max(pageno) FROM dbstat WHERE name = 'spans' AND pagetype = 'leaf'").fetchone()[0]
    last_document = conn.execute("SELECT max(id) FROM documents").fetchone()[0]
    conn.close()
    assert page > 1 and not Path(f"{path}-wal").exists()
    garbage = bytes([0xFF]) + random.Random(seed).randbytes(11)  # 0xFF is no b-tree page type
    with open(path, "r+b") as file:
        file.seek((page - 1) * page_size)
        file.write(garbage)
    return last_document


def damaged_project(path: Path) -> int:
    make_project(path)
    return damage_spans(path)


def damage_anywhere(path: Path, seed: int) -> None:
    """Overwrite 1, 4 or 16 bytes at a seeded place of a seeded page."""
    rng = random.Random(seed)
    data = bytearray(path.read_bytes())
    page_size = int.from_bytes(data[16:18], "big")
    page = rng.randrange(len(data) // page_size)
    at = page * page_size + rng.randrange(page_size - 16)
    size = rng.choice([1, 4, 16])
    data[at:at + size] = rng.randbytes(size)
    path.write_bytes(bytes(data))
