"""Diff two layers on the seed article, settle each difference, check gold and the decision log."""

from __future__ import annotations

import pytest

from annotator.domain import GOLD, Argument
from annotator.gold import (
    apply_settlement,
    mark_reviewed,
    remaining,
    settled_difference_ids,
    undo_decision,
)
from annotator.review.adjudication import (
    SettlementError,
    SpanSpec,
    accept_agreed,
    settle,
)
from annotator.review.diff import diff_document


def find(text, phrase, nth=0):
    start = -1
    for _ in range(nth + 1):
        start = text.index(phrase, start + 1)
    return start, start + len(phrase)


@pytest.fixture
def two_layers(seeded_store):
    store = seeded_store
    doc_id = store.document_ids()[0]
    text = store.document_text(doc_id)
    same = [("Vladimir Putin", "PERSON"), ("Kim Jong Un", "PERSON"), ("Vladivostok", "LOCATION")]
    for name in ("ana", "budi"):
        for phrase, label in same:
            store.add_span(doc_id, name, *find(text, phrase), label)
    # 1. label: ana says ORGANISATION, budi LOCATION for "Gatra.com"
    store.add_span(doc_id, "ana", *find(text, "Gatra.com"), "ORGANISATION")
    store.add_span(doc_id, "budi", *find(text, "Gatra.com"), "LOCATION")
    # 2. boundary: ana marks "Pemimpin Korea Utara", budi only "Korea Utara"
    store.add_span(doc_id, "ana", *find(text, "Pemimpin Korea Utara"), "PERSON")
    store.add_span(doc_id, "budi", *find(text, "Korea Utara"), "PERSON")
    # 3. missing: only budi marks "Timur Jauh Rusia"
    store.add_span(doc_id, "budi", *find(text, "Timur Jauh Rusia"), "LOCATION")
    return store, doc_id, text


def test_diff_lists_exactly_the_three_differences(two_layers):
    store, doc_id, text = two_layers
    diff = diff_document(store.annotated(doc_id, ["ana", "budi"]), ["ana", "budi"])
    kinds = [(d.kind, text[d.start:d.end]) for d in diff.differences]
    assert kinds == [
        ("label", "Gatra.com"),
        ("boundary", "Pemimpin Korea Utara"),
        ("missing", "Timur Jauh Rusia"),
    ]
    assert sorted(s.text for s in diff.agreed_spans) == ["Kim Jong Un", "Vladimir Putin", "Vladivostok"]
    missing = diff.differences[2]
    assert missing.version("ana") is None and missing.version("budi").label == "LOCATION"


def test_settling_builds_gold_and_logs_the_reviewer(two_layers):
    store, doc_id, text = two_layers
    annotators = ["ana", "budi"]
    diff = diff_document(store.annotated(doc_id, annotators), annotators)
    assert len(remaining(store, doc_id, annotators)) == 3

    apply_settlement(store, accept_agreed(diff), "rina")
    label, boundary, missing = diff.differences
    apply_settlement(store, settle(label, "take", annotator="ana", document_id=doc_id), "rina")
    assert len(remaining(store, doc_id, annotators)) == 2
    apply_settlement(store, settle(boundary, "take", annotator="budi", document_id=doc_id), "rina")
    apply_settlement(store, settle(missing, "take", annotator="budi", document_id=doc_id), "rina")
    assert remaining(store, doc_id, annotators) == []
    mark_reviewed(store, doc_id)

    gold = sorted((s.text, s.label) for s in store.spans(doc_id, GOLD))
    assert gold == sorted([
        ("Vladimir Putin", "PERSON"), ("Kim Jong Un", "PERSON"), ("Vladivostok", "LOCATION"),
        ("Gatra.com", "ORGANISATION"), ("Korea Utara", "PERSON"), ("Timur Jauh Rusia", "LOCATION"),
    ])
    assert store.status(doc_id, GOLD) == "reviewed"
    decisions = store.decisions(doc_id)
    assert [d["reviewer"] for d in decisions] == ["rina"] * 4
    assert [d["choice"] for d in decisions] == ["accept", "take", "take", "take"]
    assert decisions[1]["detail"]["from"] == ["ana"]
    assert decisions[1]["detail"]["difference"] == label.id
    assert decisions[1]["detail"]["versions"]["budi"][0]["label"] == "LOCATION"
    assert all(d["created"] for d in decisions)
    # the annotators' own layers are untouched
    assert len(store.spans(doc_id, "ana")) == 5 and len(store.spans(doc_id, "budi")) == 6


def test_both_none_and_edit(two_layers):
    store, doc_id, text = two_layers
    diff = diff_document(store.annotated(doc_id, ["ana", "budi"]), ["ana", "budi"])
    label, boundary, missing = diff.differences
    apply_settlement(store, settle(label, "both", document_id=doc_id), "rina")
    assert sorted(s.label for s in store.spans(doc_id, GOLD)) == ["LOCATION", "ORGANISATION"]
    # settling again replaces what the first decision put in gold
    apply_settlement(store, settle(label, "none", document_id=doc_id), "rina")
    assert store.spans(doc_id, GOLD) == []
    start, end = find(text, "Pemimpin Korea Utara Kim Jong Un")
    apply_settlement(store, settle(boundary, "edit", edited=[SpanSpec(start, end, "PERSON")],
                                   document_id=doc_id), "rina")
    assert [s.text for s in store.spans(doc_id, GOLD)] == ["Pemimpin Korea Utara Kim Jong Un"]
    with pytest.raises(SettlementError):
        settle(missing, "take", annotator="nobody")


def test_undo_restores_gold_and_reopens_the_difference(two_layers):
    store, doc_id, text = two_layers
    annotators = ["ana", "budi"]
    diff = diff_document(store.annotated(doc_id, annotators), annotators)
    label = diff.differences[0]
    first = apply_settlement(store, settle(label, "take", annotator="ana", document_id=doc_id), "rina")
    second = apply_settlement(store, settle(label, "take", annotator="budi", document_id=doc_id), "rina")
    assert [s.label for s in store.spans(doc_id, GOLD)] == ["LOCATION"]
    undo_decision(store, second, "rina")
    assert [s.label for s in store.spans(doc_id, GOLD)] == ["ORGANISATION"]
    assert label.id in settled_difference_ids(store, doc_id)
    undo_decision(store, first, "rina")
    assert store.spans(doc_id, GOLD) == []
    assert label.id not in settled_difference_ids(store, doc_id)


def test_facts_differences_and_taking_a_fact(store):
    doc, _ = store.add_document("t", "Putin berkata Kim datang ke Moskow.")
    text = doc.text
    for name, place in (("ana", "Moskow"), ("budi", None)):
        speaker = store.add_span(doc.id, name, *find(text, "Putin"), "PERSON")
        trigger = store.add_span(doc.id, name, *find(text, "berkata"), "QUOTE")
        store.add_span(doc.id, name, *find(text, "Moskow"), "LOCATION")
        store.add_fact(doc.id, name, "QUOTE", trigger.id, [Argument("speaker", span_id=speaker.id)])
        if place:
            where = store.add_span(doc.id, name, *find(text, "datang"), "HAPPENING")
            place_span = next(s for s in store.spans(doc.id, name) if s.label == "LOCATION")
            store.add_fact(doc.id, name, "HAPPENING", where.id, [Argument("place", span_id=place_span.id)])
    diff = diff_document(store.annotated(doc.id, ["ana", "budi"]), ["ana", "budi"])
    kinds = [(d.kind, text[d.start:d.end]) for d in diff.differences]
    assert kinds == [("missing", "datang"), ("fact_missing", "datang")]
    assert [f.label for f in diff.agreed_facts] == ["QUOTE"]
    apply_settlement(store, accept_agreed(diff), "rina")
    fact_difference = diff.differences[1]
    applied = apply_settlement(store, settle(fact_difference, "take", annotator="ana"), "rina", document_id=doc.id)
    gold_facts = store.facts(doc.id, GOLD)
    assert sorted(f.label for f in gold_facts) == ["HAPPENING", "QUOTE"]
    happening = next(f for f in gold_facts if f.label == "HAPPENING")
    assert store.span(happening.span_id).text == "datang"
    assert store.span(happening.args[0].span_id).text == "Moskow"
    assert applied.skipped == []


def test_settling_a_fact_again_takes_its_trigger_out_of_gold_and_undo_puts_both_back(seeded_store):
    store = seeded_store
    doc_id = store.document_ids()[0]
    text = store.document_text(doc_id)
    for name in ("ana", "budi"):
        store.add_span(doc_id, name, *find(text, "Vladimir Putin"), "PERSON")
    putin = {name: store.spans(doc_id, name)[0] for name in ("ana", "budi")}
    said = store.add_span(doc_id, "ana", *find(text, "mengatakan"), "QUOTE")
    store.add_fact(doc_id, "ana", "QUOTE", said.id, [Argument("speaker", span_id=putin["ana"].id)])
    [difference] = [d for d in diff_document(store.annotated(doc_id, ["ana", "budi"]), ["ana", "budi"]).differences
                    if d.is_fact]

    apply_settlement(store, settle(difference, "take", document_id=doc_id, annotator="ana"), "lead")
    assert sorted(s.text for s in store.spans(doc_id, GOLD)) == ["Vladimir Putin", "mengatakan"]
    again = apply_settlement(store, settle(difference, "none", document_id=doc_id), "lead")

    # the QUOTE span stood only for the fact; Putin is an entity and may be gold's in its own right
    assert [s.text for s in store.spans(doc_id, GOLD)] == ["Vladimir Putin"]
    assert store.facts(doc_id, GOLD) == []
    undo_decision(store, again, "lead")
    assert sorted(s.text for s in store.spans(doc_id, GOLD)) == ["Vladimir Putin", "mengatakan"]
    [fact] = store.facts(doc_id, GOLD)
    assert store.span(fact.span_id).text == "mengatakan"
