"""Suggestions on a public Indonesian NER corpus (idner-news-2k): quality and speed.

Run:  python benchmarks/suggest.py [--corpus DIR]

Imports the corpus's train.txt and test.txt through our own CoNLL reader
(`annotator import` does the same) into a temporary database: the training
documents into the layer `train`, marked done, the test documents into the
layer `test`. Then, as `annotator suggest train` does, trains the CRF on the
done documents of `train` (timed), scores the CRF and corpus memory (learnt
from the training documents only) on the test documents, exact spans as
seqeval counts them, and times proposing spans (memory and CRF together) for
a 5 KB article made of test sentences.

Targets (issue 14): CRF micro F1 >= 0.80; training under 30 s; suggesting for
a 5 KB article under 50 ms (best of 20). Exits 1 when one is missed.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from annotator.exchange import import_files
from annotator.project import install_default_schema
from annotator.store import Store
from annotator.suggest.crf import CrfTagger
from annotator.suggest.memory import CorpusMemory
from annotator.suggesting import labelled_texts, score, train_tagger

MIN_F1, MAX_TRAIN_SECONDS, MAX_SUGGEST_MS = 0.80, 30.0, 50.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=Path("/work/shared/corpora/idner-news-2k"))
    corpus = parser.parse_args().corpus
    missed = []
    with tempfile.TemporaryDirectory() as folder:
        store = Store.open(Path(folder) / "bench.db")
        install_default_schema(store)
        import_files(store, [corpus / "train.txt"], format="conll", annotator="train")
        train_ids = store.document_ids()
        import_files(store, [corpus / "test.txt"], format="conll", annotator="test")
        test_ids = [i for i in store.document_ids() if i not in set(train_ids)]
        with store.transaction():
            for doc_id in train_ids:
                store.set_status(doc_id, "train", "done")

        since = time.perf_counter()
        train_tagger(store, "train")
        train_seconds = time.perf_counter() - since
        tagger = CrfTagger(store.suggester_model("crf")[0])  # type: ignore[index]
        training = labelled_texts(store, train_ids, "train")
        held_out = labelled_texts(store, test_ids, "test")
        memory = CorpusMemory.of(training)
        crf_scores = score(tagger, held_out)
        memory_scores = score(memory, held_out)

        article = ""
        for example in held_out:
            for line in example.text.split("\n"):
                if len(article) + len(line) >= 5000:
                    break
                article += line + "\n"
        article = article[:5000]
        timings = []
        for _ in range(20):
            since = time.perf_counter()
            memory.propose(article)
            tagger.propose(article)
            timings.append((time.perf_counter() - since) * 1000)
        suggest_ms = min(timings)

    print(f"documents: {len(train_ids)} training ({sum(len(t.spans) for t in training)} spans), "
          f"{len(test_ids)} test ({sum(len(t.spans) for t in held_out)} spans)")
    print(f"CRF training: {train_seconds:.1f} s (target < {MAX_TRAIN_SECONDS:.0f} s)")
    for name, scores in (("CRF", crf_scores), ("corpus memory", memory_scores)):
        print(f"{name}: precision {scores['precision']:.3f}, recall {scores['recall']:.3f}, "
              f"micro F1 {scores['f1']:.3f}")
        for label, figures in scores["per_label"].items():
            print(f"    {label:<5} P {figures['precision']:.3f} R {figures['recall']:.3f} "
                  f"F1 {figures['f1']:.3f} ({figures['support']})")
    print(f"suggesting for a {len(article):,}-character article (memory + CRF): {suggest_ms:.1f} ms "
          f"best of 20, median {sorted(timings)[10]:.1f} ms (target < {MAX_SUGGEST_MS:.0f} ms)")
    if crf_scores["f1"] < MIN_F1:
        missed.append(f"CRF micro F1 {crf_scores['f1']:.3f} < {MIN_F1}")
    if train_seconds >= MAX_TRAIN_SECONDS:
        missed.append(f"training {train_seconds:.1f} s >= {MAX_TRAIN_SECONDS} s")
    if suggest_ms >= MAX_SUGGEST_MS:
        missed.append(f"suggesting {suggest_ms:.1f} ms >= {MAX_SUGGEST_MS} ms")
    for line in missed:
        print("missed:", line, file=sys.stderr)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
