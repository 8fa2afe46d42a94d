"""The document list's orders, next unfinished and the progress figures at 100,000 documents.

    python benchmarks/document_list_orders.py            # --documents N

Targets (issue 12): in every order, a page of the list after the first, a document's row and
the next unfinished document each in under 50 ms (what scrolling and Ctrl+Shift+N cost);
the first page of an order (which sorts by status or span count once) under 2 s; the progress
figures (`annotator stats`, counted in the background by the window) under 5 s.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from annotator.domain import AnnotatedDocument, Document, Span  # noqa: E402
from annotator.project import install_default_schema  # noqa: E402
from annotator.store import Store  # noqa: E402

LABELS = ["PERSON", "ORGANISATION", "LOCATION"]


def corpus(n: int):
    for i in range(n):
        text = f"Artikel nomor {i} tentang Joko dan Bank Indonesia di Jakarta."
        names = [(text.find(name), text.find(name) + len(name)) for name in ("Joko", "Bank Indonesia", "Jakarta")]
        spans = [Span(None, None, "ana", start, end, LABELS[k], text[start:end])
                 for k, (start, end) in enumerate(names[: i % 4])]
        status = {"ana": "done"} if i % 5 == 0 else {}
        yield AnnotatedDocument(Document(None, f"Berita {i * 7919 % n}", text), spans, [], status)


def timed(work) -> tuple[float, object]:
    start = time.perf_counter()
    result = work()
    return time.perf_counter() - start, result


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--documents", type=int, default=100_000)
    args = parser.parse_args()
    missed = []
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.open(Path(tmp) / "bench.db")
        install_default_schema(store)
        store.import_annotated(corpus(args.documents), annotator="ana")
        middle = args.documents // 2
        print(f"{args.documents:,} documents; times in ms")
        print("| order | first page | page in the middle | row of a document | next unfinished |")
        print("|---|---|---|---|---|")
        for order in ("id", "title", "status", "spans"):
            store.forget_list_order()
            first, _ = timed(lambda: store.document_page("ana", "", 0, 100, order=order))
            page_time, page = timed(lambda: store.document_page("ana", "", middle, 100, order=order))
            row_time, _ = timed(lambda: store.document_position(page[0].id, order=order, annotator="ana"))
            next_time, _ = timed(lambda: store.next_unfinished("ana", page[0].id, order=order))
            print(f"| {order} | {first * 1000:.0f} | {page_time * 1000:.0f} | {row_time * 1000:.0f} | "
                  f"{next_time * 1000:.0f} |")
            if first > 2:
                missed.append(f"first page by {order}: {first:.2f} s")
            for what, seconds in (("page", page_time), ("row", row_time), ("next unfinished", next_time)):
                if seconds > 0.05:
                    missed.append(f"{what} by {order}: {seconds * 1000:.0f} ms")
        # next unfinished when every document but the last is done (budi's): read off the kept
        # counts per run of ids (m012), not every status after the current document
        last = store.document_ids()[-1]
        with store.db.atomic():
            store.ensure_annotator("budi")
            store.db.execute("INSERT INTO document_status (document_id, annotator, status, updated) "
                             "SELECT id, 'budi', 'done', '' FROM documents WHERE id <> ?", [last])
        first_id = store.document_ids()[0]
        for order, query in (("id", ""), ("title", ""), ("status", ""), ("id", "Jakarta"), ("title", "Jakarta")):
            store.forget_list_order()
            if order == "status":  # as the window has it: sorted in the background with the rows of ids
                store.adopt_list_order(store.list_order("budi", "", order, rows=True))
            seconds, found = timed(lambda: store.next_unfinished("budi", first_id, query, order=order))
            assert found == last, (order, found, last)
            what = f"by {order}" + (f", filtered by {query}" if query else "")
            print(f"next unfinished {what}, all but the last document done: {seconds * 1000:.1f} ms")
            if seconds > 0.05:
                missed.append(f"next unfinished {what}, nearly all done: {seconds * 1000:.0f} ms")
        done_time, _ = timed(lambda: store.finished_count("budi"))
        print(f"done count: {done_time * 1000:.2f} ms")
        figures_time, figures = timed(store.progress_figures)
        spans = sum(figures["annotators"]["ana"]["spans"].values())  # type: ignore[index]
        print(f"progress figures ({spans:,} spans): {figures_time * 1000:.0f} ms")
        if figures_time > 5:
            missed.append(f"progress figures: {figures_time:.2f} s")
        store.close()
    for line in missed:
        print("missed:", line, file=sys.stderr)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
