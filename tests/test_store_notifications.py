"""Listeners hear of a transaction's changes once it ends, each kind and document once."""

from __future__ import annotations

import pytest


def test_a_transaction_tells_its_changes_once_when_it_ends(store):
    doc, _ = store.add_document("d", "Budi dan Budi dan Budi.")
    heard = []
    store.subscribe(lambda kind, document_id: heard.append((kind, document_id)))
    with store.transaction():
        for start in (0, 9, 18):
            store.add_span(doc.id, "ana", start, start + 4, "PERSON")
        assert heard == []  # nothing is committed yet
    assert heard.count(("spans", doc.id)) == 1
    heard.clear()
    store.add_span(doc.id, "budi", 0, 4, "PERSON")  # outside a transaction: at once
    assert ("spans", doc.id) in heard


def test_a_rolled_back_transaction_still_tells_listeners_to_look_again(store):
    doc, _ = store.add_document("d", "Budi dan Budi.")
    heard = []
    store.subscribe(lambda kind, document_id: heard.append((kind, document_id)))
    with pytest.raises(RuntimeError), store.transaction():
        store.add_span(doc.id, "ana", 0, 4, "PERSON")
        raise RuntimeError("a failure half-way")
    assert store.spans(doc.id, "ana") == [] and ("spans", doc.id) in heard


def test_a_change_a_view_mirrors_is_told_as_mirrored_even_after_the_transaction(store):
    doc, _ = store.add_document("d", "Budi dan Budi.")
    heard = []
    store.subscribe(lambda kind, document_id: heard.append((kind, document_id, store.delivering_mirrored)))
    with store.transaction():
        with store.mirrored():
            store.add_span(doc.id, "ana", 0, 4, "PERSON")
    assert heard == [("spans", doc.id, True)]  # the view that made it need not read it again
    heard.clear()
    with store.transaction():
        with store.mirrored():
            store.add_span(doc.id, "ana", 9, 13, "PERSON")
        store.add_span(doc.id, "budi", 0, 4, "PERSON")  # not mirrored: news for every view
    assert heard == [("spans", doc.id, False)]
    assert store.delivering_mirrored is False
