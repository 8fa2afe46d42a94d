"""Agreement over 1,000 documents, 3 annotators, 30 spans each: must finish in under 2 s.

Run:  python benchmarks/agreement.py

Builds a temporary database (not timed), then times loading the documents
with `Store.annotated_many` and `measure_agreement` on them, as the `agreement`
command does.
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from pathlib import Path

from annotator.domain import AnnotatedDocument, Document, Span
from annotator.review.agreement import measure_agreement, tokenize
from annotator.store import Store
from annotator.project import install_default_schema

DOCUMENTS, ANNOTATORS, SPANS = 1000, ("ana", "budi", "citra"), 30
LABELS = ("PERSON", "LOCATION", "ORGANISATION", "DATETIME")
WORDS = "Presiden Rusia Vladimir Putin bertemu Kim Jong Un di Vladivostok pada Kamis (25/4) untuk membahas nuklir".split()
LIMIT_SECONDS = 2.0


def corpus(rng: random.Random) -> list[AnnotatedDocument]:
    records = []
    for doc_id in range(DOCUMENTS):
        text = " ".join(rng.choice(WORDS) for _ in range(200)) + f" {doc_id}."
        starts, ends = tokenize(text)
        slots = [(slot, slot + rng.choice((0, 1))) for slot in rng.sample(range(0, len(starts) - 3, 3), SPANS)]
        spans = []
        for name in ANNOTATORS:
            for first, last in slots:
                # most spans agree; some move an edge, change label, or go missing
                roll = rng.random()
                slot = first
                label = LABELS[slot % len(LABELS)]
                if roll < 0.05:
                    continue
                if roll < 0.10:
                    last += 1
                elif roll < 0.15:
                    label = rng.choice(LABELS)
                spans.append(Span(None, None, name, starts[first], ends[last], label, text[starts[first]:ends[last]]))
        records.append(AnnotatedDocument(Document(None, f"doc {doc_id}", text), spans,
                                         status={name: "done" for name in ANNOTATORS}))
    return records


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        store = Store.open(Path(folder) / "bench.db")
        install_default_schema(store)
        store.import_annotated(corpus(random.Random(7)))
        tokenize("warm up the tokenizer's pattern")

        started = time.perf_counter()
        records = list(store.annotated_many(store.document_ids(), ANNOTATORS))
        loaded = time.perf_counter()
        report = measure_agreement(records, ANNOTATORS)
        measured = time.perf_counter()
        store.close()

    load_s, measure_s = loaded - started, measured - loaded
    spans = sum(len(r.spans) for r in records)
    tokens = report.alpha_counts["units"]
    print(f"{DOCUMENTS} documents, {len(ANNOTATORS)} annotators, {spans} spans, {tokens} tokens")
    print(f"load  {load_s:.2f} s   (Store.annotated_many)")
    print(f"measure {measure_s:.2f} s   (measure_agreement)")
    print(f"total {load_s + measure_s:.2f} s   (limit {LIMIT_SECONDS:.1f} s)")
    print(f"mean exact F1 {sum(p.exact.f1 for p in report.pairs) / len(report.pairs):.3f}, "
          f"alpha {report.krippendorff_alpha:.3f}, Fleiss {report.fleiss_kappa:.3f}")
    return 0 if load_s + measure_s < LIMIT_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
