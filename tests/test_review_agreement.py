"""Agreement: hand-computed cases, and the same figures from seqeval, scikit-learn and krippendorff."""

from __future__ import annotations

import random
from pathlib import Path
from collections import Counter

import krippendorff
import numpy as np
import pytest
from seqeval.metrics import f1_score as seqeval_f1
from sklearn.metrics import cohen_kappa_score

from annotator.domain import AnnotatedDocument, Argument, Document, Fact, Span
from annotator.review.agreement import (
    AgreementCancelled,
    fleiss_kappa,
    measure_agreement,
    token_labels,
    tokenize,
)

TEXT = "Presiden Rusia Vladimir Putin bertemu Kim Jong Un di Vladivostok."
# Presiden 0-8, Rusia 9-14, Vladimir Putin 15-29, Kim Jong Un 38-49, Vladivostok 53-64


def span(annotator, start, end, label, text=TEXT, doc_id=1, span_id=None):
    return Span(span_id, doc_id, annotator, start, end, label, text[start:end])


def record(*spans, text=TEXT, doc_id=1, facts=(), status=None):
    return AnnotatedDocument(Document(doc_id, f"doc {doc_id}", text), list(spans), list(facts), status or {})


def only_pair(report):
    assert len(report.pairs) == 1
    return report.pairs[0]


def test_perfect_agreement():
    spans = [("PERSON", 15, 29), ("PERSON", 38, 49), ("LOCATION", 53, 64)]
    r = record(*[span(a, s, e, lab) for a in "ab" for lab, s, e in spans])
    pair = only_pair(measure_agreement([r], ["a", "b"]))
    assert pair.exact.f1 == pair.relaxed.f1 == 1.0
    assert pair.cohen_kappa == 1.0
    assert pair.per_label["PERSON"].exact.f1 == 1.0


def test_no_overlap():
    r = record(span("a", 15, 29, "PERSON"), span("b", 38, 49, "PERSON"))
    pair = only_pair(measure_agreement([r], ["a", "b"]))
    assert pair.exact.f1 == 0.0
    assert pair.relaxed.f1 == 0.0
    assert pair.exact.precision == 0.0 and pair.exact.recall == 0.0


def test_one_label_swapped():
    r = record(span("a", 15, 29, "PERSON"), span("a", 53, 64, "LOCATION"),
               span("b", 15, 29, "LOCATION"), span("b", 53, 64, "LOCATION"))
    pair = only_pair(measure_agreement([r], ["a", "b"]))
    assert pair.exact.f1 == pytest.approx(0.5)
    assert pair.relaxed.f1 == pytest.approx(0.5)
    assert pair.per_label["PERSON"].exact.f1 == 0.0
    assert pair.per_label["LOCATION"].exact.f1 == pytest.approx(2 / 3)
    assert pair.confusion[("PERSON", "LOCATION")] == 2  # Vladimir, Putin


def test_missing_span():
    r = record(span("a", 15, 29, "PERSON"), span("a", 38, 49, "PERSON"), span("b", 15, 29, "PERSON"))
    pair = only_pair(measure_agreement([r], ["a", "b"]))
    assert pair.exact.precision == 1.0
    assert pair.exact.recall == 0.5
    assert pair.exact.f1 == pytest.approx(2 / 3)


def test_boundary_counts_only_when_relaxed():
    r = record(span("a", 9, 29, "PERSON"), span("b", 15, 29, "PERSON"))
    pair = only_pair(measure_agreement([r], ["a", "b"]))
    assert pair.exact.f1 == 0.0
    assert pair.relaxed.f1 == 1.0


def test_nested_spans_tokens_take_the_innermost_label():
    outer, inner = span("a", 0, 29, "PERSON"), span("a", 9, 14, "LOCATION")
    r = record(outer, inner, span("b", 0, 29, "PERSON"))
    pair = only_pair(measure_agreement([r], ["a", "b"]))
    assert pair.exact.f1 == pytest.approx(2 / 3)
    starts, ends = tokenize(TEXT)
    assert token_labels(starts, ends, [outer, inner])[:4] == ["PERSON", "LOCATION", "PERSON", "PERSON"]
    assert pair.confusion[("LOCATION", "PERSON")] == 1


def test_label_filter_ignores_other_labels():
    r = record(span("a", 15, 29, "PERSON"), span("a", 53, 64, "LOCATION"),
               span("b", 15, 29, "PERSON"), span("b", 53, 64, "ORGANISATION"))
    pair = only_pair(measure_agreement([r], ["a", "b"], labels=["PERSON"]))
    assert pair.exact.f1 == 1.0
    assert set(pair.per_label) == {"PERSON"}


def test_all_tokens_one_label_gives_no_kappa_or_alpha():
    r = record(status={"a": "done", "b": "done"})
    report = measure_agreement([r], ["a", "b"])
    pair = only_pair(report)
    assert pair.exact.f1 is None  # nobody made a span: F1 is undefined
    assert pair.cohen_kappa is None  # every token is O for everyone
    assert report.krippendorff_alpha is None
    assert report.alpha_counts["units"] == len(tokenize(TEXT)[0])


def test_skipped_documents_are_reported():
    records = [
        record(span("a", 15, 29, "PERSON"), span("b", 15, 29, "PERSON"), doc_id=1),
        record(span("a", 15, 29, "PERSON"), doc_id=2),
        record(doc_id=3),
        record(doc_id=4, status={"b": "done"}),
    ]
    report = measure_agreement(records, ["a", "b"])
    assert report.documents == 1
    assert report.skipped_documents == {"nobody": [3], "one_annotator": [2, 4]}
    assert report.as_json()["skipped_documents"]["one_annotator"]["documents"] == {"2": "a", "4": "b"}


def test_fleiss_hand_computed():
    units = Counter({("X", "X", "X"): 1, ("X", "X", "O"): 1, ("O", "O", "O"): 1, ("X", "O", "O"): 1})
    kappa, tokens = fleiss_kappa(units)
    assert tokens == 4
    assert kappa == pytest.approx(1 / 3)


def test_fact_agreement_matches_type_trigger_and_roles():
    def layer(name, topic_end):
        trigger = span(name, 30, 37, "QUOTE", span_id=f"{name}t")
        speaker = span(name, 15, 29, "PERSON", span_id=f"{name}s")
        topic = span(name, 38, topic_end, "PERSON", span_id=f"{name}o")
        fact = Fact(f"{name}f", 1, name, "QUOTE", trigger.id,
                    [Argument("speaker", span_id=speaker.id), Argument("topic", span_id=topic.id)])
        return [trigger, speaker, topic], fact

    spans_a, fact_a = layer("a", 49)
    spans_b, fact_b = layer("b", 42)
    r = record(*spans_a, *spans_b, facts=[fact_a, fact_b])
    facts = only_pair(measure_agreement([r], ["a", "b"])).facts
    assert facts.facts.f1 == 1.0
    assert facts.roles["speaker"].f1 == 1.0
    assert facts.roles["topic"].f1 == 0.0
    # a label filter that leaves QUOTE out leaves its facts out too
    filtered = only_pair(measure_agreement([r], ["a", "b"], labels=["PERSON"])).facts
    assert filtered.facts.a_total == filtered.facts.b_total == 0 and not filtered.roles


def test_progress_can_cancel():
    records = [record(span("a", 15, 29, "PERSON"), span("b", 15, 29, "PERSON"), doc_id=i) for i in range(5)]
    seen = []

    def progress(done, total):
        seen.append((done, total))
        return done < 2

    with pytest.raises(AgreementCancelled):
        measure_agreement(records, ["a", "b"], progress=progress)
    assert seen == [(1, 5), (2, 5)]


def test_tokens_keep_combining_marks_and_emoji_offsets():
    text = "Cafe\u0301 🇮🇩 ok\r\nnext"
    starts, ends = tokenize(text)
    assert [text[s:e] for s, e in zip(starts, ends)] == ["Cafe\u0301", "🇮🇩", "ok", "next"]


# -- the same figures from libraries no one here wrote ----------------------------

LABELS = ["PER", "LOC", "ORG"]


def random_corpus(seed, annotators=("a", "b", "c"), documents=8):
    """Documents of random words with token-aligned, non-nested spans per annotator."""
    rng = random.Random(seed)
    records = []
    for doc_id in range(1, documents + 1):
        words = [rng.choice(["kata", "Jakarta", "é", "x", "Budi", "🙂", "ñu"]) for _ in range(rng.randint(5, 40))]
        text = " ".join(words)
        starts, ends = tokenize(text)
        spans = []
        for name in annotators:
            i = 0
            while i < len(starts):
                if rng.random() < 0.3:
                    length = rng.randint(1, 3)
                    j = min(i + length, len(starts)) - 1
                    spans.append(Span(None, doc_id, name, starts[i], ends[j], rng.choice(LABELS),
                                      text[starts[i]:ends[j]]))
                    i = j + 2  # leave a token between spans so IOB2 is unambiguous
                else:
                    i += 1
        records.append(record(*spans, text=text, doc_id=doc_id, status={n: "done" for n in annotators}))
    return records


def iob2(record_, name):
    starts, ends = tokenize(record_.document.text)
    tags = ["O"] * len(starts)
    for s in record_.spans:
        if s.annotator != name:
            continue
        inside = [i for i in range(len(starts)) if s.start <= starts[i] and ends[i] <= s.end]
        tags[inside[0]] = f"B-{s.label}"
        for i in inside[1:]:
            tags[i] = f"I-{s.label}"
    return tags


def plain_tags(record_, name):
    starts, ends = tokenize(record_.document.text)
    return token_labels(starts, ends, [s for s in record_.spans if s.annotator == name])


@pytest.mark.parametrize("seed", range(5))
def test_exact_f1_equals_seqeval(seed):
    records = random_corpus(seed)
    report = measure_agreement(records, ["a", "b", "c"])
    for pair in report.pairs:
        y_a = [iob2(r, pair.a) for r in records]
        y_b = [iob2(r, pair.b) for r in records]
        assert pair.exact.f1 == pytest.approx(seqeval_f1(y_a, y_b))


@pytest.mark.parametrize("seed", range(5))
def test_cohen_kappa_equals_sklearn(seed):
    records = random_corpus(seed)
    report = measure_agreement(records, ["a", "b", "c"])
    for pair in report.pairs:
        y_a = [t for r in records for t in plain_tags(r, pair.a)]
        y_b = [t for r in records for t in plain_tags(r, pair.b)]
        assert pair.cohen_kappa == pytest.approx(cohen_kappa_score(y_a, y_b))


@pytest.mark.parametrize("seed", range(5))
def test_alpha_equals_krippendorff_package_with_missing_coders(seed):
    records = random_corpus(seed)
    # c did not annotate the first two documents: missing values, not "O"
    for r in records[:2]:
        r.spans = [s for s in r.spans if s.annotator != "c"]
        r.status.pop("c")
    report = measure_agreement(records, ["a", "b", "c"])
    codes = {label: i for i, label in enumerate(["O", *LABELS])}
    rows = {name: [] for name in "abc"}
    for i, r in enumerate(records):
        n = len(tokenize(r.document.text)[0])
        for name in "abc":
            if name == "c" and i < 2:
                rows[name].extend([np.nan] * n)
            else:
                rows[name].extend(codes[t] for t in plain_tags(r, name))
    expected = krippendorff.alpha(reliability_data=[rows[n] for n in "abc"], level_of_measurement="nominal")
    assert report.krippendorff_alpha == pytest.approx(expected)
    assert report.alpha_counts["units"] == len(rows["a"])
    # Fleiss only uses the documents every annotator annotated
    assert report.fleiss_documents == len(records) - 2
    assert report.fleiss_tokens == len(rows["a"]) - sum(len(tokenize(r.document.text)[0]) for r in records[:2])


# -- bratiaa's published figures on its example project ---------------------------

BRATIAA = Path(__file__).parent / "fixtures" / "review" / "bratiaa"
BRATIAA_ANNOTATORS = ["Lisa", "Maria", "Max", "Peter"]


def read_bratiaa_project():
    records = []
    for doc_id, txt in enumerate(sorted((BRATIAA / "Lisa").glob("*.txt")), 1):
        text = txt.read_text(encoding="utf-8")
        spans = []
        for name in BRATIAA_ANNOTATORS:
            for line in (BRATIAA / name / f"{txt.stem}.ann").read_text(encoding="utf-8").splitlines():
                _, label_offsets, covered = line.split("\t")
                label, start, end = label_offsets.split(" ")
                spans.append(Span(None, doc_id, name, int(start), int(end), label, covered))
        records.append(AnnotatedDocument(Document(doc_id, f"{txt.stem}.ann", text), spans))
    return records


def published_table(section):
    """Rows of one table of bratiaa's instance-agreement-report.md: name -> mean F1."""
    report = (BRATIAA / "instance-agreement-report.md").read_text(encoding="utf-8")
    body = report.split(f"## {section}")[1].split("##")[0]
    rows = [line.split("|") for line in body.splitlines() if line.startswith("|") and "---" not in line]
    return {cells[1].strip(): float(cells[2]) for cells in rows[1:]}


def mean_over_pairs(values):
    return sum(values) / len(values)


def test_matches_bratiaa_instance_f1_overall_per_label_and_per_document():
    records = read_bratiaa_project()
    report = measure_agreement(records, BRATIAA_ANNOTATORS)
    assert len(report.pairs) == 6
    assert round(mean_over_pairs([p.exact.f1 for p in report.pairs]), 3) == 0.890
    for label, expected in published_table("Agreement per Label").items():
        assert round(mean_over_pairs([p.per_label[label].exact.f1 for p in report.pairs]), 3) == expected
    for doc_record in records:
        expected = published_table("Agreement per Document")[doc_record.document.title]
        per_doc = measure_agreement([doc_record], BRATIAA_ANNOTATORS)
        assert round(mean_over_pairs([p.exact.f1 for p in per_doc.pairs]), 3) == expected


# -- token precision, recall and F1 against scikit-learn -----------------------------


def test_token_precision_recall_and_f1_equal_scikit_learns_per_pair_and_per_label():
    from sklearn.metrics import precision_recall_fscore_support

    rng = random.Random(7)
    labels = ["PER", "LOC", "ORG", "ONLY_B"]
    texts = [TEXT, "Budi dan Ani pergi ke Bandung dan Jakarta kemarin pagi.", "Tidak ada nama di sini."]
    records = []
    for doc_id, text in enumerate(texts, 1):
        starts, ends = tokenize(text)
        spans = []
        for annotator in ("ana", "budi", "cici"):
            for _ in range(rng.randint(1, 4)):
                first = rng.randrange(len(starts))
                last = min(len(starts) - 1, first + rng.randint(0, 2))
                label = rng.choice(labels[:3] + (["ONLY_B"] if annotator == "budi" else []))
                spans.append(span(annotator, starts[first], ends[last], label, text=text, doc_id=doc_id))
        records.append(record(*spans, text=text, doc_id=doc_id))
    records[2].spans.append(span("budi", 10, 14, "ONLY_B", text=texts[2], doc_id=3))  # "nama"
    report = measure_agreement(records, ["ana", "budi", "cici"])
    rows = {(row["a"], row["b"], row["label"]): row for row in report.rows()}
    as_json = {(p["a"], p["b"]): p for p in report.as_json()["pairs"]}
    for pair in report.pairs:
        truth, predicted = [], []
        for r in records:
            starts, ends = tokenize(r.document.text)
            truth += token_labels(starts, ends, [s for s in r.spans if s.annotator == pair.a])
            predicted += token_labels(starts, ends, [s for s in r.spans if s.annotator == pair.b])
        named = sorted(set(truth + predicted) - {"O"})
        p, r, f, _ = precision_recall_fscore_support(truth, predicted, labels=named, average="micro",
                                                     zero_division=np.nan)
        overall = pair.token_score()
        assert (overall.precision, overall.recall, overall.f1) == pytest.approx((p, r, f), nan_ok=True)
        shown = as_json[(pair.a, pair.b)]
        assert (shown["token_precision"], shown["token_recall"], shown["token_f1"]) == pytest.approx(
            (p, r, f), nan_ok=True)
        assert rows[(pair.a, pair.b, "*")]["token_f1"] == pytest.approx(f)
        ps, rs, fs, support = precision_recall_fscore_support(truth, predicted, labels=named, average=None,
                                                              zero_division=np.nan)
        scores = pair.token_scores()
        assert list(scores) == named
        for label, *expected in zip(named, ps, rs, fs, support):
            got = scores[label]
            figures = [np.nan if v is None else v for v in (got.precision, got.recall, got.f1)]
            assert figures == pytest.approx(expected[:3], nan_ok=True), (pair.a, pair.b, label)
            assert got.a_total == expected[3]
            if label in pair.per_label:
                assert shown["per_label"][label]["token_f1"] == got.f1
    # a label only one side used: precision or recall is undefined, F1 is 0
    budi_only = next(p for p in report.pairs if (p.a, p.b) == ("ana", "budi")).token_scores()["ONLY_B"]
    assert budi_only.recall is None and budi_only.precision == 0.0 and budi_only.f1 == 0.0
    assert "tok F1" in report.table_lines()[3]
