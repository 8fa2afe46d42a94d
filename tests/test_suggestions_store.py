"""Suggestions in the store: kept apart from spans until accepted; rejections remembered."""

import pytest

from annotator.store import StoreError


TEXT = "Budi Santoso tiba di Medan bersama Siti Rahman dari Bank Sentosa."


def _offsets(name):
    start = TEXT.index(name)
    return start, start + len(name)


@pytest.fixture
def doc(store):
    document, _ = store.add_document("a", TEXT)
    return document.id


def _proposals():
    return [(*_offsets("Budi Santoso"), "PERSON", 0.9), (*_offsets("Medan"), "LOCATION", 0.6),
            (*_offsets("Siti Rahman"), "PERSON", 0.95), (*_offsets("Bank Sentosa"), "ORGANISATION", 0.3)]


def test_suggestions_are_not_spans_until_accepted(store, doc):
    assert store.store_suggestions(doc, "ana", "crf", _proposals()) == 4
    assert store.spans(doc) == []
    medan = next(s for s in store.pending_suggestions(doc, "ana") if s.label == "LOCATION")
    span = store.accept_suggestion(medan.id)
    assert (span.annotator, span.start, span.end, span.label, span.text) == ("ana", *_offsets("Medan"), "LOCATION", "Medan")
    assert [s.id for s in store.spans(doc, "ana")] == [span.id]
    assert store.suggestion(medan.id).state == "accepted" and store.suggestion(medan.id).span_id == span.id
    assert medan.id not in [s.id for s in store.pending_suggestions(doc, "ana")]
    with pytest.raises(StoreError, match="already accepted"):
        store.accept_suggestion(medan.id)


def test_a_rejected_suggestion_does_not_come_back(store, doc):
    store.store_suggestions(doc, "ana", "crf", _proposals())
    budi = next(s for s in store.pending_suggestions(doc, "ana") if s.start == 0)
    store.reject_suggestion(budi.id)
    # the same proposal again, from this suggester or another, is left out
    assert store.store_suggestions(doc, "ana", "crf", _proposals()) == 3
    assert store.store_suggestions(doc, "ana", "memory", [(*_offsets("Budi Santoso"), "PERSON", 1.0)]) == 0
    assert all(s.start != 0 for s in store.pending_suggestions(doc, "ana"))
    # another label on the same words is another suggestion; another layer has its own decisions
    assert store.store_suggestions(doc, "ana", "memory", [(*_offsets("Budi Santoso"), "ORGANISATION", 1.0)]) == 1
    assert store.store_suggestions(doc, "budi", "crf", _proposals()) == 4


def test_storing_again_replaces_the_suggesters_pending_ones(store, doc):
    store.store_suggestions(doc, "ana", "crf", _proposals())
    store.store_suggestions(doc, "ana", "memory", [(*_offsets("Medan"), "LOCATION", 1.0)])
    store.store_suggestions(doc, "ana", "crf", _proposals()[:1])
    assert sorted((s.suggester, s.label) for s in store.pending_suggestions(doc, "ana")) == [
        ("crf", "PERSON"), ("memory", "LOCATION")]


def test_accept_all_above_a_confidence(store, doc):
    store.store_suggestions(doc, "ana", "crf", _proposals())
    spans = store.accept_suggestions_above(doc, "ana", 0.6)
    assert sorted(s.text for s in spans) == ["Budi Santoso", "Medan", "Siti Rahman"]
    assert [s.label for s in store.pending_suggestions(doc, "ana")] == ["ORGANISATION"]
    records = {r.suggester: r for r in store.suggester_records("ana")}
    assert (records["crf"].accepted, records["crf"].rejected, records["crf"].pending) == (3, 0, 1)


def test_accept_all_above_a_confidence_is_one_transaction(store, doc, monkeypatch):
    store.store_suggestions(doc, "ana", "crf", _proposals())
    real_add_span = store.add_span
    calls = []

    def add_span_failing_the_third_time(*args, **kwargs):
        calls.append(args)
        if len(calls) == 3:
            raise StoreError("disk full")
        return real_add_span(*args, **kwargs)

    monkeypatch.setattr(store, "add_span", add_span_failing_the_third_time)
    with pytest.raises(StoreError, match="disk full"):
        store.accept_suggestions_above(doc, "ana", 0.5)
    assert len(calls) == 3
    assert store.spans(doc) == []  # the two accepted before the failure were taken back
    assert len(store.pending_suggestions(doc, "ana")) == 4


def test_precision_of_each_suggester_from_its_records(store, doc):
    store.store_suggestions(doc, "ana", "crf", _proposals())
    pending = store.pending_suggestions(doc, "ana")
    store.accept_suggestion(pending[0].id)
    store.reject_suggestion(pending[1].id)
    store.reject_suggestion(pending[2].id)
    (crf,) = store.suggester_records()
    assert (crf.suggester, crf.accepted, crf.rejected, crf.pending) == ("crf", 1, 2, 1)
    assert crf.precision == pytest.approx(1 / 3)


def test_gazetteers_spacy_labels_and_models_are_kept_in_the_project(store):
    store.set_gazetteer("kota", [("Medan", "LOCATION"), ("Jakarta", "LOCATION")])
    store.set_gazetteer("kota", [("Medan", "LOCATION")])
    store.set_gazetteer("bank", [("Bank Sentosa", "ORGANISATION")])
    assert store.gazetteers() == {"bank": 1, "kota": 1}
    assert sorted(store.gazetteer_entries()) == [("Bank Sentosa", "ORGANISATION"), ("Medan", "LOCATION")]
    store.set_spacy_labels({"PER": "PERSON", "GPE": "LOCATION"})
    assert store.spacy_labels() == {"GPE": "LOCATION", "PER": "PERSON"}
    assert store.suggester_model("crf") is None
    store.save_suggester_model("crf", b"\x00model", {"layer": "ana"})
    model, detail = store.suggester_model("crf")
    assert model == b"\x00model" and detail["layer"] == "ana" and detail["trained"]


def test_a_suggestion_labelled_by_hand_is_no_longer_pending(store, doc):
    store.store_suggestions(doc, "ana", "crf", _proposals())
    store.add_span(doc, "ana", *_offsets("Medan"), "LOCATION")
    store.add_span(doc, "budi", *_offsets("Budi Santoso"), "PERSON")  # another layer's span changes nothing
    assert sorted(TEXT[s.start:s.end]
                  for s in store.pending_suggestions(doc, "ana")) == ["Bank Sentosa", "Budi Santoso", "Siti Rahman"]


def test_the_same_span_from_two_suggesters_is_one_pending_suggestion(store, doc):
    store.store_suggestions(doc, "ana", "crf", [(*_offsets("Medan"), "LOCATION", 0.7)])
    store.store_suggestions(doc, "ana", "memory", [(*_offsets("Medan"), "LOCATION", 1.0),
                                                   (*_offsets("Medan"), "PERSON", 0.5)])
    assert [(s.suggester, s.label) for s in store.pending_suggestions(doc, "ana")] == [
        ("memory", "LOCATION"), ("memory", "PERSON")]
