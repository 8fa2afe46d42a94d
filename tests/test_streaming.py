"""`check`, the native export and `agreement` read the corpus a chunk of
documents at a time: they give what reading every document whole gave, and
the memory they hold does not grow with the number of documents."""

from __future__ import annotations

import json
import random
import tracemalloc
from pathlib import Path

import pytest
from click.testing import CliRunner

from annotator.cli import main
from annotator.domain import AnnotatedDocument, Argument, Document, Fact, Span
from annotator.domain.validation import fact_problems, span_problems
from annotator.exchange import export
from annotator.formats.native import record_as_json
from annotator.project import open_project
from annotator.review.agreement import measure_agreement
from annotator.store import Store
from annotator.store.database import Problem
from annotator.store import bundles

ANNOTATORS = ["ana", "budi", "citra"]
LABELS = ["PERSON", "ORGANISATION", "LOCATION", "DATETIME"]
WORDS = "Presiden Joko Widodo meresmikan jalan tol di Bandung pada Senin , kata menteri 😀 e\u0301 .".split()


def generated(documents: int, seed: int = 5) -> list[AnnotatedDocument]:
    """Documents with three annotators' layers that mostly agree, nested and
    moved spans, facts (some breaking the schema), statuses, and documents
    annotated by one annotator or by nobody."""
    rng = random.Random(seed)
    records = []
    for d in range(documents):
        words = [rng.choice(WORDS) for _ in range(40)] + [f"nomor{d}"]
        text = " ".join(words)
        starts, at = [], 0
        for word in words:
            starts.append(at)
            at += len(word) + 1
        slots = rng.sample(range(len(words) - 2), 8)
        who = ANNOTATORS if d % 10 else rng.sample(ANNOTATORS, rng.randint(0, 1))
        spans, facts = [], []
        for name in who:
            mine = []
            for slot in slots:
                roll = rng.random()
                if roll < 0.1:
                    continue
                last = slot + (1 if roll < 0.2 else 0)
                label = rng.choice(LABELS) if roll > 0.9 else LABELS[slot % 4]
                start, end = starts[slot], starts[last] + len(words[last])
                mine.append(Span(-len(spans) - len(mine) - 1, None, name, start, end, label, text[start:end]))
            spans += mine
            if len(mine) >= 2 and rng.random() < 0.6:
                trigger, filler = mine[0], mine[1]
                args = [Argument("speaker", span_id=filler.id)] if rng.random() < 0.7 else []
                facts.append(Fact(-len(facts) - 1, None, name, "QUOTE", trigger.id, args))
        status = {name: "done" for name in who if rng.random() < 0.5}
        records.append(AnnotatedDocument(Document(None, f"berita {d}", text), spans, facts, status))
    return records


def corpus_store(path: Path, documents: int) -> Store:
    store = open_project(path)
    store.import_annotated(generated(documents))
    return store


@pytest.fixture
def small_chunks(monkeypatch):
    """Chunks of 50 documents, so that a few hundred documents take several."""
    monkeypatch.setattr(bundles, "CHUNK", 50)


def peak_bytes(work) -> int:
    tracemalloc.start()
    try:
        work()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


# -- check ---------------------------------------------------------------------------


def check_one_document_at_a_time(store: Store) -> list[Problem]:
    """What `check` did before it streamed: every document read whole, with
    separate queries for its spans and facts."""
    problems = []
    schema = store.schema()
    for doc in store.documents():
        spans = store.spans(doc.id)
        for span in spans:
            problems += [Problem(doc.id, "span", span.id, m) for m in span_problems(span, doc.text)]
        facts = store.facts(doc.id)
        by_span, by_fact = {s.id: s for s in spans}, {f.id: f for f in facts}
        for fact in facts:
            problems += [Problem(doc.id, "fact", fact.id, m) for m in fact_problems(fact, schema, by_span, by_fact)]
    return problems


def test_check_finds_what_checking_each_document_whole_found(tmp_path, small_chunks):
    store = corpus_store(tmp_path / "c.db", 230)
    with store.transaction():  # damage that only another program could do
        store.db.execute("UPDATE spans SET text = 'x' || text WHERE id % 7 = 0")
        store.db.execute('UPDATE spans SET "end" = "end" + 1000 WHERE id % 11 = 0')
        store.db.execute("DELETE FROM documents WHERE id % 40 = 3")
    expected = check_one_document_at_a_time(store)
    assert {p.kind for p in expected} == {"span", "fact"}
    assert any("outside the text" in p.message for p in expected)
    assert store.check() == expected
    result = CliRunner().invoke(main, ["--db", str(tmp_path / "c.db"), "check"])
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [f"document {p.document_id} {p.kind} {p.id}: {p.message}" for p in expected]
    assert result.stderr == f"{len(expected)} problem(s) found\n"


def test_check_memory_does_not_grow_with_the_corpus(tmp_path, small_chunks):
    small, large = corpus_store(tmp_path / "s.db", 200), corpus_store(tmp_path / "l.db", 2000)
    small.check()  # the schema read and cached before measuring
    large.check()
    assert peak_bytes(large.check) < 2 * peak_bytes(small.check) + 200_000


# -- native export ------------------------------------------------------------------


def test_native_export_streams_what_reading_each_document_gave(tmp_path, small_chunks):
    store = corpus_store(tmp_path / "c.db", 230)
    export(store, "native", tmp_path / "out.jsonl")
    lines = (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()

    def by_id(data: dict) -> dict:
        # spans over the same offsets come by label in a bulk read and by id from `annotated`
        return data | {"spans": sorted(data["spans"], key=lambda s: s["id"])}

    assert [by_id(json.loads(line)) for line in lines] == [
        by_id(json.loads(json.dumps(record_as_json(store.annotated(i)), ensure_ascii=False)))
        for i in store.document_ids()]


def test_native_export_memory_does_not_grow_with_the_corpus(tmp_path, small_chunks):
    small, large = corpus_store(tmp_path / "s.db", 200), corpus_store(tmp_path / "l.db", 2000)
    export(small, "native", tmp_path / "warm.jsonl")
    peaks = [peak_bytes(lambda: export(store, "native", tmp_path / "out.jsonl")) for store in (small, large)]
    assert peaks[1] < 2 * peaks[0] + 200_000


def test_an_export_reads_one_state_of_the_file(tmp_path, small_chunks):
    """A document added by another program while the export runs is not
    half in it: every chunk is read from the snapshot the export began with."""
    store = corpus_store(tmp_path / "c.db", 120)
    other = Store.open(tmp_path / "c.db")
    seen = []

    def progress(done, total):
        seen.append(total)
        if done == 1:
            other.add_document("late", "added while the export ran")

    report = export(store, "native", tmp_path / "out.jsonl", progress=progress)
    assert report.summaries["all"].documents == 120
    assert "late" not in (tmp_path / "out.jsonl").read_text(encoding="utf-8")
    assert store.document_count() == 121


# -- agreement ----------------------------------------------------------------------


def test_streamed_agreement_equals_the_report_over_records_held_in_memory(tmp_path, small_chunks):
    store = corpus_store(tmp_path / "c.db", 260)
    held = [store.annotated(i, ANNOTATORS) for i in store.document_ids()]  # the old way: every record at once
    expected = measure_agreement(held, ANNOTATORS).as_json()
    assert expected["documents"] > 200 and expected["fleiss_kappa"] is not None
    assert expected["skipped_documents"]["nobody"]["count"] and expected["skipped_documents"]["one_annotator"]["count"]
    assert any(pair["facts"]["a"] for pair in expected["pairs"])
    result = CliRunner().invoke(main, ["--db", str(tmp_path / "c.db"), "agreement", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == json.loads(json.dumps(expected))
    labelled = CliRunner().invoke(main, ["--db", str(tmp_path / "c.db"), "agreement", "--json", "--label", "PERSON",
                                         "--annotator", "ana", "--annotator", "citra"])
    assert json.loads(labelled.stdout) == json.loads(json.dumps(
        measure_agreement(held, ["ana", "citra"], ["PERSON"]).as_json()))


def test_agreement_memory_does_not_grow_with_the_corpus(tmp_path, small_chunks):
    def measure(store: Store) -> None:
        with store.snapshot():
            measure_agreement(store.annotated_many(None, ANNOTATORS, span_details=False), ANNOTATORS)

    small, large = corpus_store(tmp_path / "s.db", 200), corpus_store(tmp_path / "l.db", 2000)
    measure(small)
    # the report lists skipped documents by id: a few bytes each, the only thing that grows
    assert peak_bytes(lambda: measure(large)) < 2 * peak_bytes(lambda: measure(small)) + 200_000


# -- reading a chunk costs what the chunk holds ------------------------------------


def _steps_reading_first_chunk(store: Store, read) -> int:
    """SQLite's virtual-machine steps to read the first chunk (a count, not a time)."""
    steps = [0]

    def count() -> int:
        steps[0] += 1
        return 0

    store.db.conn.set_progress_handler(count, 1)
    try:
        next(iter(read()))
    finally:
        store.db.conn.set_progress_handler(None, 1)
    return steps[0]


@pytest.mark.parametrize("reader", ["labelled_many", "annotated_many"])
def test_reading_a_chunk_does_not_visit_the_rest_of_the_corpus(tmp_path, small_chunks, reader):
    """The statuses of a chunk were read through the index by annotator: every
    status of that layer in the corpus, for every chunk (minutes at a million)."""
    costs = []
    for documents in (100, 1000):
        store = open_project(tmp_path / f"{documents}.db")
        store.import_annotated([AnnotatedDocument(Document(None, f"b {d}", f"Berita nomor {d} ."), [], [],
                                                  {"ana": "done", "budi": "todo"}) for d in range(documents)])
        costs.append(_steps_reading_first_chunk(store, lambda: getattr(store, reader)(None, ["ana"])))
        store.close()
    assert costs[1] < 1.5 * costs[0], costs
